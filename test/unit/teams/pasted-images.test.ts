import { describe, expect, it } from 'vitest';
import { pastedImageLinks } from '../../../src/bots/teams/pasted-images.js';

const serviceUrl = 'https://smba.trafficmanager.net/amer/';
const activity = (attachments: Array<Record<string, unknown>>) => ({ serviceUrl, attachments }) as never;

describe('pasted images in a Teams message', () => {
  it('takes image attachments on the Bot Framework attachments API of the activity’s own service, in order', () => {
    const found = pastedImageLinks(
      activity([
        { contentType: 'image/png', contentUrl: `${serviceUrl}v3/attachments/0-a/views/original` },
        { contentType: 'text/html', content: '<p><img src="https://us-api.asm.skype.com/v1/objects/0-a/views/imgo"></p>' },
        { contentType: 'image/jpeg', contentUrl: `${serviceUrl}v3/attachments/0-b/views/original` },
      ]),
    );
    expect(found).toEqual({ links: [`${serviceUrl}v3/attachments/0-a/views/original`, `${serviceUrl}v3/attachments/0-b/views/original`], elsewhere: 0 });
  });

  it('never takes an image elsewhere (where the bot token would go to someone else)', () => {
    const found = pastedImageLinks(
      activity([
        { contentType: 'image/png', contentUrl: 'https://evil.example/v3/attachments/x/views/original' },
        { contentType: 'image/png', contentUrl: 'http://smba.trafficmanager.net/amer/v3/attachments/x/views/original' },
        { contentType: 'image/png', contentUrl: 'http://169.254.169.254/latest/meta-data' },
        { contentType: 'image/png', contentUrl: `${serviceUrl}v3/conversations/x/activities` },
        { contentType: 'image/png' },
      ]),
    );
    expect(found).toEqual({ links: [], elsewhere: 4 });
  });
});

import { describe, expect, it } from 'vitest';
import { attachedImageLinks, FILE_DOWNLOAD_INFO } from '../../../src/bots/teams/attached-images.js';

const serviceUrl = 'https://smba.trafficmanager.net/amer/';
const activity = (attachments: Array<Record<string, unknown>>) => ({ serviceUrl, attachments }) as never;
const file = (name: string, downloadUrl: string, fileType = name.split('.').pop()) => ({
  contentType: FILE_DOWNLOAD_INFO,
  contentUrl: `https://contoso-my.sharepoint.com/personal/ann_contoso_com/Documents/Microsoft Teams Chat Files/${name}`,
  name,
  content: { downloadUrl, uniqueId: '1150D938-8870-4044-9F2C-5BBDEBA70C8C', fileType },
});
const SP = 'https://contoso-my.sharepoint.com/personal/ann_contoso_com/_layouts/15/download.aspx?UniqueId=1150d938&tempauth=eyJ0eXAiOi';

describe('images in a Teams message', () => {
  it('takes pasted images on the Bot Framework attachments API of the activity’s own service (with the bot token), in order', () => {
    const found = attachedImageLinks(
      activity([
        { contentType: 'image/png', contentUrl: `${serviceUrl}v3/attachments/0-a/views/original` },
        { contentType: 'text/html', content: '<p><img src="https://us-api.asm.skype.com/v1/objects/0-a/views/imgo"></p>' },
        { contentType: 'image/jpeg', contentUrl: `${serviceUrl}v3/attachments/0-b/views/original` },
      ]),
    );
    expect(found).toEqual({
      images: [
        { url: `${serviceUrl}v3/attachments/0-a/views/original`, withToken: true },
        { url: `${serviceUrl}v3/attachments/0-b/views/original`, withToken: true },
      ],
      elsewhere: 0,
      notImages: [],
    });
  });

  it('takes attached image files from their SharePoint download link, without the token; names files that are not images', () => {
    const found = attachedImageLinks(activity([file('beach.JPG', SP, 'JPG'), file('plan.pdf', SP), file('team.webp', SP)]));
    expect(found).toEqual({
      images: [
        { url: SP, withToken: false, name: 'beach.JPG' },
        { url: SP, withToken: false, name: 'team.webp' },
      ],
      elsewhere: 0,
      notImages: ['plan.pdf'],
    });
  });

  it('never takes an image elsewhere (where the bot token would go to someone else, or a link leads inside the network)', () => {
    const found = attachedImageLinks(
      activity([
        { contentType: 'image/png', contentUrl: 'https://evil.example/v3/attachments/x/views/original' },
        { contentType: 'image/png', contentUrl: 'http://smba.trafficmanager.net/amer/v3/attachments/x/views/original' },
        { contentType: 'image/png', contentUrl: 'http://169.254.169.254/latest/meta-data' },
        { contentType: 'image/png', contentUrl: `${serviceUrl}v3/conversations/x/activities` },
        { contentType: 'image/png' },
        file('a.png', 'http://169.254.169.254/latest/meta-data'),
        file('b.png', 'http://contoso-my.sharepoint.com/download.aspx'),
        file('c.png', 'https://sharepoint.com.evil.example/download.aspx'),
        { contentType: FILE_DOWNLOAD_INFO, name: 'd.png', content: { fileType: 'png' } },
      ]),
    );
    expect(found).toEqual({ images: [], elsewhere: 8, notImages: [] });
  });
});

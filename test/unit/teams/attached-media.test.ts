import { describe, expect, it } from 'vitest';
import { attachedMediaLinks, bringsMedia, FILE_DOWNLOAD_INFO, untakenLines } from '../../../src/bots/teams/attached-media.js';

const serviceUrl = 'https://smba.trafficmanager.net/amer/';
const activity = (attachments: Array<Record<string, unknown>>) => ({ serviceUrl, attachments }) as never;
const file = (name: string, downloadUrl: string, fileType = name.split('.').pop()) => ({
  contentType: FILE_DOWNLOAD_INFO,
  contentUrl: `https://contoso-my.sharepoint.com/personal/ann_contoso_com/Documents/Microsoft Teams Chat Files/${name}`,
  name,
  content: { downloadUrl, uniqueId: '1150D938-8870-4044-9F2C-5BBDEBA70C8C', fileType },
});
const SP = 'https://contoso-my.sharepoint.com/personal/ann_contoso_com/_layouts/15/download.aspx?UniqueId=1150d938&tempauth=eyJ0eXAiOi';

describe('images and videos in a Teams message', () => {
  it('takes pasted images on the Bot Framework attachments API of the activity’s own service (with the bot token), in order', () => {
    const found = attachedMediaLinks(
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
      videos: [],
      elsewhere: 0,
      videosElsewhere: [],
      notMedia: [],
    });
  });

  it('takes attached image files from their SharePoint download link, without the token; names files that are not images', () => {
    const found = attachedMediaLinks(activity([file('beach.JPG', SP, 'JPG'), file('plan.pdf', SP), file('team.webp', SP)]));
    expect(found).toEqual({
      images: [
        { url: SP, withToken: false, name: 'beach.JPG' },
        { url: SP, withToken: false, name: 'team.webp' },
      ],
      videos: [],
      elsewhere: 0,
      videosElsewhere: [],
      notMedia: ['plan.pdf'],
    });
  });

  it('never takes an image elsewhere (where the bot token would go to someone else, or a link leads inside the network)', () => {
    const found = attachedMediaLinks(
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
    expect(found).toEqual({ images: [], videos: [], elsewhere: 8, videosElsewhere: [], notMedia: [] });
  });

  it('takes attached MP4, M4V and MOV files from their SharePoint link, without the token, by file type or by name', () => {
    const found = attachedMediaLinks(
      activity([
        file('tour.mp4', SP),
        file('Clip.MOV', SP, 'MOV'),
        file('phone.m4v', SP),
        { ...file('untyped.mov', SP), content: { downloadUrl: SP } },
        file('song.mp3', SP),
        file('movie.avi', SP),
      ]),
    );
    expect(found).toEqual({
      images: [],
      videos: [
        { url: SP, name: 'tour.mp4' },
        { url: SP, name: 'Clip.MOV' },
        { url: SP, name: 'phone.m4v' },
        { url: SP, name: 'untyped.mov' },
      ],
      elsewhere: 0,
      videosElsewhere: [],
      notMedia: ['song.mp3', 'movie.avi'],
    });
  });

  it('never follows a video link elsewhere than OneDrive (or, in local mode, the service’s own host), and names the file', () => {
    const local = {
      serviceUrl: 'http://127.0.0.1:3978/teams/',
      attachments: [
        file('here.mp4', 'http://127.0.0.1:3978/sharepoint/download.aspx?UniqueId=1'),
        file('other-port.mp4', 'http://127.0.0.1:9/x.mp4'),
      ],
    } as never;
    expect(attachedMediaLinks(local).videos).toEqual([
      { url: 'http://127.0.0.1:3978/sharepoint/download.aspx?UniqueId=1', name: 'here.mp4' },
    ]);
    const found = attachedMediaLinks(
      activity([
        file('a.mp4', 'http://169.254.169.254/latest/meta-data'),
        file('b.mp4', 'http://contoso-my.sharepoint.com/download.aspx'),
        file('c.mov', 'https://sharepoint.com.evil.example/download.aspx'),
        file('d.mp4', 'not a link'),
        { contentType: 'video/mp4', contentUrl: `${serviceUrl}v3/attachments/0-v/views/original` },
      ]),
    );
    expect(found).toEqual({ images: [], videos: [], elsewhere: 0, videosElsewhere: ['a.mp4', 'b.mp4', 'c.mov', 'd.mp4'], notMedia: [] });
    expect(untakenLines(found)).toEqual(
      ['a.mp4', 'b.mp4', 'c.mov', 'd.mp4'].map(
        (n) => `${n} was not taken: Greenlight takes videos attached to your message with the paperclip, not links elsewhere.`,
      ),
    );
  });

  it('a message brings media when anything in it was meant to be: taken, elsewhere, or a file of another kind', () => {
    expect(bringsMedia(activity([]))).toBe(false);
    expect(bringsMedia(activity([{ contentType: 'text/html', content: '<p>hello</p>' }]))).toBe(false);
    expect(bringsMedia(activity([file('plan.pdf', SP)]))).toBe(true);
    expect(bringsMedia(activity([file('x.mp4', 'https://evil.example/x.mp4')]))).toBe(true);
    expect(untakenLines({ images: [], videos: [], elsewhere: 2, videosElsewhere: [], notMedia: ['plan.pdf'] })).toEqual([
      '2 images were not taken: Greenlight takes images pasted into your message or attached to it, not links or card images.',
      'plan.pdf was not taken: Greenlight takes JPEG, PNG, GIF and WebP images, and MP4 and MOV videos.',
    ]);
  });
});

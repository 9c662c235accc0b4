/**
 * Images and videos someone gave Greenlight in a message in Teams, in the two ways Teams has:
 *
 * - **Pasted** into the message (images only): an `image/*` attachment whose `contentUrl` is
 *   on the Bot Framework attachments API, under the activity's own service URL, readable only
 *   with the bot's token.
 * - **Attached** as a file (the paperclip, in the 1:1 chat; the app package says
 *   `supportsFiles`): Teams first puts the file in the person's OneDrive and sends a
 *   `file.download.info` attachment whose `downloadUrl` is a short-lived, pre-authorised
 *   SharePoint link. It needs no token, and gets none. Images and videos come this way.
 *
 * Either way the bytes go into the media store (the links expire, so they are never what gets
 * published). The bot's token goes to the activity's service URL and nowhere else, and a file
 * link is followed only on SharePoint (or the service URL's own host: Teams' local mode): an
 * attachment elsewhere (a card's image, a link someone crafted) is left alone and the person is
 * told why. Images are taken inside the turn (they are small); a video is received after it
 * (attached-video.ts).
 */
import type { TurnContext } from 'botbuilder';
import type { ConnectorClient } from 'botframework-connector';
import { z } from 'zod';
import { downloadMedia } from '../../media/media-download.js';
import { MediaRejected } from '../../media/media-rejected.js';
import type { MediaLimits, MediaStore, StoredMedia } from '../../media/media-store.js';

/** A post takes at most 10 images (Instagram's carousel); more at once are not taken. */
export const MAX_ATTACHED_IMAGES = 10;

/** What Teams sends for a file someone attached in the 1:1 chat with a bot. */
export const FILE_DOWNLOAD_INFO = 'application/vnd.microsoft.teams.file.download.info';

/** The file types Greenlight takes (the bytes are checked too: a name can lie). */
const IMAGE_FILE_TYPES = new Set(['jpg', 'jpeg', 'png', 'gif', 'webp']);
/** MP4 (and its Apple flavour, M4V) and QuickTime: what the media store reads a video from. */
const VIDEO_FILE_TYPES = new Set(['mp4', 'm4v', 'mov']);

/** SharePoint's clouds: where OneDrive's download links live (commercial, GCC High/DoD, China, Germany). */
const SHAREPOINT_HOSTS = ['.sharepoint.com', '.sharepoint.us', '.sharepoint-mil.us', '.sharepoint.cn', '.sharepoint.de'];

const FileDownloadInfo = z.object({ downloadUrl: z.string(), fileType: z.string().optional() });

export interface AttachedImage {
  url: string;
  /** Send the bot's token (Bot Framework attachments); file links are pre-authorised. */
  withToken: boolean;
  /** The file's name when Teams gives one, for messages. */
  name?: string;
}

/** A video file attached with the paperclip: its pre-authorised link (never sent a token) and its name. */
export interface AttachedVideo {
  url: string;
  name: string;
}

export interface AttachedMediaLinks {
  images: AttachedImage[];
  videos: AttachedVideo[];
  /** Images (or attachments that could not be read) elsewhere than Teams keeps them: not fetched. */
  elsewhere: number;
  /** Video files whose link leads elsewhere than OneDrive, by name: not fetched. */
  videosElsewhere: string[];
  /** Files that are neither images nor videos, by name. */
  notMedia: string[];
}

export interface AttachedImages {
  /** Stored, in the order they came. */
  stored: StoredMedia[];
  /** One line per image or file that was not taken, saying why, in words for the person. */
  problems: string[];
}

const parseUrl = (value: unknown): URL | undefined => {
  try {
    return typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    return undefined;
  }
};

/** A file link Greenlight follows: OneDrive's (SharePoint, https), or the service's own host (local mode). */
function fileLink(downloadUrl: string, service: URL | undefined): URL | undefined {
  const url = parseUrl(downloadUrl);
  const onSharePoint = url?.protocol === 'https:' && SHAREPOINT_HOSTS.some((h) => url.hostname.endsWith(h));
  return url && (onSharePoint || (service && url.origin === service.origin)) ? url : undefined;
}

/** The images and videos in a message: which to fetch and how, what was elsewhere, and files that are neither. Pure. */
export function attachedMediaLinks(activity: TurnContext['activity']): AttachedMediaLinks {
  const service = parseUrl(activity.serviceUrl);
  const found: AttachedMediaLinks = { images: [], videos: [], elsewhere: 0, videosElsewhere: [], notMedia: [] };
  for (const attachment of activity.attachments ?? []) {
    if (attachment.contentType === FILE_DOWNLOAD_INFO) {
      const info = FileDownloadInfo.safeParse(attachment.content);
      const name = typeof attachment.name === 'string' ? attachment.name : undefined;
      if (!info.success) {
        found.elsewhere++;
        continue;
      }
      const fileType = (info.data.fileType ?? name?.split('.').pop() ?? '').toLowerCase();
      const url = fileLink(info.data.downloadUrl, service);
      if (VIDEO_FILE_TYPES.has(fileType)) {
        const videoName = name ?? `video.${fileType}`;
        if (url) found.videos.push({ url: url.href, name: videoName });
        else found.videosElsewhere.push(videoName);
      } else if (IMAGE_FILE_TYPES.has(fileType)) {
        if (url) found.images.push({ url: url.href, withToken: false, ...(name ? { name } : {}) });
        else found.elsewhere++;
      } else {
        found.notMedia.push(name ?? 'A file');
      }
      continue;
    }
    if (!attachment.contentType?.startsWith('image/') || typeof attachment.contentUrl !== 'string') continue;
    const url = parseUrl(attachment.contentUrl);
    if (url && service && url.origin === service.origin && url.pathname.includes('/v3/attachments/'))
      found.images.push({ url: url.href, withToken: true });
    else found.elsewhere++;
  }
  return found;
}

/** Whether a message brings images or videos (or files that were meant to be). */
export function bringsMedia(activity: TurnContext['activity']): boolean {
  const { images, videos, elsewhere, videosElsewhere, notMedia } = attachedMediaLinks(activity);
  return images.length + videos.length + elsewhere + videosElsewhere.length + notMedia.length > 0;
}

/** What was not taken from a message and why, one line each, in words for the person. Pure. */
export function untakenLines(links: AttachedMediaLinks): string[] {
  const lines: string[] = [];
  if (links.elsewhere) {
    lines.push(
      `${links.elsewhere === 1 ? 'One image was' : `${links.elsewhere} images were`} not taken: Greenlight takes images pasted into your message or attached to it, not links or card images.`,
    );
  }
  for (const name of links.videosElsewhere)
    lines.push(`${name} was not taken: Greenlight takes videos attached to your message with the paperclip, not links elsewhere.`);
  for (const name of links.notMedia)
    lines.push(`${name} was not taken: Greenlight takes JPEG, PNG, GIF and WebP images, and MP4 and MOV videos.`);
  return lines;
}

/** Downloads the message's images into the store, one at a time (each checked as it arrives). */
export async function takeAttachedImages(
  context: TurnContext,
  images: readonly AttachedImage[],
  media: MediaStore,
  limits: MediaLimits,
): Promise<AttachedImages> {
  const result: AttachedImages = { stored: [], problems: [] };
  if (images.length > MAX_ATTACHED_IMAGES)
    result.problems.push(`A post takes at most ${MAX_ATTACHED_IMAGES} images; the first ${MAX_ATTACHED_IMAGES} were taken.`);
  if (!images.length) return result;
  const token = images.some((i) => i.withToken) ? await botToken(context) : '';
  // The service URL was vouched for by the activity's token; in local mode it is this machine.
  const allowHttp = new URL(context.activity.serviceUrl).protocol === 'http:';
  for (const [i, image] of images.slice(0, MAX_ATTACHED_IMAGES).entries()) {
    try {
      result.stored.push(
        await downloadMedia(image.url, media, {
          token: image.withToken ? token : '',
          limits,
          headersTimeoutMs: 10_000,
          timeoutMs: 60_000,
          allowHttp,
        }),
      );
    } catch (error) {
      if (!(error instanceof MediaRejected)) throw error;
      result.problems.push(`${image.name ?? `Image ${i + 1}`}: ${error.message}`);
    }
  }
  return result;
}

/** The bot's token for the Bot Framework, from this turn's connector client; empty in local mode. */
async function botToken(context: TurnContext): Promise<string> {
  const client = context.turnState.get<ConnectorClient>(context.adapter.ConnectorClientKey);
  const credentials = (client as unknown as { credentials?: { appId?: string; getToken?: (force?: boolean) => Promise<string> } })
    .credentials;
  if (!credentials?.appId || !credentials.getToken) return '';
  return credentials.getToken();
}

/**
 * Images someone gave Greenlight in a message in Teams, in either of the two ways Teams has:
 *
 * - **Pasted** into the message: an `image/*` attachment whose `contentUrl` is on the Bot
 *   Framework attachments API, under the activity's own service URL, readable only with the
 *   bot's token.
 * - **Attached** as a file (the paperclip, in the 1:1 chat; the app package says
 *   `supportsFiles`): Teams first puts the file in the person's OneDrive and sends a
 *   `file.download.info` attachment whose `downloadUrl` is a short-lived, pre-authorised
 *   SharePoint link. It needs no token, and gets none.
 *
 * Either way the bytes go into the media store (the links expire, so they are never what gets
 * published). The bot's token goes to the activity's service URL and nowhere else, and a file
 * link is followed only on SharePoint (or the service URL's own host: Teams' local mode): an
 * attachment elsewhere (a card's image, a link someone crafted) is left alone and the person is
 * told why.
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

/** The images in a message: which to fetch and how, how many were elsewhere, and files that are not images. */
export function attachedImageLinks(activity: TurnContext['activity']): { images: AttachedImage[]; elsewhere: number; notImages: string[] } {
  const service = parseUrl(activity.serviceUrl);
  const images: AttachedImage[] = [];
  const notImages: string[] = [];
  let elsewhere = 0;
  for (const attachment of activity.attachments ?? []) {
    if (attachment.contentType === FILE_DOWNLOAD_INFO) {
      const info = FileDownloadInfo.safeParse(attachment.content);
      const name = typeof attachment.name === 'string' ? attachment.name : undefined;
      if (!info.success) {
        elsewhere++;
        continue;
      }
      const fileType = (info.data.fileType ?? name?.split('.').pop() ?? '').toLowerCase();
      if (!IMAGE_FILE_TYPES.has(fileType)) {
        notImages.push(name ?? 'A file');
        continue;
      }
      const url = parseUrl(info.data.downloadUrl);
      const onSharePoint = url?.protocol === 'https:' && SHAREPOINT_HOSTS.some((h) => url.hostname.endsWith(h));
      if (url && (onSharePoint || (service && url.origin === service.origin))) images.push({ url: url.href, withToken: false, ...(name ? { name } : {}) });
      else elsewhere++;
      continue;
    }
    if (!attachment.contentType?.startsWith('image/') || typeof attachment.contentUrl !== 'string') continue;
    const url = parseUrl(attachment.contentUrl);
    if (url && service && url.origin === service.origin && url.pathname.includes('/v3/attachments/')) images.push({ url: url.href, withToken: true });
    else elsewhere++;
  }
  return { images, elsewhere, notImages };
}

/** Whether a message brings images (or files that were meant to be). */
export function bringsImages(activity: TurnContext['activity']): boolean {
  const { images, elsewhere, notImages } = attachedImageLinks(activity);
  return images.length + elsewhere + notImages.length > 0;
}

/** Downloads the message's images into the store, one at a time (each checked as it arrives). */
export async function takeAttachedImages(context: TurnContext, media: MediaStore, limits: MediaLimits): Promise<AttachedImages> {
  const { images, elsewhere, notImages } = attachedImageLinks(context.activity);
  const result: AttachedImages = { stored: [], problems: [] };
  if (elsewhere) result.problems.push(`${elsewhere === 1 ? 'One image was' : `${elsewhere} images were`} not taken: Greenlight takes images pasted into your message or attached to it, not links or card images.`);
  for (const name of notImages) result.problems.push(`${name} was not taken: Greenlight takes JPEG, PNG, GIF and WebP images.`);
  if (images.length > MAX_ATTACHED_IMAGES) result.problems.push(`A post takes at most ${MAX_ATTACHED_IMAGES} images; the first ${MAX_ATTACHED_IMAGES} were taken.`);
  if (!images.length) return result;
  const token = images.some((i) => i.withToken) ? await botToken(context) : '';
  // The service URL was vouched for by the activity's token; in local mode it is this machine.
  const allowHttp = new URL(context.activity.serviceUrl).protocol === 'http:';
  for (const [i, image] of images.slice(0, MAX_ATTACHED_IMAGES).entries()) {
    try {
      result.stored.push(await downloadMedia(image.url, media, { token: image.withToken ? token : '', limits, headersTimeoutMs: 10_000, timeoutMs: 60_000, allowHttp }));
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
  const credentials = (client as unknown as { credentials?: { appId?: string; getToken?: (force?: boolean) => Promise<string> } }).credentials;
  if (!credentials?.appId || !credentials.getToken) return '';
  return credentials.getToken();
}

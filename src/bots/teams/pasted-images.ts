/**
 * Images someone pasted into a message to Greenlight in Teams. Teams attaches each as an
 * `image/*` attachment whose `contentUrl` is on the Bot Framework attachments API, under the
 * activity's own service URL, readable only with the bot's token; Greenlight downloads the
 * bytes into its media store (a Teams link expires and needs that token, so it is never what
 * gets published).
 *
 * The token goes to the activity's service URL and nowhere else: an attachment elsewhere (a
 * card's image, a link someone crafted) is left alone and the person is told why.
 */
import type { TurnContext } from 'botbuilder';
import type { ConnectorClient } from 'botframework-connector';
import { downloadMedia } from '../../media/media-download.js';
import { MediaRejected } from '../../media/media-rejected.js';
import type { MediaLimits, MediaStore, StoredMedia } from '../../media/media-store.js';

/** A post takes at most 10 images (Instagram's carousel); more pasted at once are not taken. */
export const MAX_PASTED_IMAGES = 10;

export interface PastedImages {
  /** Stored, in the order they were pasted. */
  stored: StoredMedia[];
  /** One line per image that was not taken, saying why, in words for the person. */
  problems: string[];
}

/** The pasted images' links: `image/*` attachments under the activity's service URL. */
export function pastedImageLinks(activity: TurnContext['activity']): { links: string[]; elsewhere: number } {
  let origin: string | undefined;
  try {
    origin = new URL(activity.serviceUrl).origin;
  } catch {
    origin = undefined;
  }
  const links: string[] = [];
  let elsewhere = 0;
  for (const attachment of activity.attachments ?? []) {
    if (!attachment.contentType?.startsWith('image/') || typeof attachment.contentUrl !== 'string') continue;
    let url: URL | undefined;
    try {
      url = new URL(attachment.contentUrl);
    } catch {
      url = undefined;
    }
    if (url && origin && url.origin === origin && url.pathname.includes('/v3/attachments/')) links.push(url.href);
    else elsewhere++;
  }
  return { links, elsewhere };
}

/** Downloads the pasted images into the store, one at a time (each checked as it arrives). */
export async function takePastedImages(context: TurnContext, media: MediaStore, limits: MediaLimits): Promise<PastedImages> {
  const { links, elsewhere } = pastedImageLinks(context.activity);
  const result: PastedImages = { stored: [], problems: [] };
  if (elsewhere) result.problems.push(`${elsewhere === 1 ? 'One image was' : `${elsewhere} images were`} not taken: Greenlight takes images pasted into your message, not links or card images.`);
  if (links.length > MAX_PASTED_IMAGES) result.problems.push(`A post takes at most ${MAX_PASTED_IMAGES} images; the first ${MAX_PASTED_IMAGES} were taken.`);
  if (!links.length) return result;
  const token = await botToken(context);
  // The service URL was vouched for by the activity's token; in local mode it is this machine.
  const allowHttp = new URL(context.activity.serviceUrl).protocol === 'http:';
  for (const [i, link] of links.slice(0, MAX_PASTED_IMAGES).entries()) {
    try {
      result.stored.push(await downloadMedia(link, media, { token, limits, headersTimeoutMs: 10_000, timeoutMs: 60_000, allowHttp }));
    } catch (error) {
      if (!(error instanceof MediaRejected)) throw error;
      result.problems.push(`Image ${i + 1}: ${error.message}`);
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

/**
 * A video (or, where a form has no file field, an image) given by link in the draft (issue 15): downloaded into the media store while the
 * author waits, so what approvers approve is exactly the bytes that will be published (a link
 * can change what it serves; the store cannot). Fetched only from the public internet, every
 * redirect checked (fetchPublic), read from the file itself as an upload is.
 */
import type { PostImage, PostVideo } from '../../domain/post.js';
import { PUBLIC_MEDIA_ONLY } from '../../domain/media-links.js';
import { MediaRejected } from '../../media/media-rejected.js';
import { fetchPublic, refusedLinkIn, type PublicResponse } from '../../platforms/http/public-fetch.js';
import type { WorkflowContext } from '../context.js';

/** Whether a link names a video file (its path ends .mp4, .m4v or .mov): the dialog then takes it as a video. */
export function isVideoLink(link: string | null | undefined): boolean {
  if (!link) return false;
  try {
    return /\.(mp4|m4v|mov)$/i.test(new URL(link.trim()).pathname);
  } catch {
    return false;
  }
}

/** Until the answer starts, and for the whole file (a large video on a slow server takes a while). */
const HEADERS_TIMEOUT_MS = 15_000;
const WHOLE_TIMEOUT_MS = 30 * 60_000;

export type TakenVideo = { ok: true; video: PostVideo } | { ok: false; message: string };

/** Why a link is not followed, in words, for a video link or an image link. */
function refusedMessage(problem: string, what: 'video' | 'image'): string {
  switch (problem) {
    case 'not_a_link':
    case 'scheme':
      return `The ${what} link must be a web address starting with https://.`;
    case 'credentials':
      return `The ${what} link must not contain a user name or password.`;
    case 'not_public':
      return `The ${what} link must point to the public internet, not to a private or local address.`;
    case 'redirects':
      return `The ${what} link redirects too many times to be downloaded.`;
    default:
      return 'Greenlight does not download from that link.';
  }
}

export async function takeVideoLink(
  ctx: WorkflowContext,
  link: string,
  onBytes: (received: number, total: number | null) => void = () => undefined,
): Promise<TakenVideo> {
  const store = ctx.mediaStore;
  const limits = ctx.videoLimits;
  if (!store || !limits) return { ok: false, message: 'Videos are not available in this Greenlight (no media store).' };
  const url = new URL(link.trim());
  const where = `${url.host}${url.pathname.length > 60 ? `${url.pathname.slice(0, 59)}…` : url.pathname}`;
  const whole = AbortSignal.timeout(WHOLE_TIMEOUT_MS);
  // Only until the answer starts: the body has the whole-download timeout.
  const headers = new AbortController();
  const headersTimer = setTimeout(() => headers.abort(new DOMException('no answer in time', 'TimeoutError')), HEADERS_TIMEOUT_MS);
  let fetched: PublicResponse;
  try {
    fetched = await fetchPublic(url, {
      policy: ctx.media ?? PUBLIC_MEDIA_ONLY,
      headers: { accept: 'video/*' },
      signal: AbortSignal.any([whole, headers.signal]),
    });
  } catch (error) {
    const refused = refusedLinkIn(error);
    if (refused) return { ok: false, message: refusedMessage(refused.problem, 'video') };
    return {
      ok: false,
      message: `Could not download the video from ${where} (${headers.signal.aborted ? 'no answer in time' : 'the connection failed'}); try again.`,
    };
  } finally {
    clearTimeout(headersTimer);
  }
  try {
    const { response } = fetched;
    if (!response.ok)
      return {
        ok: false,
        message: `The video link answered HTTP ${response.status}${response.status === 404 || response.status === 410 ? ' (not found)' : ''}.`,
      };
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > limits.maxBytes)
      return { ok: false, message: MediaRejected.tooLarge(limits.maxBytes, declared, 'video').userMessage };
    const total = Number.isFinite(declared) ? declared : null;
    let received = 0;
    const body = response.body;
    if (!body) return { ok: false, message: 'The video link sent nothing.' };
    async function* counted(): AsyncGenerator<Uint8Array> {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        received += chunk.length;
        onBytes(received, total);
        yield chunk;
      }
    }
    const stored = await store.putVideo(counted(), limits);
    const name = decodeURIComponent(url.pathname.split('/').pop() || 'video.mp4').slice(0, 200);
    const { sha256, bytes, container, durationSeconds, width, height, videoCodec, audioCodec } = stored;
    return { ok: true, video: { sha256, bytes, container, durationSeconds, width, height, videoCodec, audioCodec, name } };
  } catch (error) {
    if (error instanceof MediaRejected)
      return {
        ok: false,
        message: whole.aborted ? `Downloading the video from ${where} took longer than 30 minutes; try again.` : error.userMessage,
      };
    ctx.logger.warn('could not take a video from a link', { link: where, error });
    return { ok: false, message: `Could not download the video from ${where}; try again.` };
  } finally {
    await fetched.close();
  }
}

export type TakenImage = { ok: true; image: PostImage } | { ok: false; message: string };

/**
 * An image given by link where a form has no file field (Teams' YouTube thumbnail): downloaded
 * now into the media store the same careful way, checked as an upload is (real type, size,
 * dimensions), so approvers approve exactly those bytes.
 */
export async function takeImageLink(ctx: WorkflowContext, link: string): Promise<TakenImage> {
  const store = ctx.mediaStore;
  const limits = ctx.mediaLimits;
  if (!store || !limits) return { ok: false, message: 'Images are not available in this Greenlight (no media store).' };
  let url: URL;
  try {
    url = new URL(link.trim());
  } catch {
    return { ok: false, message: refusedMessage('not_a_link', 'image') };
  }
  let fetched: PublicResponse;
  try {
    fetched = await fetchPublic(url, {
      policy: ctx.media ?? PUBLIC_MEDIA_ONLY,
      headers: { accept: 'image/*' },
      signal: AbortSignal.timeout(IMAGE_TIMEOUT_MS),
    });
  } catch (error) {
    const refused = refusedLinkIn(error);
    if (refused) return { ok: false, message: refusedMessage(refused.problem, 'image') };
    return { ok: false, message: `Could not download the image from ${url.host} (the connection failed or took too long); try again.` };
  }
  try {
    const { response } = fetched;
    if (!response.ok || !response.body) return { ok: false, message: `The image link answered HTTP ${response.status}.` };
    const stored = await store.put(response.body as unknown as AsyncIterable<Uint8Array>, limits);
    const image: PostImage = {
      sha256: stored.sha256,
      type: stored.type,
      bytes: stored.bytes,
      width: stored.width,
      height: stored.height,
      alt: null,
    };
    // A JPEG turned a quarter (EXIF 5–8) is shown with width and height swapped.
    if (stored.orientation !== undefined && stored.orientation >= 5) Object.assign(image, { width: stored.height, height: stored.width });
    return { ok: true, image };
  } catch (error) {
    if (error instanceof MediaRejected) return { ok: false, message: error.userMessage };
    ctx.logger.warn('could not take an image from a link', { host: url.host, error });
    return { ok: false, message: `Could not download the image from ${url.host}; try again.` };
  } finally {
    await fetched.close();
  }
}

/** A small image has to arrive while a form waits for its answer. */
const IMAGE_TIMEOUT_MS = 8_000;

/**
 * A video given by link in the draft (issue 15): downloaded into the media store while the
 * author waits, so what approvers approve is exactly the bytes that will be published (a link
 * can change what it serves; the store cannot). Fetched only from the public internet, every
 * redirect checked (fetchPublic), read from the file itself as an upload is.
 */
import type { PostVideo } from '../../domain/post.js';
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

const REFUSED: Record<string, string> = {
  not_a_link: 'The video link must be a web address starting with https://.',
  scheme: 'The video link must be a web address starting with https://.',
  credentials: 'The video link must not contain a user name or password.',
  not_public: 'The video link must point to the public internet, not to a private or local address.',
  redirects: 'The video link redirects too many times to be downloaded.',
};

export async function takeVideoLink(ctx: WorkflowContext, link: string, onBytes: (received: number, total: number | null) => void = () => undefined): Promise<TakenVideo> {
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
    fetched = await fetchPublic(url, { policy: ctx.media ?? PUBLIC_MEDIA_ONLY, headers: { accept: 'video/*' }, signal: AbortSignal.any([whole, headers.signal]) });
  } catch (error) {
    const refused = refusedLinkIn(error);
    if (refused) return { ok: false, message: REFUSED[refused.problem] ?? 'Greenlight does not download from that link.' };
    return { ok: false, message: `Could not download the video from ${where} (${headers.signal.aborted ? 'no answer in time' : 'the connection failed'}); try again.` };
  } finally {
    clearTimeout(headersTimer);
  }
  try {
    const { response } = fetched;
    if (!response.ok) return { ok: false, message: `The video link answered HTTP ${response.status}${response.status === 404 || response.status === 410 ? ' (not found)' : ''}.` };
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > limits.maxBytes) return { ok: false, message: MediaRejected.tooLarge(limits.maxBytes, declared, 'video').userMessage };
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
    if (error instanceof MediaRejected) return { ok: false, message: whole.aborted ? `Downloading the video from ${where} took longer than 30 minutes; try again.` : error.userMessage };
    ctx.logger.warn('could not take a video from a link', { link: where, error });
    return { ok: false, message: `Could not download the video from ${where}; try again.` };
  } finally {
    await fetched.close();
  }
}

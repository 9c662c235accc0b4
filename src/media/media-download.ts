/**
 * Downloads a file a chat holds for us into the media store: a Slack `url_private`, a Teams
 * attachment, each readable only with the bot's token. Such a link expires and needs that
 * token, so Greenlight keeps the bytes and never publishes the link.
 *
 * The token goes only to the origin (scheme, host and port) first asked: Slack answers a file
 * link with a redirect to another host, and that host must never see it. Redirects are
 * followed here hop by hop, https only. A declared Content-Length over the limit is refused
 * before the body is read; the store counts the bytes too, for servers that do not say or
 * lie. Two timeouts: one until the answer starts, one for the whole file.
 *
 * Messages show the link without its query string (signatures live there) and never the
 * token.
 */
import { redact } from '../observability/redact.js';
import { MediaRejected } from './media-rejected.js';
import type { MediaLimits, MediaSource, MediaStore, StoredMedia, StoredVideo } from './media-store.js';

/** The part of fetch used here; tests pass their own. */
export type MediaFetch = (
  url: string,
  init: { headers: Record<string, string>; redirect: 'manual'; signal: AbortSignal },
) => Promise<Response>;

// undici is loaded on the first download, not at start-up.
const defaultFetch: MediaFetch = async (url, init) => (await import('undici')).fetch(url, init) as unknown as Promise<Response>;

export interface MediaDownloadOptions {
  /** Sent as `Authorization: Bearer …` to the link's own origin only; empty: none (Teams local mode). */
  token: string;
  limits: MediaLimits;
  /** Until the response headers arrive, redirects included. */
  headersTimeoutMs: number;
  /** For the whole download, the body included. */
  timeoutMs: number;
  /** Plain http too (local fakes and tests); otherwise https only, for every hop. */
  allowHttp?: boolean;
  fetch?: MediaFetch;
}

export const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** The link as shown to people: no query string, not too long, nothing secret. */
function shown(url: URL): string {
  const base = `${url.origin}${url.pathname}${url.search ? '?…' : ''}`;
  return redact(base.length > 120 ? `${base.slice(0, 119)}…` : base);
}

function seconds(ms: number): string {
  const s = Math.round((ms / 1000) * 10) / 10;
  return `${s} second${s === 1 ? '' : 's'}`;
}

/** A response without a body (a 204, say): stored as nothing, which the store refuses as empty. */
async function* noBody(): AsyncGenerator<Uint8Array> {}

const failed = (message: string, cause?: unknown) =>
  new MediaRejected('download_failed', message, cause === undefined ? undefined : { cause });

/** Downloads an image into the store (checked as an image as it arrives). */
export function downloadMedia(link: string, store: MediaStore, options: MediaDownloadOptions): Promise<StoredMedia> {
  return download(link, options, 'image', (body) => store.put(body, options.limits));
}

/**
 * Downloads a video into the store (MP4 or MOV, its description read once complete), telling
 * `onBytes` how much has arrived so far: a video takes long enough for people to want to know.
 */
export function downloadVideo(
  link: string,
  store: MediaStore,
  options: MediaDownloadOptions & { onBytes?: (received: number, total: number | null) => void },
): Promise<StoredVideo> {
  return download(link, options, 'video', (body, declared) =>
    store.putVideo(options.onBytes ? counted(body, declared, options.onBytes) : body, options.limits),
  );
}

async function* counted(
  body: MediaSource,
  total: number | null,
  onBytes: (received: number, total: number | null) => void,
): AsyncGenerator<Uint8Array> {
  let received = 0;
  for await (const chunk of body as AsyncIterable<Uint8Array>) {
    received += chunk.length;
    onBytes(received, total);
    yield chunk;
  }
}

async function download<T>(
  link: string,
  options: MediaDownloadOptions,
  what: 'image' | 'video',
  put: (body: MediaSource, declared: number | null) => Promise<T>,
): Promise<T> {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw failed('The file’s link is not a web address, so it could not be downloaded.');
  }
  const where = shown(url);

  const whole = AbortSignal.timeout(options.timeoutMs);
  const headers = new AbortController();
  const headersTimer = setTimeout(
    () => headers.abort(new DOMException('no response headers in time', 'TimeoutError')),
    options.headersTimeoutMs,
  );
  const signal = AbortSignal.any([whole, headers.signal]);
  /** The timeout to report, when one is why the download stopped. */
  const timedOut = (cause: unknown) =>
    whole.aborted
      ? new MediaRejected('timeout', `Downloading the file from ${where} took longer than ${seconds(options.timeoutMs)}; try again.`, {
          cause,
        })
      : headers.signal.aborted
        ? new MediaRejected(
            'timeout',
            `The server at ${url.host} did not start sending the file within ${seconds(options.headersTimeoutMs)}; try again.`,
            { cause },
          )
        : undefined;

  try {
    let response: Response;
    try {
      response = await follow(url, options, signal);
    } catch (error) {
      if (error instanceof MediaRejected) throw error;
      throw timedOut(error) ?? failed(`Could not download the file from ${where} (the connection failed); try again.`, error);
    }
    clearTimeout(headersTimer);
    try {
      refuseEarly(response, where, options.limits, what);
      const declared = Number(response.headers.get('content-length') ?? NaN);
      return await put(response.body ?? noBody(), Number.isFinite(declared) ? declared : null);
    } catch (error) {
      // The body stops with an abort error when the whole-download timeout fires mid-file.
      if (error instanceof MediaRejected && error.reason === 'interrupted') throw timedOut(error.cause) ?? error;
      throw error;
    } finally {
      await response.body?.cancel().catch(() => undefined);
    }
  } finally {
    clearTimeout(headersTimer);
  }
}

/** GETs `first`, following redirects to https (http where allowed), with the token for `first`'s origin only. */
async function follow(first: URL, options: MediaDownloadOptions, signal: AbortSignal): Promise<Response> {
  const get = options.fetch ?? defaultFetch;
  let current = first;
  for (let hop = 0; ; hop++) {
    if (current.protocol !== 'https:' && !(current.protocol === 'http:' && options.allowHttp)) {
      throw failed(
        `The file at ${shown(current)} was not downloaded: Greenlight downloads files over https only${hop > 0 ? ', redirects included' : ''}.`,
      );
    }
    const headers: Record<string, string> =
      options.token && current.origin === first.origin ? { authorization: `Bearer ${options.token}` } : {};
    const response = await get(current.href, { headers, redirect: 'manual', signal });
    const location = response.headers.get('location');
    if (!REDIRECTS.has(response.status) || location === null) return response;
    await response.body?.cancel().catch(() => undefined);
    if (hop >= MAX_REDIRECTS) throw failed(`The file at ${shown(first)} redirects too many times to be downloaded.`);
    try {
      current = new URL(location, current);
    } catch {
      throw failed(`The file at ${shown(first)} redirects to something that is not a web address.`);
    }
  }
}

/** What the status and headers already say, before a byte of the body is read. */
function refuseEarly(response: Response, where: string, limits: MediaLimits, what: 'image' | 'video'): void {
  const status = response.status;
  if (status === 401 || status === 403) {
    throw failed(
      `Greenlight was not allowed to download the file at ${where} (HTTP ${status}); the bot may lack permission to read files.`,
    );
  }
  if (status === 404 || status === 410) throw failed(`The file at ${where} is no longer there (HTTP ${status}).`);
  if (!response.ok) throw failed(`Could not download the file at ${where} (HTTP ${status}); try again.`);
  // Slack answers a file link the token may not read with its sign-in page, and a 200.
  const contentType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (contentType === 'text/html') {
    throw failed(`The server sent a web page instead of the file at ${where}; the bot may lack permission to read files.`);
  }
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limits.maxBytes) throw MediaRejected.tooLarge(limits.maxBytes, declared, what);
}

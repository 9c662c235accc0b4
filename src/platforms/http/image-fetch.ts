import { detectImageType, IMAGE_EXTENSIONS, IMAGE_TYPE_NAMES, imageSize, SNIFF_BYTES, type ImageType } from '../../domain/image-format.js';
import { PUBLIC_MEDIA_ONLY, type MediaLinkPolicy } from '../../domain/media-links.js';
import { formatMegabytes } from '../../domain/megabytes.js';
import { NETWORK_LABELS, type NetworkId } from '../../domain/network.js';
import type { Logger } from '../../observability/logger.js';
import { redact } from '../../observability/redact.js';
import { PublishError, type FailureKind } from '../publisher.js';
import { classifyFetchError, describeWait } from './classify.js';
import type { FetchLike } from './http-client.js';
import { fetchPublic, refusedLinkIn, type PublicResponse, type ResolveHost } from './public-fetch.js';

export interface FetchImageOptions {
  /** The network's limit: Instagram 8 MiB, Bluesky 2,000,000 bytes, … */
  maxBytes: number;
  acceptedTypes: readonly ImageType[];
  /** Whose post needs the image: named in messages and carried by errors. */
  network: NetworkId;
  timeoutMs: number;
  /** Which links may be fetched (ALLOW_HTTP_MEDIA, ALLOW_PRIVATE_MEDIA_HOSTS); default: https on the public internet. */
  media?: MediaLinkPolicy;
  fetch?: FetchLike;
  /** Answers for DNS (tests); default: the operating system's resolver. */
  resolve?: ResolveHost;
  signal?: AbortSignal;
  logger?: Logger;
}

export interface FetchedImage {
  bytes: Buffer;
  /** From the bytes, not from the server's Content-Type. */
  contentType: ImageType;
  /** A safe file name with the extension of the real type (uploads want one). */
  filename: string;
  width?: number;
  height?: number;
  /** JPEG EXIF orientation, when present (5–8: shown turned a quarter). */
  orientation?: number;
}

/** The link as shown to people: no query string (signatures, tokens), not too long. */
function shownUrl(url: URL): string {
  const base = `${url.origin}${url.pathname}${url.search ? '?…' : ''}`;
  return redact(base.length > 120 ? `${base.slice(0, 119)}…` : base);
}

function listOfTypes(types: readonly ImageType[]): string {
  const names = types.map((t) => IMAGE_TYPE_NAMES[t]);
  if (names.length <= 1) return `${names[0] ?? 'no images'} only`;
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

function filenameFor(url: URL, type: ImageType): string {
  const extension = IMAGE_EXTENSIONS[type];
  let last = url.pathname.split('/').pop() ?? '';
  try {
    last = decodeURIComponent(last);
  } catch {
    // keep it encoded
  }
  const stem = last
    .replace(/\.[A-Za-z0-9]{1,5}$/, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 100);
  return `${stem || 'image'}.${extension}`;
}

/**
 * Downloads the image a post links to, for networks that want the bytes (X, LinkedIn,
 * Bluesky, Mastodon) or its measurements (Instagram's aspect ratios).
 *
 * Streams with a byte cap: a declared Content-Length over the limit is refused before
 * the body is read, and the bytes are counted while they arrive in case the server does
 * not say or lies. The type comes from the first bytes, so a web page served at an
 * image-looking link is recognised as one.
 */
export async function fetchImage(link: string, options: FetchImageOptions): Promise<FetchedImage> {
  const { network } = options;
  const label = NETWORK_LABELS[network];
  const fail = (kind: FailureKind, message: string, extra: { status?: number; cause?: unknown } = {}) =>
    new PublishError({ kind, network, message: redact(message), ...extra });

  let url: URL;
  try {
    url = new URL(link.trim());
  } catch {
    throw fail('permanent', `The image link "${redact(link.slice(0, 120))}" is not a valid web address.`);
  }
  const media = options.media ?? PUBLIC_MEDIA_ONLY;
  const where = shownUrl(url);

  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;

  /**
   * One message for every link that leads inside, whatever is there: a closed port, an open
   * one and an address never tried read the same, so the errors map nothing.
   */
  const refused = (error: unknown) => {
    const problem = refusedLinkIn(error)?.problem;
    if (problem === undefined) return undefined;
    const message =
      problem === 'scheme'
        ? `The image link ${where} must start with https://${media.allowHttp ? ' or http://' : ''} (in it or in a redirect).`
        : problem === 'credentials'
          ? `The image link ${where} must not contain a user name or password (in it or in a redirect).`
          : problem === 'redirects'
            ? `The image at ${where} redirects too many times.`
            : problem === 'not_a_link'
              ? `The image at ${where} redirects to something that is not a web address.`
              : `The image at ${where} cannot be downloaded: Greenlight only downloads images from the public internet.`;
    return fail('permanent', message);
  };

  /** Downloading has no side effects, so a broken download can always be tried again. */
  const transportFailure = (error: unknown) => {
    const classified = classifyFetchError(error, { network });
    if (classified.kind === 'permanent') return classified;
    const reason = timeout.aborted
      ? `it did not arrive within ${describeWait(options.timeoutMs)}`
      : options.signal?.aborted
        ? 'the download was cancelled'
        : 'the connection failed';
    return fail('retryable', `Could not download the image at ${where} (${reason}); try again later.`, {
      cause: classified.cause,
    });
  };

  options.logger?.debug('downloading image', { network, url: where });
  let fetched: PublicResponse;
  try {
    fetched = await fetchPublic(url, {
      policy: media,
      headers: { accept: 'image/*' },
      signal,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.resolve ? { resolve: options.resolve } : {}),
    });
  } catch (error) {
    throw refused(error) ?? transportFailure(error);
  }
  try {
    return await readImage(fetched.response, { options, url, where, label, fail, transportFailure });
  } finally {
    await fetched.close();
  }
}

interface ReadContext {
  options: FetchImageOptions;
  url: URL;
  where: string;
  label: string;
  fail: (kind: FailureKind, message: string, extra?: { status?: number; cause?: unknown }) => PublishError;
  transportFailure: (error: unknown) => PublishError;
}

/** The response's body as an image within the network's limits (see fetchImage). */
async function readImage(response: Response, context: ReadContext): Promise<FetchedImage> {
  const { options, url, where, label, fail, transportFailure } = context;
  const { network, maxBytes } = options;
  const discard = () => response.body?.cancel().catch(() => undefined);
  const status = response.status;
  if (!response.ok) {
    await discard();
    if (status === 404 || status === 410) {
      throw fail('permanent', `The image at ${where} was not found (HTTP ${status}).`, { status });
    }
    if (status === 401 || status === 403) {
      throw fail('permanent', `The image at ${where} is not public (HTTP ${status}).`, { status });
    }
    if (status === 429 || status >= 500) {
      throw fail('retryable', `The server hosting the image at ${where} had a temporary problem (HTTP ${status}); try again later.`, {
        status,
      });
    }
    throw fail('permanent', `The image at ${where} could not be downloaded (HTTP ${status}).`, { status });
  }

  const declaredType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const declaredLength = Number(response.headers.get('content-length') ?? NaN);
  const limit = formatMegabytes(maxBytes, 'down');
  const reader = response.body?.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  let checkedType = false;

  /** Runs once the first bytes are in: what is it, may this network have it, will it fit? */
  const checkType = (head: Uint8Array): ImageType => {
    const type = detectImageType(head);
    if (!type) {
      const isOurs = declaredType in IMAGE_TYPE_NAMES;
      throw fail(
        'permanent',
        declaredType && !isOurs
          ? `The link ${where} is not an image (it is ${declaredType}).`
          : `The link ${where} is not a JPEG, PNG, GIF or WebP image.`,
      );
    }
    if (!options.acceptedTypes.includes(type)) {
      throw fail(
        'permanent',
        `The image at ${where} is a ${IMAGE_TYPE_NAMES[type]}; ${label} accepts ${listOfTypes(options.acceptedTypes)}.`,
      );
    }
    if (Number.isFinite(declaredLength) && declaredLength > maxBytes) {
      throw fail('permanent', `The image is ${formatMegabytes(declaredLength, 'up')}; ${label} accepts at most ${limit}.`);
    }
    return type;
  };

  let type: ImageType | undefined;
  try {
    if (reader) {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        received += value.byteLength;
        if (!checkedType && received >= SNIFF_BYTES) {
          type = checkType(Buffer.concat(chunks));
          checkedType = true;
        }
        if (received > maxBytes) {
          throw fail('permanent', `The image is larger than ${limit}; ${label} accepts at most ${limit}.`);
        }
      }
    }
  } catch (error) {
    await reader?.cancel().catch(() => undefined);
    if (error instanceof PublishError) throw error;
    throw transportFailure(error);
  }

  const bytes = Buffer.concat(chunks);
  if (!checkedType) type = checkType(bytes);
  const contentType = type!;
  const size = imageSize(bytes, contentType);
  options.logger?.debug('downloaded image', { network, url: where, bytes: bytes.byteLength, type: contentType });
  return {
    bytes,
    contentType,
    filename: filenameFor(url, contentType),
    ...(size ? { width: size.width, height: size.height } : {}),
    ...(size?.orientation !== undefined ? { orientation: size.orientation } : {}),
  };
}

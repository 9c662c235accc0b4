/**
 * A video for Mastodon (issue 15): `POST /api/v2/media` with the file streamed from the media
 * store inside the multipart body (never whole in memory), then, while Mastodon transcodes it
 * (202, `url: null`), `GET /api/v1/media/:id` until it answers 200 with a `url` (206 while
 * processing, 422 when processing failed). Only then may a status name it.
 *
 * The bytes are hashed as they leave, so a file that is not exactly the approved one is found
 * before any status names it; the upload itself shows nothing to anyone and may be repeated
 * (an unattached copy is cleaned up by the instance).
 *
 * The attachment's id is checkpointed as soon as the upload answered (video-checkpoint.ts): a
 * later attempt of the same publication looks at that attachment (still processing: wait;
 * ready: post with it; gone or failed: upload again) instead of uploading the video again.
 */
import { createHash } from 'node:crypto';
import { talliedStream, type Tally } from '../http/tallied-stream.js';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { formatMegabytes } from '../../domain/megabytes.js';
import type { Logger } from '../../observability/logger.js';
import type { Sleep } from '../http/backoff.js';
import { describeWait } from '../http/classify.js';
import type { HttpClient } from '../http/http-client.js';
import { streamedForm } from '../http/streamed-form.js';
import { uploadTimeoutMs } from '../http/upload-timeout.js';
import { PublishError, type PublishProgress, type PublishVideo } from '../publisher.js';
import { videoProcessingErrors, videoUploadErrors } from './errors.js';
import type { InstanceLimits, VideoType } from './instance.js';
import { readMastodonVideoCheckpoint, saveMastodonVideoUpload } from './video-checkpoint.js';

const Attachment = z.object({ id: z.string().min(1), url: z.string().nullable().optional() });

const TYPES: Record<PublishVideo['container'], VideoType> = { mp4: 'video/mp4', mov: 'video/quicktime' };

/**
 * Waits between looks at a video Mastodon is transcoding: quick at first, then every 10 s,
 * about ten minutes in all (a long clip on a busy instance), before the worker is given back.
 */
export const VIDEO_POLL_DELAYS_MS = [1000, 2000, 3000, 5000, 5000, ...Array<number>(59).fill(10_000)];

export interface MastodonVideoDeps {
  sleep: Sleep;
  logger: Logger;
  timeoutMs: number;
  limits: Pick<InstanceLimits, 'videoSizeLimit' | 'videoTypes'>;
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: PublishProgress) => void) | undefined;
  /** What an earlier attempt of this publication saved, and how to save for a later one. */
  checkpoint?: Record<string, unknown> | null | undefined;
  saveCheckpoint?: ((progress: Record<string, unknown>) => Promise<void>) | undefined;
}

const fail = (kind: 'permanent' | 'retryable', message: string, cause?: unknown) =>
  new PublishError({ kind, network: 'mastodon', message, ...(cause !== undefined ? { cause } : {}) });

const NOT_APPROVED =
  'The video in Greenlight’s media store is no longer exactly the approved one, so it was not posted to Mastodon; upload it again and have it approved.';

/** What one attempt sent of the file (counted and hashed on the way), and its sha256 once it was read to the end. */
class Sent {
  readonly #hash = createHash('sha256');
  readonly tally: Tally;
  readonly stream: Readable;
  #sha256: string | undefined;
  constructor(source: Readable, total: number, onBytes: (bytes: number) => void) {
    ({ stream: this.stream, tally: this.tally } = talliedStream(source, { limit: total, hash: this.#hash, onBytes }));
  }
  get sha256(): string | undefined {
    if (this.tally.complete) this.#sha256 ??= this.#hash.digest('hex');
    return this.#sha256;
  }
}

/** Refuses before a byte goes what the instance would refuse anyway: its size limit and the types it takes. */
function checkVideo(video: PublishVideo, limits: MastodonVideoDeps['limits']): VideoType {
  const type = TYPES[video.container];
  if (!type || !limits.videoTypes.includes(type)) {
    throw fail('permanent', `This Mastodon instance does not take ${String(video.container).toUpperCase()} videos; nothing was posted.`);
  }
  if (video.bytes > limits.videoSizeLimit) {
    throw fail(
      'permanent',
      `The video is ${formatMegabytes(video.bytes, 'up')}; this Mastodon instance takes videos up to ${formatMegabytes(limits.videoSizeLimit, 'down')}. Nothing was posted.`,
    );
  }
  return type;
}

/** Uploads the approved video and waits until Mastodon has processed it; returns the attachment id. */
export async function uploadVideo(client: HttpClient, video: PublishVideo, deps: MastodonVideoDeps): Promise<string> {
  const type = checkVideo(video, deps.limits);
  const earlier = readMastodonVideoCheckpoint(deps.checkpoint, video);
  if (earlier && 'ignored' in earlier) deps.logger.info('Mastodon video from an earlier attempt is not used', { reason: earlier.ignored });
  if (earlier && 'usable' in earlier) {
    const carried = await carryOn(client, earlier.usable.mediaId, deps);
    if (carried !== undefined) return carried;
  }
  const total = video.bytes;
  const signal = deps.signal ? { signal: deps.signal } : {};
  // Progress across attempts: a retry starts its count again, the report waits until it passes the best so far.
  let reported = -1;
  const uploading = (bytesSent: number) => {
    if (bytesSent <= reported) return;
    reported = bytesSent;
    deps.onProgress?.({ stage: 'uploading', bytesSent, totalBytes: total });
  };
  let last: Sent | undefined;

  const form = streamedForm(
    {},
    {
      field: 'file',
      filename: video.name,
      contentType: type,
      size: total,
      open: async () => {
        last = new Sent(await video.open(), total, uploading);
        return last.stream;
      },
    },
  );
  uploading(0);
  let answer;
  try {
    answer = await client.request({
      method: 'POST',
      path: '/api/v2/media',
      headers: { 'content-type': form.contentType, 'content-length': String(form.contentLength) },
      body: form.body,
      retry: true,
      timeoutMs: uploadTimeoutMs(deps.timeoutMs, form.contentLength),
      messageFromError: videoUploadErrors,
      ...signal,
    });
  } catch (error) {
    // A file longer or shorter than approved breaks the request (its length was announced): the file's fault, for good.
    if (last && (last.tally.overlong || (last.tally.complete && last.tally.bytes !== total))) throw fail('permanent', NOT_APPROVED, error);
    if (error instanceof PublishError && error.kind === 'unknown') {
      throw fail(
        'retryable',
        'The video upload to Mastodon did not complete (no answer, or the connection broke); nothing was posted, try again.',
        error,
      );
    }
    throw error;
  }
  // Every byte Mastodon got came through the hash: a status naming anything else would post what nobody approved.
  if (!last || last.tally.bytes !== total || last.sha256 !== video.sha256) throw fail('permanent', NOT_APPROVED);
  uploading(total);

  const attachment = parseAttachment(answer.body);
  // Before anything waits on it: a later attempt looks at this attachment instead of uploading again.
  await saveMastodonVideoUpload(deps.saveCheckpoint, { mediaId: attachment.id, sha256: video.sha256, bytes: total });
  // 200 with a url: processed at once. 202: transcoding, and a status naming it now is refused.
  if (answer.status === 200 && attachment.url) {
    deps.onProgress?.({ stage: 'processed' });
    return attachment.id;
  }
  deps.onProgress?.({ stage: 'processing' });
  return awaitProcessed(client, attachment.id, deps);
}

/**
 * Looks at the attachment an earlier attempt uploaded: ready, it is used; still processing, it
 * is waited for. Returns undefined when Mastodon no longer has it unattached (404: deleted,
 * cleaned up, or already in a status) or could not process it (422): nothing was public, so
 * uploading again is safe.
 */
async function carryOn(client: HttpClient, mediaId: string, deps: MastodonVideoDeps): Promise<string | undefined> {
  let ready: boolean;
  try {
    ready = await isProcessed(client, mediaId, deps);
  } catch (error) {
    if (error instanceof PublishError && (error.status === 404 || error.status === 422)) {
      deps.logger.info('Mastodon video from an earlier attempt is uploaded again', { media: mediaId, status: error.status });
      return undefined;
    }
    throw error;
  }
  deps.logger.info('Mastodon video from an earlier attempt is used', { media: mediaId, ready });
  if (ready) {
    deps.onProgress?.({ stage: 'processed' });
    return mediaId;
  }
  deps.onProgress?.({ stage: 'processing' });
  return awaitProcessed(client, mediaId, deps);
}

/** Looks at the attachment while Mastodon transcodes it, for a bounded time. */
async function awaitProcessed(client: HttpClient, mediaId: string, deps: MastodonVideoDeps): Promise<string> {
  let waited = 0;
  for (const delay of VIDEO_POLL_DELAYS_MS) {
    await deps.sleep(delay, deps.signal);
    waited += delay;
    if (await isProcessed(client, mediaId, deps)) {
      deps.onProgress?.({ stage: 'processed' });
      return mediaId;
    }
  }
  deps.logger.warn('Mastodon is still processing the video', { media: mediaId, waitedMs: waited });
  throw fail('retryable', `Mastodon was still processing the video after ${describeWait(waited)}; nothing was posted, try again later.`);
}

/** One look: 200 with a url is ready, 206 still processing; 422 (processing failed) and 404 are thrown. */
async function isProcessed(client: HttpClient, mediaId: string, deps: MastodonVideoDeps): Promise<boolean> {
  let answer;
  try {
    answer = await client.request({
      method: 'GET',
      path: `/api/v1/media/${encodeURIComponent(mediaId)}`,
      retry: true,
      messageFromError: videoProcessingErrors,
      ...(deps.signal ? { signal: deps.signal } : {}),
    });
  } catch (error) {
    // A look changes nothing: one whose answer was lost costs only a retry.
    if (error instanceof PublishError && error.kind === 'unknown') {
      throw fail('retryable', 'Mastodon did not answer while Greenlight looked at the video; nothing was posted, try again.', error);
    }
    throw error;
  }
  // 206 Partial Content: still processing.
  return answer.status === 200 && Boolean(parseAttachment(answer.body).url);
}

function parseAttachment(body: unknown): z.infer<typeof Attachment> {
  const parsed = Attachment.safeParse(body);
  if (!parsed.success) {
    // Nothing is posted yet, so an unreadable upload answer costs only a retry.
    throw fail('retryable', 'Mastodon answered the video upload in a shape Greenlight does not know; nothing was posted.', parsed.error);
  }
  return parsed.data;
}

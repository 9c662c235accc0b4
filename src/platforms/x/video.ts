/**
 * A video for X through the v2 chunked upload (issue 15):
 * `POST /2/media/upload/initialize` (JSON: media_type, total_bytes, media_category
 * `tweet_video`) → `POST /2/media/upload/{id}/append` once per segment (multipart: `media`,
 * `segment_index` 0–999) → `POST /2/media/upload/{id}/finalize` → while `processing_info`
 * says pending or in_progress, `GET /2/media/upload?command=STATUS&media_id=…` after
 * `check_after_secs` → the post names the media id once its state is `succeeded`.
 *
 * None of these steps shows anything to anyone, so each is retried like the image upload
 * (`uploadOnly`); only the post itself is the sending step. The file is read one segment at a
 * time from the media store, so memory holds at most one segment whatever the video's size.
 *
 * Progress is checkpointed (video-checkpoint.ts) once INITIALIZE answered, after each segment
 * X acknowledged and after FINALIZE: a later attempt of the same publication appends only the
 * segments left, or only looks at STATUS, instead of sending the whole video again. One small
 * write per 4 MiB segment.
 */
import { checkApprovedVideo } from '../approved-video.js';
import { createHash, type Hash } from 'node:crypto';
import { z } from 'zod';
import { formatMegabytes } from '../../domain/megabytes.js';
import type { Logger } from '../../observability/logger.js';
import type { Sleep } from '../http/backoff.js';
import { describeWait, type MessageFromError } from '../http/classify.js';
import { uploadTimeoutMs } from '../http/upload-timeout.js';
import { PublishError, type PublishProgress, type PublishVideo } from '../publisher.js';
import { xRules } from '../rules/x.js';
import type { XApi } from './authorized-client.js';
import { uploadOnly } from './media.js';
import { EMPTY_SHA256, readXVideoCheckpoint, saveXVideoProgress, type XVideoProgress } from './video-checkpoint.js';

/** X's APPEND takes at most 5 MB a segment; 4 MiB leaves room for the multipart framing. */
export const X_VIDEO_SEGMENT_BYTES = 4 * 1024 * 1024;
/** `segment_index` runs from 0 to 999. */
const X_MAX_SEGMENTS = 1000;
/** The longest Greenlight waits for X to process a video before it gives the worker back (and tries later). */
export const X_VIDEO_PROCESSING_WAIT_MS = 10 * 60_000;
/** Bounds on one wait between looks, whatever `check_after_secs` says. */
const MIN_CHECK_MS = 1000;
const MAX_CHECK_MS = 60_000;
/**
 * How long X keeps a media id when it does not say: its documented 24 hours. Guessing long
 * costs little: a media id X has forgotten is refused at the first step and the upload starts anew.
 */
const DEFAULT_EXPIRY_S = 86_400;

const MEDIA_TYPES = { mp4: 'video/mp4', mov: 'video/quicktime' } as const;

const ProcessingInfo = z.object({
  state: z.string(),
  check_after_secs: z.number().nonnegative().optional(),
  progress_percent: z.number().optional(),
  error: z.object({ code: z.number().optional(), name: z.string().optional(), message: z.string().optional() }).optional(),
});
type ProcessingInfo = z.infer<typeof ProcessingInfo>;

const MediaAnswer = z.object({
  data: z.object({
    id: z.string().regex(/^\d+$/),
    media_key: z.string().optional(),
    expires_after_secs: z.number().nonnegative().optional(),
    processing_info: ProcessingInfo.optional(),
  }),
});

export interface XVideoOptions {
  signal?: AbortSignal | undefined;
  messageFromError: MessageFromError;
  /** One request's usual timeout; an append gets more for its bytes. */
  timeoutMs: number;
  sleep: Sleep;
  logger: Logger;
  onProgress?: ((progress: PublishProgress) => void) | undefined;
  /** The publisher's clock, for the media id's expiry. */
  now: () => Date;
  /** What an earlier attempt of this publication saved, and how to save for a later one. */
  checkpoint?: Record<string, unknown> | null | undefined;
  saveCheckpoint?: ((progress: Record<string, unknown>) => Promise<void>) | undefined;
}

const fail = (kind: 'permanent' | 'retryable', message: string, extra: { retryAfterMs?: number; cause?: unknown } = {}) =>
  new PublishError({ kind, network: 'x', message, ...extra });

const NOT_APPROVED =
  'The video in Greenlight’s media store is no longer exactly the approved one, so it was not posted to X; upload it again and have it approved.';

/** Checks what X would refuse anyway before a byte goes: its video rules, and what fits in X's segments. */
function checkVideo(video: PublishVideo): void {
  checkApprovedVideo(video, xRules);
  if (Math.ceil(video.bytes / X_VIDEO_SEGMENT_BYTES) > X_MAX_SEGMENTS) {
    throw fail(
      'permanent',
      `X cannot take a video of ${formatMegabytes(video.bytes, 'up')} in ${X_MAX_SEGMENTS} parts. Nothing was posted.`,
    );
  }
}

/**
 * Streams a range of the approved file through `onChunk`, checking it has exactly the range's
 * length (a file shorter or longer than the approved one is not the approved file).
 */
async function readRange(video: PublishVideo, start: number, end: number, onChunk: (chunk: Uint8Array) => void): Promise<void> {
  let length = 0;
  try {
    const stream = await video.open({ start, end });
    for await (const chunk of stream as AsyncIterable<Uint8Array>) {
      length += chunk.byteLength;
      if (length > end - start) break; // leaving the loop closes the stream
      onChunk(chunk);
    }
  } catch (error) {
    if (error instanceof PublishError) throw error;
    throw fail('retryable', 'Greenlight could not read the approved video from its media store just now; nothing was posted to X.', {
      cause: error,
    });
  }
  if (length !== end - start) throw fail('permanent', NOT_APPROVED);
}

/**
 * Reads one segment of the approved file into a Blob (the one copy in memory), feeding the
 * running hash of the whole file as the bytes come in.
 */
async function readSegment(video: PublishVideo, start: number, end: number, hash: Hash): Promise<Blob> {
  const parts: Uint8Array[] = [];
  await readRange(video, start, end, (chunk) => {
    hash.update(chunk);
    parts.push(chunk);
  });
  return new Blob(parts, { type: 'application/octet-stream' });
}

/** Uploads the approved video and waits until X has processed it; returns the media id a post can name. */
export async function uploadXVideo(client: XApi, video: PublishVideo, options: XVideoOptions): Promise<string> {
  checkVideo(video);
  const earlier = readXVideoCheckpoint(options.checkpoint, video, X_VIDEO_SEGMENT_BYTES, options.now());
  if (earlier && 'ignored' in earlier) {
    options.logger.info('X video upload from an earlier attempt is not carried on', { network: 'x', reason: earlier.ignored });
  }
  if (earlier && 'usable' in earlier) {
    const carried = await carryOn(client, video, earlier.usable, options);
    if (carried !== undefined) return carried;
  }
  return uploadAnew(client, video, options);
}

/** INITIALIZE, then every segment, FINALIZE and the processing. */
async function uploadAnew(client: XApi, video: PublishVideo, options: XVideoOptions): Promise<string> {
  const { signal, messageFromError } = options;
  const total = video.bytes;
  const init = await uploadOnly(
    client.request({
      method: 'POST',
      path: '/2/media/upload/initialize',
      json: { media_type: MEDIA_TYPES[video.container], total_bytes: total, media_category: 'tweet_video' },
      retry: true,
      messageFromError,
      ...(signal ? { signal } : {}),
    }),
    'video',
  );
  const started = parseAnswer(init.body, 'started the video upload');
  const progress: XVideoProgress = {
    mediaId: started.id,
    sha256: video.sha256,
    bytes: total,
    segmentBytes: X_VIDEO_SEGMENT_BYTES,
    expiresAt: expiryAfter(started.expires_after_secs, options),
    segmentsDone: 0,
    sentSha256: EMPTY_SHA256,
    finalized: false,
  };
  await saveXVideoProgress(options.saveCheckpoint, progress);
  options.onProgress?.({ stage: 'uploading', bytesSent: 0, totalBytes: total });
  return sendTheRest(client, video, progress, createHash('sha256'), options);
}

/**
 * Carries on with the upload an earlier attempt saved: looks at STATUS when it was finalized,
 * otherwise appends the segments left after checking the store still holds the bytes X has.
 * Returns undefined when it cannot be carried on (X no longer knows it, its processing failed,
 * the bytes sent are not the store's): nothing was public, so a new upload is safe.
 */
async function carryOn(client: XApi, video: PublishVideo, saved: XVideoProgress, options: XVideoOptions): Promise<string | undefined> {
  const anew = (reason: string) => {
    options.logger.info('X video upload from an earlier attempt is started again', { network: 'x', media: saved.mediaId, reason });
    return undefined;
  };
  try {
    if (saved.finalized) {
      options.logger.info('X video from an earlier attempt is looked at again', { network: 'x', media: saved.mediaId });
      options.onProgress?.({ stage: 'processing' });
      const info = await lookAtStatus(client, saved.mediaId, options);
      if (info.state === 'failed') return anew('its processing failed');
      return await processed(client, saved.mediaId, info, options);
    }
    // Every byte X got must have come through the hash that decides whether to finalize: the
    // earlier attempt's are read again (from the store, not sent) and checked against what it sent.
    const sentBytes = Math.min(video.bytes, saved.segmentsDone * X_VIDEO_SEGMENT_BYTES);
    const hash = createHash('sha256');
    if (sentBytes > 0) await readRange(video, 0, sentBytes, (chunk) => hash.update(chunk));
    if (hash.copy().digest('hex') !== saved.sentSha256) return anew('the store no longer holds the bytes sent');
    options.logger.info('X video upload from an earlier attempt is carried on', {
      network: 'x',
      media: saved.mediaId,
      segmentsDone: saved.segmentsDone,
    });
    options.onProgress?.({ stage: 'uploading', bytesSent: sentBytes, totalBytes: video.bytes });
    return await sendTheRest(client, video, saved, hash, options);
  } catch (error) {
    // X refuses a media id it has forgotten (expired, or never kept) or whose state is not the
    // checkpoint's; either way this upload cannot be carried on, and a new one may be made.
    if (error instanceof PublishError && (error.status === 400 || error.status === 404)) return anew(`X refused it (HTTP ${error.status})`);
    throw error;
  }
}

/** The segments from `progress.segmentsDone` on, each checkpointed once X took it, then FINALIZE and the processing. */
async function sendTheRest(client: XApi, video: PublishVideo, from: XVideoProgress, hash: Hash, options: XVideoOptions): Promise<string> {
  const { signal, messageFromError } = options;
  const total = video.bytes;
  let progress = from;
  for (let index = progress.segmentsDone, start = index * X_VIDEO_SEGMENT_BYTES; start < total; index++, start += X_VIDEO_SEGMENT_BYTES) {
    const end = Math.min(total, start + X_VIDEO_SEGMENT_BYTES);
    const segment = await readSegment(video, start, end, hash);
    await uploadOnly(appendSegment(client, progress.mediaId, index, segment, options), 'video');
    progress = { ...progress, segmentsDone: index + 1, sentSha256: hash.copy().digest('hex') };
    await saveXVideoProgress(options.saveCheckpoint, progress);
    options.onProgress?.({ stage: 'uploading', bytesSent: end, totalBytes: total });
  }
  // Every byte X got came through this hash: finalizing anything else would post what nobody approved.
  if (hash.digest('hex') !== video.sha256) throw fail('permanent', NOT_APPROVED);

  const finalized = await uploadOnly(
    client.request({
      method: 'POST',
      path: `/2/media/upload/${progress.mediaId}/finalize`,
      retry: true,
      messageFromError,
      ...(signal ? { signal } : {}),
    }),
    'video',
  );
  const answer = parseAnswer(finalized.body, 'received the whole video');
  progress = {
    ...progress,
    finalized: true,
    expiresAt: answer.expires_after_secs !== undefined ? expiryAfter(answer.expires_after_secs, options) : progress.expiresAt,
  };
  await saveXVideoProgress(options.saveCheckpoint, progress);
  // An answer without processing_info describes media that needs none: it is ready.
  const info = answer.processing_info ?? { state: 'succeeded' };
  if (info.state !== 'succeeded') options.onProgress?.({ stage: 'processing' });
  return processed(client, progress.mediaId, info, options);
}

/** Waits while X processes the video (bounded), and returns its media id once it succeeded. */
async function processed(client: XApi, mediaId: string, first: ProcessingInfo, options: XVideoOptions): Promise<string> {
  const info = first.state === 'succeeded' ? first : await awaitProcessing(client, mediaId, first, options);
  if (info.state === 'failed') throw processingFailed(info);
  options.onProgress?.({ stage: 'processed' });
  options.logger.debug('X video processed', { network: 'x', media: mediaId });
  return mediaId;
}

const expiryAfter = (seconds: number | undefined, options: XVideoOptions) =>
  new Date(options.now().getTime() + (seconds ?? DEFAULT_EXPIRY_S) * 1000).toISOString();

/** Sends of one segment whose answer never came, before the upload is given up for now. */
const SEGMENT_ATTEMPTS = 3;

/**
 * One APPEND. The client already retries what X refused for now (429, 5xx); a segment whose
 * answer was lost (a dropped connection, a timeout) is sent again here under the same index,
 * which X takes as that segment again, so one bad moment does not cost the whole upload.
 */
async function appendSegment(client: XApi, mediaId: string, index: number, segment: Blob, options: XVideoOptions): Promise<void> {
  const form = new FormData();
  form.append('segment_index', String(index));
  form.append('media', segment, 'segment');
  for (let attempt = 1; ; attempt++) {
    try {
      await client.request({
        method: 'POST',
        path: `/2/media/upload/${mediaId}/append`,
        body: form,
        expect: 'none',
        retry: true,
        timeoutMs: uploadTimeoutMs(options.timeoutMs, segment.size),
        messageFromError: options.messageFromError,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      return;
    } catch (error) {
      if (!(error instanceof PublishError) || error.kind !== 'unknown' || attempt >= SEGMENT_ATTEMPTS || options.signal?.aborted)
        throw error;
      options.logger.warn('X video segment will be sent again', {
        network: 'x',
        media: mediaId,
        segment: index,
        attempt,
        error: error.message,
      });
      await options.sleep(MIN_CHECK_MS, options.signal);
    }
  }
}

/** Asks X how the video is coming along, as often as it says, for a bounded time. */
async function awaitProcessing(client: XApi, mediaId: string, first: ProcessingInfo, options: XVideoOptions): Promise<ProcessingInfo> {
  let info = first;
  let waited = 0;
  while (info.state !== 'succeeded' && info.state !== 'failed') {
    const waitMs = Math.min(MAX_CHECK_MS, Math.max(MIN_CHECK_MS, (info.check_after_secs ?? 5) * 1000));
    if (waited + waitMs > X_VIDEO_PROCESSING_WAIT_MS) {
      options.logger.warn('X is still processing the video', { network: 'x', media: mediaId, state: info.state, waitedMs: waited });
      throw fail('retryable', `X was still processing the video after ${describeWait(waited)}; nothing was posted, try again later.`, {
        retryAfterMs: waitMs,
      });
    }
    await options.sleep(waitMs, options.signal);
    waited += waitMs;
    info = await lookAtStatus(client, mediaId, options);
  }
  return info;
}

/** One STATUS look. */
async function lookAtStatus(client: XApi, mediaId: string, options: XVideoOptions): Promise<ProcessingInfo> {
  const answer = await uploadOnly(
    client.request({
      method: 'GET',
      path: '/2/media/upload',
      query: { command: 'STATUS', media_id: mediaId },
      retry: true,
      messageFromError: options.messageFromError,
      ...(options.signal ? { signal: options.signal } : {}),
    }),
    'video',
  );
  // An answer without processing_info describes media that needs none: it is ready.
  return parseAnswer(answer.body, 'said how the video is coming along').processing_info ?? { state: 'succeeded' };
}

function processingFailed(info: ProcessingInfo): PublishError {
  const said = info.error?.message ?? info.error?.name;
  return fail(
    'permanent',
    `X could not process the video${said ? ` (X said: "${said}")` : ''}, so nothing was posted. X plays H.264 video with AAC sound; export the video again in that format and upload it.`,
  );
}

function parseAnswer(body: unknown, what: string): z.infer<typeof MediaAnswer>['data'] {
  const parsed = MediaAnswer.safeParse(body);
  if (!parsed.success) {
    throw fail('retryable', `X ${what} but answered in a shape Greenlight does not know; nothing was posted, try again.`, {
      cause: parsed.error,
    });
  }
  return parsed.data.data;
}

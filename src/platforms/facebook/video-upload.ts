/**
 * A video on a Facebook Page (issue 15), through the Page's resumable upload
 * (`POST /{page-id}/videos`, Meta's Page Videos reference):
 *
 * 1. `upload_phase=start` with `file_size` → `video_id`, `upload_session_id` and the first
 *    range Facebook wants (`start_offset`, `end_offset`);
 * 2. `upload_phase=transfer` once per range, the range streamed from the media store as
 *    `video_file_chunk` in a multipart body → the next range, until start and end meet at
 *    the file's size;
 * 3. `upload_phase=finish` with the `description`: this publishes the video, so it is the
 *    one call that marks sending and is never repeated here;
 * 4. `GET /{video-id}?fields=status` while Facebook processes it (`video_status`).
 *
 * Meta's publishing guide now shows the app-level Resumable Upload API (`/{app-id}/uploads`,
 * then `fbuploader_video_file_chunk`), which needs an app id and a user token; Greenlight is
 * configured with a Page and its Page token only, and the Page Videos reference still takes
 * the `upload_phase` parameters with a Page token, so that is what is used.
 *
 * Every byte sent passes through a running sha256: a file that is not exactly the approved
 * one is found before `finish`, so it is never published. A range is hashed into a copy of
 * the running hash, kept only once Facebook took the range, so a range sent twice (its answer
 * lost) is counted once.
 */
import { checkApprovedVideo } from '../approved-video.js';
import { createHash, type Hash } from 'node:crypto';
import { pipeline, Transform, type Readable } from 'node:stream';
import { z } from 'zod';
import type { Logger } from '../../observability/logger.js';
import type { Sleep } from '../http/backoff.js';
import { describeWait } from '../http/classify.js';
import { streamedForm } from '../http/streamed-form.js';
import { uploadTimeoutMs } from '../http/upload-timeout.js';
import type { GraphClient } from '../meta-graph/graph-client.js';
import { graphPath } from '../meta-graph/version.js';
import { PublishError, type PublishProgress, type PublishVideo } from '../publisher.js';
import { facebookRules } from '../rules/facebook.js';

/** Meta's answers give offsets as strings of digits; numbers are read too. */
const Offset = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(Number);
const Started = z.object({
  video_id: z.string().regex(/^\d+$/),
  upload_session_id: z.string().min(1),
  start_offset: Offset,
  end_offset: Offset,
});
const Transferred = z.object({ start_offset: Offset, end_offset: Offset });
const Finished = z.object({ success: z.boolean() });
const StatusAnswer = z.object({
  status: z.object({
    video_status: z.string(),
    processing_phase: z
      .object({
        status: z.string().optional(),
        errors: z.array(z.object({ code: z.number().optional(), message: z.string().optional() })).optional(),
      })
      .optional(),
  }),
});
const Permalink = z.object({ permalink_url: z.string().min(1) });

/**
 * Waits between looks at a video Facebook is processing: quick at first, then every 10 s,
 * about ten minutes in all. The video is published by then (finish did that); the looks
 * only tell whether Facebook could process it.
 */
export const FACEBOOK_VIDEO_POLL_DELAYS_MS = [1000, 2000, 3000, 5000, 5000, ...Array<number>(59).fill(10_000)];

/** Sends of one range whose answer never came, before the upload is given up for now. */
const RANGE_ATTEMPTS = 3;
const RESEND_WAIT_MS = 1000;

/** `graph.facebook.com` takes video uploads on its own host (Meta's Video API); a proxy or a fake takes them itself. */
export function videoUploadBase(graphUrl: string): string | undefined {
  try {
    const url = new URL(graphUrl);
    if (url.hostname !== 'graph.facebook.com') return undefined;
    url.hostname = 'graph-video.facebook.com';
    return url.href.replace(/\/+$/, '');
  } catch {
    return undefined;
  }
}

export interface PageVideoOptions {
  graph: GraphClient;
  pageId: string;
  /** The host uploads go to (`videoUploadBase`); undefined: the Graph client's own. */
  uploadBase: string | undefined;
  /** One request's usual timeout; a range gets more for its bytes. */
  timeoutMs: number;
  sleep: Sleep;
  logger: Logger;
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: PublishProgress) => void) | undefined;
  markSending?: (() => Promise<void>) | undefined;
}

export interface PublishedPageVideo {
  videoId: string;
  url: string;
}

const fail = (kind: 'permanent' | 'retryable' | 'unknown', message: string, cause?: unknown) =>
  new PublishError({ kind, network: 'facebook', message, ...(cause !== undefined ? { cause } : {}) });

const NOT_APPROVED =
  'The video in Greenlight’s media store is no longer exactly the approved one, so it was not posted to Facebook; upload it again and have it approved.';

/** An upload step that shows nothing to anyone: a lost answer costs only a retry, never a person's check. */
function nothingVisible(error: unknown, what: string): unknown {
  if (error instanceof PublishError && error.kind === 'unknown') {
    return fail(
      'retryable',
      `${what} did not complete (no answer, or the connection broke); nothing was posted to Facebook, so it can be tried again.`,
      error,
    );
  }
  return error;
}

/** Uploads the approved video to the Page, publishes it with the post's text, and waits while Facebook processes it. */
export async function publishPageVideo(video: PublishVideo, text: string, options: PageVideoOptions): Promise<PublishedPageVideo> {
  checkApprovedVideo(video, facebookRules);
  const { graph, pageId, signal } = options;
  const total = video.bytes;
  const path = `${options.uploadBase ?? ''}${graphPath(pageId, 'videos')}`;
  const common = signal ? { signal } : {};
  let reported = -1;
  const uploading = (bytesSent: number) => {
    if (bytesSent <= reported) return;
    reported = bytesSent;
    options.onProgress?.({ stage: 'uploading', bytesSent, totalBytes: total });
  };

  let started: z.infer<typeof Started>;
  try {
    started = await graph.post({
      path,
      json: { upload_phase: 'start', file_size: total },
      schema: Started,
      retry: true,
      unreadable: 'retryable',
      ...common,
    });
  } catch (error) {
    throw nothingVisible(error, 'Starting the video upload to Facebook');
  }
  const session = started.upload_session_id;
  let range = checkRange({ start: started.start_offset, end: started.end_offset }, 0, total);
  uploading(0);

  let hashed: Hash = createHash('sha256');
  while (range.start < total) {
    const sent = await sendRange(video, session, range, hashed, path, options);
    hashed = sent.hash;
    uploading(range.end);
    range = checkRange(sent.next, range.end, total);
  }
  // Every byte Facebook got came through this hash: finishing anything else would publish what nobody approved.
  if (hashed.digest('hex') !== video.sha256) throw fail('permanent', NOT_APPROVED);

  const finished = await graph.post({
    path,
    json: { upload_phase: 'finish', upload_session_id: session, description: text, published: true },
    schema: Finished,
    retry: false,
    ...(options.markSending ? { beforeSend: options.markSending } : {}),
    ...common,
  });
  if (!finished.success) {
    throw fail('unknown', 'Facebook answered the video’s publication without saying it succeeded: check the Page before retrying.');
  }
  options.logger.info('Facebook video published; waiting while Facebook processes it', { videoId: started.video_id, bytes: total });
  await awaitProcessing(started.video_id, options);
  return { videoId: started.video_id, url: await permalinkOf(started.video_id, options) };
}

interface Range {
  start: number;
  end: number;
}

/** The next range Facebook asks for must carry on where the last one ended, inside the file. */
function checkRange(next: Range, expectedStart: number, total: number): Range {
  const done = next.start === total && next.end === total;
  const sound = next.start === expectedStart && (done || (next.end > next.start && next.end <= total));
  if (!sound) {
    throw fail(
      'retryable',
      `Facebook asked for the video from byte ${next.start} to ${next.end}, which does not follow what it had (${expectedStart} of ${total}); nothing was posted, so it can be tried again.`,
    );
  }
  return next;
}

/** What one attempt at a range sent: its length, the hash with its bytes added, and whether it was read to the end. */
interface Sent {
  bytes: number;
  hash: Hash;
  complete: boolean;
  /** The file ran past the range (and was stopped there). */
  overlong: boolean;
}

/**
 * One range, streamed from the store. The client already retries what Facebook refused for
 * now (throttling, 5xx), opening the range afresh; a range whose answer was lost is sent again
 * here under the same `start_offset`, so one bad moment does not cost the whole upload.
 */
async function sendRange(
  video: PublishVideo,
  session: string,
  range: Range,
  hashed: Hash,
  path: string,
  options: PageVideoOptions,
): Promise<{ next: Range; hash: Hash }> {
  const size = range.end - range.start;
  for (let attempt = 1; ; attempt++) {
    let sent: Sent | undefined;
    const form = streamedForm(
      { upload_phase: 'transfer', upload_session_id: session, start_offset: String(range.start) },
      {
        field: 'video_file_chunk',
        filename: video.name,
        contentType: 'application/octet-stream',
        size,
        open: async () => {
          const attemptSent: Sent = { bytes: 0, hash: hashed.copy(), complete: false, overlong: false };
          sent = attemptSent;
          let source: Readable;
          try {
            source = await video.open({ start: range.start, end: range.end });
          } catch (error) {
            throw fail(
              'retryable',
              'Greenlight could not read the approved video from its media store just now; nothing was posted to Facebook.',
              error,
            );
          }
          return tapped(source, attemptSent, size);
        },
      },
    );
    try {
      const answer = await options.graph.post({
        path,
        stream: form,
        schema: Transferred,
        retry: true,
        unreadable: 'retryable',
        timeoutMs: uploadTimeoutMs(options.timeoutMs, form.contentLength),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const taken = sent as Sent | undefined;
      if (!taken?.complete || taken.bytes !== size) throw fail('permanent', NOT_APPROVED);
      return { next: { start: answer.start_offset, end: answer.end_offset }, hash: taken.hash };
    } catch (error) {
      const last = sent as Sent | undefined;
      // A file longer or shorter than approved breaks the request (its length was announced): the file's fault, for good.
      if (last && (last.overlong || (last.complete && last.bytes !== size))) throw fail('permanent', NOT_APPROVED, error);
      if (!(error instanceof PublishError) || error.kind !== 'unknown' || attempt >= RANGE_ATTEMPTS || options.signal?.aborted) {
        throw nothingVisible(error, 'The video upload to Facebook');
      }
      options.logger.warn('Facebook video range will be sent again', { start: range.start, end: range.end, attempt, error: error.message });
      await options.sleep(RESEND_WAIT_MS, options.signal);
    }
  }
}

/**
 * The range as it is sent: counted and hashed on the way. It stops with an error at the
 * first byte past the range, so an overlong file is never sent whole.
 */
function tapped(source: Readable, sent: Sent, size: number): Readable {
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      sent.bytes += chunk.length;
      if (sent.bytes > size) {
        sent.overlong = true;
        return done(new Error('the stored video is longer than the approved one'));
      }
      sent.hash.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      sent.complete = true;
      done();
    },
  });
  // The pipeline closes the file when the request stops reading (an error, a cancelled fetch).
  pipeline(source, tap, () => undefined);
  return tap;
}

/**
 * Looks at the published video until Facebook has processed it. Facebook saying processing
 * failed is a permanent failure: the video will not appear on the Page. Anything else (no
 * verdict in time, a look that failed) leaves the video published as it is: the post was
 * made, and reporting a failure would invite a second one.
 */
async function awaitProcessing(videoId: string, options: PageVideoOptions): Promise<void> {
  options.onProgress?.({ stage: 'processing' });
  const stopFollowing = (error: unknown) =>
    options.logger.warn('Facebook video published, but its processing could not be followed', {
      videoId,
      error: error instanceof Error ? error.message : String(error),
    });
  let waited = 0;
  for (const delay of [0, ...FACEBOOK_VIDEO_POLL_DELAYS_MS]) {
    let status: z.infer<typeof StatusAnswer>['status'];
    try {
      if (delay > 0) {
        await options.sleep(delay, options.signal);
        waited += delay;
      }
      ({ status } = await options.graph.get({
        path: graphPath(videoId),
        query: { fields: 'status' },
        schema: StatusAnswer,
        retry: true,
        ...(options.signal ? { signal: options.signal } : {}),
      }));
    } catch (error) {
      stopFollowing(error);
      return;
    }
    if (status.video_status === 'ready') {
      options.onProgress?.({ stage: 'processed' });
      return;
    }
    if (status.video_status === 'error' || status.processing_phase?.status === 'error') {
      const said = status.processing_phase?.errors?.find((e) => e.message)?.message;
      throw fail(
        'permanent',
        `Facebook could not process the video${said ? ` (Facebook said: "${said}")` : ''}, so it will not appear on the Page. Facebook plays MP4 or MOV video in H.264 or HEVC with AAC sound; export the video again in that format and upload it.`,
      );
    }
  }
  options.logger.warn('Facebook is still processing the published video; it appears once processed', {
    videoId,
    waited: describeWait(waited),
  });
}

/** The video's public link: Meta answers a video's `permalink_url` as a path on facebook.com. */
async function permalinkOf(videoId: string, options: PageVideoOptions): Promise<string> {
  const fallback = `https://www.facebook.com/${encodeURIComponent(options.pageId)}/videos/${encodeURIComponent(videoId)}/`;
  try {
    const { permalink_url: link } = await options.graph.get({
      path: graphPath(videoId),
      query: { fields: 'permalink_url' },
      schema: Permalink,
      retry: true,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return new URL(link, 'https://www.facebook.com').href;
  } catch (error) {
    // The video is published; a missing link must not turn success into a failure.
    options.logger.warn('Facebook video published, but its link could not be read; using the id link', {
      videoId,
      error: error instanceof Error ? error.message : String(error),
    });
    return fallback;
  }
}

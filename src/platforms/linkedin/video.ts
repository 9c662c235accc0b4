/**
 * A LinkedIn video through the Videos API (issue 15):
 * `POST /rest/videos?action=initializeUpload {initializeUploadRequest:{owner, fileSizeBytes,
 * uploadCaptions, uploadThumbnail}}` answers `{value:{video, uploadToken, uploadInstructions:
 * [{uploadUrl, firstByte, lastByte}]}}`; each part's bytes are PUT to its `uploadUrl` (another
 * host, signed, not Rest.li) and its answer's ETag kept; `POST /rest/videos?action=finalizeUpload
 * {finalizeUploadRequest:{video, uploadToken, uploadedPartIds}}` names the ETags in order; then
 * `GET /rest/videos/{urn}` says PROCESSING until AVAILABLE (or PROCESSING_FAILED). Only then may
 * a post name the video.
 *
 * Every part is streamed from the media store as it is sent (a fresh read for each attempt,
 * so a retry sends it again), counted and hashed on the way: the whole file's sha256 is known
 * before finalize, and bytes that are not the approved ones are never finalized. None of
 * these steps shows anything to anyone, so each is retried like the image upload; only the
 * post is the sending step.
 */
import { checkApprovedVideo } from '../approved-video.js';
import { createHash, type Hash } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../../observability/logger.js';
import type { Sleep } from '../http/backoff.js';
import { describeWait, errorDetail, type MessageFromError } from '../http/classify.js';
import type { BodySource, HttpClient } from '../http/http-client.js';
import { retryAfterMs } from '../http/retry-after.js';
import { talliedStream, type Tally } from '../http/tallied-stream.js';
import { uploadTimeoutMs } from '../http/upload-timeout.js';
import { PublishError, type PublishProgress, type PublishVideo } from '../publisher.js';
import { linkedinRules } from '../rules/linkedin.js';
import { LINKEDIN_REST_HEADERS, restliEncode } from './api-version.js';

/**
 * Waits between looks at a video LinkedIn is processing: quick at first, then every 10 s,
 * about ten minutes in all, before the worker is given back (a later attempt looks again).
 */
export const LINKEDIN_VIDEO_POLL_DELAYS_MS = [2000, 3000, 5000, 5000, 5000, ...Array<number>(58).fill(10_000)];

/** What a later attempt of the same publication needs to pick the upload up again (see `checkpoint`). */
export const CHECKPOINT_KEY = 'linkedinVideo';

const Instruction = z.object({
  uploadUrl: z.string().url(),
  firstByte: z.number().int().nonnegative(),
  lastByte: z.number().int().nonnegative(),
});

const InitializeAnswer = z.object({
  value: z.object({
    video: z.string().startsWith('urn:li:video:'),
    // LinkedIn gives an empty token for a single-part upload.
    uploadToken: z.string().optional(),
    uploadInstructions: z.array(Instruction).min(1),
  }),
});

const VideoAnswer = z.object({
  status: z.string(),
  processingFailureReason: z.string().optional(),
});

const Checkpoint = z.object({ [CHECKPOINT_KEY]: z.object({ video: z.string().startsWith('urn:li:video:'), sha256: z.string() }) });

export interface LinkedInVideoOptions {
  owner: string;
  signal?: AbortSignal | undefined;
  messageFromError: MessageFromError;
  /** One request's usual timeout; a part gets more for its bytes. */
  timeoutMs: number;
  sleep: Sleep;
  logger: Logger;
  onProgress?: ((progress: PublishProgress) => void) | undefined;
  /** What an earlier attempt of this publication saved, and how to save for a later one. */
  checkpoint?: Record<string, unknown> | null | undefined;
  saveCheckpoint?: ((progress: Record<string, unknown>) => Promise<void>) | undefined;
}

const fail = (kind: 'permanent' | 'retryable', message: string, extra: { retryAfterMs?: number; cause?: unknown } = {}) =>
  new PublishError({ kind, network: 'linkedin', message, ...extra });

const NOT_APPROVED =
  'The video in Greenlight’s media store is no longer exactly the approved one, so it was not posted to LinkedIn; upload it again and have it approved.';

/**
 * An upload step whose answer was lost (timeout, dropped connection) cannot have published
 * anything: the post is only created afterwards. So it is retryable, not an unknown outcome.
 */
async function uploadOnly<T>(step: Promise<T>): Promise<T> {
  try {
    return await step;
  } catch (error) {
    if (error instanceof PublishError && error.kind === 'unknown') {
      throw fail(
        'retryable',
        'The video upload to LinkedIn did not complete (no answer, or the connection broke); nothing was posted, try again.',
        { cause: error },
      );
    }
    throw error;
  }
}

/**
 * LinkedIn's error words for the video steps: a 429 that says when to come back is a short
 * throttle, not the daily limit; a refusal is of the video, not of the post.
 */
export function linkedinVideoErrors(base: MessageFromError, now: () => Date): MessageFromError {
  return (response) => {
    if (response.status === 429) {
      const wait = retryAfterMs(response.headers, now());
      if (wait !== undefined) {
        return {
          kind: 'retryable',
          retryAfterMs: wait,
          message: `LinkedIn asked Greenlight to slow down while uploading the video (HTTP 429); it can go on in ${describeWait(wait)}.`,
        };
      }
    }
    if (response.status === 400 || response.status === 422) {
      const detail = errorDetail(response.json, response.text);
      return {
        kind: 'permanent',
        message: `LinkedIn refused the video (HTTP ${response.status})${detail ? ` (LinkedIn said: "${detail}")` : ''}; nothing was posted.`,
      };
    }
    return base(response);
  };
}

/** The parts must cover the file exactly, in order: anything else would upload something other than the file. */
function checkInstructions(instructions: ReadonlyArray<z.infer<typeof Instruction>>, total: number): void {
  let next = 0;
  const contiguous = instructions.every((part) => {
    const fits = part.firstByte === next && part.lastByte >= part.firstByte;
    next = part.lastByte + 1;
    return fits;
  });
  if (!contiguous || next !== total) {
    throw fail('retryable', 'LinkedIn handed out upload parts that do not cover the video exactly; nothing was posted, try again.');
  }
}

/** Uploads the approved video, waits until LinkedIn has processed it, and returns its URN for the post. */
export async function uploadLinkedInVideo(client: HttpClient, video: PublishVideo, options: LinkedInVideoOptions): Promise<string> {
  checkApprovedVideo(video, linkedinRules);
  const signal = options.signal ? { signal: options.signal } : {};
  const common = { headers: { ...LINKEDIN_REST_HEADERS }, retry: true, messageFromError: options.messageFromError, ...signal } as const;
  const total = video.bytes;

  // An earlier attempt finalized this very file: look at it again rather than upload it twice.
  const earlier = Checkpoint.safeParse(options.checkpoint ?? {});
  if (earlier.success && earlier.data[CHECKPOINT_KEY].sha256 === video.sha256) {
    const urn = earlier.data[CHECKPOINT_KEY].video;
    const found = await lookAt(client, urn, options);
    if (found && found.status !== 'PROCESSING_FAILED' && found.status !== 'WAITING_UPLOAD') {
      options.logger.info('LinkedIn video from an earlier attempt is used again', {
        network: 'linkedin',
        video: urn,
        status: found.status,
      });
      return awaitProcessing(client, urn, found, options);
    }
  }

  let reported = -1;
  const uploading = (bytesSent: number) => {
    if (bytesSent <= reported) return;
    reported = bytesSent;
    options.onProgress?.({ stage: 'uploading', bytesSent, totalBytes: total });
  };

  const init = await uploadOnly(
    client.request({
      method: 'POST',
      path: '/rest/videos',
      query: { action: 'initializeUpload' },
      json: { initializeUploadRequest: { owner: options.owner, fileSizeBytes: total, uploadCaptions: false, uploadThumbnail: false } },
      ...common,
    }),
  );
  const parsed = InitializeAnswer.safeParse(init.body);
  if (!parsed.success) {
    throw fail('retryable', 'LinkedIn did not hand out video upload addresses Greenlight could use; nothing was posted, try again.', {
      cause: parsed.error,
    });
  }
  const { video: urn, uploadToken = '', uploadInstructions } = parsed.data.value;
  checkInstructions(uploadInstructions, total);
  uploading(0);

  const whole = { hash: createHash('sha256') };
  const etags: string[] = [];
  for (const [index, part] of uploadInstructions.entries()) {
    etags.push(await uploadPart(client, video, part, index, whole, uploading, options));
  }
  // Every byte LinkedIn got came through this hash: finalizing anything else would post what nobody approved.
  if (whole.hash.digest('hex') !== video.sha256) throw fail('permanent', NOT_APPROVED);

  await uploadOnly(
    client.request({
      method: 'POST',
      path: '/rest/videos',
      query: { action: 'finalizeUpload' },
      json: { finalizeUploadRequest: { video: urn, uploadToken, uploadedPartIds: etags } },
      expect: 'none',
      ...common,
    }),
  );
  // A later attempt (after a long processing) looks at this video instead of uploading it again.
  await options.saveCheckpoint?.({ [CHECKPOINT_KEY]: { video: urn, sha256: video.sha256 } });
  options.logger.debug('LinkedIn video uploaded', { network: 'linkedin', video: urn, parts: etags.length, bytes: total });
  return awaitProcessing(client, urn, undefined, options);
}

/**
 * One part, streamed from the store as it is sent. Each attempt hashes on from the whole
 * file's hash so far (a copy), so a part sent twice is counted once: the attempt LinkedIn
 * took is the one kept.
 */
async function uploadPart(
  client: HttpClient,
  video: PublishVideo,
  part: z.infer<typeof Instruction>,
  index: number,
  whole: { hash: Hash },
  uploading: (bytesSent: number) => void,
  options: LinkedInVideoOptions,
): Promise<string> {
  const length = part.lastByte - part.firstByte + 1;
  let attempt: { hash: Hash; tally: Tally } | undefined;
  const body: BodySource = async () => {
    let source;
    try {
      source = await video.open({ start: part.firstByte, end: part.lastByte + 1 });
    } catch (error) {
      throw fail(
        'retryable',
        'Greenlight could not read the approved video from its media store just now; nothing was posted to LinkedIn.',
        { cause: error },
      );
    }
    const hash = whole.hash.copy();
    const { stream, tally } = talliedStream(source, { limit: length, hash, onBytes: (bytes) => uploading(part.firstByte + bytes) });
    attempt = { hash, tally };
    return stream;
  };
  const notTheFile = () => attempt !== undefined && (attempt.tally.overlong || (attempt.tally.complete && attempt.tally.bytes !== length));

  let answer;
  try {
    answer = await uploadOnly(
      client.request({
        method: 'PUT',
        path: part.uploadUrl,
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(length) },
        body,
        expect: 'none',
        retry: true,
        timeoutMs: uploadTimeoutMs(options.timeoutMs, length),
        messageFromError: options.messageFromError,
        ...(options.signal ? { signal: options.signal } : {}),
      }),
    );
  } catch (error) {
    // A file longer or shorter than approved breaks the request (its length was announced): the file's fault, for good.
    if (notTheFile()) throw fail('permanent', NOT_APPROVED, { cause: error });
    throw error;
  }
  if (!attempt || notTheFile()) throw fail('permanent', NOT_APPROVED);
  if (!attempt.tally.complete) throw fail('retryable', 'The video upload to LinkedIn did not complete; nothing was posted, try again.');
  const etag = answer.headers.get('etag');
  if (!etag) throw fail('retryable', `LinkedIn did not confirm part ${index + 1} of the video (no ETag); nothing was posted, try again.`);
  whole.hash = attempt.hash;
  uploading(part.lastByte + 1);
  return etag;
}

/** The video as LinkedIn describes it now; undefined when LinkedIn no longer knows it. */
async function lookAt(client: HttpClient, urn: string, options: LinkedInVideoOptions): Promise<z.infer<typeof VideoAnswer> | undefined> {
  let body: unknown;
  try {
    ({ body } = await uploadOnly(
      client.request({
        method: 'GET',
        path: `/rest/videos/${restliEncode(urn)}`,
        headers: { ...LINKEDIN_REST_HEADERS },
        retry: true,
        messageFromError: options.messageFromError,
        ...(options.signal ? { signal: options.signal } : {}),
      }),
    ));
  } catch (error) {
    if (error instanceof PublishError && error.status === 404) return undefined;
    throw error;
  }
  const parsed = VideoAnswer.safeParse(body);
  if (!parsed.success) {
    throw fail(
      'retryable',
      'LinkedIn said how the video is coming along in a shape Greenlight does not know; nothing was posted, try again.',
      { cause: parsed.error },
    );
  }
  return parsed.data;
}

/** Looks at the video until LinkedIn says AVAILABLE, for a bounded time. */
async function awaitProcessing(
  client: HttpClient,
  urn: string,
  first: z.infer<typeof VideoAnswer> | undefined,
  options: LinkedInVideoOptions,
): Promise<string> {
  let state = first;
  if (state?.status !== 'AVAILABLE') {
    options.onProgress?.({ stage: 'processing' });
    let waited = 0;
    for (const delay of LINKEDIN_VIDEO_POLL_DELAYS_MS) {
      await options.sleep(delay, options.signal);
      waited += delay;
      state = await lookAt(client, urn, options);
      if (!state) throw fail('retryable', 'LinkedIn no longer knows the video it was processing; nothing was posted, try again.');
      if (state.status === 'AVAILABLE' || state.status === 'PROCESSING_FAILED') break;
    }
    if (state?.status === 'PROCESSING_FAILED') {
      const said = state.processingFailureReason;
      throw fail(
        'permanent',
        `LinkedIn could not process the video${said ? ` (LinkedIn said: "${said}")` : ''}, so nothing was posted. LinkedIn plays MP4 video (H.264 with AAC sound) of 3 seconds to 30 minutes; export the video again in that format and upload it.`,
      );
    }
    if (state?.status !== 'AVAILABLE') {
      options.logger.warn('LinkedIn is still processing the video', {
        network: 'linkedin',
        video: urn,
        status: state?.status,
        waitedMs: waited,
      });
      throw fail(
        'retryable',
        `LinkedIn was still processing the video after ${describeWait(waited)}; nothing was posted, try again later.`,
      );
    }
  }
  options.onProgress?.({ stage: 'processed' });
  return urn;
}

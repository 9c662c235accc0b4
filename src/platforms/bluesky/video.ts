/**
 * A Bluesky video through Bluesky's video service (issue 15), the way Bluesky's video
 * tutorial recommends, so the video is processed before the post exists (a post naming a
 * blob uploaded straight to the PDS shows a missing video until processing ends):
 *
 * 1. `app.bsky.video.getUploadLimits` on the video service, with a service-auth token for it
 *    (`com.atproto.server.getServiceAuth`, aud the video service's did:web): videos from an
 *    account without a verified email, or past its daily limits, are refused there.
 * 2. `POST /xrpc/app.bsky.video.uploadVideo?did=…&name=…` on the video service, the file as the
 *    body (`video/mp4`), with a token from the PDS whose audience is the PDS itself (its
 *    did:web) and whose method is `com.atproto.repo.uploadBlob`, for 30 minutes: the service
 *    stores the processed video on the PDS with it. It answers a job status: bare, not inside
 *    `{jobStatus}` as the lexicon has it (bluesky-social/atproto#3026), so both are read; a
 *    409 `already_exists` names the job that processed these bytes before.
 * 3. `app.bsky.video.getJobStatus` until the job has its blob (JOB_STATE_COMPLETED), or
 *    JOB_STATE_FAILED; about ten minutes at most.
 *
 * The upload is streamed from the media store (never whole in memory) and hashed on the way,
 * so bytes that are not the approved ones never reach a post. Steps 1 and 3 go through
 * `@atproto/api`; step 2 through the shared client, because the library's `uploadVideo` takes
 * the file whole and could not stream it.
 */
import { checkApprovedVideo } from '../approved-video.js';
import { createHash } from 'node:crypto';
import type { AtpAgent, BlobRef } from '@atproto/api';
import { z } from 'zod';
import type { Clock } from '../../domain/clock.js';
import { formatMegabytes } from '../../domain/megabytes.js';
import type { Logger } from '../../observability/logger.js';
import type { Sleep } from '../http/backoff.js';
import { describeWait, errorDetail, type MessageFromError } from '../http/classify.js';
import type { BodySource, HttpClient } from '../http/http-client.js';
import { talliedStream, type Tally } from '../http/tallied-stream.js';
import { uploadTimeoutMs } from '../http/upload-timeout.js';
import { PublishError, type PublishProgress, type PublishVideo } from '../publisher.js';
import { blueskyRules } from '../rules/bluesky.js';
import type { BlueskyStep } from './errors.js';
import type { BlueskySession } from './session.js';

/** Bluesky's tutorial looks every second; after the first few, every 10 s, about ten minutes in all. */
export const BLUESKY_VIDEO_POLL_DELAYS_MS = [1000, 1000, 2000, 3000, 5000, ...Array<number>(59).fill(10_000)];

/** How long the upload token lasts, as Bluesky recommends: an upload can take a while. */
const UPLOAD_TOKEN_SECONDS = 30 * 60;

/**
 * Bluesky does not say when a daily video limit frees up; an hour keeps the retries few
 * (the scheduler spaces them further) without waiting a whole day for a limit that may be rolling.
 */
export const BLUESKY_VIDEO_LIMIT_RETRY_MS = 60 * 60_000;

const JobStatus = z.object({
  jobId: z.string(),
  did: z.string(),
  state: z.string(),
  progress: z.number().optional(),
  error: z.string().optional(),
  message: z.string().optional(),
});
type JobStatus = z.infer<typeof JobStatus>;
/** The lexicon wraps the job status in `{jobStatus}`; the service answers it bare. */
const UploadAnswer = z.union([z.object({ jobStatus: JobStatus }).transform((answer) => answer.jobStatus), JobStatus]);

export interface BlueskyVideoDeps {
  session: BlueskySession;
  /** The video service over the shared client (limiter, timeouts, redacted logs). */
  videoClient: HttpClient;
  /** `@atproto/api` pointed at the video service, sending through `videoClient.fetch`. */
  videoAgent: AtpAgent;
  videoUrl: string;
  /** Runs a step that may be repeated, classifying what it threw. */
  withRetry: <T>(step: BlueskyStep, call: () => Promise<T>, signal?: AbortSignal) => Promise<T>;
  clock: Clock;
  sleep: Sleep;
  logger: Logger;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: PublishProgress) => void) | undefined;
}

const fail = (kind: 'permanent' | 'retryable', message: string, extra: { retryAfterMs?: number; cause?: unknown } = {}) =>
  new PublishError({ kind, network: 'bluesky', message, ...extra });

const NOT_APPROVED =
  'The video in Greenlight’s media store is no longer exactly the approved one, so it was not posted to Bluesky; upload it again and have it approved.';

/** A service's did:web, from its URL (a port is percent-encoded, as the did:web method says). */
export function didWeb(url: string | URL): string {
  const parsed = new URL(url);
  return `did:web:${parsed.hostname}${parsed.port ? `%3A${parsed.port}` : ''}`;
}

const said = (words: string | undefined) => (words ? ` (Bluesky said: "${words}")` : '');
const isEmailProblem = (...words: Array<string | undefined>) => words.some((w) => w !== undefined && /email/i.test(w));

function unverifiedEmail(words: string | undefined): PublishError {
  return fail(
    'permanent',
    `Bluesky takes videos only from accounts whose email address is verified${said(words)}; verify the account's email in Bluesky's settings, then retry. Nothing was posted.`,
  );
}

function dailyLimit(detail: string): PublishError {
  return fail(
    'retryable',
    `Bluesky's daily video limit for this account is used up (${detail}); nothing was posted, and Greenlight tries again later.`,
    {
      retryAfterMs: BLUESKY_VIDEO_LIMIT_RETRY_MS,
    },
  );
}

/** Uploads the approved video to Bluesky's video service and waits for its blob, which a post can embed. */
export async function uploadBlueskyVideo(video: PublishVideo, deps: BlueskyVideoDeps): Promise<BlobRef> {
  checkApprovedVideo(video, blueskyRules);
  const { session, signal } = deps;
  const did = session.did;
  if (!did) throw fail('retryable', 'Bluesky did not say which account signed in; try again later.');
  const callOptions = signal ? { signal } : {};
  const serviceAuth = async (aud: string, lxm: string, exp?: number) => {
    const { data } = await session.run((agent) =>
      agent.com.atproto.server.getServiceAuth({ aud, lxm, ...(exp !== undefined ? { exp } : {}) }, callOptions),
    );
    return data.token;
  };

  // 1. May this account upload this video today?
  const limits = await deps.withRetry(
    'video',
    async () => {
      const token = await serviceAuth(didWeb(deps.videoUrl), 'app.bsky.video.getUploadLimits');
      const { data } = await deps.videoAgent.app.bsky.video.getUploadLimits(
        {},
        { headers: { authorization: `Bearer ${token}` }, ...callOptions },
      );
      return data;
    },
    signal,
  );
  if (!limits.canUpload) {
    if (isEmailProblem(limits.error, limits.message)) throw unverifiedEmail(limits.message ?? limits.error);
    throw dailyLimit(limits.message ? `Bluesky said: "${limits.message}"` : 'Bluesky does not let it upload another video now');
  }
  if (limits.remainingDailyVideos !== undefined && limits.remainingDailyVideos < 1) throw dailyLimit('no videos left for today');
  if (limits.remainingDailyBytes !== undefined && limits.remainingDailyBytes < video.bytes) {
    throw dailyLimit(
      `${formatMegabytes(Math.max(0, limits.remainingDailyBytes), 'down')} left for today, and the video is ${formatMegabytes(video.bytes, 'up')}`,
    );
  }

  // 2. The upload, streamed, with a token the video service stores the processed video on the PDS with.
  const uploadToken = await deps.withRetry(
    'video',
    () =>
      serviceAuth(
        didWeb(session.agent.dispatchUrl),
        'com.atproto.repo.uploadBlob',
        Math.floor(deps.clock.now().getTime() / 1000) + UPLOAD_TOKEN_SECONDS,
      ),
    signal,
  );
  const job = await upload(video, did, uploadToken, deps);
  deps.logger.debug('Bluesky video uploaded', { job: job.jobId, state: job.state, bytes: video.bytes });

  // 3. Processing, until the job has the blob.
  deps.onProgress?.({ stage: 'processing' });
  let waited = 0;
  let lastState = job.state;
  for (const delay of BLUESKY_VIDEO_POLL_DELAYS_MS) {
    await deps.sleep(delay, signal);
    waited += delay;
    const { data } = await deps.withRetry(
      'video',
      () => deps.videoAgent.app.bsky.video.getJobStatus({ jobId: job.jobId }, callOptions),
      signal,
    );
    const status = data.jobStatus;
    // A blob means done, whatever the state says (a video processed before answers already_exists with its blob).
    if (status.blob) {
      deps.onProgress?.({ stage: 'processed' });
      return status.blob;
    }
    if (status.state === 'JOB_STATE_FAILED') {
      throw fail(
        'permanent',
        `Bluesky could not process the video${said(status.message ?? status.error)}, so nothing was posted. Bluesky plays MP4 video (H.264 with AAC sound) of up to 3 minutes; export the video again in that format and upload it.`,
      );
    }
    if (status.state === 'JOB_STATE_COMPLETED') {
      throw fail('retryable', 'Bluesky finished processing the video but did not hand it over; nothing was posted, try again.');
    }
    lastState = status.state;
  }
  deps.logger.warn('Bluesky is still processing the video', { job: job.jobId, state: lastState, waitedMs: waited });
  throw fail('retryable', `Bluesky was still processing the video after ${describeWait(waited)}; nothing was posted, try again later.`);
}

/** Step 2: the file, streamed and hashed; the job status it answers (or the earlier job of the same bytes). */
async function upload(video: PublishVideo, did: string, token: string, deps: BlueskyVideoDeps): Promise<JobStatus> {
  const total = video.bytes;
  let reported = -1;
  // Progress across attempts: a retry counts from zero again, the report waits until it passes the best so far.
  const uploading = (bytesSent: number) => {
    if (bytesSent <= reported) return;
    reported = bytesSent;
    deps.onProgress?.({ stage: 'uploading', bytesSent, totalBytes: total });
  };
  let attempt: { hash: ReturnType<typeof createHash>; tally: Tally } | undefined;
  const body: BodySource = async () => {
    let source;
    try {
      source = await video.open();
    } catch (error) {
      throw fail(
        'retryable',
        'Greenlight could not read the approved video from its media store just now; nothing was posted to Bluesky.',
        { cause: error },
      );
    }
    const hash = createHash('sha256');
    const { stream, tally } = talliedStream(source, { limit: total, hash, onBytes: uploading });
    attempt = { hash, tally };
    return stream;
  };
  const notTheFile = () => attempt !== undefined && (attempt.tally.overlong || (attempt.tally.complete && attempt.tally.bytes !== total));

  // A 409 carries the earlier job of the same bytes; the shared client throws on it, so its body is kept here.
  let conflict: unknown;
  const messageFromError: MessageFromError = (response) => {
    const body = (response.json ?? {}) as { error?: string; message?: string; jobStatus?: { error?: string; message?: string } };
    const error = body.error ?? body.jobStatus?.error;
    const message = body.message ?? body.jobStatus?.message;
    if (response.status === 409) {
      conflict = response.json;
      return { kind: 'permanent', message: 'Bluesky has processed this video before.' };
    }
    if (isEmailProblem(error, message)) return { kind: 'permanent', message: unverifiedEmail(message ?? error).message };
    if (response.status === 401 || response.status === 403) {
      // The token was minted for this upload a moment ago: a fresh one on a later attempt should do.
      return {
        kind: 'retryable',
        message: `Bluesky's video service did not accept Greenlight's upload permission (HTTP ${response.status})${said(message ?? error)}; nothing was posted, try again.`,
      };
    }
    if (response.status === 400 || response.status === 413 || response.status === 415) {
      const detail = errorDetail(response.json, response.text);
      return {
        kind: 'permanent',
        message: `Bluesky's video service refused the video${detail ? `: "${detail}"` : ''}; nothing was posted.`,
      };
    }
    return undefined;
  };

  uploading(0);
  let answer;
  try {
    answer = await deps.videoClient.request({
      method: 'POST',
      path: '/xrpc/app.bsky.video.uploadVideo',
      query: { did, name: `greenlight-${video.sha256.slice(0, 16)}.mp4` },
      headers: { authorization: `Bearer ${token}`, 'content-type': 'video/mp4', 'content-length': String(total) },
      body,
      retry: true,
      timeoutMs: uploadTimeoutMs(deps.timeoutMs, total),
      messageFromError,
      ...(deps.signal ? { signal: deps.signal } : {}),
    });
  } catch (error) {
    // A file longer or shorter than approved breaks the request (its length was announced): the file's fault, for good.
    if (notTheFile()) throw fail('permanent', NOT_APPROVED, { cause: error });
    if (error instanceof PublishError && error.status === 409) {
      const earlier = UploadAnswer.safeParse(conflict);
      if (!attempt?.tally.complete || attempt.hash.digest('hex') !== video.sha256) throw fail('permanent', NOT_APPROVED, { cause: error });
      if (earlier.success && earlier.data.jobId) {
        deps.logger.info('Bluesky processed this video before; using that job', { job: earlier.data.jobId });
        uploading(total);
        return earlier.data;
      }
      throw fail('retryable', 'Bluesky said it processed this video before but did not say which job; nothing was posted, try again.', {
        cause: error,
      });
    }
    if (error instanceof PublishError && error.kind === 'unknown') {
      throw fail(
        'retryable',
        'The video upload to Bluesky did not complete (no answer, or the connection broke); nothing was posted, try again.',
        { cause: error },
      );
    }
    throw error;
  }
  // Every byte the video service got came through the hash: a post naming anything else would post what nobody approved.
  if (!attempt || notTheFile() || !attempt.tally.complete || attempt.hash.digest('hex') !== video.sha256)
    throw fail('permanent', NOT_APPROVED);
  uploading(total);
  const parsed = UploadAnswer.safeParse(answer.body);
  if (!parsed.success || !parsed.data.jobId) {
    const words = parsed.success ? (parsed.data.message ?? parsed.data.error) : undefined;
    if (parsed.success && isEmailProblem(parsed.data.error, parsed.data.message)) throw unverifiedEmail(words);
    throw fail('retryable', `Bluesky's video service did not start processing the video${said(words)}; nothing was posted, try again.`, {
      ...(parsed.success ? {} : { cause: parsed.error }),
    });
  }
  return parsed.data;
}

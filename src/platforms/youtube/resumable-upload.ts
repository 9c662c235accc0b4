import { z } from 'zod';
import { withRetries } from '../http/backoff.js';
import { classifyResponse } from '../http/classify.js';
import { DEFAULT_REQUEST_RETRY } from '../http/http-client.js';
import { PublishError, type PublishVideo } from '../publisher.js';
import type { YouTubeClient } from './client.js';
import { youtubeErrorVerdict } from './errors.js';
import { sendUploadRequest, UploadNotSent, type UploadAnswer } from './upload-request.js';

/** YouTube takes a resumable upload's parts in multiples of 256 KiB (all but the last). */
export const UPLOAD_GRANULE = 256 * 1024;
/** Each request carries this much (read from the media store a part at a time, never the whole file). */
export const DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024;
/**
 * Waits before asking an interrupted session how far it got (Google's advice: back off, ask,
 * resume). Without progress after these, the attempt stops; the checkpoint keeps the session.
 */
export const UPLOAD_RESUME_DELAYS_MS = [1_000, 5_000, 15_000, 30_000];
/** A part's timeout grows with its size, as if the link did at least 128 KiB a second. */
const SLOWEST_BYTES_PER_MS = 128;

const UploadedVideo = z.object({
  id: z.string().min(1),
  status: z
    .object({ uploadStatus: z.string().optional(), privacyStatus: z.string().optional(), publishAt: z.string().nullish() })
    .partial()
    .optional(),
});
export type UploadedVideo = z.infer<typeof UploadedVideo>;

export type SessionState = { kind: 'incomplete'; received: number } | { kind: 'complete'; video: UploadedVideo } | { kind: 'gone' };

export const contentTypeOf = (video: Pick<PublishVideo, 'container'>) => (video.container === 'mov' ? 'video/quicktime' : 'video/mp4');

const failure = (kind: 'retryable' | 'permanent' | 'unknown', message: string, cause?: unknown) =>
  new PublishError({ kind, network: 'youtube', message, cause });

function refusal(client: YouTubeClient, answer: UploadAnswer): PublishError {
  const now = () => client.clock.now();
  return classifyResponse({
    network: 'youtube',
    status: answer.status,
    headers: answer.headers,
    text: answer.text,
    now: now(),
    messageFromError: youtubeErrorVerdict(now),
  });
}

/**
 * Opens a resumable upload session (videos.insert with `uploadType=resumable`): the video's
 * details go now, the bytes later to the session URI YouTube answers with. A session holds
 * nothing public, so a lost answer only leaves an unused session: asking again is safe.
 */
export async function startSession(
  client: YouTubeClient,
  args: { metadata: unknown; totalBytes: number; contentType: string; signal?: AbortSignal | undefined },
): Promise<string> {
  const url = `${client.apiUrl}/upload/youtube/v3/videos?uploadType=resumable&part=snippet%2Cstatus`;
  const once = async (): Promise<string> => {
    let answer: UploadAnswer;
    try {
      answer = await sendUploadRequest(client, {
        method: 'POST',
        url,
        headers: {
          'content-type': 'application/json; charset=UTF-8',
          'x-upload-content-length': String(args.totalBytes),
          'x-upload-content-type': args.contentType,
        },
        body: JSON.stringify(args.metadata),
        signal: args.signal,
        timeoutMs: client.timeoutMs,
      });
    } catch (error) {
      if (error instanceof PublishError && error.kind === 'unknown')
        throw failure('retryable', `Starting the YouTube upload did not complete; nothing was uploaded. (${error.message})`, error);
      throw error;
    }
    if (answer.status !== 200 && answer.status !== 201) throw refusal(client, answer);
    const location = answer.headers.get('location');
    if (!location)
      throw failure('retryable', 'YouTube accepted the upload but gave no address to send the video to; nothing was uploaded.');
    return new URL(location, `${client.apiUrl}/`).href;
  };
  return withRetries(once, {
    ...DEFAULT_REQUEST_RETRY,
    sleep: client.sleep,
    ...(args.signal ? { signal: args.signal } : {}),
    onRetry: ({ attempt, error, delayMs }) =>
      client.logger.warn('starting the YouTube upload will be retried', { attempt, delayMs, error: error.message }),
  });
}

/** Reads an upload answer: done (the video), incomplete (how much YouTube holds), or a session YouTube no longer knows. */
function stateOf(client: YouTubeClient, answer: UploadAnswer): SessionState {
  if (answer.status === 200 || answer.status === 201) {
    let json: unknown;
    try {
      json = JSON.parse(answer.text);
    } catch {
      json = undefined;
    }
    const parsed = UploadedVideo.safeParse(json);
    if (!parsed.success) {
      throw failure(
        'unknown',
        'YouTube finished the upload but answered in a way Greenlight could not read, so the video may be on the channel: check YouTube Studio before retrying.',
        parsed.error,
      );
    }
    return { kind: 'complete', video: parsed.data };
  }
  if (answer.status === 308) {
    // `Range: bytes=0-N`: it holds N + 1 bytes; no Range: none yet.
    const range = /^bytes=0-(\d+)$/.exec(answer.headers.get('range') ?? '');
    return { kind: 'incomplete', received: range ? Number(range[1]) + 1 : 0 };
  }
  if (answer.status === 404 || answer.status === 410) return { kind: 'gone' };
  throw refusal(client, answer);
}

/** Asks a session how far it got (`Content-Range: bytes *\/total`, no body). */
export async function querySession(
  client: YouTubeClient,
  sessionUri: string,
  totalBytes: number,
  signal?: AbortSignal,
): Promise<SessionState> {
  const answer = await sendUploadRequest(client, {
    method: 'PUT',
    url: sessionUri,
    headers: { 'content-range': `bytes */${totalBytes}` },
    body: new Uint8Array(0),
    signal,
    timeoutMs: client.timeoutMs,
  });
  return stateOf(client, answer);
}

/** Exactly the approved bytes [start, end) of the video, from the media store. */
async function readPart(video: PublishVideo, start: number, end: number): Promise<Uint8Array> {
  const stream = await video.open({ start, end });
  const parts: Buffer[] = [];
  let length = 0;
  try {
    for await (const part of stream) {
      const bytes = typeof part === 'string' ? Buffer.from(part) : (part as Buffer);
      parts.push(bytes);
      length += bytes.length;
      if (length > end - start) break;
    }
  } catch (error) {
    throw failure(
      'retryable',
      'Greenlight could not read the approved video from its media store just now; the upload will carry on from where it stopped.',
      error,
    );
  } finally {
    stream.destroy();
  }
  if (length !== end - start) {
    throw failure(
      'permanent',
      `The approved video in the media store is not the ${video.bytes.toLocaleString('en-US')} bytes that were approved (bytes ${start}–${end} read as ${length}), so it was not uploaded.`,
    );
  }
  return Buffer.concat(parts, length);
}

/** Failures after which asking the session where it stands is the way on (Google's advice for 5xx and cut connections). */
function isInterruption(error: unknown): error is PublishError {
  if (!(error instanceof PublishError) || error instanceof UploadNotSent) return false;
  if (error.kind === 'unknown') return true;
  return error.kind === 'retryable' && (error.status === undefined || error.status >= 500 || error.status === 429 || error.status === 408);
}

export interface UploadOptions {
  sessionUri: string;
  video: PublishVideo;
  /** Where YouTube's session stands (0 for a new one). */
  from: number;
  chunkBytes: number;
  signal?: AbortSignal | undefined;
  /** Whether a request carrying the last byte was sent by an earlier attempt. */
  finalSentBefore: boolean;
  /** A later attempt can carry this session on (its URI is saved): then stopping is never "unknown" while YouTube knows it. */
  resumable: boolean;
  /** Right before each request carrying the last byte: the one that makes the video. Throws to stop it leaving. */
  beforeFinal: () => Promise<void>;
  onProgress: (bytesSent: number) => void;
}

/**
 * Sends the video from `from` to the end, a part at a time (each a multiple of 256 KiB but
 * the last), reading only that part from the media store. A part cut off or refused with a
 * 5xx is not sent again blindly: the session is asked how much it holds, and the upload goes
 * on from there. Only the request carrying the last byte can make the video, and YouTube makes
 * it once: a session asked after that answers with the video it made.
 */
export async function uploadFrom(client: YouTubeClient, options: UploadOptions): Promise<UploadedVideo> {
  const { sessionUri, video, signal } = options;
  const total = video.bytes;
  let offset = options.from;
  let finalSent = options.finalSentBefore;
  let setbacks = 0;
  /** Parts YouTube answered without taking anything more. */
  let stalls = 0;

  /** The attempt ends here; a later one carries on with the saved session (or, without one, looks first). */
  const stop = (message: string, cause?: unknown) => {
    if (!finalSent)
      return failure('retryable', `${message} Nothing was published yet; Greenlight will carry on from where it stopped.`, cause);
    if (!options.resumable)
      return failure(
        'unknown',
        `${message} The last part may have arrived, so the video may be on the channel: check YouTube Studio before retrying.`,
        cause,
      );
    return failure(
      'retryable',
      `${message} Greenlight will ask YouTube how far it got before going on, so the video is never uploaded twice.`,
      cause,
    );
  };

  const gone = () =>
    finalSent
      ? failure(
          'unknown',
          'YouTube no longer knows the upload, and its last part may have arrived, so the video may be on the channel: check YouTube Studio before retrying.',
        )
      : failure('retryable', 'YouTube dropped the unfinished upload; nothing was published, and Greenlight will start it again.');

  /** After an interruption: wait, then ask the session where it stands, a bounded number of times. */
  const recover = async (interruption: PublishError): Promise<SessionState> => {
    let last = interruption;
    for (;;) {
      if (signal?.aborted) throw stop('The YouTube upload was cancelled.', last);
      const delay = UPLOAD_RESUME_DELAYS_MS[setbacks];
      if (delay === undefined) throw stop(`The YouTube upload kept being interrupted (${last.message}).`, last);
      setbacks += 1;
      client.logger.warn('YouTube upload interrupted; asking where it stands', { error: last.message, waitMs: delay, offset });
      try {
        await client.sleep(delay, signal);
      } catch {
        throw stop('The YouTube upload was cancelled.', last);
      }
      try {
        return await querySession(client, sessionUri, total, signal);
      } catch (error) {
        if (!isInterruption(error)) throw error;
        last = error;
      }
    }
  };

  for (;;) {
    let state: SessionState;
    if (offset >= total) {
      // YouTube holds every byte but has not said it made the video: ask once more.
      state = await querySession(client, sessionUri, total, signal);
      if (state.kind === 'incomplete')
        throw failure('unknown', 'YouTube holds the whole video but has not finished the upload: check YouTube Studio before retrying.');
    } else {
      const end = Math.min(offset + options.chunkBytes, total);
      const final = end === total;
      const body = await readPart(video, offset, end);
      try {
        const answer = await sendUploadRequest(client, {
          method: 'PUT',
          url: sessionUri,
          headers: { 'content-range': `bytes ${offset}-${end - 1}/${total}`, 'content-type': contentTypeOf(video) },
          body,
          signal,
          timeoutMs: client.timeoutMs + Math.ceil(body.length / SLOWEST_BYTES_PER_MS),
          beforeSend: final
            ? async () => {
                await options.beforeFinal();
                finalSent = true;
              }
            : undefined,
        });
        state = stateOf(client, answer);
      } catch (error) {
        if (!isInterruption(error)) throw error;
        state = await recover(error);
      }
    }
    if (state.kind === 'complete') {
      options.onProgress(total);
      return state.video;
    }
    if (state.kind === 'gone') throw gone();
    if (state.received > offset) {
      setbacks = 0;
      stalls = 0;
    } else if (++stalls > UPLOAD_RESUME_DELAYS_MS.length) {
      throw stop(`YouTube kept the upload at ${state.received.toLocaleString('en-US')} bytes.`);
    }
    offset = state.received;
    options.onProgress(offset);
  }
}

/** Checks a chunk size: a positive multiple of 256 KiB (YouTube refuses other part sizes). */
export function checkChunkBytes(chunkBytes: number): number {
  if (!Number.isInteger(chunkBytes) || chunkBytes <= 0 || chunkBytes % UPLOAD_GRANULE !== 0) {
    throw new Error(`YouTube upload parts must be a positive multiple of ${UPLOAD_GRANULE} bytes (got ${chunkBytes})`);
  }
  return chunkBytes;
}

import { redact } from '../../observability/redact.js';
import { classifyFetchError } from '../http/classify.js';
import { PublishError } from '../publisher.js';
import type { YouTubeClient } from './client.js';

/** The mark before the request failed (the claim was lost, the database is down): nothing left. */
export class UploadNotSent extends PublishError {
  constructor(cause: unknown) {
    super({
      kind: cause instanceof PublishError ? cause.kind : 'retryable',
      network: 'youtube',
      message:
        cause instanceof PublishError
          ? cause.message
          : 'Greenlight could not record that the video was about to be completed on YouTube, so it sent nothing more.',
      cause,
    });
  }
}

export interface UploadRequest {
  method: 'POST' | 'PUT';
  url: string;
  headers: Record<string, string>;
  body?: Uint8Array | string;
  signal?: AbortSignal | undefined;
  /** This request's own timeout: a chunk of megabytes takes longer than a read. */
  timeoutMs: number;
  /** Runs once the access token is at hand, right before the request leaves (the mark). */
  beforeSend?: (() => Promise<void>) | undefined;
}

export interface UploadAnswer {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * One request of the resumable upload, sent by hand: Google's client has no resumable upload,
 * and the shared HTTP client treats YouTube's 308 ("resume incomplete") as a failure and hides
 * its `Range` header. Every answer comes back as it is, for the protocol to read; a failure to
 * get one is a `PublishError` (`unknown` once the request may have left). A 401 (the access
 * token expired mid-upload; YouTube did nothing with the request) is sent once more with a new token.
 */
export async function sendUploadRequest(client: YouTubeClient, request: UploadRequest): Promise<UploadAnswer> {
  let answer = await sendOnce(client, request);
  if (answer.status === 401) {
    client.dropAccessToken();
    answer = await sendOnce(client, { ...request, beforeSend: undefined });
  }
  return answer;
}

async function sendOnce(client: YouTubeClient, request: UploadRequest): Promise<UploadAnswer> {
  const token = await client.accessToken();
  try {
    await request.beforeSend?.();
  } catch (error) {
    throw new UploadNotSent(error);
  }
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = request.signal ? AbortSignal.any([timeout, request.signal]) : timeout;
  const shown = redact(request.url);
  const started = performance.now();
  client.logger.debug('YouTube upload request', { method: request.method, url: shown, range: request.headers['content-range'] });
  try {
    const response = await client.fetch(request.url, {
      method: request.method,
      headers: { ...request.headers, authorization: `Bearer ${token}`, 'user-agent': 'Greenlight' },
      ...(request.body !== undefined ? { body: request.body } : {}),
      // 308 here means "resume incomplete", never a redirect to follow.
      redirect: 'manual',
      signal,
    });
    const text = await response.text();
    client.logger.debug('YouTube upload answered', {
      method: request.method,
      url: shown,
      status: response.status,
      ms: Math.round(performance.now() - started),
    });
    return { status: response.status, headers: response.headers, text };
  } catch (error) {
    const failed = classifyFetchError(error, {
      network: 'youtube',
      timedOut: timeout.aborted,
      timeoutMs: request.timeoutMs,
      cancelled: request.signal?.aborted ?? false,
    });
    client.logger.warn('YouTube upload request failed', { method: request.method, url: shown, kind: failed.kind, error: failed.message });
    throw failed;
  }
}

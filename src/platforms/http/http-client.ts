import { systemClock, type Clock } from '../../domain/clock.js';
import { NETWORK_LABELS, type NetworkId } from '../../domain/network.js';
import type { Logger } from '../../observability/logger.js';
import { redact } from '../../observability/redact.js';
import { PublishError } from '../publisher.js';
import { DEFAULT_MAX_WAIT_MS, withRetries, type RetryOptions } from './backoff.js';
import { classifyFetchError, classifyResponse, describeWait, type MessageFromError } from './classify.js';
import type { RateLimiter } from './rate-limiter.js';
import { retryAfterMs } from './retry-after.js';

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type QueryValue = string | number | boolean | null | undefined | ReadonlyArray<string | number | boolean>;
export type Expect = 'json' | 'text' | 'none';

/**
 * How one HTTP request is retried (attempts, backoff); the defaults suit a background
 * publisher. Not the scheduler's RetryPolicy, which spaces whole publishing attempts.
 */
export type RequestRetryPolicy = Pick<RetryOptions, 'maxAttempts' | 'baseMs' | 'maxMs' | 'maxWaitMs' | 'sleep' | 'random'>;

export const DEFAULT_REQUEST_RETRY: RequestRetryPolicy = {
  maxAttempts: 3,
  baseMs: 500,
  maxMs: 10_000,
  maxWaitMs: DEFAULT_MAX_WAIT_MS,
};

export interface HttpClientOptions {
  network: NetworkId;
  /** Scheme and host, optionally a path prefix (a proxy); request paths are appended. */
  baseUrl: string;
  /** For one attempt, from the moment the rate limiter lets it go until the body is read. */
  timeoutMs: number;
  rateLimiter?: RateLimiter;
  logger: Logger;
  defaultHeaders?: Record<string, string>;
  fetch?: FetchLike;
  retryPolicy?: Partial<RequestRetryPolicy>;
  clock?: Clock;
}

export type Body = string | Uint8Array | ArrayBuffer | Blob | FormData | URLSearchParams;

/**
 * A body sent as it is read (a video streamed from disk), so it is never whole in memory. A
 * stream can be sent only once, so the request carries a function that makes a fresh one for
 * each attempt; it is called when the attempt is let go, right before the request leaves.
 */
export type BodySource = () => AsyncIterable<Uint8Array> | Promise<AsyncIterable<Uint8Array>>;

export interface HttpRequest<E extends Expect = Expect> {
  method: HttpMethod;
  /** Appended to the base URL; an absolute http(s) URL (an upload URL a network handed out) is used as is. */
  path: string;
  /** Arrays repeat the key; undefined and null are left out. */
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  /** At most one of json, form, body. */
  json?: unknown;
  form?: Record<string, QueryValue> | URLSearchParams;
  /** A streamed body (`BodySource`) needs its `content-type`, and its `content-length` when known, in `headers`. */
  body?: Body | BodySource;
  /** How to read a 2xx body; default 'json'. */
  expect?: E;
  /**
   * Whether a retryable failure may be tried again here. True for reads and uploads;
   * false for the call that creates the post, which the scheduler owns.
   */
  retry: boolean;
  /** Reads the network's error body into a marketer's words (see classify.ts). */
  messageFromError?: MessageFromError;
  signal?: AbortSignal;
  /** Overrides the client's timeout for this request (large uploads). */
  timeoutMs?: number;
  /**
   * Runs after the rate limiter let this request go and right before it leaves; if it throws,
   * the request is not sent. The call that makes a post public passes `markSending` here.
   */
  beforeSend?: () => Promise<void>;
}

export type BodyFor<E extends Expect> = E extends 'text' ? string : E extends 'none' ? undefined : unknown;

export interface HttpResponse<B = unknown> {
  status: number;
  headers: Headers;
  body: B;
}

export interface HttpClient {
  readonly network: NetworkId;
  /** Throws `PublishError` on every failure. */
  request<E extends Expect = 'json'>(request: HttpRequest<E>): Promise<HttpResponse<BodyFor<E>>>;
  /**
   * A `fetch` for client libraries (@atproto/api, masto): rate limiter, timeout, redacted
   * logging, and a limiter pause on 429. Responses, errors included, are returned as they
   * came, for the library to interpret; a failure to get a response at all is thrown as a
   * `PublishError` (find it again with `findPublishError`, as libraries wrap it).
   */
  fetch: FetchLike;
}

export function buildUrl(baseUrl: string, path: string, query?: Record<string, QueryValue>): URL {
  const url = /^https?:\/\//i.test(path) ? new URL(path) : new URL(`${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null) continue;
    const values: ReadonlyArray<string | number | boolean> = Array.isArray(value) ? value : [value as string];
    for (const v of values) url.searchParams.append(key, String(v));
  }
  return url;
}

function toForm(form: Record<string, QueryValue> | URLSearchParams): URLSearchParams {
  if (form instanceof URLSearchParams) return form;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(form)) {
    if (value === undefined || value === null) continue;
    const values: ReadonlyArray<string | number | boolean> = Array.isArray(value) ? value : [value as string];
    for (const v of values) params.append(key, String(v));
  }
  return params;
}

interface Attempt {
  signal: AbortSignal;
  timeout: AbortSignal;
  timeoutMs: number;
  callerSignal: AbortSignal | undefined;
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const { network, logger, rateLimiter } = options;
  const label = NETWORK_LABELS[network];
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const clock = options.clock ?? systemClock;
  const policy: RequestRetryPolicy = { ...DEFAULT_REQUEST_RETRY, ...options.retryPolicy };
  const maxWaitMs = policy.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;

  const cancelledBeforeSending = (cause?: unknown) =>
    new PublishError({
      kind: 'retryable',
      network,
      message: `The request to ${label} was cancelled before anything was sent.`,
      cause,
    });

  /** Waits for the limiter; a pause longer than we would ever wait fails at once, unsent. */
  const admit = async (callerSignal: AbortSignal | undefined): Promise<void> => {
    if (callerSignal?.aborted) throw cancelledBeforeSending(callerSignal.reason);
    if (!rateLimiter) return;
    const paused = rateLimiter.pausedUntil();
    const pauseMs = paused ? paused.getTime() - clock.now().getTime() : 0;
    if (pauseMs > maxWaitMs) {
      throw new PublishError({
        kind: 'retryable',
        network,
        message: `${label} is limiting how often Greenlight may call it; it can try again in ${describeWait(pauseMs)}.`,
        retryAfterMs: pauseMs,
      });
    }
    try {
      await rateLimiter.acquire(callerSignal);
    } catch (error) {
      throw cancelledBeforeSending(error);
    }
  };

  /** The caller's last word before the request leaves; nothing is sent if it fails or the caller gave up. */
  const lastCheck = async (beforeSend: (() => Promise<void>) | undefined, callerSignal: AbortSignal | undefined): Promise<void> => {
    if (!beforeSend) return;
    if (callerSignal?.aborted) throw cancelledBeforeSending(callerSignal.reason);
    try {
      await beforeSend();
    } catch (error) {
      throw cancelledBeforeSending(error);
    }
    if (callerSignal?.aborted) throw cancelledBeforeSending(callerSignal.reason);
  };

  const startAttempt = (callerSignal: AbortSignal | undefined, timeoutMs: number): Attempt => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = callerSignal ? AbortSignal.any([timeout, callerSignal]) : timeout;
    return { signal, timeout, timeoutMs, callerSignal };
  };

  const failure = (error: unknown, attempt: Attempt): PublishError =>
    classifyFetchError(error, {
      network,
      timedOut: attempt.timeout.aborted,
      timeoutMs: attempt.timeoutMs,
      cancelled: attempt.callerSignal?.aborted ?? false,
    });

  /** A 429 holds back this network's other requests until the reset it announced. */
  const noteRateLimit = (status: number, headers: Headers) => {
    if (status !== 429 || !rateLimiter) return;
    const now = clock.now();
    const wait = retryAfterMs(headers, now);
    if (wait !== undefined && wait > 0) rateLimiter.pauseUntil(new Date(now.getTime() + wait));
  };

  const readText = async (response: Response): Promise<string> => {
    try {
      return await response.text();
    } catch {
      return '';
    }
  };

  const once = async <E extends Expect>(request: HttpRequest<E>, url: URL, init: RequestInit, source?: BodySource) => {
    const method = request.method;
    const shownUrl = redact(url.href);
    await admit(request.signal);
    await lastCheck(request.beforeSend, request.signal);
    // Node's fetch sends an async iterable as it is read, which it calls a half-duplex body.
    const streamed = source ? await source() : undefined;
    const attempt = startAttempt(request.signal, request.timeoutMs ?? options.timeoutMs);
    const started = performance.now();
    logger.debug(`${label} request`, { network, method, url: shownUrl });

    let response: Response;
    try {
      response = await fetchImpl(url, {
        ...init,
        ...(streamed ? { body: streamed, duplex: 'half' as const } : {}),
        signal: attempt.signal,
      });
    } catch (error) {
      if (streamed) closeUnread(streamed);
      const failed = failure(error, attempt);
      logger.warn(`${label} request failed`, { network, method, url: shownUrl, kind: failed.kind, error: failed.message });
      throw failed;
    }
    const ms = Math.round(performance.now() - started);

    if (!response.ok) {
      const text = await readText(response);
      noteRateLimit(response.status, response.headers);
      const failed = classifyResponse({
        network,
        status: response.status,
        headers: response.headers,
        text,
        now: clock.now(),
        messageFromError: request.messageFromError,
      });
      logger.warn(`${label} answered HTTP ${response.status}`, {
        network,
        method,
        url: shownUrl,
        status: response.status,
        ms,
        kind: failed.kind,
        retryAfterMs: failed.retryAfterMs,
        error: failed.message,
      });
      throw failed;
    }

    const expect: Expect = request.expect ?? 'json';
    let body: unknown;
    try {
      if (expect === 'none') {
        await response.body?.cancel();
        body = undefined;
      } else {
        const text = await response.text();
        body = expect === 'text' ? text : parseJsonBody(text);
      }
    } catch (error) {
      const failed =
        error instanceof SyntaxError
          ? new PublishError({
              kind: 'unknown',
              network,
              status: response.status,
              message: `${label} accepted the request (HTTP ${response.status}) but answered with something Greenlight could not read: check the account before retrying.`,
              cause: error,
            })
          : failure(error, attempt);
      logger.warn(`${label} answer could not be read`, {
        network,
        method,
        url: shownUrl,
        status: response.status,
        kind: failed.kind,
        error: failed.message,
      });
      throw failed;
    }
    logger.debug(`${label} answered HTTP ${response.status}`, { network, method, url: shownUrl, status: response.status, ms });
    return { status: response.status, headers: response.headers, body: body as BodyFor<E> };
  };

  const request = async <E extends Expect = 'json'>(request: HttpRequest<E>): Promise<HttpResponse<BodyFor<E>>> => {
    let url: URL;
    try {
      url = buildUrl(options.baseUrl, request.path, request.query);
    } catch (error) {
      throw classifyFetchError(error, { network });
    }

    const headers = new Headers(options.defaultHeaders);
    for (const [key, value] of Object.entries(request.headers ?? {})) headers.set(key, value);
    let body: Body | undefined;
    let source: BodySource | undefined;
    if (request.json !== undefined) {
      body = JSON.stringify(request.json);
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    } else if (request.form !== undefined) {
      body = toForm(request.form);
    } else if (typeof request.body === 'function') {
      source = request.body;
    } else {
      body = request.body;
    }
    if ((request.expect ?? 'json') === 'json' && !headers.has('accept')) headers.set('accept', 'application/json');
    if (!headers.has('user-agent')) headers.set('user-agent', 'Greenlight');
    const init: RequestInit = { method: request.method, headers, ...(body !== undefined ? { body } : {}) };

    if (!request.retry) return once(request, url, init, source);
    return withRetries(() => once(request, url, init, source), {
      ...policy,
      ...(request.signal ? { signal: request.signal } : {}),
      onRetry: ({ attempt, error, delayMs }) =>
        logger.warn(`${label} request will be retried`, {
          network,
          method: request.method,
          url: redact(url.href),
          attempt,
          of: policy.maxAttempts,
          delayMs,
          error: error.message,
        }),
    });
  };

  const wrappedFetch: FetchLike = async (input, init) => {
    const isRequest = typeof input === 'object' && !(input instanceof URL);
    const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = (init?.method ?? (isRequest ? (input as Request).method : 'GET')).toUpperCase();
    const callerSignal = init?.signal ?? (isRequest ? (input as Request).signal : undefined) ?? undefined;
    const shownUrl = redact(href);

    await admit(callerSignal);
    const attempt = startAttempt(callerSignal, options.timeoutMs);
    const started = performance.now();
    logger.debug(`${label} request`, { network, method, url: shownUrl });
    let response: Response;
    try {
      response = await fetchImpl(input, { ...init, signal: attempt.signal });
    } catch (error) {
      const failed = failure(error, attempt);
      logger.warn(`${label} request failed`, { network, method, url: shownUrl, kind: failed.kind, error: failed.message });
      throw failed;
    }
    const ms = Math.round(performance.now() - started);
    noteRateLimit(response.status, response.headers);
    const fields = { network, method, url: shownUrl, status: response.status, ms };
    if (response.ok) logger.debug(`${label} answered HTTP ${response.status}`, fields);
    else logger.warn(`${label} answered HTTP ${response.status}`, fields);
    return response;
  };

  return { network, request, fetch: wrappedFetch };
}

/**
 * Lets go of a streamed body fetch gave up on before reading it all (a refused connection never
 * starts it): ending its iterator closes the file behind it now rather than whenever it is collected.
 */
function closeUnread(body: AsyncIterable<Uint8Array>): void {
  try {
    // Not awaited: a generator fetch left mid-step finishes that step first.
    void body[Symbol.asyncIterator]()
      .return?.()
      ?.catch(() => undefined);
  } catch {
    // It failed already; there is nothing left to close.
  }
}

/** An empty 2xx body (LinkedIn's 201 puts the id in a header) reads as undefined. */
function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  return JSON.parse(text) as unknown;
}

import type { z } from 'zod';
import { NETWORK_LABELS } from '../../domain/network.js';
import type { ErrorResponse, ErrorVerdict } from '../http/classify.js';
import type { QueryValue } from '../http/http-client.js';
import { createNetworkClient } from '../http/network-client.js';
import type { StreamedForm } from '../http/streamed-form.js';
import { PublishError, type FailureKind, type PublisherDeps } from '../publisher.js';
import { graphErrorVerdict, type MetaNetwork } from './classify.js';
import type { GraphError } from './graph-error.js';

export type MetaPublisherDeps = PublisherDeps;

export const DEFAULT_TIMEOUT_MS = 15_000;

export interface GraphClientOptions {
  network: MetaNetwork;
  graphUrl: string;
  token: string;
  tokenSetting: string;
  rateLimit: { capacity: number; refillPerSecond: number };
  specificErrors?: (error: GraphError, response: ErrorResponse) => ErrorVerdict;
  deps: MetaPublisherDeps;
}

export interface GraphCall<T> {
  path: string;
  query?: Record<string, QueryValue>;
  /** The shape of a successful answer; anything else is `unreadable`. */
  schema: z.ZodType<T>;
  /** Reads and invisible uploads: true. The call that makes a post visible: false (the scheduler owns that retry). */
  retry: boolean;
  signal?: AbortSignal;
  timeoutMs?: number;
  /**
   * What an answer we cannot read means. After a create it is `unknown` (the post may exist);
   * after a read, `permanent` (Meta changed a shape, retrying will not help).
   */
  unreadable?: FailureKind;
  /** Sees Meta's error code, for callers that branch on it (an object that no longer exists). */
  onGraphError?: (error: GraphError) => void;
  /** See `HttpRequest.beforeSend`: the call that makes a post public passes `markSending`. */
  beforeSend?: () => Promise<void>;
}

export interface GraphPost<T> extends GraphCall<T> {
  /** At most one of json, form, stream. */
  json?: unknown;
  form?: FormData;
  /** A multipart body whose file is streamed as it is sent (a video chunk), opened afresh for each attempt. */
  stream?: StreamedForm;
}

export interface GraphClient {
  get<T>(call: GraphCall<T>): Promise<T>;
  post<T>(call: GraphPost<T>): Promise<T>;
}

/**
 * The Graph API over the shared HTTP client: one rate limiter per network, the token in an
 * `Authorization: Bearer` header (never in a URL, so no log line or proxy log can carry it),
 * and Meta's error codes read into retryable / permanent / unknown.
 */
export function createGraphClient(options: GraphClientOptions): GraphClient {
  const { network, deps } = options;
  const label = NETWORK_LABELS[network];
  const {
    client: http,
    rateLimiter,
    clock,
  } = createNetworkClient(network, deps, {
    baseUrl: options.graphUrl,
    rate: options.rateLimit,
    bearer: options.token,
    defaultTimeoutMs: DEFAULT_TIMEOUT_MS,
    logger: deps.logger,
  });

  // Meta throttles with HTTP 400, which the shared client does not read as a rate limit;
  // pausing here holds back this network's other requests until access returns.
  const onThrottled = (waitMs: number) => rateLimiter.pauseUntil(new Date(clock.now().getTime() + waitMs));

  const send = async <T>(method: 'GET' | 'POST', call: GraphPost<T>): Promise<T> => {
    const messageFromError = graphErrorVerdict({
      network,
      tokenSetting: options.tokenSetting,
      ...(options.specificErrors ? { specific: options.specificErrors } : {}),
      onThrottled,
      now: () => clock.now(),
      ...(call.onGraphError ? { onGraphError: call.onGraphError } : {}),
    });
    const response = await http.request({
      method,
      path: call.path,
      ...(call.query ? { query: call.query } : {}),
      ...(call.json !== undefined ? { json: call.json } : {}),
      ...(call.form !== undefined ? { body: call.form } : {}),
      ...(call.stream !== undefined
        ? {
            body: call.stream.body,
            headers: { 'content-type': call.stream.contentType, 'content-length': String(call.stream.contentLength) },
          }
        : {}),
      retry: call.retry,
      messageFromError,
      ...(call.signal ? { signal: call.signal } : {}),
      ...(call.timeoutMs !== undefined ? { timeoutMs: call.timeoutMs } : {}),
      ...(call.beforeSend ? { beforeSend: call.beforeSend } : {}),
    });
    const parsed = call.schema.safeParse(response.body);
    if (parsed.success) return parsed.data;
    const kind = call.unreadable ?? (method === 'POST' ? 'unknown' : 'permanent');
    throw new PublishError({
      kind,
      network,
      status: response.status,
      message:
        kind === 'unknown'
          ? `${label} accepted the request but answered in a way Greenlight could not read: check the account before retrying.`
          : `${label} answered in a way Greenlight could not read (${method} ${call.path.split('?')[0]}).`,
      cause: parsed.error,
    });
  };

  return {
    get: (call) => send('GET', call),
    post: (call) => send('POST', call),
  };
}

import { NETWORK_LABELS, type NetworkId } from '../../domain/network.js';
import { redact } from '../../observability/redact.js';
import { PublishError, type FailureKind } from '../publisher.js';
import { retryAfterMs, type HeaderSource } from './retry-after.js';

/** What a network's error response looked like, for its message extractor. */
export interface ErrorResponse {
  network: NetworkId;
  status: number;
  headers: HeaderSource;
  /** The body as text ('' when there was none or it could not be read). */
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

/**
 * A network-specific reading of an error response. Return a string to replace the
 * generic message, or an object to also override the kind (Facebook reports its
 * throttling as HTTP 400 with code 4/17/32/613, which is retryable). Return undefined
 * to keep the generic wording.
 */
export type ErrorVerdict =
  | string
  | { message: string; kind?: FailureKind; retryAfterMs?: number }
  | undefined;

export type MessageFromError = (response: ErrorResponse) => ErrorVerdict;

/** The setting a person fixes when a network refuses our credentials. */
export const CREDENTIAL_SETTINGS: Record<NetworkId, string | undefined> = {
  sandbox: undefined,
  x: 'X_ACCESS_TOKEN',
  linkedin: 'LINKEDIN_ACCESS_TOKEN',
  facebook: 'FACEBOOK_PAGE_TOKEN',
  instagram: 'INSTAGRAM_ACCESS_TOKEN',
  pinterest: 'PINTEREST_ACCESS_TOKEN',
  mastodon: 'MASTODON_ACCESS_TOKEN',
  bluesky: 'BLUESKY_IDENTIFIER and BLUESKY_APP_PASSWORD',
  youtube: 'YOUTUBE_REFRESH_TOKEN',
};

const MAX_DETAIL_LENGTH = 300;

/**
 * The network's own words from the common error shapes: `{message}`, `{error}`,
 * `{error:{message}}`, `{detail}`, `{title}`, `{errors:[{message}]}`, `{error_description}`.
 * Used when the network-specific extractor has nothing better.
 */
export function errorDetail(json: unknown, text = ''): string | undefined {
  const pick = (value: unknown): string | undefined => {
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
    if (value && typeof value === 'object') {
      const o = value as Record<string, unknown>;
      for (const key of ['message', 'detail', 'error_description', 'error_user_msg', 'title']) {
        const found = pick(o[key]);
        if (found) return found;
      }
      if (o.error !== undefined) return pick(o.error);
      if (Array.isArray(o.errors) && o.errors.length > 0) return pick(o.errors[0]);
    }
    return undefined;
  };
  const found = pick(json) ?? (json === undefined && text && !/^\s*</.test(text) ? text.trim() : undefined);
  if (!found) return undefined;
  const oneLine = found.replace(/\s+/g, ' ');
  return oneLine.length > MAX_DETAIL_LENGTH ? `${oneLine.slice(0, MAX_DETAIL_LENGTH - 1)}…` : oneLine;
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function describeWait(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 120) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  return `${Math.ceil(minutes / 60)} hours`;
}

/** Appends the network's own words, quoted, when there are any. */
const withDetail = (message: string, detail: string | undefined) =>
  detail ? `${message} (It said: "${detail}")` : message;

function defaultResponseVerdict(
  response: ErrorResponse,
  retryAfter: number | undefined,
): { kind: FailureKind; message: string } {
  const { network, status } = response;
  const label = NETWORK_LABELS[network];
  const detail = errorDetail(response.json, response.text);
  const setting = CREDENTIAL_SETTINGS[network];

  if (status === 429) {
    const when = retryAfter !== undefined ? `in ${describeWait(retryAfter)}` : 'in a few minutes';
    return {
      kind: 'retryable',
      message: `${label} is limiting how often Greenlight may call it (HTTP 429); it can try again ${when}.`,
    };
  }
  if (status === 504) {
    // A gateway gave up waiting for the network's server, which may still have acted on
    // the request: the same situation as our own response timeout (rule 2 in docs/architecture.md).
    return {
      kind: 'unknown',
      message: `${label} timed out answering (HTTP 504), so the request may have gone through: check the account before retrying.`,
    };
  }
  if (status >= 500) {
    return {
      kind: 'retryable',
      message: withDetail(`${label} had a temporary problem (HTTP ${status}); try again later.`, detail),
    };
  }
  if (status === 408) {
    // The server timed out waiting for our request to arrive, so it did not act on it.
    return { kind: 'retryable', message: `${label} did not receive the whole request in time (HTTP 408); try again.` };
  }
  if (status === 401) {
    return {
      kind: 'permanent',
      message: withDetail(
        `${label} rejected the access token (401)${setting ? `: check ${setting}` : ''}.`,
        detail,
      ),
    };
  }
  if (status === 403) {
    return {
      kind: 'permanent',
      message: withDetail(
        `${label} refused the request (403); the access token may lack a permission${setting ? `: check ${setting}` : ''}.`,
        detail,
      ),
    };
  }
  if (status >= 400) {
    return { kind: 'permanent', message: withDetail(`${label} refused the request (HTTP ${status}).`, detail) };
  }
  return { kind: 'permanent', message: `${label} answered with an unexpected HTTP ${status}.` };
}

/**
 * Turns a non-2xx response into a `PublishError`: 429 and 5xx retryable (with the wait
 * the network asked for), 504 unknown, other 4xx permanent. The message is the
 * extractor's if it has one, and always passes through `redact` (networks echo tokens).
 */
export function classifyResponse(args: {
  network: NetworkId;
  status: number;
  headers: HeaderSource;
  text: string;
  now: Date;
  messageFromError?: MessageFromError | undefined;
}): PublishError {
  const response: ErrorResponse = {
    network: args.network,
    status: args.status,
    headers: args.headers,
    text: args.text,
    json: parseJson(args.text),
  };
  const wait = args.status === 429 || args.status >= 500 ? retryAfterMs(args.headers, args.now) : undefined;
  const fallback = defaultResponseVerdict(response, wait);

  let verdict: ErrorVerdict;
  try {
    verdict = args.messageFromError?.(response);
  } catch {
    verdict = undefined; // a broken extractor must not hide the network's answer
  }
  const custom = typeof verdict === 'string' ? { message: verdict } : verdict;
  const kind = custom?.kind ?? fallback.kind;
  const retryAfter = custom?.retryAfterMs ?? wait;

  return new PublishError({
    kind,
    network: args.network,
    message: redact(custom?.message ?? fallback.message),
    status: args.status,
    ...(kind === 'retryable' && retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
    cause: new Error(redact(`HTTP ${args.status}: ${args.text.slice(0, 2000)}`)),
  });
}

// What Node 20's fetch (undici 6.24) actually throws, provoked against local servers:
// - refused:            TypeError 'fetch failed', cause Error code ECONNREFUSED
// - unknown host:       TypeError 'fetch failed', cause Error code ENOTFOUND
// - undici connect timeout: TypeError 'fetch failed', cause ConnectTimeoutError code UND_ERR_CONNECT_TIMEOUT
// - socket closed after the request (or before the status line):
//                       TypeError 'fetch failed', cause SocketError code UND_ERR_SOCKET 'other side closed'
// - socket closed mid-body: TypeError 'terminated', cause SocketError code UND_ERR_SOCKET
// - TCP reset:          TypeError 'fetch failed', cause Error code ECONNRESET 'read ECONNRESET'
// - undici headers/body timeouts: cause HeadersTimeoutError UND_ERR_HEADERS_TIMEOUT /
//                       BodyTimeoutError UND_ERR_BODY_TIMEOUT (outer 'fetch failed' / 'terminated')
// - AbortSignal.timeout fired (connecting, waiting, or reading the body alike):
//                       DOMException name TimeoutError, no cause
// - AbortController.abort(): DOMException name AbortError (or the abort reason itself)
// - not HTTP:           TypeError 'fetch failed', cause HTTPParserError code HPE_INVALID_CONSTANT
// - bad URL:            TypeError 'Failed to parse URL from <url>', cause code ERR_INVALID_URL
// - TLS to a plain server: TypeError 'fetch failed', cause code ERR_SSL_WRONG_VERSION_NUMBER

/** Failures that happen before a byte of the request leaves: nothing reached the network. */
const NOT_SENT_CODES: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused',
  ENOTFOUND: 'the server name could not be found',
  EAI_AGAIN: 'the server name could not be looked up',
  ENETUNREACH: 'the network is unreachable',
  EHOSTUNREACH: 'the server is unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'connecting timed out',
};

/** TLS refusals: nothing was sent, and retrying will not help until someone fixes it. */
const TLS_CODE = /^(ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT|ERR_INVALID_URL)/;

/** Failures once the request may have been written: the network may have acted on it. */
const MAYBE_SENT_CODES: Record<string, string> = {
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the connection broke',
  UND_ERR_SOCKET: 'the connection closed early',
  UND_ERR_HEADERS_TIMEOUT: 'no answer arrived in time',
  UND_ERR_BODY_TIMEOUT: 'the answer stopped arriving',
  UND_ERR_ABORTED: 'the request was aborted',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'the answer was cut short',
};

interface ErrorFacts {
  codes: string[];
  names: string[];
  messages: string[];
}

function collect(error: unknown): ErrorFacts {
  const facts: ErrorFacts = { codes: [], names: [], messages: [] };
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === 'object' && !seen.has(current) && seen.size < 10) {
    seen.add(current);
    const e = current as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown };
    if (typeof e.code === 'string') facts.codes.push(e.code);
    if (typeof e.name === 'string') facts.names.push(e.name);
    if (typeof e.message === 'string') facts.messages.push(e.message);
    current = e.cause;
  }
  return facts;
}

/** A copy of `error` safe to keep as a cause: same name and code, redacted message. */
export function redactedError(error: unknown): Error {
  if (!(error instanceof Error)) return new Error(redact(String(error)));
  const copy = new Error(redact(error.message), {
    cause: error.cause === undefined ? undefined : redactedError(error.cause),
  });
  copy.name = error.name;
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) Object.assign(copy, { code });
  if (error.stack) copy.stack = redact(error.stack);
  return copy;
}

export interface FetchFailureContext {
  network: NetworkId;
  /** Our own timeout fired (it cannot tell a slow connect from a slow answer). */
  timedOut?: boolean;
  timeoutMs?: number;
  /** The caller's signal aborted (shutdown). */
  cancelled?: boolean;
}

/**
 * Turns an error thrown by `fetch` (or while reading the body) into a `PublishError`.
 * Only failures that prove nothing was sent are retryable; everything else is unknown,
 * because a request that may have reached the network must not be repeated blindly.
 */
export function classifyFetchError(error: unknown, context: FetchFailureContext): PublishError {
  if (error instanceof PublishError) return error;
  const label = NETWORK_LABELS[context.network];
  const facts = collect(error);
  const cause = redactedError(error);
  const make = (kind: FailureKind, message: string) =>
    new PublishError({ kind, network: context.network, message: redact(message), cause });
  const unknown = (what: string) =>
    make('unknown', `${what}, so the request may have reached ${label}: check the account before retrying.`);

  const notSent = facts.codes.find((code) => code in NOT_SENT_CODES);
  if (notSent) {
    return make('retryable', `Could not reach ${label} (${NOT_SENT_CODES[notSent]}); nothing was sent, try again later.`);
  }
  const tls = facts.codes.find((code) => TLS_CODE.test(code));
  if (tls === 'ERR_INVALID_URL') {
    return make('permanent', `The address configured for ${label} is not a valid URL; nothing was sent.`);
  }
  if (tls) {
    return make('permanent', `Could not open a secure connection to ${label} (${tls}); nothing was sent. Check the ${label} address.`);
  }
  if (context.timedOut || facts.names.includes('TimeoutError')) {
    const after = context.timeoutMs !== undefined ? ` within ${describeWait(context.timeoutMs)}` : ' in time';
    return unknown(`${label} did not answer${after}`);
  }
  if (context.cancelled || facts.names.includes('AbortError')) {
    return unknown(`The request to ${label} was cancelled after it was sent`);
  }
  const maybeSent = facts.codes.find((code) => code in MAYBE_SENT_CODES);
  if (maybeSent) return unknown(`The connection to ${label} failed (${MAYBE_SENT_CODES[maybeSent]})`);
  if (facts.messages.some((m) => /socket hang up/i.test(m))) {
    return unknown(`The connection to ${label} failed (the connection was closed)`);
  }
  if (facts.codes.some((code) => code.startsWith('HPE_'))) {
    return unknown(`${label} sent an answer Greenlight could not read`);
  }
  return unknown(`The request to ${label} failed (${facts.messages[facts.messages.length - 1] ?? 'unexpected error'})`);
}

/** The `PublishError` somewhere in a cause chain (libraries wrap what our fetch threw). */
export function findPublishError(error: unknown): PublishError | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === 'object' && !seen.has(current)) {
    if (current instanceof PublishError) return current;
    seen.add(current);
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

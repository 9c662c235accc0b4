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
export type ErrorVerdict = string | { message: string; kind?: FailureKind; retryAfterMs?: number } | undefined;

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
const withDetail = (message: string, detail: string | undefined) => (detail ? `${message} (It said: "${detail}")` : message);

function defaultResponseVerdict(response: ErrorResponse, retryAfter: number | undefined): { kind: FailureKind; message: string } {
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
      message: withDetail(`${label} rejected the access token (401)${setting ? `: check ${setting}` : ''}.`, detail),
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

// What fetch throws, provoked against local servers (classify-sockets.test.ts provokes each
// again on whichever Node runs the tests). Node 20 ships undici 6.24, Node 22 undici 6.29,
// Node 24 undici 7. The `undici` package (7.x, loaded by public-fetch.ts and media-download.ts
// on the first link they fetch) also puts its own dispatcher under the built-in fetch when it
// is loaded before the built-in fetch's first request, so even on Node 20 the built-in fetch
// can throw undici 7's shapes. They agree except where noted; outer error TypeError 'fetch failed' unless noted:
// - refused:            cause Error code ECONNREFUSED, syscall 'connect'; when a name has several
//                       addresses and all refuse: cause AggregateError (code of the first, message
//                       ''), its `errors` each with syscall 'connect'
// - reset while the connection opens: cause Error 'connect ECONNRESET …', syscall 'connect'
// - unknown host:       cause Error code ENOTFOUND (EAI_AGAIN without a resolver), syscall 'getaddrinfo'
// - undici connect timeout: cause ConnectTimeoutError code UND_ERR_CONNECT_TIMEOUT
// - TLS connection closed during the handshake: cause Error code ECONNRESET 'Client network
//                       socket disconnected before secure TLS connection was established'
// - TLS connection reset during the handshake: cause Error code ECONNRESET 'read ECONNRESET',
//                       the same as a reset after the request, so it cannot count as unsent
// - TLS to a plain server: cause Error code ERR_SSL_WRONG_VERSION_NUMBER
// - socket closed after the request (or before the status line):
//                       cause SocketError code UND_ERR_SOCKET 'other side closed'
// - socket closed or reset mid-body: TypeError 'terminated', cause SocketError code UND_ERR_SOCKET
//                       'other side closed', or Error code ECONNRESET 'read ECONNRESET'
// - TCP reset after the request: cause Error code ECONNRESET 'read ECONNRESET'
// - undici headers/body timeouts: cause HeadersTimeoutError UND_ERR_HEADERS_TIMEOUT /
//                       BodyTimeoutError UND_ERR_BODY_TIMEOUT (outer 'fetch failed' / 'terminated')
// - not HTTP:           cause HTTPParserError 'Response does not match the HTTP/1.1 protocol (…)';
//                       code HPE_INVALID_CONSTANT from undici 6 (Node 20 and 22), no code at all
//                       from undici 7 (Node 24, the `undici` package)
// - AbortSignal.timeout fired (connecting, waiting, or reading the body alike):
//                       DOMException name TimeoutError, no cause
// - AbortController.abort(): DOMException name AbortError (or the abort reason itself)
// - bad URL:            TypeError 'Failed to parse URL from <url>', cause code ERR_INVALID_URL
// Codes come and go between versions, so an error's name, message and system call count too.

/** One error of a chain: the error, its causes, and the errors an AggregateError gathers. */
interface Link {
  code?: string;
  name?: string;
  message?: string;
  /** The system call Node says failed ('connect', 'read', 'write', 'getaddrinfo'). */
  syscall?: string;
}

function chainOf(error: unknown): Link[] {
  const chain: Link[] = [];
  const seen = new Set<unknown>();
  const visit = (current: unknown): void => {
    if (!current || typeof current !== 'object' || seen.has(current) || seen.size >= 20) return;
    seen.add(current);
    const e = current as { code?: unknown; name?: unknown; message?: unknown; syscall?: unknown; errors?: unknown; cause?: unknown };
    const link: Link = {};
    if (typeof e.code === 'string') link.code = e.code;
    if (typeof e.name === 'string') link.name = e.name;
    if (typeof e.message === 'string') link.message = e.message;
    if (typeof e.syscall === 'string') link.syscall = e.syscall;
    chain.push(link);
    if (Array.isArray(e.errors)) for (const inner of e.errors) visit(inner);
    visit(e.cause);
  };
  visit(error);
  return chain;
}

/** A way to recognise one failure in any version's words: any one of its marks will do. */
interface Sign {
  /** What happened, in a person's words. */
  says: string;
  code?: RegExp;
  names?: readonly string[];
  message?: RegExp;
  syscalls?: readonly string[];
}

const shows = (link: Link, sign: Sign): boolean =>
  (sign.code !== undefined && link.code !== undefined && sign.code.test(link.code)) ||
  (sign.names !== undefined && link.name !== undefined && sign.names.includes(link.name)) ||
  (sign.message !== undefined && link.message !== undefined && sign.message.test(link.message)) ||
  (sign.syscalls !== undefined && link.syscall !== undefined && sign.syscalls.includes(link.syscall));

/** The first of `signs` (in their order) that some error of the chain shows. */
const firstSign = (chain: readonly Link[], signs: readonly Sign[]): Sign | undefined =>
  signs.find((sign) => chain.some((link) => shows(link, sign)));

/** Failures that happen before a byte of the request leaves: nothing reached the network. */
const NOT_SENT: readonly Sign[] = [
  { says: 'the connection was refused', code: /^ECONNREFUSED$/ },
  { says: 'the server name could not be found', code: /^(ENOTFOUND|EAI_NONAME|EAI_FAIL)$/ },
  { says: 'the server name could not be looked up', code: /^EAI_AGAIN$/, syscalls: ['getaddrinfo'] },
  { says: 'the network is unreachable', code: /^ENETUNREACH$/ },
  { says: 'the server is unreachable', code: /^EHOSTUNREACH$/ },
  {
    says: 'connecting timed out',
    code: /^(UND_ERR_CONNECT_TIMEOUT|ERR_SOCKET_CONNECTION_TIMEOUT)$/,
    names: ['ConnectTimeoutError'],
  },
  // The request is written only once the TLS handshake is done.
  { says: 'the secure connection could not be set up', message: /before secure TLS connection was established/i },
  // Node names the system call that failed, and the request is written only once `connect` succeeded
  // (a reset while connecting reads 'connect ECONNRESET', one after the request 'read ECONNRESET').
  { says: 'the connection could not be opened', syscalls: ['connect'] },
];

/** TLS refusals: nothing was sent, and retrying will not help until someone fixes it. */
const TLS_REFUSAL = /^(ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT)/;
/** …except failures of the record layer, which can also break a connection that carried the request. */
const TLS_RECORD_FAILURE = /BAD_RECORD_MAC|DECRYPTION_FAILED|UNEXPECTED_EOF|RENEGOTIAT/;

/** An answer came, but not one HTTP can read. */
const UNREADABLE_ANSWER: Sign = {
  says: 'the answer was not HTTP',
  code: /^(HPE_|UND_ERR_HEADERS_OVERFLOW$|UND_ERR_RES_EXCEEDED_MAX_SIZE$)/,
  names: ['HTTPParserError', 'HeadersOverflowError', 'ResponseExceededMaxSizeError'],
  message: /does not match the HTTP\/1\.1 protocol/i,
};

/** Failures once the request may have been written: the network may have acted on it. */
const MAYBE_SENT: readonly Sign[] = [
  { says: 'no answer arrived in time', code: /^UND_ERR_HEADERS_TIMEOUT$/, names: ['HeadersTimeoutError'] },
  { says: 'the answer stopped arriving', code: /^UND_ERR_BODY_TIMEOUT$/, names: ['BodyTimeoutError'] },
  { says: 'the answer was cut short', code: /^UND_ERR_RES_CONTENT_LENGTH_MISMATCH$/, names: ['ResponseContentLengthMismatchError'] },
  { says: 'the connection was reset', code: /^ECONNRESET$/ },
  { says: 'the connection broke', code: /^(EPIPE|ECONNABORTED)$/ },
  { says: 'the connection timed out', code: /^ETIMEDOUT$/ },
  { says: 'the connection closed early', code: /^UND_ERR_SOCKET$/, names: ['SocketError'], message: /other side closed/i },
  { says: 'the connection was closed', message: /socket hang up/i },
  { says: 'the request was aborted', code: /^UND_ERR_(ABORTED|DESTROYED|CLOSED)$/ },
];

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
  const chain = chainOf(error);
  const cause = redactedError(error);
  const make = (kind: FailureKind, message: string) =>
    new PublishError({ kind, network: context.network, message: redact(message), cause });
  const unknown = (what: string) =>
    make('unknown', `${what}, so the request may have reached ${label}: check the account before retrying.`);

  const notSent = firstSign(chain, NOT_SENT);
  if (notSent) {
    return make('retryable', `Could not reach ${label} (${notSent.says}); nothing was sent, try again later.`);
  }
  if (chain.some((link) => link.code === 'ERR_INVALID_URL')) {
    return make('permanent', `The address configured for ${label} is not a valid URL; nothing was sent.`);
  }
  const tls = chain.find((link) => link.code && TLS_REFUSAL.test(link.code) && !TLS_RECORD_FAILURE.test(link.code))?.code;
  if (tls) {
    return make('permanent', `Could not open a secure connection to ${label} (${tls}); nothing was sent. Check the ${label} address.`);
  }
  if (context.timedOut || chain.some((link) => link.name === 'TimeoutError')) {
    const after = context.timeoutMs !== undefined ? ` within ${describeWait(context.timeoutMs)}` : ' in time';
    return unknown(`${label} did not answer${after}`);
  }
  if (context.cancelled || chain.some((link) => link.name === 'AbortError')) {
    return unknown(`The request to ${label} was cancelled after it was sent`);
  }
  if (firstSign(chain, [UNREADABLE_ANSWER])) return unknown(`${label} sent an answer Greenlight could not read`);
  const maybeSent = firstSign(chain, MAYBE_SENT);
  if (maybeSent) return unknown(`The connection to ${label} failed (${maybeSent.says})`);
  const last = chain.findLast((link) => link.message)?.message;
  return unknown(`The request to ${label} failed (${last || 'unexpected error'})`);
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

/**
 * X's error answers in a marketer's words. X speaks two shapes: RFC 7807 problem JSON
 * (`{title, type, detail, status}`, sometimes with `errors: [{message, parameters}]`) from
 * the v2 endpoints, and the older `{errors: [{code, message}]}` (code 88 = rate limit).
 */
import type { ErrorResponse, ErrorVerdict, MessageFromError } from '../http/classify.js';
import { describeWait, errorDetail } from '../http/classify.js';
import { retryAfterMs } from '../http/retry-after.js';

/** X's rate-limit windows are 15 minutes; a 429 that names no reset is assumed to wait for one. */
export const X_DEFAULT_RATE_LIMIT_WAIT_MS = 15 * 60 * 1000;

export const X_DUPLICATE_MESSAGE = 'X refused this post as duplicate content (the account already posted the same text recently).';

interface XProblem {
  title?: unknown;
  type?: unknown;
  detail?: unknown;
  reason?: unknown;
  errors?: unknown;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Everything X said, lower-cased, to look for the phrases that identify a case. */
function allWords(json: unknown, raw: string): string {
  if (!json || typeof json !== 'object') return raw.toLowerCase();
  const p = json as XProblem;
  const nested = Array.isArray(p.errors)
    ? p.errors.map((e) =>
        e && typeof e === 'object' ? `${text((e as Record<string, unknown>).message)} ${text((e as Record<string, unknown>).detail)}` : '',
      )
    : [];
  return [text(p.title), text(p.detail), text(p.reason), text(p.type), ...nested].join(' ').toLowerCase();
}

/** The most specific words X gave: a field-level message beats the generic "One or more parameters…". */
function specificDetail(json: unknown, raw: string): string | undefined {
  if (json && typeof json === 'object') {
    const errors = (json as XProblem).errors;
    if (Array.isArray(errors) && errors.length > 0) {
      const first = errorDetail(errors[0]);
      if (first) return first;
    }
  }
  return errorDetail(json, raw);
}

function errorCodes(json: unknown): number[] {
  const errors = json && typeof json === 'object' ? (json as XProblem).errors : undefined;
  if (!Array.isArray(errors)) return [];
  return errors
    .map((e) => (e && typeof e === 'object' ? (e as Record<string, unknown>).code : undefined))
    .filter((c): c is number => typeof c === 'number');
}

const quoted = (message: string, detail: string | undefined) => (detail ? `${message} (X said: "${detail}")` : message);

/**
 * Reads X's error body. Returns undefined to keep the shared wording (5xx, 504, 408…),
 * which already names the wait and the kind. `now` is the publisher's clock, so the wait
 * read from X's epoch-second reset headers is measured from the same "now" as everything else.
 */
export const xErrorReader =
  (now: () => Date, options: { refreshes?: boolean } = {}): MessageFromError =>
  (response) =>
    readXError(response, now(), options.refreshes ?? false);

/** With refresh on, a 401 reaches a person only when X refused a token it had just issued. */
const REFRESHED_TOKEN_REJECTED =
  "X rejected the access token (401) although Greenlight had just refreshed it: the account may have revoked Greenlight's access. Authorise Greenlight on X again and set X_REFRESH_TOKEN to the new refresh token.";

function readXError(response: ErrorResponse, now: Date, refreshes: boolean): ErrorVerdict {
  const { status, json, text: raw } = response;
  const words = allWords(json, raw);
  const detail = specificDetail(json, raw);
  const codes = errorCodes(json);

  // v2 says it in words with a 403; v1.1 said it with code 187.
  if (words.includes('duplicate content') || codes.includes(187)) {
    return { kind: 'permanent', message: X_DUPLICATE_MESSAGE };
  }
  if (status === 429 || codes.includes(88)) {
    // The headers (x-rate-limit-reset, x-user-limit-24hour-reset) name the wait when X sends them.
    const wait = retryAfterMs(response.headers, now) ?? X_DEFAULT_RATE_LIMIT_WAIT_MS;
    return {
      kind: 'retryable',
      retryAfterMs: wait,
      message: `X is limiting how often Greenlight may post or read for this account (HTTP 429); it can try again in ${describeWait(wait)}.`,
    };
  }
  if (status === 401) {
    if (refreshes) return { kind: 'permanent', message: quoted(REFRESHED_TOKEN_REJECTED, detail) };
    return {
      kind: 'permanent',
      message: quoted(
        'X rejected the access token (401): check X_ACCESS_TOKEN. X OAuth 2.0 user tokens stop working two hours after they are issued unless they are refreshed, so a token that worked earlier may simply have expired.',
        detail,
      ),
    };
  }
  if (status === 402) {
    return {
      kind: 'permanent',
      message: quoted(
        'X refused the request because the developer account behind X_ACCESS_TOKEN has no plan or credits left for it (HTTP 402).',
        detail,
      ),
    };
  }
  if (status === 403) {
    if (words.includes('application-only')) {
      return {
        kind: 'permanent',
        message:
          'X refused the request (403): X_ACCESS_TOKEN is an app-only bearer token, which cannot post; use an OAuth 2.0 user access token.',
      };
    }
    if (words.includes('client-not-enrolled') || words.includes('client forbidden') || words.includes('attached to a project')) {
      return {
        kind: 'permanent',
        message: quoted(
          'X refused the request (403): the developer app behind X_ACCESS_TOKEN is not attached to a Project with API access.',
          detail,
        ),
      };
    }
    return {
      kind: 'permanent',
      message: quoted(
        'X refused the request (403): the token in X_ACCESS_TOKEN may lack a permission (it needs the tweet.write, tweet.read, users.read and media.write scopes), or X rejected this content.',
        detail,
      ),
    };
  }
  if (status === 400 || status === 422) {
    return { kind: 'permanent', message: quoted(`X refused the post (HTTP ${status}).`, detail) };
  }
  return undefined;
}

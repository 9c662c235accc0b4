import { NETWORK_LABELS } from '../../domain/network.js';
import { describeWait, type ErrorResponse, type ErrorVerdict, type MessageFromError } from '../http/classify.js';
import { retryAfterMs } from '../http/retry-after.js';
import { readGraphError, withGraphWords, type GraphError } from './graph-error.js';
import { regainAccessMs } from './usage-headers.js';

export type MetaNetwork = 'facebook' | 'instagram';

/**
 * Throttling codes (Graph API "Error Codes" and "Rate Limiting"): 4 app, 17 user, 32 Page,
 * 613 custom, 341 feed action limit, 80000–80014 business use case (80001 Pages, 80002 Instagram).
 * Meta sends them with HTTP 400 (sometimes 403), so the status alone would call them permanent.
 */
const THROTTLE_CODES = new Set([4, 17, 32, 341, 613]);
const isThrottle = (code: number | undefined) => code !== undefined && (THROTTLE_CODES.has(code) || (code >= 80000 && code <= 80014));

/** 190 is Meta's "invalid OAuth access token" (expired, revoked, password changed); 102 a session problem. */
const isTokenProblem = (code: number | undefined) => code === 190 || code === 102;

/** 10 and 200–299 are missing permissions: the token is valid but lacks a scope. */
const isPermissionProblem = (code: number | undefined) => code === 10 || (code !== undefined && code >= 200 && code <= 299);

/**
 * With no usage header to go by, wait this long after a throttle. Meta's windows are rolling
 * hours, so retrying within seconds only prolongs the block; this is past the shared client's
 * longest in-process wait, so the scheduler (not a held worker) comes back later.
 */
export const DEFAULT_THROTTLE_WAIT_MS = 5 * 60_000;

export interface GraphVerdictOptions {
  network: MetaNetwork;
  /** The variable a person fixes when the token is refused. */
  tokenSetting: string;
  /** Network-specific codes, consulted first (Instagram's publishing subcodes, Facebook's duplicate). */
  specific?: (error: GraphError, response: ErrorResponse) => ErrorVerdict;
  /** Told of every throttle and its wait, so the network's other requests hold back too. */
  onThrottled?: (waitMs: number) => void;
  /** Sees every Graph error read (callers that branch on a code, e.g. "object does not exist"). */
  onGraphError?: (error: GraphError) => void;
  /** For `Retry-After` as an HTTP date. */
  now?: () => Date;
}

/**
 * A throttle verdict: retryable, waiting as long as Meta's usage headers say, else as long as
 * a standard `Retry-After` says, else the default.
 */
export function throttleVerdict(
  network: MetaNetwork,
  response: ErrorResponse,
  what: string,
  onThrottled?: (waitMs: number) => void,
  now: () => Date = () => new Date(),
): ErrorVerdict {
  const standard = retryAfterMs(response.headers, now());
  const waitMs = regainAccessMs(response.headers) ?? (standard !== undefined && standard > 0 ? standard : DEFAULT_THROTTLE_WAIT_MS);
  onThrottled?.(waitMs);
  return {
    kind: 'retryable',
    retryAfterMs: waitMs,
    message: `${NETWORK_LABELS[network]} is limiting how often Greenlight may call it (${what}); it can try again in ${describeWait(waitMs)}.`,
  };
}

/**
 * Reads Meta's error codes into the shared classifier's verdicts. Anything not recognised
 * keeps the shared wording for its HTTP status (5xx retryable, 4xx permanent) with Meta's
 * own words quoted.
 */
export function graphErrorVerdict(options: GraphVerdictOptions): MessageFromError {
  const label = NETWORK_LABELS[options.network];
  return (response) => {
    // A gateway timeout may hide a request Meta acted on: keep the shared "unknown" verdict.
    if (response.status === 504) return undefined;
    const error = readGraphError(response.json);
    if (!error) return undefined;
    options.onGraphError?.(error);

    const specific = options.specific?.(error, response);
    if (specific !== undefined) return specific;

    const { code } = error;
    if (isTokenProblem(code)) {
      return {
        kind: 'permanent',
        message: withGraphWords(
          `${label} no longer accepts the access token (it expired, was revoked, or lost access to the account): check ${options.tokenSetting}.`,
          error,
        ),
      };
    }
    if (isPermissionProblem(code)) {
      return {
        kind: 'permanent',
        message: withGraphWords(
          `${label} refused the request because the access token lacks a permission it needs: check ${options.tokenSetting}.`,
          error,
        ),
      };
    }
    if (isThrottle(code)) return throttleVerdict(options.network, response, `code ${code}`, options.onThrottled, options.now);
    if (code === 1 || code === 2 || error.isTransient) {
      return {
        kind: 'retryable',
        message: withGraphWords(`${label} had a temporary problem${code !== undefined ? ` (code ${code})` : ''}; try again later.`, error),
      };
    }
    if (code === 368) {
      return {
        kind: 'permanent',
        message: withGraphWords(`${label} blocked this action as going against its policies.`, error),
      };
    }
    if (response.status >= 500) return undefined;
    return {
      kind: 'permanent',
      message: withGraphWords(`${label} refused the request${code !== undefined ? ` (code ${code})` : ''}.`, error),
    };
  };
}

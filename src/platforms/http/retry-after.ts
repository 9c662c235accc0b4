/**
 * How long a network asked us to wait, read from its response headers.
 *
 * Networks say it differently:
 * - `Retry-After`: delta-seconds or an HTTP-date (RFC 9110), an explicit instruction.
 * - X: `x-rate-limit-reset` (epoch seconds) with `x-rate-limit-remaining`, plus the
 *   24-hour windows `x-user-limit-24hour-*` and `x-app-limit-24hour-*`.
 * - Mastodon: `X-RateLimit-Reset` as an ISO 8601 timestamp with `X-RateLimit-Remaining`.
 * - Bluesky: `RateLimit-Reset` as epoch seconds with `RateLimit-Remaining`; the IETF
 *   draft it follows uses delta-seconds, so a small number is read as a delta.
 *
 * Several may be present at once (X sends its window headers on every response). A
 * window whose `remaining` is known to be above zero did not cause the refusal, so its
 * reset is ignored; of the rest, the latest wins, because coming back before any of
 * them is likely to be refused again.
 */

/** Plain objects as node:http gives them, or a fetch `Headers`. */
export type HeaderSource = Headers | Record<string, string | string[] | number | undefined>;

/** [reset header, its remaining header] */
const WINDOWS: ReadonlyArray<readonly [string, string]> = [
  ['x-rate-limit-reset', 'x-rate-limit-remaining'],
  ['x-user-limit-24hour-reset', 'x-user-limit-24hour-remaining'],
  ['x-app-limit-24hour-reset', 'x-app-limit-24hour-remaining'],
  ['x-ratelimit-reset', 'x-ratelimit-remaining'],
  ['ratelimit-reset', 'ratelimit-remaining'],
];

/** Below this a bare number is a delta in seconds, not an epoch (1e9 s is 2001-09-09). */
const EPOCH_SECONDS_FLOOR = 1e9;
/** At or above this a bare number is an epoch in milliseconds. */
const EPOCH_MILLISECONDS_FLOOR = 1e12;

export function headerValue(headers: HeaderSource, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function' && typeof (headers as Headers).has === 'function') {
    return (headers as Headers).get(name) ?? undefined;
  }
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return Array.isArray(value) ? value.join(', ') : String(value);
  }
  return undefined;
}

/** `Retry-After`: delta-seconds or an HTTP-date. */
function parseRetryAfter(value: string, nowMs: number): number | undefined {
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : at - nowMs;
}

/** A reset instant as epoch seconds, epoch milliseconds, delta-seconds, or a date string. */
function parseReset(value: string, nowMs: number): number | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    const n = Number(trimmed);
    if (n >= EPOCH_MILLISECONDS_FLOOR) return n - nowMs;
    if (n >= EPOCH_SECONDS_FLOOR) return n * 1000 - nowMs;
    return n * 1000;
  }
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : at - nowMs;
}

function parseRemaining(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value.trim());
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Milliseconds to wait before trying again, or undefined when the headers say nothing.
 * Never negative: a reset already in the past (clock skew) means "now", i.e. 0.
 */
export function retryAfterMs(headers: HeaderSource, now: Date): number | undefined {
  const nowMs = now.getTime();
  const candidates: number[] = [];

  const retryAfter = headerValue(headers, 'retry-after');
  if (retryAfter !== undefined) {
    const ms = parseRetryAfter(retryAfter, nowMs);
    if (ms !== undefined) candidates.push(ms);
  }

  for (const [resetName, remainingName] of WINDOWS) {
    const reset = headerValue(headers, resetName);
    if (reset === undefined) continue;
    const remaining = parseRemaining(headerValue(headers, remainingName));
    if (remaining !== undefined && remaining > 0) continue;
    const ms = parseReset(reset, nowMs);
    if (ms !== undefined) candidates.push(ms);
  }

  if (candidates.length === 0) return undefined;
  return Math.max(0, Math.ceil(Math.max(...candidates)));
}

import { headerValue, type HeaderSource } from '../http/retry-after.js';

/**
 * Meta announces throttling in JSON headers rather than `Retry-After`:
 * - `X-Business-Use-Case-Usage`: `{"<business id>":[{"type":"pages","call_count":100,…,"estimated_time_to_regain_access":19}]}`
 * - `X-App-Usage` (and `X-Ad-Account-Usage`): percentages, sometimes with the same field
 * `estimated_time_to_regain_access` is in minutes. Every occurrence in every header is read and
 * the longest wins, because coming back before the slowest limit recovers is refused again.
 */
const USAGE_HEADERS = ['x-business-use-case-usage', 'x-app-usage', 'x-ad-account-usage', 'x-page-usage'];

function collectMinutes(value: unknown, into: number[]): void {
  if (Array.isArray(value)) {
    for (const item of value) collectMinutes(item, into);
    return;
  }
  if (!value || typeof value !== 'object') return;
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    if (key === 'estimated_time_to_regain_access') {
      const minutes = typeof inner === 'number' ? inner : Number(inner);
      if (Number.isFinite(minutes) && minutes >= 0) into.push(minutes);
    } else {
      collectMinutes(inner, into);
    }
  }
}

/** Milliseconds until Meta says access returns, or undefined when no header says (or all say 0). */
export function regainAccessMs(headers: HeaderSource): number | undefined {
  const minutes: number[] = [];
  for (const name of USAGE_HEADERS) {
    const raw = headerValue(headers, name);
    if (!raw) continue;
    try {
      collectMinutes(JSON.parse(raw) as unknown, minutes);
    } catch {
      // A header we cannot read tells us nothing; the default wait applies.
    }
  }
  const longest = Math.max(0, ...minutes);
  return longest > 0 ? longest * 60_000 : undefined;
}

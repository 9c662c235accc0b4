import { describe, expect, it } from 'vitest';
import { retryAfterMs } from '../../../../src/platforms/http/retry-after.js';

const now = new Date('2026-03-02T09:00:00.000Z');
const epochSeconds = (offsetSeconds: number) => String(now.getTime() / 1000 + offsetSeconds);

describe('retryAfterMs', () => {
  it('reads Retry-After as delta-seconds', () => {
    expect(retryAfterMs(new Headers({ 'Retry-After': '120' }), now)).toBe(120_000);
  });

  it('reads Retry-After as an HTTP-date', () => {
    const at = new Date(now.getTime() + 90_000).toUTCString();
    expect(retryAfterMs(new Headers({ 'retry-after': at }), now)).toBe(90_000);
  });

  it("reads X's x-rate-limit-reset as epoch seconds", () => {
    const headers = { 'x-rate-limit-limit': '300', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': epochSeconds(600) };
    expect(retryAfterMs(headers, now)).toBe(600_000);
  });

  it("reads Mastodon's X-RateLimit-Reset as ISO 8601", () => {
    const headers = new Headers({ 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '2026-03-02T09:05:00.000Z' });
    expect(retryAfterMs(headers, now)).toBe(300_000);
  });

  it("reads Bluesky's RateLimit-Reset as epoch seconds", () => {
    const headers = new Headers({ 'RateLimit-Limit': '5000', 'RateLimit-Remaining': '0', 'RateLimit-Reset': epochSeconds(42) });
    expect(retryAfterMs(headers, now)).toBe(42_000);
  });

  it('reads a small RateLimit-Reset as delta-seconds, as the IETF draft defines it', () => {
    expect(retryAfterMs(new Headers({ 'RateLimit-Reset': '30' }), now)).toBe(30_000);
  });

  it('accepts node:http style header objects with arrays and any case', () => {
    expect(retryAfterMs({ 'Retry-After': ['7'] }, now)).toBe(7000);
  });

  it('is undefined when no header says anything, or only nonsense', () => {
    expect(retryAfterMs(new Headers({ 'content-type': 'application/json' }), now)).toBeUndefined();
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(retryAfterMs({}, now)).toBeUndefined();
  });

  it('never returns a negative wait for a reset already past', () => {
    expect(retryAfterMs(new Headers({ 'x-rate-limit-reset': epochSeconds(-30) }), now)).toBe(0);
    expect(retryAfterMs(new Headers({ 'retry-after': new Date(now.getTime() - 5000).toUTCString() }), now)).toBe(0);
  });

  it('ignores a window that still has requests left: it is not what refused us', () => {
    // X sends its 15-minute window on every response; here the 24-hour window is the one exhausted.
    const headers = new Headers({
      'x-rate-limit-remaining': '299',
      'x-rate-limit-reset': epochSeconds(600),
      'x-user-limit-24hour-remaining': '0',
      'x-user-limit-24hour-reset': epochSeconds(7200),
    });
    expect(retryAfterMs(headers, now)).toBe(7_200_000);
    expect(retryAfterMs(new Headers({ 'x-rate-limit-remaining': '12', 'x-rate-limit-reset': epochSeconds(600) }), now)).toBeUndefined();
  });

  it('takes the latest instant when several headers apply, so the retry is not refused again', () => {
    const headers = new Headers({ 'retry-after': '10', 'ratelimit-remaining': '0', 'ratelimit-reset': epochSeconds(60) });
    expect(retryAfterMs(headers, now)).toBe(60_000);
    const laterRetryAfter = new Headers({ 'retry-after': '120', 'x-rate-limit-reset': epochSeconds(60) });
    expect(retryAfterMs(laterRetryAfter, now)).toBe(120_000);
  });
});

import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/domain/clock.js';
import { PerPersonRateLimit } from '../../../src/workflows/captions/rate-limit.js';

describe('PerPersonRateLimit', () => {
  it('allows the limit per person in a sliding hour and says when the next one is allowed', () => {
    const clock = new ManualClock('2026-03-02T09:00:00Z');
    const limit = new PerPersonRateLimit(3, 3600_000, clock);
    expect(limit.take(1)).toEqual({ ok: true });
    clock.advance(10 * 60_000);
    expect(limit.take(1)).toEqual({ ok: true });
    expect(limit.take(1)).toEqual({ ok: true });
    expect(limit.take(1)).toEqual({ ok: false, retryAt: new Date('2026-03-02T10:00:00Z') });
    // Someone else has their own allowance.
    expect(limit.take(2)).toEqual({ ok: true });
    // A refused request does not count: an hour after the first, one more is allowed.
    clock.set('2026-03-02T10:00:00.001Z');
    expect(limit.take(1)).toEqual({ ok: true });
    expect(limit.take(1)).toEqual({ ok: false, retryAt: new Date('2026-03-02T10:10:00Z') });
  });
});

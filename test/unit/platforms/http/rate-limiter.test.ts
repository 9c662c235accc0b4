import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../src/domain/clock.js';
import { createRateLimiter } from '../../../../src/platforms/http/rate-limiter.js';

/** A sleep that records the wait and moves the clock instead of waiting. */
function setup(capacity: number, refillPerSecond: number) {
  const clock = new ManualClock('2026-03-02T09:00:00Z');
  const waits: number[] = [];
  const sleep = async (ms: number) => {
    waits.push(ms);
    clock.advance(ms);
  };
  const limiter = createRateLimiter({ capacity, refillPerSecond, clock, sleep });
  return { clock, waits, limiter };
}

describe('createRateLimiter', () => {
  it('lets a burst of `capacity` through, then spaces requests at the refill rate', async () => {
    const { waits, limiter } = setup(2, 4);
    for (let i = 0; i < 5; i++) await limiter.acquire();
    expect(waits).toEqual([250, 250, 250]);
  });

  it('refills while idle, up to capacity', async () => {
    const { clock, waits, limiter } = setup(3, 1);
    for (let i = 0; i < 3; i++) await limiter.acquire();
    clock.advance(60_000); // a long quiet spell refills no more than 3
    for (let i = 0; i < 4; i++) await limiter.acquire();
    expect(waits).toEqual([1000]);
  });

  it('gives concurrent callers distinct waits in call order', async () => {
    // All four ask at the same instant; the sleep only records, as time has not moved yet.
    const clock = new ManualClock('2026-03-02T09:00:00Z');
    const waits: number[] = [];
    const limiter = createRateLimiter({ capacity: 1, refillPerSecond: 2, clock, sleep: async (ms) => void waits.push(ms) });
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3].map((i) => limiter.acquire().then(() => order.push(i))));
    expect(waits).toEqual([500, 1000, 1500]);
    expect(order).toEqual([0, 1, 2, 3]);
  });

  it('holds every request back until a pause ends, then resumes at the refill rate', async () => {
    const { clock, waits, limiter } = setup(5, 1);
    const start = clock.now().getTime();
    limiter.pauseUntil(new Date(start + 30_000));
    expect(limiter.pausedUntil()?.getTime()).toBe(start + 30_000);
    await limiter.acquire();
    await limiter.acquire();
    await limiter.acquire();
    expect(waits).toEqual([30_000, 1000, 1000]);
    expect(limiter.pausedUntil()).toBeUndefined();
  });

  it('makes requests already waiting for a token respect a pause that starts meanwhile', async () => {
    const clock = new ManualClock('2026-03-02T09:00:00Z');
    const start = clock.now().getTime();
    const waits: number[] = [];
    let limiterRef: ReturnType<typeof createRateLimiter> | undefined;
    const sleep = async (ms: number) => {
      waits.push(ms);
      // While the first request waits, another request sees a 429 with a reset 10 s out.
      if (waits.length === 1) limiterRef!.pauseUntil(new Date(start + 10_000));
      clock.advance(ms);
    };
    const limiter = createRateLimiter({ capacity: 1, refillPerSecond: 2, clock, sleep });
    limiterRef = limiter;
    await limiter.acquire(); // the bucket's one token
    await limiter.acquire(); // waits 500 ms, during which the pause begins
    expect(waits).toEqual([500, 9500]);
    expect(clock.now().getTime()).toBe(start + 10_000);
  });

  it('ignores a pause that ends before the one in force, or in the past', () => {
    const { clock, limiter } = setup(1, 1);
    const start = clock.now().getTime();
    limiter.pauseUntil(new Date(start + 60_000));
    limiter.pauseUntil(new Date(start + 5_000));
    limiter.pauseUntil(new Date(start - 5_000));
    expect(limiter.pausedUntil()?.getTime()).toBe(start + 60_000);
  });

  it('rejects with the abort reason when the caller gives up while waiting, and returns the token', async () => {
    const clock = new ManualClock('2026-03-02T09:00:00Z');
    const waits: number[] = [];
    const controller = new AbortController();
    let abortNext = true;
    const sleep = async (ms: number, signal?: AbortSignal) => {
      waits.push(ms);
      if (abortNext) {
        abortNext = false;
        controller.abort(new Error('shutting down'));
        signal?.throwIfAborted();
      }
      clock.advance(ms);
    };
    const limiter = createRateLimiter({ capacity: 1, refillPerSecond: 1, clock, sleep });
    await limiter.acquire();
    await expect(limiter.acquire(controller.signal)).rejects.toThrow('shutting down');
    // The abandoned reservation was given back: the next caller waits one interval, not two.
    await limiter.acquire();
    expect(waits).toEqual([1000, 1000]);
  });

  it('refuses nonsense settings', () => {
    expect(() => createRateLimiter({ capacity: 0, refillPerSecond: 1 })).toThrow(RangeError);
    expect(() => createRateLimiter({ capacity: 1, refillPerSecond: 0 })).toThrow(RangeError);
  });
});

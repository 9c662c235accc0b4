import type { ManualClock } from '../../src/domain/clock.js';
import type { ManualTimers } from '../../src/domain/timers.js';
import type { Sleep } from '../../src/platforms/http/backoff.js';
import { createRateLimiter, type RateLimiter } from '../../src/platforms/http/rate-limiter.js';

/** A sleep that ends when the manual timers are moved past it (or rejects when aborted). */
export function manualSleep(clock: ManualClock, timers: ManualTimers): Sleep {
  return (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      signal?.throwIfAborted();
      const timer = timers.at(new Date(clock.now().getTime() + ms), () => resolve());
      signal?.addEventListener(
        'abort',
        () => {
          timer.cancel();
          reject(signal.reason);
        },
        { once: true },
      );
    });
}

/** A network's own rate limiter (the real token bucket) on the manual clock. */
export function manualLimiter(
  time: { clock: ManualClock; timers: ManualTimers },
  rate: { capacity: number; refillPerSecond: number },
): RateLimiter {
  return createRateLimiter({ ...rate, clock: time.clock, sleep: manualSleep(time.clock, time.timers) });
}

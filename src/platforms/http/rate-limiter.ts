import { systemClock, type Clock } from '../../domain/clock.js';
import { realSleep, type Sleep } from './backoff.js';

export interface RateLimiterOptions {
  /** Requests that may go at once after a quiet spell (the bucket size). */
  capacity: number;
  /** Sustained requests per second. */
  refillPerSecond: number;
  clock?: Clock;
  sleep?: Sleep;
}

export interface RateLimiter {
  /**
   * Resolves when this request may go. Callers are served in the order they asked.
   * Rejects with the signal's reason if `signal` aborts while waiting.
   */
  acquire(signal?: AbortSignal): Promise<void>;
  /**
   * Holds back every request until `until` (a network's rate-limit reset seen on a 429),
   * including requests already waiting. An earlier date than a pause in force is ignored.
   */
  pauseUntil(until: Date): void;
  /** The pause in force, if any. */
  pausedUntil(): Date | undefined;
}

/**
 * A token bucket, one per network. Each `acquire` reserves its token at once (the bucket
 * may go into debt), so concurrent callers get distinct, deterministic waits in call
 * order rather than racing for the same token.
 *
 * A pause restarts the schedule at the reset instant with one token: the first request
 * goes right at the reset and the rest follow at the sustained rate, instead of the whole
 * queue rushing a network that just said "slow down".
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  if (!(options.capacity >= 1)) throw new RangeError('capacity must be at least 1');
  if (!(options.refillPerSecond > 0)) throw new RangeError('refillPerSecond must be positive');
  const clock = options.clock ?? systemClock;
  const sleep = options.sleep ?? realSleep;
  const msPerToken = 1000 / options.refillPerSecond;

  // Invariant: at instant `at` the bucket holds `tokens` (negative = reserved debt).
  let tokens = options.capacity;
  let at = clock.now().getTime();
  let pauseEnd: number | undefined;
  // Bumped by every pause: a reservation made before it is void and must be made again.
  let generation = 0;

  const refill = (nowMs: number) => {
    if (nowMs <= at) return;
    tokens = Math.min(options.capacity, tokens + (nowMs - at) / msPerToken);
    at = nowMs;
  };

  /** Takes a token; returns how long until it may be used. */
  const reserve = (nowMs: number): number => {
    refill(nowMs);
    tokens -= 1;
    const readyAt = at + Math.max(0, -tokens) * msPerToken;
    return Math.max(0, Math.ceil(readyAt - nowMs));
  };

  const acquire = async (signal?: AbortSignal): Promise<void> => {
    for (;;) {
      signal?.throwIfAborted();
      const reservedIn = generation;
      const wait = reserve(clock.now().getTime());
      if (wait === 0) return;
      try {
        await sleep(wait, signal);
      } catch (error) {
        // Give the token back unless a pause has already reset the schedule.
        if (generation === reservedIn) tokens += 1;
        throw signal?.aborted ? signal.reason : error;
      }
      if (generation === reservedIn) return;
    }
  };

  const pauseUntil = (until: Date) => {
    const untilMs = until.getTime();
    if (Number.isNaN(untilMs)) return;
    if (untilMs <= clock.now().getTime()) return;
    if (pauseEnd !== undefined && untilMs <= pauseEnd) return;
    pauseEnd = untilMs;
    generation += 1;
    tokens = 1;
    at = untilMs;
  };

  const pausedUntil = () => (pauseEnd !== undefined && pauseEnd > clock.now().getTime() ? new Date(pauseEnd) : undefined);

  return { acquire, pauseUntil, pausedUntil };
}

import { setTimeout as sleepFor } from 'node:timers/promises';
import { PublishError } from '../publisher.js';

export interface BackoffOptions {
  /** Upper bound of the first retry's delay. */
  baseMs: number;
  /** No delay is ever longer than this. */
  maxMs: number;
}

/**
 * Bounded exponential backoff with full jitter: after failed attempt `attempt`
 * (1 = the first try), wait a random time in [0, min(maxMs, baseMs·2^(attempt-1))].
 * Full jitter spreads clients that failed together, so they do not retry together.
 */
export function delayForAttempt(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  // 2^exponent overflows to Infinity long before it matters; min() keeps it bounded.
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** exponent);
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(r * Math.max(0, ceiling));
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realSleep: Sleep = async (ms, signal) => {
  await sleepFor(ms, undefined, signal ? { signal } : undefined);
};

export interface RetryInfo {
  /** The attempt that just failed, from 1. */
  attempt: number;
  error: PublishError;
  /** How long we wait before the next attempt. */
  delayMs: number;
}

export interface RetryOptions extends BackoffOptions {
  /** Total tries including the first; 1 means no retry. */
  maxAttempts: number;
  /**
   * The longest wait we accept. A network that asks us (through `retryAfterMs`) to wait
   * longer makes us give up now and rethrow, so the scheduler can come back later
   * instead of holding a worker. Defaults to 60 s.
   */
  maxWaitMs?: number;
  sleep?: Sleep;
  random?: () => number;
  /**
   * A further veto on retrying a retryable failure (say, a network code known to
   * repeat). Permanent and unknown failures are never retried, whatever this says.
   */
  shouldRetry?: (error: PublishError, attempt: number) => boolean;
  /** Called before each wait, for logging. */
  onRetry?: (info: RetryInfo) => void;
  /** Stops further retries; the last failure is rethrown. */
  signal?: AbortSignal;
}

export const DEFAULT_MAX_WAIT_MS = 60_000;

/**
 * Runs `operation` until it succeeds, retrying only `PublishError`s of kind `retryable`.
 * An `unknown` outcome (the request may have reached the network) is never repeated
 * blindly (rule 2 in docs/architecture.md), and anything that is not a `PublishError` is a bug, not a
 * network hiccup, so it is rethrown at once.
 */
export async function withRetries<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  const maxAttempts = Math.max(1, Math.floor(options.maxAttempts));

  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (!(error instanceof PublishError) || error.kind !== 'retryable') throw error;
      if (attempt >= maxAttempts) throw error;
      if (options.shouldRetry && !options.shouldRetry(error, attempt)) throw error;
      if (options.signal?.aborted) throw error;

      const asked = error.retryAfterMs ?? 0;
      if (asked > maxWaitMs) throw error;
      const delayMs = Math.max(asked, delayForAttempt(attempt, options, random));
      options.onRetry?.({ attempt, error, delayMs });
      if (delayMs > 0) {
        try {
          await sleep(delayMs, options.signal);
        } catch {
          // Cancelled while waiting: report the failure we were waiting to retry.
          throw error;
        }
      }
    }
  }
}

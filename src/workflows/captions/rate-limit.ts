import type { Clock } from '../../domain/clock.js';

export type RateDecision = { ok: true } | { ok: false; retryAt: Date };

/**
 * At most `limit` requests per person in any sliding `windowMs`. Time comes from the
 * injected clock, so tests move it instead of waiting an hour. In memory: each process
 * counts its own requests, which is what a cost guard needs.
 */
export class PerPersonRateLimit {
  readonly #taken = new Map<number, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly clock: Clock,
  ) {}

  /** Counts one request for `personId` if it is allowed; says when the next one is if not. */
  take(personId: number): RateDecision {
    const now = this.clock.now().getTime();
    const recent = (this.#taken.get(personId) ?? []).filter((at) => at > now - this.windowMs);
    if (recent.length >= this.limit) {
      this.#taken.set(personId, recent);
      return { ok: false, retryAt: new Date(recent[0]! + this.windowMs) };
    }
    recent.push(now);
    this.#taken.set(personId, recent);
    this.#forgetIdle(now);
    return { ok: true };
  }

  /** Drops people with nothing left in the window, so the map does not grow forever. */
  #forgetIdle(now: number): void {
    if (this.#taken.size < 1000) return;
    for (const [id, times] of this.#taken) if (!times.some((at) => at > now - this.windowMs)) this.#taken.delete(id);
  }
}

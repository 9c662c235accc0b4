/**
 * The one source of "now". Production uses the system clock; tests move a manual clock
 * instead of sleeping, so scheduling and expiry are testable in milliseconds.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * A clock tests set and move. With `ticking`, it also runs on with real time from where it was
 * set, so it agrees with real timers (node-schedule) in tests that move time only sometimes.
 */
export class ManualClock implements Clock {
  #ms: number;
  readonly #ticking: boolean;
  /** Real time when `#ms` was last set (ticking clocks only). */
  #setAt: number;
  constructor(start: Date | string | number = '2026-03-02T09:00:00Z', options: { ticking?: boolean } = {}) {
    this.#ms = new Date(start).getTime();
    this.#ticking = options.ticking ?? false;
    this.#setAt = Date.now();
  }
  #current(): number {
    return this.#ticking ? this.#ms + (Date.now() - this.#setAt) : this.#ms;
  }
  now(): Date {
    return new Date(this.#current());
  }
  set(to: Date | string | number): void {
    this.#ms = new Date(to).getTime();
    this.#setAt = Date.now();
  }
  advance(ms: number): void {
    this.set(this.#current() + ms);
  }
}

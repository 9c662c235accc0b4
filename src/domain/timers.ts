import type { ManualClock } from './clock.js';

export interface Cancellable {
  cancel(): void;
}

/**
 * Runs a function at an instant. Production uses node-schedule; tests use `ManualTimers`,
 * which fire when a manual clock is moved past them, so scheduling is tested without sleeping.
 */
export interface Timers {
  at(when: Date, run: () => void | Promise<void>): Cancellable;
}

interface Pending {
  when: number;
  seq: number;
  run: () => void | Promise<void>;
  cancelled: boolean;
}

/** Timers driven by a ManualClock: `advance` moves the clock and runs what fell due, in order. */
export class ManualTimers implements Timers {
  #pending: Pending[] = [];
  #seq = 0;

  constructor(readonly clock: ManualClock) {}

  at(when: Date, run: () => void | Promise<void>): Cancellable {
    const timer: Pending = { when: when.getTime(), seq: this.#seq++, run, cancelled: false };
    this.#pending.push(timer);
    return { cancel: () => void (timer.cancelled = true) };
  }

  /** How many timers are waiting (not cancelled). */
  get size(): number {
    return this.#pending.filter((t) => !t.cancelled).length;
  }

  /** Moves the clock forward by `ms`, running every timer that falls due on the way (and awaiting it). */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(new Date(this.clock.now().getTime() + ms));
  }

  async advanceTo(target: Date): Promise<void> {
    for (;;) {
      this.#pending = this.#pending.filter((t) => !t.cancelled);
      const next = this.#pending.filter((t) => t.when <= target.getTime()).sort((a, b) => a.when - b.when || a.seq - b.seq)[0];
      if (!next) break;
      this.#pending.splice(this.#pending.indexOf(next), 1);
      if (next.when > this.clock.now().getTime()) this.clock.set(next.when);
      await next.run();
    }
    if (target.getTime() > this.clock.now().getTime()) this.clock.set(target);
  }
}

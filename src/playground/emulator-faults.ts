/**
 * The faults the emulators (Slack's Web API, Teams' connector) play on request, for the tests
 * of how Greenlight rides out a chat that is down, slow or failing: an outage, failures queued
 * for given calls, and how many calls are being answered at once.
 */

/** An outage: which way the chat is down, until when, and how many calls met it. */
export class Outage<Mode extends string> {
  #current: { mode: Mode; retryAfterSeconds: number; ended: Promise<void>; end: () => void } | undefined;
  /** Calls that met an outage so far. */
  hits = 0;

  /** The outage now, if any; `ended` resolves when it ends (hanging calls wait for it). */
  get current() {
    return this.#current;
  }

  start(mode: Mode, retryAfterSeconds = 30): void {
    this.#current?.end();
    let end = () => {};
    const ended = new Promise<void>((resolve) => (end = resolve));
    this.#current = { mode, retryAfterSeconds, ended, end };
  }

  end(): void {
    this.#current?.end();
    this.#current = undefined;
  }
}

/** Calls being answered right now, and the most at once since `resetPeak()`. */
export class InFlight {
  now = 0;
  peak = 0;

  enter(): void {
    this.peak = Math.max(this.peak, ++this.now);
  }

  leave(): void {
    this.now--;
  }

  resetPeak(): void {
    this.peak = this.now;
  }
}

/** Failures queued per call (a method, an operation); each is used by exactly one upcoming call to it. */
export class FailureQueue<Key, Failure> {
  readonly #queues = new Map<Key, Failure[]>();

  push(key: Key, failure: Failure): void {
    this.#queues.set(key, [...(this.#queues.get(key) ?? []), failure]);
  }

  take(key: Key): Failure | undefined {
    return this.#queues.get(key)?.shift();
  }

  clear(): void {
    this.#queues.clear();
  }
}

/**
 * Requests being answered right now. A click or a submitted dialog waits for its answer
 * while news for earlier ones (cards, thread lines, notes) is only waited for by nobody in
 * particular, and both share one thread: background work gives way to answers, briefly.
 */
export class Foreground {
  #inFlight = 0;
  #waiters: Array<() => void> = [];

  /** Runs around each request, from its arrival until its answer is sent. */
  enter(): void {
    this.#inFlight++;
  }

  leave(): void {
    if (--this.#inFlight > 0) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /**
   * Resolves when no request is being answered, or after `maxMs` at the latest: under
   * steady load background work slows down but never stops.
   */
  quiet(maxMs: number): Promise<void> {
    if (!this.#inFlight) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, maxMs);
      timer.unref();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#waiters.push(done);
    });
  }
}

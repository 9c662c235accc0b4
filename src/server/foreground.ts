/**
 * Requests being answered right now. A click or a submitted dialog waits for its answer
 * while news for earlier ones (cards, thread lines, notes) is only waited for by nobody in
 * particular, and both share one thread: background work gives way to answers, briefly.
 */
export class Foreground {
  #inFlight = 0;
  #waiters: Array<() => void> = [];

  /**
   * A request arrived: counted until the returned function is called (its answer was sent)
   * or for `maxMs` at most, so a client that holds a request open (a body trickling in)
   * cannot hold news back for long.
   */
  enter(maxMs = 2_000): () => void {
    this.#inFlight++;
    let left = false;
    const leave = () => {
      if (left) return;
      left = true;
      clearTimeout(timer);
      this.#leave();
    };
    const timer = setTimeout(leave, maxMs);
    timer.unref();
    return leave;
  }

  #leave(): void {
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

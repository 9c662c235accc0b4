/**
 * Requests being answered right now. A click or a submitted dialog waits for its answer
 * while news for earlier ones (cards, thread lines, notes) is only waited for by nobody in
 * particular, and both share one thread: background work gives way to answers, briefly.
 *
 * A burst of clicks does not arrive all at once: a client opening connections for it sends
 * one request per new connection, each as the one before is answered, so between two of them
 * nothing may be in flight for a few ms. Background work started in such a gap holds up every
 * request still to come (bench:teams), so the foreground counts as busy for `lingerMs` after
 * its last answer, and is quiet only once no request has come for that long; the HTTP server
 * also counts a connection just opened until its first request arrives.
 */
export class Foreground {
  #inFlight = 0;
  #waiters: Array<() => void> = [];
  #linger: NodeJS.Timeout | undefined;

  constructor(private readonly lingerMs = 25) {}

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
    // Quiet once nothing more has come for a moment (restarted by each answer).
    clearTimeout(this.#linger);
    if (this.lingerMs <= 0) return this.#quietNow();
    const linger = setTimeout(() => {
      // Timers run before the loop looks at its sockets: requests that came while it was busy
      // are read first (the check phase follows the poll phase), and count.
      setImmediate(() => {
        if (this.#linger !== linger) return; // a request came and left meanwhile: lingering again
        this.#linger = undefined;
        if (!this.#inFlight) this.#quietNow();
      });
    }, this.lingerMs);
    linger.unref();
    this.#linger = linger;
  }

  #quietNow(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  /** Requests being answered now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Requests are being answered, or one was a moment ago (more of a burst may be coming). */
  get busy(): boolean {
    return this.#inFlight > 0 || this.#linger !== undefined;
  }

  /**
   * Resolves when no request is being answered, nor was for `lingerMs`, or after `maxMs` at
   * the latest: under steady load background work slows down but never stops.
   */
  quiet(maxMs: number): Promise<void> {
    if (!this.busy) return Promise.resolve();
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

/**
 * Counts work that outlives its HTTP request (Slack listeners run after they acknowledge),
 * so shutdown can wait for it instead of cutting a decision off half-way.
 */
export class WorkTracker {
  readonly #inFlight = new Set<Promise<unknown>>();

  track<T>(work: Promise<T>): Promise<T> {
    this.#inFlight.add(work);
    const done = () => this.#inFlight.delete(work);
    work.then(done, done);
    return work;
  }

  get size(): number {
    return this.#inFlight.size;
  }

  /** Resolves when everything tracked has settled, or after `timeoutMs`; true if all finished. */
  async drain(timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.#inFlight.size) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...this.#inFlight]), new Promise((resolve) => (timer = setTimeout(resolve, left)))]);
      clearTimeout(timer);
    }
    return true;
  }
}

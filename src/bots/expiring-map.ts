/**
 * What a chat keeps in memory between two steps of one person's work (the Slack dialog's
 * steps, images pasted in Teams): entries live for a while and there are at most `max` of
 * them, the oldest going first, so a flood cannot grow memory without bound.
 */
export class ExpiringMap<K, V> {
  readonly #entries = new Map<K, { value: V; expires: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
    private readonly now: () => number,
  ) {}

  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expires < this.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Sets or renews an entry: it lives `ttlMs` from now and is the newest. */
  set(key: K, value: V): void {
    this.#sweep();
    this.#entries.delete(key);
    this.#entries.set(key, { value, expires: this.now() + this.ttlMs });
  }

  delete(key: K): void {
    this.#entries.delete(key);
  }

  #sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.#entries) if (entry.expires < now) this.#entries.delete(key);
    // Oldest first (a Map keeps insertion order).
    for (const key of this.#entries.keys()) {
      if (this.#entries.size < this.max) break;
      this.#entries.delete(key);
    }
  }
}

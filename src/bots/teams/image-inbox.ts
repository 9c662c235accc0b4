/**
 * Images a person pasted into their chat with Greenlight, waiting for the next draft form,
 * which lists them with an alt text field each. Kept in memory for two hours, ten at most per
 * person (a post takes no more); like the Slack dialog's two steps, several replicas will
 * need this in the store.
 */
import type { StoredMedia } from '../../media/media-store.js';

const TTL_MS = 2 * 3600_000;
export const INBOX_MAX = 10;
const MAX_PEOPLE = 2000;

export class ImageInbox {
  readonly #byPerson = new Map<number, { images: StoredMedia[]; expires: number }>();

  constructor(private readonly now: () => number) {}

  /** Adds images after those waiting (the same bytes once); returns how many wait now and how many did not fit. */
  add(personId: number, images: readonly StoredMedia[]): { waiting: number; dropped: number } {
    this.#sweep();
    const entry = this.#entry(personId) ?? { images: [], expires: 0 };
    let dropped = 0;
    for (const image of images) {
      if (entry.images.some((i) => i.sha256 === image.sha256)) continue;
      if (entry.images.length >= INBOX_MAX) dropped++;
      else entry.images.push(image);
    }
    entry.expires = this.now() + TTL_MS;
    this.#byPerson.delete(personId);
    this.#byPerson.set(personId, entry);
    return { waiting: entry.images.length, dropped };
  }

  waiting(personId: number): StoredMedia[] {
    return [...(this.#entry(personId)?.images ?? [])];
  }

  clear(personId: number): void {
    this.#byPerson.delete(personId);
  }

  #entry(personId: number) {
    const entry = this.#byPerson.get(personId);
    if (entry && entry.expires < this.now()) {
      this.#byPerson.delete(personId);
      return undefined;
    }
    return entry;
  }

  #sweep(): void {
    const now = this.now();
    for (const [id, entry] of this.#byPerson) if (entry.expires < now) this.#byPerson.delete(id);
    // Oldest first (a Map keeps insertion order): many people cannot grow memory without bound.
    for (const id of this.#byPerson.keys()) {
      if (this.#byPerson.size < MAX_PEOPLE) break;
      this.#byPerson.delete(id);
    }
  }
}

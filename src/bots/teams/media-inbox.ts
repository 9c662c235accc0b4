/**
 * Images a person pasted into their chat with Greenlight, waiting for the next draft form,
 * which lists them with an alt text field each. Kept in memory for two hours, ten at most per
 * person (a post takes no more); like the Slack dialog's two steps, several replicas will
 * need this in the store.
 */
import type { StoredMedia } from '../../media/media-store.js';
import { ExpiringMap } from '../expiring-map.js';

const TTL_MS = 2 * 3600_000;
export const INBOX_MAX = 10;
const MAX_PEOPLE = 2000;

export class ImageInbox {
  readonly #byPerson: ExpiringMap<number, StoredMedia[]>;

  constructor(now: () => number) {
    this.#byPerson = new ExpiringMap(TTL_MS, MAX_PEOPLE, now);
  }

  /** Adds images after those waiting (the same bytes once); returns how many wait now and how many did not fit. */
  add(personId: number, images: readonly StoredMedia[]): { waiting: number; dropped: number } {
    const waiting = [...(this.#byPerson.get(personId) ?? [])];
    let dropped = 0;
    for (const image of images) {
      if (waiting.some((i) => i.sha256 === image.sha256)) continue;
      if (waiting.length >= INBOX_MAX) dropped++;
      else waiting.push(image);
    }
    this.#byPerson.set(personId, waiting);
    return { waiting: waiting.length, dropped };
  }

  waiting(personId: number): StoredMedia[] {
    return [...(this.#byPerson.get(personId) ?? [])];
  }

  clear(personId: number): void {
    this.#byPerson.delete(personId);
  }
}

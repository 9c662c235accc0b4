/**
 * What a person gave Greenlight in their chat with it, waiting for their next draft form:
 * images (listed there with an alt text field each) or one video (a post has one or the
 * other, so a new video replaces waiting images and new images replace a waiting video).
 * Kept in memory for two hours, ten images at most per person (a post takes no more); like the
 * Slack dialog's two steps, several replicas will need this in the store.
 *
 * A video arrives after the turn that brought it, so what was sent last wins, not what
 * arrived last: each message with media takes a ticket, and a video whose ticket is older than
 * the person's latest is not put in (they sent something newer meanwhile).
 */
import type { PostVideo } from '../../domain/post.js';
import type { StoredMedia } from '../../media/media-store.js';
import { ExpiringMap } from '../expiring-map.js';

const TTL_MS = 2 * 3600_000;
export const INBOX_MAX = 10;
const MAX_PEOPLE = 2000;

export interface Waiting {
  images: StoredMedia[];
  video: PostVideo | null;
}

interface Entry extends Waiting {
  /** The newest message's ticket. */
  latest: number;
  /** The video on its way for the latest ticket, by name. */
  receiving?: string;
}

export type VideoPlaced = { placed: true; replacedImages: number; replacedVideo: string | null } | { placed: false };

export class MediaInbox {
  readonly #byPerson: ExpiringMap<number, Entry>;
  #tickets = 0;

  constructor(now: () => number) {
    this.#byPerson = new ExpiringMap(TTL_MS, MAX_PEOPLE, now);
  }

  #entry(personId: number): Entry {
    const entry = this.#byPerson.get(personId);
    return entry ? { ...entry, images: [...entry.images] } : { images: [], video: null, latest: 0 };
  }

  /**
   * Adds images after those waiting (the same bytes once), replacing a waiting video; returns how
   * many wait now, how many did not fit, and the video they replaced.
   */
  add(personId: number, images: readonly StoredMedia[]): { waiting: number; dropped: number; replacedVideo: string | null } {
    const entry = this.#entry(personId);
    if (!images.length) return { waiting: entry.images.length, dropped: 0, replacedVideo: null };
    const waiting = entry.video ? [] : entry.images;
    let dropped = 0;
    for (const image of images) {
      if (waiting.some((i) => i.sha256 === image.sha256)) continue;
      if (waiting.length >= INBOX_MAX) dropped++;
      else waiting.push(image);
    }
    // Newer than any video still on its way, which then no longer counts.
    this.#byPerson.set(personId, { images: waiting, video: null, latest: ++this.#tickets });
    return { waiting: waiting.length, dropped, replacedVideo: entry.video?.name ?? null };
  }

  /** A video named `name` is on its way: its ticket, for `placeVideo` once it has arrived. */
  expectVideo(personId: number, name: string): number {
    const ticket = ++this.#tickets;
    this.#byPerson.set(personId, { ...this.#entry(personId), latest: ticket, receiving: name });
    return ticket;
  }

  /** The video that arrived for `ticket` waits, replacing what waited, unless something newer was sent meanwhile. */
  placeVideo(personId: number, ticket: number, video: PostVideo): VideoPlaced {
    const entry = this.#entry(personId);
    if (entry.latest > ticket) return { placed: false };
    this.#byPerson.set(personId, { images: [], video, latest: ticket });
    return {
      placed: true,
      replacedImages: entry.images.length,
      replacedVideo: entry.video && entry.video.sha256 !== video.sha256 ? entry.video.name : null,
    };
  }

  /** The video for `ticket` did not arrive: it is no longer on its way (what waited still does). */
  videoFailed(personId: number, ticket: number): void {
    const entry = this.#byPerson.get(personId);
    if (!entry || entry.latest !== ticket) return;
    const { receiving: _receiving, ...rest } = entry;
    this.#byPerson.set(personId, rest);
  }

  waiting(personId: number): Waiting {
    const entry = this.#entry(personId);
    return { images: entry.images, video: entry.video };
  }

  /** The name of the video on its way for the person's latest message, if one is. */
  receiving(personId: number): string | undefined {
    return this.#byPerson.get(personId)?.receiving;
  }

  /** What waited was used (a draft was submitted); a video still on its way may yet arrive. */
  clear(personId: number): void {
    const entry = this.#byPerson.get(personId);
    if (!entry) return;
    // The ticket stays, so a video sent before something newer still does not count when it arrives.
    this.#byPerson.set(personId, {
      images: [],
      video: null,
      latest: entry.latest,
      ...(entry.receiving ? { receiving: entry.receiving } : {}),
    });
  }
}

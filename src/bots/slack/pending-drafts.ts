/**
 * Drafts between the dialog's two steps: the first step's values and the images already
 * downloaded into the media store, while the author writes alt text in the second. Kept in
 * memory, not in `private_metadata`: a 3,000-character text and ten images do not fit in
 * Slack's 3,000. The first step stays open under the second (it was pushed), so after a
 * restart the author goes back and submits again; nothing typed is lost.
 */
import { randomBytes } from 'node:crypto';
import type { PostImage, PostVideo } from '../../domain/post.js';
import type { DraftInput } from '../../workflows/draft-validation.js';
import type { DraftModalState } from './blocks/draft-modal.js';
import { ExpiringMap } from '../expiring-map.js';

export interface PendingImage {
  image: PostImage;
  /** What the author sees: the file's name in Slack, or "Image 2" for images already on the post. */
  name: string;
  /** The Slack file it came from, when it was uploaded in this dialog (a thumbnail in the second step). */
  slackFileId?: string;
}

export interface PendingDraft {
  userId: string;
  state: DraftModalState;
  /** The first step's values, without images. */
  input: DraftInput;
  images: PendingImage[];
  /** A video received for this draft (the video step), once it has arrived and been read. */
  video?: PostVideo;
}

const TTL_MS = 2 * 3600_000;
const MAX_PENDING = 2000;

export class PendingDrafts {
  readonly #drafts: ExpiringMap<string, PendingDraft>;

  constructor(now: () => number = Date.now) {
    this.#drafts = new ExpiringMap(TTL_MS, MAX_PENDING, now);
  }

  put(draft: PendingDraft): string {
    const key = randomBytes(12).toString('base64url');
    this.#drafts.set(key, draft);
    return key;
  }

  /** Only the person who started it gets it back. */
  get(key: string, userId: string): PendingDraft | undefined {
    const draft = this.#drafts.get(key);
    return draft?.userId === userId ? draft : undefined;
  }

  delete(key: string): void {
    this.#drafts.delete(key);
  }
}

/**
 * What a store learns from an image's bytes as they pass on their way to disk: its sha256,
 * its length, its real type and its pixel size. Kept apart from any one store so every
 * implementation checks uploads the same way.
 *
 * Memory stays flat whatever the file's size: the hash and the count are running totals, and
 * only the first bytes are kept, until the size has been read from them. A file is refused
 * as soon as its bytes say no (past the limit, not an image), not after it has all arrived.
 */
import { createHash } from 'node:crypto';
import { detectImageType, imageSize, SNIFF_BYTES, type ImageSize, type ImageType } from '../domain/image-format.js';
import { MediaRejected } from './media-rejected.js';
import type { MediaLimits, StoredMedia } from './media-store.js';

/**
 * How far into a file its size is looked for. PNG, GIF and WebP say it in their first 30
 * bytes; a JPEG says it after its metadata segments (EXIF with a thumbnail, ICC profile,
 * XMP), which in camera and editor output stay well under this.
 */
export const HEADER_BYTES = 1024 * 1024;

/** The running sha256 and length of a file arriving, refused as soon as it passes the limit. */
class RunningTotal {
  readonly #hash = createHash('sha256');
  bytes = 0;
  constructor(
    readonly maxBytes: number,
    readonly what: 'image' | 'video' = 'image',
  ) {}
  take(chunk: Uint8Array): void {
    this.bytes += chunk.byteLength;
    if (this.bytes > this.maxBytes) throw MediaRejected.tooLarge(this.maxBytes, undefined, this.what);
    this.#hash.update(chunk);
  }
  digest(): string {
    return this.#hash.digest('hex');
  }
}

export class IncomingMedia {
  readonly #total: RunningTotal;
  #head: Buffer = Buffer.alloc(0);
  #type: ImageType | undefined;
  #size: ImageSize | undefined;

  constructor(limits: MediaLimits) {
    this.#total = new RunningTotal(limits.maxBytes);
  }

  /** Takes the next chunk. Throws MediaRejected as soon as the bytes so far rule the file out. */
  take(chunk: Uint8Array): void {
    this.#total.take(chunk);
    if (this.#size === undefined) this.#inspect(chunk);
  }

  /** After the last chunk: the checked image, or MediaRejected when it never became one. */
  finish(): StoredMedia {
    if (this.#total.bytes === 0) throw MediaRejected.notAnImage(true);
    const type = this.#type ?? detectImageType(this.#head);
    if (!type) throw MediaRejected.notAnImage();
    const size = this.#size ?? imageSize(this.#head, type);
    if (!size) throw MediaRejected.damaged(type);
    return {
      sha256: this.#total.digest(),
      bytes: this.#total.bytes,
      type,
      width: size.width,
      height: size.height,
      ...(size.orientation !== undefined ? { orientation: size.orientation } : {}),
    };
  }

  #inspect(chunk: Uint8Array): void {
    if (this.#head.length < HEADER_BYTES) {
      this.#head = Buffer.concat([this.#head, chunk.subarray(0, HEADER_BYTES - this.#head.length)]);
    }
    if (this.#type === undefined) {
      // Fewer bytes may still become an image; finish() decides for files this short.
      if (this.#head.length < SNIFF_BYTES) return;
      this.#type = detectImageType(this.#head);
      if (!this.#type) throw MediaRejected.notAnImage();
    }
    this.#size = imageSize(this.#head, this.#type);
    if (this.#size !== undefined)
      this.#head = Buffer.alloc(0); // nothing more to learn from it
    else if (this.#head.length >= HEADER_BYTES) throw MediaRejected.damaged(this.#type);
  }
}

/**
 * The same running checks for a video: its sha256 and length as it arrives, and from its
 * first bytes whether it is an ISO media file at all (MP4 and MOV begin with a box, almost
 * always `ftyp`; QuickTime files may begin with `wide`, `free` or `mdat`). What the video
 * is, is read from the complete file (media/video-probe.ts).
 */
export class IncomingVideo {
  readonly #total: RunningTotal;
  #head: Buffer = Buffer.alloc(0);

  constructor(limits: MediaLimits) {
    this.#total = new RunningTotal(limits.maxBytes, 'video');
  }

  take(chunk: Uint8Array): void {
    this.#total.take(chunk);
    if (this.#head.length < 8) {
      this.#head = Buffer.concat([this.#head, chunk.subarray(0, 8 - this.#head.length)]);
      if (this.#head.length === 8 && !startsLikeIsoMedia(this.#head)) throw notVideo();
    }
  }

  finish(): { sha256: string; bytes: number } {
    if (this.#head.length < 8) throw notVideo();
    return { sha256: this.#total.digest(), bytes: this.#total.bytes };
  }
}

const ISO_FIRST_BOXES = new Set(['ftyp', 'wide', 'free', 'skip', 'mdat', 'moov', 'pnot']);
const startsLikeIsoMedia = (head: Buffer) => ISO_FIRST_BOXES.has(head.subarray(4, 8).toString('latin1'));
const notVideo = () => new MediaRejected('not_a_video', 'This file is not a video Greenlight can read: it takes MP4 and MOV.');

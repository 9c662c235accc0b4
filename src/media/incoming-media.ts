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

export class IncomingMedia {
  readonly #maxBytes: number;
  readonly #hash = createHash('sha256');
  #bytes = 0;
  #head: Buffer = Buffer.alloc(0);
  #type: ImageType | undefined;
  #size: ImageSize | undefined;

  constructor(limits: MediaLimits) {
    this.#maxBytes = limits.maxBytes;
  }

  /** Takes the next chunk. Throws MediaRejected as soon as the bytes so far rule the file out. */
  take(chunk: Uint8Array): void {
    this.#bytes += chunk.byteLength;
    if (this.#bytes > this.#maxBytes) throw MediaRejected.tooLarge(this.#maxBytes);
    this.#hash.update(chunk);
    if (this.#size === undefined) this.#inspect(chunk);
  }

  /** After the last chunk: the checked image, or MediaRejected when it never became one. */
  finish(): StoredMedia {
    if (this.#bytes === 0) throw MediaRejected.notAnImage(true);
    const type = this.#type ?? detectImageType(this.#head);
    if (!type) throw MediaRejected.notAnImage();
    const size = this.#size ?? imageSize(this.#head, type);
    if (!size) throw MediaRejected.damaged(type);
    return {
      sha256: this.#hash.digest('hex'),
      bytes: this.#bytes,
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
    if (this.#size !== undefined) this.#head = Buffer.alloc(0); // nothing more to learn from it
    else if (this.#head.length >= HEADER_BYTES) throw MediaRejected.damaged(this.#type);
  }
}

import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { detectImageType, imageSize } from '../../src/domain/image-format.js';
import type { PublishImage } from '../../src/platforms/publisher.js';

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export interface TestImages {
  images: PublishImage[];
  /** How many times each image's bytes were opened (a retry reads them again). */
  opens: number[];
}

/**
 * Approved images as the scheduler hands them to a publisher: their measurements and alt
 * text, and a fresh stream of the bytes per `open()`, in chunks so readers must join them.
 */
export function publishImages(items: ReadonlyArray<{ bytes: Buffer; alt: string | null }>): TestImages {
  const opens = items.map(() => 0);
  const images = items.map(({ bytes, alt }, index): PublishImage => {
    const type = detectImageType(bytes);
    if (!type) throw new Error(`test image ${index + 1} is not an image`);
    const size = imageSize(bytes, type);
    return {
      sha256: sha256(bytes),
      type,
      bytes: bytes.byteLength,
      width: size?.width ?? 1,
      height: size?.height ?? 1,
      alt,
      open: async () => {
        opens[index]! += 1;
        const half = Math.ceil(bytes.byteLength / 2);
        return Readable.from([bytes.subarray(0, half), bytes.subarray(half)]);
      },
    };
  });
  return { images, opens };
}

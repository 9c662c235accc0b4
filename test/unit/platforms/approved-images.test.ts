import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { approvedImages, readApprovedImage } from '../../../src/platforms/approved-images.js';
import { png } from '../../support/image-fixtures.js';
import { failureOf } from '../../support/publish-failure.js';
import { publishImages, sha256 } from '../../support/publish-images.js';

const LIMITS = { network: 'mastodon' as const, maxBytes: 10_000, acceptedTypes: ['image/png' as const] };

describe('approved images as a publisher reads them', () => {
  it('joins the chunks into exactly the approved bytes, with the measurements and alt text', async () => {
    const bytes = png(20, 10);
    const { images } = publishImages([{ bytes, alt: 'A red square' }]);
    const read = await readApprovedImage(images[0]!, 1, LIMITS);
    expect(sha256(read.bytes)).toBe(sha256(bytes));
    expect(read).toMatchObject({
      contentType: 'image/png',
      filename: 'image-1.png',
      width: 20,
      height: 10,
      alt: 'A red square',
      position: 1,
    });
  });

  it('a store that fails mid-read is retryable; bytes beyond what was recorded are permanent', async () => {
    const { images } = publishImages([{ bytes: png(8, 8), alt: null }]);
    const broken = {
      ...images[0]!,
      open: async () =>
        new Readable({
          read() {
            this.destroy(new Error('EIO: disk went away'));
          },
        }),
    };
    const failed = await failureOf(readApprovedImage(broken, 2, LIMITS));
    expect(failed.kind).toBe('retryable');
    expect(failed.message).toMatch(/could not read image 2 from its media store/);

    const lying = { ...images[0]!, bytes: 10, open: async () => Readable.from([Buffer.alloc(20_000)]) };
    const tooBig = await failureOf(readApprovedImage(lying, 1, LIMITS));
    expect(tooBig.kind).toBe('permanent');
    expect(tooBig.message).toMatch(/Image 1 is larger than/);
  });

  it('counts a linked image with the uploaded ones, and none over the limit passes', () => {
    const { images } = publishImages([
      { bytes: png(8, 8), alt: null },
      { bytes: png(9, 9), alt: null },
    ]);
    expect(approvedImages({ publicationId: 1, text: 't', mediaUrl: null, images }, 'x', 2)).toHaveLength(2);
    expect(() => approvedImages({ publicationId: 1, text: 't', mediaUrl: 'https://example.com/a.png', images }, 'x', 2)).toThrow(
      'X takes at most 2 images in a post, and this post has 3; nothing was posted.',
    );
    expect(approvedImages({ publicationId: 1, text: 't', mediaUrl: null }, 'x', 0)).toEqual([]);
  });
});

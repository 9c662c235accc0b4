import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HEADER_BYTES, IncomingMedia } from '../../../src/media/incoming-media.js';
import { MediaRejected } from '../../../src/media/media-rejected.js';
import { gif, jpeg, png, webpExtended, webpLossless, webpLossy } from '../../support/image-fixtures.js';

const limits = { maxBytes: 25 * 1024 * 1024 };

/** Feeds `bytes` in chunks of `size` and finishes. */
function inspect(bytes: Buffer, size: number, maxBytes = limits.maxBytes) {
  const incoming = new IncomingMedia({ maxBytes });
  for (let at = 0; at < bytes.length; at += size) incoming.take(bytes.subarray(at, at + size));
  return incoming.finish();
}

function rejection(run: () => unknown): MediaRejected {
  try {
    run();
  } catch (error) {
    if (error instanceof MediaRejected) return error;
    throw error;
  }
  throw new Error('expected MediaRejected');
}

/** A JPEG with an APP2 (ICC-profile-like) segment of `padding` bytes before its frame header, split into 64 KB segments as JPEG requires. */
function jpegWithMetadata(width: number, height: number, padding: number): Buffer {
  const plain = jpeg(width, height);
  const segments: Buffer[] = [];
  for (let left = padding; left > 0; left -= 65_000) {
    const size = Math.min(left, 65_000);
    segments.push(Buffer.concat([Buffer.from([0xff, 0xe2, (size + 2) >> 8, (size + 2) & 0xff]), Buffer.alloc(size, 0x20)]));
  }
  return Buffer.concat([plain.subarray(0, 2), ...segments, plain.subarray(2)]);
}

describe('IncomingMedia', () => {
  it.each([
    ['PNG', png(1080, 1350), 'image/png', 1080, 1350],
    ['JPEG', jpeg(1920, 1005), 'image/jpeg', 1920, 1005],
    ['GIF', gif(320, 200), 'image/gif', 320, 200],
    ['WebP (VP8)', webpLossy(1200, 628), 'image/webp', 1200, 628],
    ['WebP (VP8L)', webpLossless(500, 400), 'image/webp', 500, 400],
    ['WebP (VP8X)', webpExtended(2000, 1000), 'image/webp', 2000, 1000],
  ])('reads a %s arriving one byte at a time: type, size, length and sha256', (_name, bytes, type, width, height) => {
    const media = inspect(bytes, 1);
    expect(media).toEqual({ sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length, type, width, height });
  });

  it('keeps a JPEG’s EXIF orientation, so a phone portrait can be judged as shown', () => {
    expect(inspect(jpeg(4032, 3024, { orientation: 6 }), 100)).toMatchObject({ width: 4032, height: 3024, orientation: 6 });
  });

  it('finds a JPEG’s size behind a few hundred KB of metadata', () => {
    expect(inspect(jpegWithMetadata(800, 600, 400_000), 16_384)).toMatchObject({ type: 'image/jpeg', width: 800, height: 600 });
  });

  it('calls a JPEG whose size is not within the first megabyte damaged, as soon as the megabyte is in', () => {
    const bytes = jpegWithMetadata(800, 600, HEADER_BYTES + 100_000);
    const incoming = new IncomingMedia(limits);
    const error = rejection(() => {
      for (let at = 0; at < bytes.length; at += 65_536) incoming.take(bytes.subarray(at, at + 65_536));
    });
    expect(error.reason).toBe('damaged');
    expect(error.userMessage).toMatch(/starts like a JPEG image, but it is cut off or damaged/);
  });

  it('refuses what is not an image from its first bytes, before the rest arrives', () => {
    const incoming = new IncomingMedia(limits);
    const error = rejection(() => incoming.take(Buffer.from('<!doctype html><html><body>Sign in to Slack')));
    expect(error.reason).toBe('not_an_image');
    expect(error.userMessage).toBe('That file is not a JPEG, PNG, GIF or WebP image, whatever its name says.');
  });

  it('refuses an empty file and one too short to be anything', () => {
    expect(rejection(() => inspect(Buffer.alloc(0), 1)).userMessage).toBe('That file is empty.');
    expect(rejection(() => inspect(Buffer.from('GIF'), 1)).reason).toBe('not_an_image');
  });

  it.each([
    ['PNG', png(10, 10).subarray(0, 20)],
    ['JPEG', jpeg(10, 10).subarray(0, 30)],
    ['WebP', webpLossy(10, 10).subarray(0, 24)],
  ])('calls a %s cut off before its size damaged', (name, bytes) => {
    const error = rejection(() => inspect(bytes, 7));
    expect(error.reason).toBe('damaged');
    expect(error.userMessage).toContain(`starts like a ${name} image`);
  });

  it('refuses a file the moment it passes the limit, naming the limit and its setting', () => {
    const MiB = 1024 * 1024;
    const incoming = new IncomingMedia({ maxBytes: MiB });
    const header = png(10, 10);
    incoming.take(header);
    incoming.take(Buffer.alloc(MiB - header.length)); // exactly at the limit is fine
    const error = rejection(() => incoming.take(Buffer.alloc(1)));
    expect(error.reason).toBe('too_large');
    expect(error.userMessage).toBe('That file is larger than 1 MB; images can be at most 1 MB (MEDIA_MAX_MB).');
  });

  it('words a known size against the limit in megabytes', () => {
    expect(MediaRejected.tooLarge(25 * 1024 * 1024, 31 * 1024 * 1024).userMessage).toBe(
      'That file is 31 MB; images can be at most 25 MB (MEDIA_MAX_MB).',
    );
  });
});

import { describe, expect, it } from 'vitest';
import type { PostImage } from '../../../src/domain/post.js';
import { contentHash } from '../../../src/workflows/content-hash.js';

const base = { text: 'Spring sale!', networks: ['x', 'linkedin'] as const, mediaUrl: null };

describe('content hash', () => {
  it('is a sha256 hex digest and stable', () => {
    const hash = contentHash({ ...base, networks: [...base.networks] });
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(contentHash({ ...base, networks: [...base.networks] })).toBe(hash);
  });

  it('does not depend on network order or duplicates', () => {
    expect(contentHash({ ...base, networks: ['linkedin', 'x', 'x'] })).toBe(contentHash({ ...base, networks: ['x', 'linkedin'] }));
  });

  it('treats NFC and NFD spellings of the same text as the same content', () => {
    const nfc = 'Caf\u00e9';
    const nfd = 'Cafe\u0301';
    expect(contentHash({ ...base, networks: ['x'], text: nfc })).toBe(contentHash({ ...base, networks: ['x'], text: nfd }));
  });

  it('changes with any real edit: text, a network, the image', () => {
    const original = contentHash({ ...base, networks: ['x'] });
    expect(contentHash({ ...base, networks: ['x'], text: 'Spring sale!!' })).not.toBe(original);
    expect(contentHash({ ...base, networks: ['x', 'bluesky'] })).not.toBe(original);
    expect(contentHash({ ...base, networks: ['x'], mediaUrl: 'https://example.com/a.png' })).not.toBe(original);
    expect(contentHash({ ...base, networks: ['x'], text: 'Spring sale! ' })).not.toBe(original);
  });

  it('keeps the hash every revision had before uploads when there are no images and no variants', () => {
    // Computed by the code before images and variants existed: approvals stored then stay valid.
    expect(contentHash({ ...base, networks: ['x'] })).toBe(contentHash({ ...base, networks: ['x'], images: [], variants: {} }));
    expect(contentHash({ text: 'Spring sale!', networks: ['x', 'linkedin'], mediaUrl: null })).toBe(
      'd4f6999979eb8fe64797d7e46ac959c0e9039b32b35a1539b96808ac7c4e52f8',
    );
  });

  it("binds to each image's bytes, their order and alt text, and to each network's own text", () => {
    const image = (sha: string, alt: string | null): PostImage => ({
      sha256: sha.repeat(64),
      type: 'image/png',
      bytes: 10,
      width: 1,
      height: 1,
      alt,
    });
    const two = [image('a', 'A dog'), image('b', null)];
    const original = contentHash({ ...base, networks: ['x'], images: two });
    expect(original).not.toBe(contentHash({ ...base, networks: ['x'] }));
    expect(contentHash({ ...base, networks: ['x'], images: [...two].reverse() })).not.toBe(original);
    expect(contentHash({ ...base, networks: ['x'], images: [image('a', 'A cat'), image('b', null)] })).not.toBe(original);
    expect(contentHash({ ...base, networks: ['x'], images: [image('c', 'A dog'), image('b', null)] })).not.toBe(original);
    // What was read from the bytes is not content: the sha256 already covers them.
    expect(contentHash({ ...base, networks: ['x'], images: two.map((i) => ({ ...i, width: 99 })) })).toBe(original);

    const short = contentHash({ ...base, networks: ['x', 'linkedin'], variants: { x: 'Sale!' } });
    expect(short).not.toBe(contentHash({ ...base, networks: ['x', 'linkedin'] }));
    expect(contentHash({ ...base, networks: ['x', 'linkedin'], variants: { x: 'Sale!!' } })).not.toBe(short);
    expect(contentHash({ ...base, networks: ['x', 'linkedin'], variants: { linkedin: 'Sale!' } })).not.toBe(short);
    expect(contentHash({ ...base, networks: ['x', 'linkedin'], variants: { x: 'Sale!', linkedin: 'A long text.' } })).toBe(
      contentHash({ ...base, networks: ['x', 'linkedin'], variants: { linkedin: 'A long text.', x: 'Sale!' } }),
    );
  });
});

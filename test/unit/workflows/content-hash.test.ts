import { describe, expect, it } from 'vitest';
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
});

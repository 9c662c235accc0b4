import { describe, expect, it } from 'vitest';
import { checkSignedMedia, signedMediaPath } from '../../../src/media/signed-links.js';

const secret = 'k'.repeat(64);
const image = { sha256: 'ab'.repeat(32), type: 'image/jpeg' as const };
const t0 = new Date('2026-03-02T09:00:00Z');
const parts = (path: string) => {
  const url = new URL(path, 'https://greenlight.example.com');
  return { name: url.pathname.slice('/media/'.length), query: url.searchParams };
};

describe('signed media links', () => {
  it('lets the file be fetched until the link expires, and names its type by its extension', () => {
    const { name, query } = parts(signedMediaPath(secret, image, new Date(t0.getTime() + 60_000)));
    expect(name).toBe(`${image.sha256}.jpg`);
    expect(checkSignedMedia(secret, name, query, t0)).toEqual({ ok: true, sha256: image.sha256, type: 'image/jpeg' });
    expect(checkSignedMedia(secret, name, query, new Date(t0.getTime() + 60_000))).toEqual({ ok: false, reason: 'expired' });
  });

  it('names a video by its container, mp4 or mov, and lets it be fetched as such', () => {
    for (const [container, type] of [
      ['mp4', 'video/mp4'],
      ['mov', 'video/quicktime'],
    ] as const) {
      const { name, query } = parts(signedMediaPath(secret, { sha256: image.sha256, container }, new Date(t0.getTime() + 60_000)));
      expect(name).toBe(`${image.sha256}.${container}`);
      expect(checkSignedMedia(secret, name, query, t0)).toEqual({ ok: true, sha256: image.sha256, type });
    }
  });

  it('refuses a link with another file, type, expiry or key, and one missing its parts', () => {
    const { name, query } = parts(signedMediaPath(secret, image, new Date(t0.getTime() + 60_000)));
    expect(checkSignedMedia(secret, name.replace('ab', 'cd'), query, t0)).toEqual({ ok: false, reason: 'forged' });
    expect(checkSignedMedia(secret, name.replace('.jpg', '.png'), query, t0)).toEqual({ ok: false, reason: 'forged' });
    const later = new URLSearchParams(query);
    later.set('expires', String(Number(query.get('expires')) + 3600));
    expect(checkSignedMedia(secret, name, later, t0)).toEqual({ ok: false, reason: 'forged' });
    expect(checkSignedMedia('another key', name, query, t0)).toEqual({ ok: false, reason: 'forged' });
    // An expired link that was also tampered with says forged, not expired: nothing to learn.
    expect(checkSignedMedia(secret, name, later, new Date(t0.getTime() + 10 * 3600_000))).toEqual({ ok: false, reason: 'forged' });
    for (const bad of [`${image.sha256}.exe`, `${image.sha256}`, '../../etc/passwd', `${image.sha256.toUpperCase()}.jpg`]) {
      expect(checkSignedMedia(secret, bad, query, t0)).toEqual({ ok: false, reason: 'malformed' });
    }
    expect(checkSignedMedia(secret, name, new URLSearchParams({ expires: query.get('expires')! }), t0)).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });
});

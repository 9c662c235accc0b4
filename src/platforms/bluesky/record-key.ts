import { createHash } from 'node:crypto';

/**
 * A deterministic record key for a publication's post, so that creating it twice cannot
 * make two posts.
 *
 * What the PDS does with a repeated key (read in bluesky-social/atproto, Feb 2026):
 * `com.atproto.repo.createRecord` takes an optional `rkey`; `prepareCreate` only checks its
 * syntax, then the repo's `formatCommit` adds it to the Merkle search tree with `MST.add`,
 * which throws `There is already a value at key: app.bsky.feed.post/<rkey>` when the key is
 * taken. That is a plain Error, which xrpc-server turns into HTTP 500
 * `{"error":"InternalServerError","message":"Internal Server Error"}`: the second create
 * fails and nothing is overwritten, but the answer does not say why. So after a 500 (or an
 * unknown outcome) the publisher looks the key up with `com.atproto.repo.getRecord` and,
 * when its own post is there, reports it as published.
 *
 * `app.bsky.feed.post` declares `key: "tid"` (and the app view indexes only TID keys), so
 * the key is a TID: 64 bits, top bit 0, 53 bits of microseconds, 10 bits of "clock id",
 * written in base32-sortable as 13 characters. Ours is not a real time: it is a fixed base
 * (2023-01-01) plus the publication id in steps of about a second, plus 30 bits of a hash
 * of the content. The hash keeps a re-created database (whose publication ids start again
 * at 1) from mistaking an old, different post for this one; the publisher also compares
 * the text before it accepts a found record as its own.
 */

const BASE32_SORTABLE = '234567abcdefghijklmnopqrstuvwxyz';
const BASE_MICROS = BigInt(Date.UTC(2023, 0, 1)) * 1000n;
const MAX_TIMESTAMP = (1n << 53n) - 1n;
const STEP = 1n << 20n; // ≈ 1.05 s of TID time per publication id

export function encodeTid(timestampMicros: bigint, clockId: number): string {
  if (timestampMicros < 0n || timestampMicros > MAX_TIMESTAMP) throw new RangeError('TID timestamp out of range');
  let n = (timestampMicros << 10n) | BigInt(clockId & 0x3ff);
  let out = '';
  for (let i = 0; i < 13; i++) {
    out = BASE32_SORTABLE[Number(n & 31n)]! + out;
    n >>= 5n;
  }
  return out;
}

/** The TID syntax of the atproto spec. */
export const isTid = (value: string) => /^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/.test(value);

export function publicationRecordKey(
  publicationId: number,
  text: string,
  mediaUrl: string | null,
  /** Uploaded images, when there are any; none leaves the key what it was before images existed. */
  images: ReadonlyArray<{ sha256: string; alt: string | null }> = [],
): string {
  const media = images.map((i) => `\0${i.sha256}\0${i.alt ?? ''}`).join('');
  const digest = createHash('sha256')
    .update(`greenlight\0${publicationId}\0${text}\0${mediaUrl ?? ''}${media}`)
    .digest();
  const hash = digest.readUInt32BE(0);
  const offset = BigInt(hash & 0xfffff);
  const clockId = (hash >>> 20) & 0x3ff;
  const room = (MAX_TIMESTAMP - BASE_MICROS) / STEP;
  const timestamp = BASE_MICROS + (BigInt(Math.abs(Math.trunc(publicationId))) % room) * STEP + offset;
  return encodeTid(timestamp, clockId);
}

/**
 * Links to uploaded images and videos for networks that fetch media by URL (Instagram takes only a URL).
 * Each link names the file by its sha256, carries an expiry and an HMAC over both, so it
 * cannot be guessed, altered or used after it expires; the key never leaves Greenlight's
 * database. Served at `PUBLIC_URL/media/<sha256>.<ext>?expires=…&sig=…`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { IMAGE_EXTENSIONS, type ImageType } from '../domain/image-format.js';
import { isSha256 } from './media-store.js';

/** What a link can serve: an uploaded image, or an uploaded video (Instagram Reels fetch theirs by URL). */
export type LinkedMediaType = ImageType | 'video/mp4' | 'video/quicktime';
const EXTENSIONS: Record<LinkedMediaType, string> = { ...IMAGE_EXTENSIONS, 'video/mp4': 'mp4', 'video/quicktime': 'mov' };
const TYPE_BY_EXTENSION = new Map(Object.entries(EXTENSIONS).map(([type, ext]) => [ext, type as LinkedMediaType]));

/** A stored image or video as a link names it. */
export type LinkedMedia = { sha256: string; type: ImageType } | { sha256: string; container: 'mp4' | 'mov' };
const typeOf = (media: LinkedMedia): LinkedMediaType =>
  'type' in media ? media.type : media.container === 'mov' ? 'video/quicktime' : 'video/mp4';

const signature = (secret: string, name: string, expires: number) =>
  createHmac('sha256', secret).update(`${name}\n${expires}`).digest('base64url');

/** The path and query of a link to `sha256`, valid until `expiresAt` (whole seconds). */
export function signedMediaPath(secret: string, media: LinkedMedia, expiresAt: Date): string {
  const name = `${media.sha256}.${EXTENSIONS[typeOf(media)]}`;
  const expires = Math.ceil(expiresAt.getTime() / 1000);
  return `/media/${name}?expires=${expires}&sig=${signature(secret, name, expires)}`;
}

export type SignedMediaCheck =
  | { ok: true; sha256: string; type: LinkedMediaType }
  | { ok: false; reason: 'malformed' | 'expired' | 'forged' };

/** Whether a request for `/media/<name>` with this query may have the file now. */
export function checkSignedMedia(secret: string, name: string, query: URLSearchParams, now: Date): SignedMediaCheck {
  const match = /^([0-9a-f]{64})\.([a-z0-9]+)$/.exec(name);
  const type = match && TYPE_BY_EXTENSION.get(match[2]!);
  const expires = Number(query.get('expires'));
  const sig = query.get('sig') ?? '';
  if (!match || !type || !isSha256(match[1]!) || !Number.isSafeInteger(expires) || !sig) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(signature(secret, name, expires));
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'forged' };
  // Checked after the signature, so a forged link learns nothing from the answer.
  if (expires * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, sha256: match[1]!, type };
}

/** Makes links under PUBLIC_URL with the key kept in the database. */
export class SignedMediaLinks {
  constructor(
    private readonly publicUrl: string,
    private readonly secret: () => Promise<string>,
    private readonly now: () => Date,
  ) {}

  async urlFor(media: LinkedMedia, validForMs: number): Promise<string> {
    return `${this.publicUrl}${signedMediaPath(await this.secret(), media, new Date(this.now().getTime() + validForMs))}`;
  }
}

/**
 * What an image really is, from its first bytes rather than from what the server claims,
 * and its pixel size from its header (Instagram checks aspect ratios).
 *
 * Pure functions of bytes, so they live in the domain: the media store (src/media) checks
 * every upload with them and the publishers (src/platforms) every linked image, and neither
 * may import the other.
 */

export type ImageType = 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp';

export const IMAGE_TYPE_NAMES: Record<ImageType, string> = {
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'image/gif': 'GIF',
  'image/webp': 'WebP',
};

export const IMAGE_EXTENSIONS: Record<ImageType, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

/** Bytes needed to recognise every type here. */
export const SNIFF_BYTES = 12;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const ascii = (bytes: Uint8Array, start: number, length: number) => String.fromCharCode(...bytes.subarray(start, start + length));

export function detectImageType(bytes: Uint8Array): ImageType | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'image/png';
  if (bytes.length >= 6 && (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a')) return 'image/gif';
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return 'image/webp';
  return undefined;
}

export interface ImageSize {
  /** Pixel columns as stored. */
  width: number;
  /** Pixel rows as stored. */
  height: number;
  /**
   * JPEG EXIF orientation (1–8) when present. 5–8 mean the picture is shown turned a
   * quarter, so its displayed width and height are swapped (phone portraits are stored
   * landscape with orientation 6).
   */
  orientation?: number;
}

export function imageSize(bytes: Uint8Array, type: ImageType): ImageSize | undefined {
  switch (type) {
    case 'image/png':
      return pngSize(bytes);
    case 'image/gif':
      return gifSize(bytes);
    case 'image/webp':
      return webpSize(bytes);
    case 'image/jpeg':
      return jpegSize(bytes);
  }
}

const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

function positive(width: number, height: number): ImageSize | undefined {
  return width > 0 && height > 0 ? { width, height } : undefined;
}

/** PNG: the first chunk is IHDR; width and height are big-endian at 16 and 20. */
function pngSize(bytes: Uint8Array): ImageSize | undefined {
  if (bytes.length < 24 || ascii(bytes, 12, 4) !== 'IHDR') return undefined;
  const v = view(bytes);
  return positive(v.getUint32(16), v.getUint32(20));
}

/** GIF: the logical screen size, little-endian at 6 and 8. */
function gifSize(bytes: Uint8Array): ImageSize | undefined {
  if (bytes.length < 10) return undefined;
  const v = view(bytes);
  return positive(v.getUint16(6, true), v.getUint16(8, true));
}

/** WebP: the first chunk after the RIFF header is VP8 (lossy), VP8L (lossless) or VP8X (extended). */
function webpSize(bytes: Uint8Array): ImageSize | undefined {
  if (bytes.length < 30) return undefined;
  const v = view(bytes);
  const chunk = ascii(bytes, 12, 4);
  if (chunk === 'VP8 ') {
    // Frame tag (3 bytes), then the start code 9d 01 2a, then 14-bit sizes.
    if (bytes[23] !== 0x9d || bytes[24] !== 0x01 || bytes[25] !== 0x2a) return undefined;
    return positive(v.getUint16(26, true) & 0x3fff, v.getUint16(28, true) & 0x3fff);
  }
  if (chunk === 'VP8L') {
    if (bytes[20] !== 0x2f) return undefined;
    const bits = v.getUint32(21, true);
    return positive((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (chunk === 'VP8X') {
    const uint24 = (at: number) => bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16);
    return positive(uint24(24) + 1, uint24(27) + 1);
  }
  return undefined;
}

/** Start-of-frame markers carry the size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not. */
const isStartOfFrame = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

/** JPEG: walk the marker segments to the first start-of-frame; note the EXIF orientation on the way. */
function jpegSize(bytes: Uint8Array): ImageSize | undefined {
  const v = view(bytes);
  let orientation: number | undefined;
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // markers without a length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return undefined; // end of image / scan before any frame
    const length = v.getUint16(at + 2);
    if (length < 2) return undefined;
    const segment = at + 4;
    if (marker === 0xe1 && orientation === undefined) orientation = exifOrientation(bytes, segment, length - 2);
    if (isStartOfFrame(marker)) {
      if (segment + 5 > bytes.length) return undefined;
      const size = positive(v.getUint16(segment + 3), v.getUint16(segment + 1));
      return size && orientation !== undefined ? { ...size, orientation } : size;
    }
    at = segment + length - 2;
  }
  return undefined;
}

/** Tag 0x0112 in IFD0 of an APP1 "Exif\0\0" segment. */
function exifOrientation(bytes: Uint8Array, start: number, length: number): number | undefined {
  const end = Math.min(bytes.length, start + length);
  if (end - start < 14 || ascii(bytes, start, 6) !== 'Exif\0\0') return undefined;
  const tiff = start + 6;
  const order = ascii(bytes, tiff, 2);
  if (order !== 'II' && order !== 'MM') return undefined;
  const little = order === 'II';
  const v = view(bytes);
  if (v.getUint16(tiff + 2, little) !== 42) return undefined;
  const ifd = tiff + v.getUint32(tiff + 4, little);
  if (ifd + 2 > end) return undefined;
  const count = v.getUint16(ifd, little);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > end) return undefined;
    if (v.getUint16(entry, little) === 0x0112) {
      const value = v.getUint16(entry + 8, little);
      return value >= 1 && value <= 8 ? value : undefined;
    }
  }
  return undefined;
}

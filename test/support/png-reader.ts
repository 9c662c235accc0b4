/**
 * A small PNG reader for tests, written apart from the encoders it checks: signature, chunk
 * CRCs (bit by bit, not table-driven), IHDR, IDAT inflate and all five scanline filters.
 * 8-bit truecolour (colour type 2) and truecolour with alpha (6) only, which is all the
 * project writes.
 */
import { inflateSync } from 'node:zlib';

export interface DecodedPng {
  width: number;
  height: number;
  /** 2 = RGB, 6 = RGBA */
  colourType: number;
  bitDepth: number;
  /** 3 for RGB, 4 for RGBA */
  channels: number;
  /** row-major samples, `channels` bytes a pixel */
  pixels: Uint8Array;
  chunkTypes: string[];
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function crcBitwise(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

export function readPng(png: Uint8Array): DecodedPng {
  const buf = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (!SIGNATURE.every((b, i) => buf[i] === b)) throw new Error('not a PNG (bad signature)');
  const chunks: { type: string; data: Buffer }[] = [];
  for (let off = 8; off < buf.length; ) {
    if (off + 12 > buf.length) throw new Error(`truncated chunk header at byte ${off}`);
    const length = buf.readUInt32BE(off);
    const type = buf.toString('latin1', off + 4, off + 8);
    if (off + 12 + length > buf.length) throw new Error(`chunk ${type} overruns the file`);
    if (buf.readUInt32BE(off + 8 + length) !== crcBitwise(buf.subarray(off + 4, off + 8 + length))) throw new Error(`bad CRC in ${type}`);
    chunks.push({ type, data: buf.subarray(off + 8, off + 8 + length) });
    off += 12 + length;
  }
  const ihdr = chunks[0];
  if (ihdr?.type !== 'IHDR' || ihdr.data.length !== 13) throw new Error('IHDR must come first');
  if (chunks.at(-1)?.type !== 'IEND') throw new Error('IEND must come last');
  const width = ihdr.data.readUInt32BE(0);
  const height = ihdr.data.readUInt32BE(4);
  const [bitDepth, colourType, compression, filterMethod, interlace] = ihdr.data.subarray(8);
  if (bitDepth !== 8 || (colourType !== 2 && colourType !== 6))
    throw new Error(`unsupported bit depth ${bitDepth} / colour type ${colourType}`);
  if (compression !== 0 || filterMethod !== 0 || interlace !== 0) throw new Error('unsupported compression, filter method or interlace');
  const channels = colourType === 6 ? 4 : 3;
  const stride = width * channels;
  const raw = inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)));
  if (raw.length !== (stride + 1) * height) throw new Error(`IDAT inflates to ${raw.length} bytes, expected ${(stride + 1) * height}`);

  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? pixels[row + i - channels]! : 0;
      const b = y > 0 ? pixels[row - stride + i]! : 0;
      const c = i >= channels && y > 0 ? pixels[row - stride + i - channels]! : 0;
      let predictor: number;
      if (filter === 0) predictor = 0;
      else if (filter === 1) predictor = a;
      else if (filter === 2) predictor = b;
      else if (filter === 3) predictor = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else throw new Error(`bad filter type ${filter} on row ${y}`);
      pixels[row + i] = (raw[src + i]! + predictor) & 0xff;
    }
  }
  return { width, height, colourType, bitDepth, channels, pixels, chunkTypes: chunks.map((c) => c.type) };
}

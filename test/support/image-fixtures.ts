import { crc32, deflateSync } from 'node:zlib';

/**
 * Minimal but real image files, built byte by byte from each format's specification, so
 * the tests need no binary files and say exactly which bytes carry the size.
 */

const u16be = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const u16le = (n: number) => Buffer.from([n & 0xff, (n >> 8) & 0xff]);
const u32be = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};
const u32le = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
};

/** A valid PNG: IHDR (8-bit RGB), one IDAT of red rows, IEND, with real CRCs. */
export function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    return Buffer.concat([u32be(data.length), typed, u32be(crc32(typed))]);
  };
  const ihdr = Buffer.concat([u32be(width), u32be(height), Buffer.from([8, 2, 0, 0, 0])]);
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, 0).fill(Buffer.from([255, 0, 0]))]);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * A valid GIF89a of colour 0 everywhere. The LZW stream sends a clear code before every
 * pixel, so the code size stays at 3 bits and no dictionary bookkeeping is needed.
 */
export function gif(width: number, height: number): Buffer {
  const clear = 4;
  const end = 5;
  const codes: number[] = [];
  for (let i = 0; i < width * height; i++) codes.push(clear, 0);
  codes.push(end);
  const packed: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const code of codes) {
    acc |= code << bits;
    bits += 3;
    while (bits >= 8) {
      packed.push(acc & 0xff);
      acc >>= 8;
      bits -= 8;
    }
  }
  if (bits > 0) packed.push(acc & 0xff);
  const blocks: Buffer[] = [];
  for (let i = 0; i < packed.length; i += 255) {
    const part = packed.slice(i, i + 255);
    blocks.push(Buffer.from([part.length, ...part]));
  }
  return Buffer.concat([
    Buffer.from('GIF89a', 'ascii'),
    u16le(width),
    u16le(height),
    Buffer.from([0x80, 0, 0]), // global colour table of 2 entries
    Buffer.from([0, 0, 0, 255, 255, 255]),
    Buffer.from([0x2c]),
    u16le(0),
    u16le(0),
    u16le(width),
    u16le(height),
    Buffer.from([0]),
    Buffer.from([2]), // LZW minimum code size
    ...blocks,
    Buffer.from([0]), // block terminator
    Buffer.from([0x3b]), // trailer
  ]);
}

const segment = (marker: number, data: Buffer) => Buffer.concat([Buffer.from([0xff, marker]), u16be(data.length + 2), data]);

/** The EXIF APP1 payload with one IFD0 entry: Orientation (0x0112), SHORT. */
function exif(orientation: number, byteOrder: 'II' | 'MM'): Buffer {
  const little = byteOrder === 'II';
  const s16 = little ? u16le : u16be;
  const s32 = little ? u32le : u32be;
  const tiff = Buffer.concat([
    Buffer.from(byteOrder, 'ascii'),
    s16(42),
    s32(8), // IFD0 right after the header
    s16(1), // one entry
    s16(0x0112),
    s16(3), // SHORT
    s32(1),
    s16(orientation),
    s16(0), // value padded to 4 bytes
    s32(0), // no next IFD
  ]);
  return Buffer.concat([Buffer.from('Exif\0\0', 'binary'), tiff]);
}

/**
 * A JPEG's marker structure as cameras write it: SOI, APP0 (JFIF), optional APP1 (EXIF
 * orientation), DQT, a DHT *before* the frame (its marker C4 sits among the SOF markers
 * and must not be read as one), SOF0 or SOF2 with the size, then SOS and EOI.
 */
export function jpeg(
  width: number,
  height: number,
  options: { orientation?: number; byteOrder?: 'II' | 'MM'; progressive?: boolean } = {},
): Buffer {
  const parts: Buffer[] = [Buffer.from([0xff, 0xd8])];
  parts.push(
    segment(0xe0, Buffer.concat([Buffer.from('JFIF\0', 'binary'), Buffer.from([1, 1, 0]), u16be(1), u16be(1), Buffer.from([0, 0])])),
  );
  if (options.orientation !== undefined) parts.push(segment(0xe1, exif(options.orientation, options.byteOrder ?? 'MM')));
  parts.push(segment(0xdb, Buffer.concat([Buffer.from([0]), Buffer.alloc(64, 1)])));
  parts.push(segment(0xc4, Buffer.concat([Buffer.from([0]), Buffer.alloc(16, 0), Buffer.alloc(0)])));
  parts.push(
    segment(
      options.progressive ? 0xc2 : 0xc0,
      Buffer.concat([Buffer.from([8]), u16be(height), u16be(width), Buffer.from([1, 1, 0x11, 0])]),
    ),
  );
  parts.push(segment(0xda, Buffer.from([1, 1, 0, 0, 63, 0])));
  parts.push(Buffer.from([0x00, 0xff, 0xd9]));
  return Buffer.concat(parts);
}

const riff = (chunkType: string, payload: Buffer) => {
  const padded = payload.length % 2 === 1 ? Buffer.concat([payload, Buffer.from([0])]) : payload;
  const chunk = Buffer.concat([Buffer.from(chunkType, 'ascii'), u32le(payload.length), padded]);
  return Buffer.concat([Buffer.from('RIFF', 'ascii'), u32le(4 + chunk.length), Buffer.from('WEBP', 'ascii'), chunk]);
};

/** Lossy WebP ("VP8 "): key-frame tag, start code 9d 01 2a, 14-bit sizes with 2 scale bits set. */
export function webpLossy(width: number, height: number): Buffer {
  const frameTag = Buffer.from([0x10, 0x02, 0x00]); // key frame, version 0, shown
  const scaled = (n: number) => u16le((n & 0x3fff) | (1 << 14)); // scale bits must be ignored
  return riff('VP8 ', Buffer.concat([frameTag, Buffer.from([0x9d, 0x01, 0x2a]), scaled(width), scaled(height), Buffer.alloc(10)]));
}

/** Lossless WebP ("VP8L"): signature 0x2f, then width-1 and height-1 in 14 bits each. */
export function webpLossless(width: number, height: number): Buffer {
  const bits = ((width - 1) & 0x3fff) | (((height - 1) & 0x3fff) << 14) | (1 << 28); // alpha hint
  return riff('VP8L', Buffer.concat([Buffer.from([0x2f]), u32le(bits), Buffer.alloc(5)]));
}

/** Extended WebP ("VP8X"): flags, reserved, canvas width-1 and height-1 in 24 bits each. */
export function webpExtended(width: number, height: number): Buffer {
  const u24le = (n: number) => Buffer.from([n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff]);
  return riff('VP8X', Buffer.concat([Buffer.from([0x10, 0, 0, 0]), u24le(width - 1), u24le(height - 1)]));
}

/**
 * MP4 and MOV files for tests, written box by box (ISO/IEC 14496-12 and -15): an H.264 video
 * track and, optionally, an AAC audio track, with a duration, a size and dimensions chosen by
 * the test, the movie box before or after the media data, and any number of bytes of media
 * data (streamed to disk, so a 500 MB file costs no memory). The samples are not decodable
 * video, but everything a container parser reads is real.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export interface VideoFixture {
  width: number;
  height: number;
  seconds: number;
  fps?: number;
  /** AAC audio at 48 kHz (default true). */
  audio?: boolean;
  /** `mov` writes a QuickTime brand (`qt  `); default `mp4`. */
  container?: 'mp4' | 'mov';
  /** The movie box after the media data, as many cameras write it (default: before). */
  moovAtEnd?: boolean;
  /** Degrees the track is turned for display (a phone held upright: 90). */
  rotation?: 0 | 90 | 180 | 270;
  /** `hvc1` writes an HEVC sample entry instead of H.264 (for "not H.264" checks). */
  videoCodec?: 'avc1' | 'hvc1';
  /** Total bytes of media data (at least what the samples need; default a few per sample). */
  mediaBytes?: number;
}

const u8 = (n: number) => Buffer.from([n & 0xff]);
const u16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
};
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};
const s32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const zeros = (n: number) => Buffer.alloc(n);
const box = (type: string, ...parts: Buffer[]) => {
  const payload = Buffer.concat(parts);
  return Buffer.concat([u32(8 + payload.length), Buffer.from(type, 'latin1'), payload]);
};
const fullBox = (type: string, version: number, flags: number, ...parts: Buffer[]) =>
  box(type, u8(version), u8(flags >> 16), u16(flags & 0xffff), ...parts);

/** The display matrix for a rotation (16.16 and 2.30 fixed point, as tkhd stores it). */
function matrix(rotation: number): Buffer {
  const one = 0x00010000;
  const [a, b, c, d] =
    rotation === 90 ? [0, one, -one, 0] : rotation === 180 ? [-one, 0, 0, -one] : rotation === 270 ? [0, -one, one, 0] : [one, 0, 0, one];
  return Buffer.concat([s32(a), s32(b), s32(0), s32(c), s32(d), s32(0), s32(0), s32(0), s32(0x40000000)]);
}

interface TrackPlan {
  kind: 'video' | 'audio';
  id: number;
  timescale: number;
  sampleCount: number;
  sampleDelta: number;
  sampleSize: number;
  /** Where its samples start in the file (one chunk). */
  offset: number;
}

function esds(): Buffer {
  // ES_Descriptor → DecoderConfigDescriptor (AAC, audio stream) → AudioSpecificConfig (AAC LC, 48 kHz, stereo).
  const decoderSpecific = Buffer.concat([u8(0x05), u8(2), Buffer.from([0x11, 0x90])]);
  const decoderConfig = Buffer.concat([
    u8(0x04),
    u8(13 + decoderSpecific.length),
    u8(0x40),
    u8(0x15),
    zeros(3),
    u32(128_000),
    u32(128_000),
    decoderSpecific,
  ]);
  const sl = Buffer.concat([u8(0x06), u8(1), u8(0x02)]);
  const es = Buffer.concat([u8(0x03), u8(3 + decoderConfig.length + sl.length), u16(1), u8(0), decoderConfig, sl]);
  return fullBox('esds', 0, 0, es);
}

function sampleEntry(plan: TrackPlan, f: Required<VideoFixture>): Buffer {
  if (plan.kind === 'audio') {
    return box('mp4a', zeros(6), u16(1), zeros(8), u16(2), u16(16), u16(0), u16(0), u32((48_000 << 16) >>> 0), esds());
  }
  const config =
    f.videoCodec === 'avc1'
      ? box('avcC', Buffer.from([1, 100, 0, 40, 0xff, 0xe1, 0, 4, 0x67, 0x64, 0, 0x28, 1, 0, 4, 0x68, 0xee, 0x3c, 0x80]))
      : box('hvcC', Buffer.from([1, 1, 0x60, 0, 0, 0, 0x90, 0, 0, 0, 0, 0, 0x5d, 0xf0, 0, 0xfc, 0xfd, 0xf8, 0xf8, 0, 0, 0x0f, 0]));
  return box(
    f.videoCodec,
    zeros(6),
    u16(1),
    u16(0),
    u16(0),
    zeros(12),
    u16(f.width),
    u16(f.height),
    u32(0x00480000),
    u32(0x00480000),
    u32(0),
    u16(1),
    zeros(32),
    u16(0x0018),
    Buffer.from([0xff, 0xff]),
    config,
  );
}

function trak(plan: TrackPlan, f: Required<VideoFixture>, movieDuration: number): Buffer {
  const video = plan.kind === 'video';
  const mediaDuration = plan.sampleCount * plan.sampleDelta;
  const tkhd = fullBox(
    'tkhd',
    0,
    3,
    u32(0),
    u32(0),
    u32(plan.id),
    u32(0),
    u32(movieDuration),
    zeros(8),
    u16(0),
    u16(0),
    u16(video ? 0 : 0x0100),
    u16(0),
    matrix(video ? f.rotation : 0),
    u32(video ? f.width << 16 : 0),
    u32(video ? f.height << 16 : 0),
  );
  const mdhd = fullBox('mdhd', 0, 0, u32(0), u32(0), u32(plan.timescale), u32(mediaDuration), u16(0x55c4), u16(0));
  const hdlr = fullBox(
    'hdlr',
    0,
    0,
    u32(0),
    Buffer.from(video ? 'vide' : 'soun'),
    zeros(12),
    Buffer.from(video ? 'VideoHandler\0' : 'SoundHandler\0'),
  );
  const header = video ? fullBox('vmhd', 0, 1, zeros(8)) : fullBox('smhd', 0, 0, zeros(4));
  const dinf = box('dinf', fullBox('dref', 0, 0, u32(1), fullBox('url ', 0, 1)));
  const stbl = box(
    'stbl',
    fullBox('stsd', 0, 0, u32(1), sampleEntry(plan, f)),
    fullBox('stts', 0, 0, u32(1), u32(plan.sampleCount), u32(plan.sampleDelta)),
    fullBox('stsc', 0, 0, u32(1), u32(1), u32(plan.sampleCount), u32(1)),
    fullBox('stsz', 0, 0, u32(plan.sampleSize), u32(plan.sampleCount)),
    fullBox('stco', 0, 0, u32(1), u32(plan.offset)),
  );
  return box('trak', tkhd, box('mdia', mdhd, hdlr, box('minf', header, dinf, stbl)));
}

function moov(plans: TrackPlan[], f: Required<VideoFixture>): Buffer {
  const duration = Math.round(f.seconds * 1000);
  const mvhd = fullBox(
    'mvhd',
    0,
    0,
    u32(0),
    u32(0),
    u32(1000),
    u32(duration),
    u32(0x00010000),
    u16(0x0100),
    zeros(10),
    matrix(0),
    zeros(24),
    u32(plans.length + 1),
  );
  return box('moov', mvhd, ...plans.map((p) => trak(p, f, duration)));
}

/** Writes the file; returns its size in bytes. */
export async function writeVideoFixture(path: string, fixture: VideoFixture): Promise<number> {
  const f: Required<VideoFixture> = {
    fps: 30,
    audio: true,
    container: 'mp4',
    moovAtEnd: false,
    rotation: 0,
    videoCodec: 'avc1',
    mediaBytes: 0,
    ...fixture,
  };
  const ftyp =
    f.container === 'mov'
      ? box('ftyp', Buffer.from('qt  '), u32(0x200), Buffer.from('qt  '))
      : box('ftyp', Buffer.from('isom'), u32(0x200), Buffer.from('isomiso2avc1mp41'));
  const frames = Math.max(1, Math.round(f.seconds * f.fps));
  const audioFrames = f.audio ? Math.max(1, Math.round((f.seconds * 48_000) / 1024)) : 0;
  const needed = frames * 8 + audioFrames * 4;
  const mediaBytes = Math.max(f.mediaBytes, needed);
  const videoSample = Math.floor((mediaBytes - audioFrames * 4) / frames);
  const plan = (offsetBase: number): TrackPlan[] => [
    { kind: 'video', id: 1, timescale: f.fps * 1000, sampleCount: frames, sampleDelta: 1000, sampleSize: videoSample, offset: offsetBase },
    ...(f.audio
      ? [
          {
            kind: 'audio' as const,
            id: 2,
            timescale: 48_000,
            sampleCount: audioFrames,
            sampleDelta: 1024,
            sampleSize: 4,
            offset: offsetBase + frames * videoSample,
          },
        ]
      : []),
  ];
  // The movie box's size does not depend on the offsets, so lay it out once to learn it.
  const moovSize = moov(plan(0), f).length;
  const dataStart = ftyp.length + (f.moovAtEnd ? 0 : moovSize) + 8;
  const movie = moov(plan(dataStart), f);
  const out = createWriteStream(path);
  const write = async (chunk: Buffer) => {
    if (!out.write(chunk)) await once(out, 'drain');
  };
  await write(ftyp);
  if (!f.moovAtEnd) await write(movie);
  await write(Buffer.concat([u32(8 + mediaBytes), Buffer.from('mdat')]));
  const chunk = Buffer.alloc(1024 * 1024, 0x42);
  for (let left = mediaBytes; left > 0; left -= chunk.length) await write(left >= chunk.length ? chunk : chunk.subarray(0, left));
  if (f.moovAtEnd) await write(movie);
  out.end();
  await once(out, 'finish');
  return ftyp.length + movie.length + 8 + mediaBytes;
}

/**
 * Video facts read with mp4box from files written box by box (test/support/video-fixtures.ts):
 * container, duration, shown size (rotation included), codecs; the movie box before or after
 * gigabytes of media is found without reading the media; what is not a video is refused.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { MediaRejected } from '../../../src/media/media-rejected.js';
import { probeVideo, type VideoSource } from '../../../src/media/video-probe.js';
import { tempDir } from '../../support/temp-db.js';
import { writeVideoFixture, type VideoFixture } from '../../support/video-fixtures.js';

let tmp: ReturnType<typeof tempDir> | undefined;
afterEach(() => {
  tmp?.cleanup();
  tmp = undefined;
});

/** A file as the probe reads it, counting the bytes it asked for. */
function fileSource(path: string): VideoSource & { bytesRead: number } {
  const fd = fs.openSync(path, 'r');
  const source = {
    size: fs.statSync(path).size,
    bytesRead: 0,
    async read(position: number, length: number) {
      const buffer = Buffer.alloc(length);
      const n = fs.readSync(fd, buffer, 0, length, position);
      source.bytesRead += n;
      return buffer.subarray(0, n);
    },
  };
  return source;
}

async function probe(fixture: VideoFixture) {
  tmp ??= tempDir('greenlight-video-');
  const file = tmp.file(`v-${Math.random().toString(36).slice(2)}.mp4`);
  const size = await writeVideoFixture(file, fixture);
  const source = fileSource(file);
  expect(source.size).toBe(size);
  return { facts: await probeVideo(source), source };
}

describe('probeVideo', () => {
  it('an MP4 with H.264 and AAC: its length, size and codecs', async () => {
    const { facts } = await probe({ width: 1920, height: 1080, seconds: 12.5 });
    expect(facts).toEqual({
      container: 'mp4',
      durationSeconds: 12.5,
      width: 1920,
      height: 1080,
      rotation: 0,
      videoCodec: 'avc1.640028',
      audioCodec: 'mp4a.40.2',
    });
  });

  it('a QuickTime MOV from a phone held upright: shown 1080×1920', async () => {
    const { facts } = await probe({ width: 1920, height: 1080, seconds: 3, container: 'mov', rotation: 90 });
    expect(facts).toMatchObject({ container: 'mov', width: 1080, height: 1920, rotation: 90, durationSeconds: 3 });
  });

  it('no audio track, and HEVC instead of H.264, are told as they are', async () => {
    expect((await probe({ width: 640, height: 640, seconds: 2, audio: false })).facts.audioCodec).toBeNull();
    expect((await probe({ width: 640, height: 640, seconds: 2, videoCodec: 'hvc1' })).facts.videoCodec).toMatch(/^hvc1/);
  });

  it('reads only the movie description, before or after 20 MB of media', async () => {
    const first = await probe({ width: 1280, height: 720, seconds: 30, mediaBytes: 20 * 1024 * 1024 });
    expect(first.facts.durationSeconds).toBe(30);
    expect(first.source.bytesRead).toBeLessThanOrEqual(1024 * 1024);
    const last = await probe({ width: 1280, height: 720, seconds: 30, mediaBytes: 20 * 1024 * 1024, moovAtEnd: true });
    expect(last.facts).toMatchObject({ durationSeconds: 30, width: 1280, height: 720 });
    // The first chunk, then straight to the movie box at the end.
    expect(last.source.bytesRead).toBeLessThanOrEqual(2 * 1024 * 1024 + 64 * 1024);
  });

  it('refuses what is not a video, or is cut short, with a plain message', async () => {
    tmp ??= tempDir('greenlight-video-');
    const jpegish = tmp.file('photo.mp4');
    fs.writeFileSync(jpegish, Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(5000, 1)]));
    await expect(probeVideo(fileSource(jpegish))).rejects.toThrow(MediaRejected);
    await expect(probeVideo(fileSource(jpegish))).rejects.toThrow(/not a video Greenlight can read \(MP4 or MOV\)/);

    const whole = tmp.file('whole.mp4');
    await writeVideoFixture(whole, { width: 640, height: 360, seconds: 5, moovAtEnd: true });
    const cut = tmp.file('cut.mp4');
    fs.writeFileSync(cut, fs.readFileSync(whole).subarray(0, fs.statSync(whole).size - 200));
    const error = await probeVideo(fileSource(cut)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaRejected);
    expect((error as MediaRejected).reason).toBe('not_a_video');
  });
});

/**
 * Videos in the media store (issue 15): streamed to disk through the running checks, read
 * (length, size, codecs) from the complete file before it gets its name, and refused with
 * nothing left behind when they are not a video. Memory stays flat for a large file.
 */
import { createReadStream } from 'node:fs';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileMediaStore } from '../../../src/media/file-media-store.js';
import { MediaRejected } from '../../../src/media/media-rejected.js';
import { probeVideo } from '../../../src/media/video-probe.js';
import { jpeg } from '../../support/image-fixtures.js';
import { tempDir } from '../../support/temp-db.js';
import { writeVideoFixture } from '../../support/video-fixtures.js';

let tmp: ReturnType<typeof tempDir> | undefined;
afterEach(() => {
  tmp?.cleanup();
  tmp = undefined;
});

const MB = 1024 * 1024;
const stored = (dir: string) =>
  fs.existsSync(path.join(dir, 'sha256'))
    ? fs.readdirSync(path.join(dir, 'sha256'), { recursive: true }).filter((f) => String(f).length > 10)
    : [];
const parts = (dir: string) => (fs.existsSync(path.join(dir, 'tmp')) ? fs.readdirSync(path.join(dir, 'tmp')) : []);

async function setUp() {
  tmp = tempDir('greenlight-video-store-');
  return { store: new FileMediaStore(tmp.file('media')), dir: tmp.file('media') };
}

describe('videos in the media store', () => {
  it('stores a 20 MB MOV with its description at the end, and says what it is', async () => {
    const { store, dir } = await setUp();
    const file = tmp!.file('clip.mov');
    const size = await writeVideoFixture(file, {
      width: 1920,
      height: 1080,
      seconds: 42,
      container: 'mov',
      rotation: 90,
      moovAtEnd: true,
      mediaBytes: 20 * MB,
    });
    const video = await store.putVideo(createReadStream(file, { highWaterMark: 256 * 1024 }), { maxBytes: 100 * MB });
    expect(video).toMatchObject({
      bytes: size,
      container: 'mov',
      durationSeconds: 42,
      width: 1080,
      height: 1920,
      rotation: 90,
      videoCodec: 'avc1.640028',
      audioCodec: 'mp4a.40.2',
    });
    expect(video.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(stored(dir)).toHaveLength(1);
    expect(parts(dir)).toEqual([]);

    // Read back in parts, as an upload in chunks would: the same description.
    const reader = (await store.reader(video.sha256))!;
    expect(reader.size).toBe(size);
    expect(await probeVideo(reader)).toMatchObject({ durationSeconds: 42, width: 1080 });
    await reader.close();
    expect(await store.reader('0'.repeat(64))).toBeUndefined();
    expect(await store.reader('../../etc/passwd')).toBeUndefined();
  });

  it('refuses a picture, a file cut short, and one over the limit, leaving nothing behind', async () => {
    const { store, dir } = await setUp();
    const refused = async (source: AsyncIterable<Uint8Array>, maxBytes = 100 * MB) => {
      const error = await store.putVideo(source, { maxBytes }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MediaRejected);
      return error as MediaRejected;
    };
    async function* bytes(b: Buffer) {
      yield b;
    }
    expect((await refused(bytes(jpeg(100, 100)))).reason).toBe('not_a_video');

    const whole = tmp!.file('whole.mp4');
    await writeVideoFixture(whole, { width: 640, height: 360, seconds: 5, moovAtEnd: true });
    const cut = fs.readFileSync(whole).subarray(0, fs.statSync(whole).size - 300);
    const error = await refused(bytes(cut));
    expect(error.reason).toBe('not_a_video');
    expect(error.message).toMatch(/not a video Greenlight can read/);

    const big = tmp!.file('big.mp4');
    await writeVideoFixture(big, { width: 640, height: 360, seconds: 5, mediaBytes: 3 * MB });
    const tooLarge = await refused(createReadStream(big), 2 * MB);
    expect(tooLarge.reason).toBe('too_large');
    expect(tooLarge.userMessage).toBe('That file is larger than 2 MB; videos can be at most 2 MB (VIDEO_MAX_MB).');

    expect(stored(dir)).toEqual([]);
    expect(parts(dir)).toEqual([]);
  });

  it('memory stays flat storing a 200 MB video (streamed, described from its movie box)', async () => {
    const { store } = await setUp();
    const file = tmp!.file('long.mp4');
    await writeVideoFixture(file, { width: 1280, height: 720, seconds: 600, mediaBytes: 200 * MB, moovAtEnd: true });
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    const video = await store.putVideo(createReadStream(file, { highWaterMark: MB }), { maxBytes: 500 * MB });
    clearInterval(timer);
    expect(video.durationSeconds).toBe(600);
    // Far below the file's size: it never sat in memory.
    expect(peak - before).toBeLessThan(64 * MB);
  });
});

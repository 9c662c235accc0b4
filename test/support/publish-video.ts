/**
 * An approved video as the scheduler hands it to a publisher (issue 15), built from a file on
 * disk: what was read from the file (container, length, size, codecs, by the same probe the
 * media store uses), its sha256 and size, and `open({start, end})` streaming that byte range
 * from the file. It records every range opened and how many streams were open at once, so a
 * test can see a publisher read the video piece by piece and never hold it all.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { probeVideo, type VideoSource } from '../../src/media/video-probe.js';
import type { PublishVideo } from '../../src/platforms/publisher.js';
import { tempDir } from './temp-db.js';
import { writeVideoFixture, type VideoFixture } from './video-fixtures.js';

export interface TestVideo {
  video: PublishVideo;
  path: string;
  /** Every range opened, in order (end exclusive). */
  opens: Array<{ start: number; end: number }>;
  /** The most streams open at the same time. */
  readonly maxOpenAtOnce: number;
}

/** The sha256 of a file, read as a stream. */
export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function facts(file: string) {
  const handle = await fs.promises.open(file, 'r');
  try {
    const source: VideoSource = {
      size: (await handle.stat()).size,
      async read(position, length) {
        const buffer = Buffer.alloc(length);
        const { bytesRead } = await handle.read(buffer, 0, length, position);
        return buffer.subarray(0, bytesRead);
      },
    };
    return { size: source.size, ...(await probeVideo(source)) };
  } catch (error) {
    throw new Error(`test video ${file} cannot be probed: ${String(error)}`);
  } finally {
    await handle.close();
  }
}

/**
 * A `PublishVideo` reading `file`. `overrides` change what the publisher is told (a wrong
 * sha256, say) without changing the bytes; `readFrom` serves the bytes from another file
 * (the store holding something other than what was approved).
 */
export async function publishVideoFromFile(
  file: string,
  overrides: Partial<PublishVideo> = {},
  readFrom: string = file,
): Promise<TestVideo> {
  const described = await facts(file);
  const opens: TestVideo['opens'] = [];
  let open = 0;
  let maxOpenAtOnce = 0;
  const video: PublishVideo = {
    sha256: await sha256OfFile(file),
    bytes: described.size,
    container: described.container,
    durationSeconds: described.durationSeconds,
    width: described.width,
    height: described.height,
    videoCodec: described.videoCodec,
    audioCodec: described.audioCodec,
    name: path.basename(file),
    ...overrides,
    open: async (range = {}) => {
      const start = range.start ?? 0;
      const end = range.end ?? described.size;
      opens.push({ start, end });
      // createReadStream's `end` is inclusive; an empty range reads nothing.
      const stream: Readable = end > start ? fs.createReadStream(readFrom, { start, end: end - 1 }) : Readable.from([]);
      open += 1;
      maxOpenAtOnce = Math.max(maxOpenAtOnce, open);
      stream.once('close', () => (open -= 1));
      return stream;
    },
  };
  return {
    video,
    path: file,
    opens,
    get maxOpenAtOnce() {
      return maxOpenAtOnce;
    },
  };
}

export interface VideoFiles {
  /** Writes a video (a real MP4/MOV container, `mediaBytes` of media data) and describes it as approved. */
  write(name: string, fixture: VideoFixture): Promise<TestVideo>;
  /** Where a file of that name goes, for a test's own writing. */
  file(name: string): string;
  cleanup(): void;
}

/** Test videos in a temporary folder, removed by `cleanup`. */
export function videoFiles(): VideoFiles {
  const tmp = tempDir('greenlight-video-');
  return {
    async write(name, fixture) {
      const file = tmp.file(name);
      await writeVideoFixture(file, fixture);
      return publishVideoFromFile(file);
    },
    file: (name) => tmp.file(name),
    cleanup: tmp.cleanup,
  };
}

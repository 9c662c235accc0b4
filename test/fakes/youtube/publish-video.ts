/**
 * A real MP4 on disk for YouTube's tests, whose media data is random: the fixture writer's own
 * media data is one repeated byte, so a part read from the wrong place, or sent twice, would
 * still hash the same; with random bytes every misplaced byte shows in the sha256 the fake
 * keeps. The publisher gets it through test/support/publish-video.ts, as the scheduler hands it.
 */
import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { publishVideoFromFile, sha256OfFile, type TestVideo } from '../../support/publish-video.js';
import { writeVideoFixture } from '../../support/video-fixtures.js';

export type { TestVideo } from '../../support/publish-video.js';

export interface WrittenVideo {
  file: string;
  sha256: string;
  bytes: number;
}

export async function writeTestVideo(dir: string, name: string, mediaBytes: number): Promise<WrittenVideo> {
  const file = path.join(dir, name);
  const bytes = await writeVideoFixture(file, { width: 1920, height: 1080, seconds: 12, mediaBytes });
  const handle = await open(file, 'r+');
  try {
    const piece = 1024 * 1024;
    for (let at = bytes - mediaBytes; at < bytes; at += piece) {
      const length = Math.min(piece, bytes - at);
      await handle.write(randomBytes(length), 0, length, at);
    }
  } finally {
    await handle.close();
  }
  return { file, sha256: await sha256OfFile(file), bytes };
}

/** A fresh `PublishVideo` for the file (its reads recorded anew). */
export const publishVideo = (written: WrittenVideo): Promise<TestVideo> => publishVideoFromFile(written.file);

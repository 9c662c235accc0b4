/**
 * PUBLIC_URL: networks that fetch media by URL get a signed, expiring link to the approved
 * bytes, served by Greenlight at GET /media/…; any other request there gets a plain 404.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { ManualClock } from '../../../src/domain/clock.js';
import { ManualTimers } from '../../../src/domain/timers.js';
import { FileMediaStore } from '../../../src/media/file-media-store.js';
import { createMemoryLogger } from '../../../src/observability/logger.js';
import { jpeg } from '../../support/image-fixtures.js';
import { tempDir } from '../../support/temp-db.js';
import { writeVideoFixture } from '../../support/video-fixtures.js';

let app: RunningApp | undefined;
let tmp: ReturnType<typeof tempDir> | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
  tmp?.cleanup();
});

async function start(env: Record<string, string>) {
  tmp = tempDir();
  const clock = new ManualClock('2026-03-02T09:00:00Z');
  const mediaDir = path.join(tmp.dir, 'media');
  app = await startApp(loadConfig({ DATABASE_URL: `file:${tmp.file()}`, MEDIA_DIR: mediaDir, ...env }), {
    clock,
    timers: new ManualTimers(clock),
    logger: createMemoryLogger(),
    port: 0,
    host: '127.0.0.1',
  });
  const bytes = jpeg(40, 30);
  const stored = await new FileMediaStore(mediaDir).put(Readable.from([bytes]), { maxBytes: 1_000_000 });
  return { app, clock, bytes, image: { ...stored, alt: null } };
}

describe('GET /media/… with PUBLIC_URL', () => {
  it('serves the exact bytes on a valid link until it expires; a tampered, expired or unknown link is a plain 404', async () => {
    const { app, clock, bytes, image } = await start({ PUBLIC_URL: 'https://greenlight.example.com' });
    const link = await app.greenlight.ctx.mediaLinks!.urlFor(image, 10 * 60_000);
    expect(link).toMatch(/^https:\/\/greenlight\.example\.com\/media\/[0-9a-f]{64}\.jpg\?expires=\d+&sig=/);
    const local = link.replace('https://greenlight.example.com', app.url);

    const response = await fetch(local);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
    const head = await fetch(local, { method: 'HEAD' });
    expect([head.status, head.headers.get('content-length')]).toEqual([200, String(bytes.length)]);

    const notFound = async (url: string) => {
      const r = await fetch(url);
      return [r.status, await r.text()];
    };
    const plain404 = [404, JSON.stringify({ error: 'not found' })];
    expect(await notFound(local.replace(/sig=(.)/, (_, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`))).toEqual(plain404);
    expect(await notFound(local.replace(/\.jpg/, '.png'))).toEqual(plain404);
    expect(await notFound(`${app.url}/media/${image.sha256}.jpg`)).toEqual(plain404);
    const other = await app.greenlight.ctx.mediaLinks!.urlFor({ ...image, sha256: 'f'.repeat(64) }, 60_000);
    expect(await notFound(other.replace('https://greenlight.example.com', app.url))).toEqual(plain404);
    clock.advance(11 * 60_000);
    expect(await notFound(local)).toEqual(plain404);
  });

  it('serves an approved video (MP4 and MOV) the same way, as Instagram fetches a Reel', async () => {
    const { app } = await start({ PUBLIC_URL: 'https://greenlight.example.com' });
    const store = new FileMediaStore(path.join(tmp!.dir, 'media'));
    for (const container of ['mp4', 'mov'] as const) {
      const file = tmp!.file(`clip.${container}`);
      await writeVideoFixture(file, { width: 640, height: 360, seconds: 3, container });
      const video = await store.putVideo(fs.createReadStream(file), { maxBytes: 10_000_000 });
      const link = await app.greenlight.ctx.mediaLinks!.urlFor(video, 60_000);
      expect(link).toMatch(new RegExp(`/media/${video.sha256}\\.${container}\\?expires=`));
      const response = await fetch(link.replace('https://greenlight.example.com', app.url));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(container === 'mp4' ? 'video/mp4' : 'video/quicktime');
      expect(Buffer.from(await response.arrayBuffer()).equals(fs.readFileSync(file))).toBe(true);
    }
  });

  it('is not served at all without PUBLIC_URL, and workflows have no link maker', async () => {
    const { app } = await start({});
    expect(app.greenlight.ctx.mediaLinks).toBeUndefined();
    expect((await fetch(`${app.url}/media/${'a'.repeat(64)}.jpg?expires=1&sig=x`)).status).toBe(404);
  });
});

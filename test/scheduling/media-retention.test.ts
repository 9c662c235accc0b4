/**
 * MEDIA_RETENTION_DAYS: uploaded images nothing needs any more are deleted after the
 * retention time; anything an unfinished post shows, or a publication may still send, is
 * kept whatever its age. Runs on real files with their dates set as the scenario needs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { PostImage, PostVideo } from '../../src/domain/post.js';
import { FileMediaStore } from '../../src/media/file-media-store.js';
import { pruneMedia } from '../../src/workflows/media/media-retention.js';
import { png } from '../support/image-fixtures.js';
import { schedulerHarness, type SchedulerHarness } from '../support/scheduler-harness.js';
import { tempDir } from '../support/temp-db.js';
import { writeVideoFixture } from '../support/video-fixtures.js';

const DAY = 24 * 3600_000;
const now = Date.now();
const start = new Date(now - 40 * DAY);
let h: SchedulerHarness;
let media: ReturnType<typeof tempDir>;
afterEach(async () => {
  await h.close();
  media.cleanup();
});

describe('media retention', () => {
  it('deletes only what nothing needs, after the retention time', async () => {
    media = tempDir();
    const store = new FileMediaStore(media.dir);
    h = await schedulerHarness({}, start.toISOString(), undefined, { mediaStore: store });
    const fileOf = (sha256: string) => path.join(media.dir, 'sha256', sha256.slice(0, 2), sha256);
    const stored = async (side: number): Promise<PostImage> => ({
      ...(await store.put(Readable.from([png(side, side)]), { maxBytes: 1_000_000 })),
      alt: `${side}`,
    });
    const [pendingImage, publishedImage, failedImage, recentPostImage, loose, reused] = [
      await stored(2),
      await stored(3),
      await stored(4),
      await stored(5),
      await stored(6),
      await stored(7),
    ];
    for (const image of [pendingImage, publishedImage, failedImage, recentPostImage, loose, reused])
      fs.utimesSync(fileOf(image.sha256), start, start);

    const post = (images: PostImage[], status: 'pending' | 'approved') =>
      h.store.createPost({
        at: h.clock.now(),
        author: h.author,
        status: 'pending',
        publishAt: null,
        publishZone: 'UTC',
        originPlatform: 'slack',
        revision: {
          text: `${status} ${images[0]!.alt}`,
          networks: ['sandbox'],
          mediaUrl: null,
          images,
          variants: {},
          contentHash: images[0]!.sha256,
          aiAssisted: false,
        },
        audit: [],
      });
    const settle = async (postId: number, status: 'published' | 'failed') => {
      const result = await h.store.updatePost(postId, (p) => ({
        at: h.clock.now(),
        status: status === 'published' ? 'published' : 'approved',
        createPublications: [{ network: 'sandbox', revisionId: p.revision.id, dueAt: h.clock.now() }],
        audit: [],
      }));
      if (!result.ok) throw new Error(result.refusal.refused);
      h.store.sqlite.prepare('UPDATE publications SET status = ? WHERE post_id = ?').run(status, postId);
    };
    await post([pendingImage], 'pending');
    await settle((await post([publishedImage], 'approved')).post.id, 'published');
    await settle((await post([failedImage], 'approved')).post.id, 'failed');
    const recent = await post([recentPostImage], 'approved');
    await settle(recent.post.id, 'published');

    // 40 days on: one post changed last week, one image was just stored again by an upload.
    h.clock.set(now);
    h.store.sqlite.prepare('UPDATE posts SET updated_at = ? WHERE id = ?').run(now - 7 * DAY, recent.post.id);
    await store.put(Readable.from([png(7, 7)]), { maxBytes: 1_000_000 });
    fs.mkdirSync(path.join(media.dir, 'tmp'), { recursive: true });
    fs.writeFileSync(path.join(media.dir, 'tmp', 'crashed.part'), 'half');
    fs.utimesSync(path.join(media.dir, 'tmp', 'crashed.part'), start, start);

    const result = await pruneMedia(h.gl.ctx, 30);
    const left = new Set<string>();
    for await (const file of store.list()) left.add(file.sha256);
    expect(left).toEqual(new Set([pendingImage.sha256, failedImage.sha256, recentPostImage.sha256, reused.sha256]));
    expect(result).toEqual({ deleted: 2, kept: 4, abandonedParts: 1 });
    expect(fs.existsSync(path.join(media.dir, 'tmp', 'crashed.part'))).toBe(false);

    // A second run finds nothing more to delete.
    expect((await pruneMedia(h.gl.ctx, 30)).deleted).toBe(0);
  });

  it('keeps a waiting post’s video and YouTube thumbnail, and deletes a published post’s video', async () => {
    media = tempDir();
    const store = new FileMediaStore(media.dir);
    h = await schedulerHarness({}, start.toISOString(), undefined, { mediaStore: store });
    const fileOf = (sha256: string) => path.join(media.dir, 'sha256', sha256.slice(0, 2), sha256);
    const storedVideo = async (seconds: number): Promise<PostVideo> => {
      const file = path.join(media.dir, `in-${seconds}.mp4`);
      await writeVideoFixture(file, { width: 640, height: 360, seconds });
      const video = await store.putVideo(fs.createReadStream(file), { maxBytes: 10_000_000 });
      fs.rmSync(file);
      return { ...video, name: `clip-${seconds}.mp4` };
    };
    const [waiting, published] = [await storedVideo(2), await storedVideo(3)];
    const thumbnail: PostImage = { ...(await store.put(Readable.from([png(8, 8)]), { maxBytes: 1_000_000 })), alt: null };
    for (const sha of [waiting.sha256, published.sha256, thumbnail.sha256]) fs.utimesSync(fileOf(sha), start, start);
    const youtube = { title: 'Tour', tags: [], categoryId: '22', privacy: 'public' as const, madeForKids: false, thumbnail };
    const post = (video: PostVideo, withYouTube: boolean) =>
      h.store.createPost({
        at: h.clock.now(),
        author: h.author,
        status: 'pending',
        publishAt: null,
        publishZone: 'UTC',
        originPlatform: 'slack',
        revision: {
          text: video.name,
          networks: ['sandbox'],
          mediaUrl: null,
          video,
          youtube: withYouTube ? youtube : null,
          contentHash: video.sha256,
          aiAssisted: false,
        },
        audit: [],
      });
    await post(waiting, true);
    const done = await post(published, false);
    h.store.sqlite.prepare("UPDATE posts SET status = 'published' WHERE id = ?").run(done.post.id);

    h.clock.set(now);
    expect(await pruneMedia(h.gl.ctx, 30)).toMatchObject({ deleted: 1, kept: 2 });
    const left = new Set<string>();
    for await (const file of store.list()) left.add(file.sha256);
    expect(left).toEqual(new Set([waiting.sha256, thumbnail.sha256]));
  });
});

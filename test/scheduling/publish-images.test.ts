/**
 * An approved post's uploaded images go out as approved: the publisher reads exactly the
 * stored bytes, in order, with their alt text, and a network's own text. An image missing
 * from the media store fails the publication, saying so, instead of sending without it.
 */
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { PostImage } from '../../src/domain/post.js';
import { FileMediaStore } from '../../src/media/file-media-store.js';
import type { SandboxPublisher } from '../../src/platforms/sandbox/publisher.js';
import { png } from '../support/image-fixtures.js';
import { schedulerHarness, type SchedulerHarness } from '../support/scheduler-harness.js';
import { tempDir } from '../support/temp-db.js';

let h: SchedulerHarness;
let media: ReturnType<typeof tempDir>;
afterEach(async () => {
  await h.close();
  media.cleanup();
});

async function setUp() {
  media = tempDir();
  const mediaStore = new FileMediaStore(media.dir);
  h = await schedulerHarness({}, undefined, undefined, { mediaStore });
  h.scheduler.start();
  const stored = async (bytes: Buffer, alt: string | null): Promise<PostImage> => ({
    ...(await mediaStore.put(Readable.from([bytes]), { maxBytes: 1_000_000 })),
    alt,
  });
  return { mediaStore, stored, sandbox: h.gl.ctx.catalog.publisher('sandbox') as SandboxPublisher };
}

/** A pending post with these images and variants, approved now (publishes at once). */
async function approve(images: PostImage[], variants = {}) {
  const post = await h.store.createPost({
    at: h.clock.now(),
    author: h.author,
    status: 'pending',
    publishAt: null,
    publishZone: 'UTC',
    originPlatform: 'slack',
    revision: { text: 'Main text', networks: ['sandbox'], mediaUrl: null, images, variants, contentHash: 'h', aiAssisted: false },
    audit: [],
  });
  const decided = await h.gl.decide(h.approver, { postId: post.post.id, revisionId: post.revision.id, kind: 'approve' });
  if (!decided.ok) throw new Error(decided.refusal.refused);
  await h.scheduler.idle();
  return (await h.gl.getPost(post.post.id))!;
}

describe('publishing uploaded images', () => {
  it('hands the network the stored bytes in order with their alt text, and its own text', async () => {
    const { stored, sandbox } = await setUp();
    const images = [await stored(png(4, 3), 'Four by three'), await stored(png(2, 2), null), await stored(png(5, 1), 'A strip')];
    const post = await approve(images, { sandbox: 'Sandbox text' });
    expect(post.post.status).toBe('published');
    expect(sandbox.posted).toHaveLength(1);
    expect(sandbox.posted[0]).toMatchObject({ text: 'Sandbox text', images: images.map(({ sha256, alt }) => ({ sha256, alt })) });
  });

  it('fails the publication, naming the missing image, when its file is gone', async () => {
    const { stored, mediaStore, sandbox } = await setUp();
    const image = await stored(png(3, 3), 'Gone');
    await mediaStore.delete(image.sha256);
    const post = await approve([image]);
    expect(sandbox.posted).toHaveLength(0);
    expect(post.publications[0]).toMatchObject({ status: 'failed', lastError: expect.stringContaining('missing from the media store') });
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { UserFacingError } from '../../src/domain/errors.js';
import { createMemoryLogger } from '../../src/observability/logger.js';
import { clearRegisteredSecrets } from '../../src/observability/redact.js';
import { createInstagramPublisher } from '../../src/platforms/instagram/publisher.js';
import { CONTAINER_POLL_INTERVALS_MS } from '../../src/platforms/instagram/container.js';
import type { PublishRequest } from '../../src/platforms/publisher.js';
import { serveFile } from '../fakes/network/server.js';
import { graphError, metaErrors } from '../fakes/meta-graph/graph-errors.js';
import { startMetaGraphFake, type MetaGraphFake, type MetaGraphFakeOptions } from '../fakes/meta-graph/server.js';
import { jpeg, png } from '../support/image-fixtures.js';
import { LOCAL_FAKE_MEDIA } from '../support/local-media.js';
import { failureOf } from '../support/publish-failure.js';
import { publishImages, sha256 } from '../support/publish-images.js';

const IG_USER = '17841400000000001';
const TOKEN = 'EAAGreenlightInstagramToken0123456789';
const MiB = 1024 * 1024;
const START = '2026-03-02T09:00:00.000Z';

let fake: MetaGraphFake;
let imageUrl: string;

async function startFake(options: Partial<MetaGraphFakeOptions> = {}) {
  await fake?.close();
  fake = await startMetaGraphFake({ igUsers: [{ id: IG_USER, token: TOKEN }], ...options });
  imageUrl = serveFile(fake.server, '/images/portrait.jpg', jpeg(1080, 1350), 'image/jpeg');
}

beforeEach(() => startFake());
afterEach(async () => {
  await fake.close();
  clearRegisteredSecrets();
});

function setup(options: { token?: string; timeoutMs?: number; graphUrl?: string } = {}) {
  const clock = new ManualClock(START);
  const waits: number[] = [];
  const logger = createMemoryLogger();
  const publisher = createInstagramPublisher(
    { userId: IG_USER, accessToken: options.token ?? TOKEN, graphUrl: options.graphUrl ?? fake.url },
    {
      logger,
      media: LOCAL_FAKE_MEDIA,
      clock,
      timeoutMs: options.timeoutMs ?? 2000,
      random: () => 0.5,
      sleep: async (ms) => {
        waits.push(ms);
        clock.advance(ms);
      },
    },
  );
  return { publisher, waits, logger, clock };
}

/** A publish request that records the checkpoints it is asked to save, like the scheduler would. */
function request(overrides: Partial<PublishRequest> = {}) {
  const saved: Array<Record<string, unknown>> = [];
  const req: PublishRequest = {
    publicationId: 7,
    text: 'Spring is here 🌷 #spring',
    mediaUrl: imageUrl,
    saveCheckpoint: async (progress) => {
      saved.push(progress);
    },
    ...overrides,
  };
  return { req, saved, last: () => saved[saved.length - 1] ?? null };
}

const containerPosts = () => fake.server.requestsTo('POST', `/v25.0/${IG_USER}/media`);
const publishPosts = () => fake.server.requestsTo('POST', `/v25.0/${IG_USER}/media_publish`);

describe('Instagram: publishing', () => {
  it('checks the image, creates a container, waits for it, publishes it, and returns the permalink', async () => {
    const { publisher } = setup();
    const { req, saved } = request();
    const result = await publisher.publish(req);

    const [media] = [...fake.media.values()];
    expect(result).toEqual({ externalId: media!.id, url: media!.permalink });
    expect(media!.caption).toBe('Spring is here 🌷 #spring');

    // In order: our image check, quota, container (Instagram then fetches the image itself), status, publish, permalink.
    const calls = fake.server.requests.map((r) => `${r.method} ${r.path}`);
    const [container] = [...fake.containers.values()];
    expect(calls).toEqual([
      'GET /images/portrait.jpg',
      `GET /v25.0/${IG_USER}/content_publishing_limit`,
      `POST /v25.0/${IG_USER}/media`,
      'GET /images/portrait.jpg',
      `GET /v25.0/${container!.id}`,
      `POST /v25.0/${IG_USER}/media_publish`,
      `GET /v25.0/${media!.id}`,
    ]);
    const [create] = containerPosts();
    expect(create!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(create!.json).toEqual({ image_url: imageUrl, caption: 'Spring is here 🌷 #spring' });
    const [status] = fake.server.requestsTo('GET', `/v25.0/${container!.id}`);
    expect(status!.query.get('fields')).toBe('status_code,status');
    const [publish] = publishPosts();
    expect(publish!.json).toEqual({ creation_id: container!.id });
    expect(fake.server.requestsTo('GET', `/v25.0/${media!.id}`)[0]!.query.get('fields')).toBe('permalink');
    for (const r of fake.server.requests) expect(r.query.get('access_token')).toBeNull();

    // The container is saved before polling, and marked just before media_publish.
    expect(saved).toEqual([
      { containerId: container!.id, createdAt: START },
      { containerId: container!.id, createdAt: START, publishRequestedAt: START },
    ]);
  });

  it('polls a container still IN_PROGRESS with the injected sleep, then publishes', async () => {
    await startFake({ containerPollsBeforeFinished: 2 });
    const { publisher, waits } = setup();
    await publisher.publish(request().req);
    expect(waits).toEqual(CONTAINER_POLL_INTERVALS_MS.slice(0, 2));
    expect(publishPosts()).toHaveLength(1);
  });

  it('stops polling after a bounded time without publishing, and the next attempt carries on with the same container', async () => {
    await startFake({ containerPollsBeforeFinished: 1000 });
    const { publisher, waits } = setup();
    const first = request();
    const error = await failureOf(publisher.publish(first.req));
    expect(error.kind).toBe('retryable');
    expect(error.message).toMatch(/still processing/);
    expect(waits).toEqual(CONTAINER_POLL_INTERVALS_MS);
    expect(publishPosts()).toHaveLength(0);

    const [container] = [...fake.containers.values()];
    fake.setContainerStatus(container!.id, 'FINISHED');
    const second = request({ checkpoint: first.last() });
    const result = await publisher.publish(second.req);
    expect(containerPosts()).toHaveLength(1);
    expect(publishPosts()).toHaveLength(1);
    expect(result.externalId).toBe(fake.containers.get(container!.id)!.mediaId);
  });

  it("a container that ends in ERROR is a permanent failure with Instagram's reason", async () => {
    await startFake({ containerOutcome: { status: 'ERROR', detail: 'Error: Media download has failed. (2207003)' } });
    const { publisher } = setup();
    const error = await failureOf(publisher.publish(request().req));
    expect(error.kind).toBe('permanent');
    expect(error.message).toContain('Media download has failed');
    expect(publishPosts()).toHaveLength(0);
  });
});

describe('Instagram: a retry looks before it leaps', () => {
  it('media_publish dropped, yet the post went out: the retry finds it and does not publish again', async () => {
    const { publisher } = setup();
    const first = request();
    fake.server.failNext({ method: 'POST', path: `/v25.0/${IG_USER}/media_publish` }, { kind: 'drop' });
    const error = await failureOf(publisher.publish(first.req));
    expect(error.kind).toBe('unknown');

    // What Instagram did with the request we never heard back from:
    const [container] = [...fake.containers.values()];
    const media = fake.publishContainer(container!.id);

    const second = request({ checkpoint: first.last() });
    const result = await publisher.publish(second.req);
    expect(result).toEqual({ externalId: media.id, url: media.permalink });
    expect(publishPosts()).toHaveLength(1); // only the dropped one
    expect(containerPosts()).toHaveLength(1);
    const [status] = fake.server.requestsTo('GET', `/v25.0/${container!.id}`).slice(-1);
    expect(status!.query.get('fields')).toBe('status_code,status');
    const [recent] = fake.server.requestsTo('GET', `/v25.0/${IG_USER}/media`);
    expect(recent!.query.get('fields')).toBe('id,caption,timestamp,permalink');
  });

  it('media_publish dropped before Instagram acted: the retry checks recent posts, then publishes the same container once', async () => {
    const { publisher } = setup();
    const first = request();
    fake.server.failNext({ method: 'POST', path: `/v25.0/${IG_USER}/media_publish` }, { kind: 'drop' });
    await failureOf(publisher.publish(first.req));
    expect(first.last()).toMatchObject({ publishRequestedAt: START });

    const result = await publisher.publish(request({ checkpoint: first.last() }).req);
    expect(fake.server.requestsTo('GET', `/v25.0/${IG_USER}/media`)).toHaveLength(1);
    expect(containerPosts()).toHaveLength(1);
    expect(publishPosts()).toHaveLength(2);
    expect(fake.media.size).toBe(1);
    expect(result.externalId).toBe([...fake.media.keys()][0]);
  });

  it('a PUBLISHED container whose post cannot be found is an unknown outcome, never a second post', async () => {
    const { publisher } = setup();
    const first = request();
    fake.server.failNext({ method: 'POST', path: `/v25.0/${IG_USER}/media_publish` }, { kind: 'drop' });
    await failureOf(publisher.publish(first.req));
    const [container] = [...fake.containers.values()];
    const media = fake.publishContainer(container!.id);
    fake.media.delete(media.id); // deleted from the account since

    const error = await failureOf(publisher.publish(request({ checkpoint: first.last() }).req));
    expect(error.kind).toBe('unknown');
    expect(error.message).toMatch(/will not publish it again/);
    expect(publishPosts()).toHaveLength(1);
  });

  it('an EXPIRED container from an attempt that never published is replaced by a new one', async () => {
    const { publisher } = setup();
    fake.server.failNext(
      { method: 'POST', path: `/v25.0/${IG_USER}/media_publish` },
      { kind: 'status', ...graphError(-1, 'Instagram server error', { subcode: 2207001 }) },
    );
    const first = request();
    const error = await failureOf(publisher.publish(first.req));
    expect(error.kind).toBe('retryable');
    const [old] = [...fake.containers.values()];
    fake.setContainerStatus(old!.id, 'EXPIRED');

    const checkpoint = { containerId: old!.id, createdAt: START }; // as saved before polling
    await publisher.publish(request({ checkpoint }).req);
    expect(containerPosts()).toHaveLength(2);
    expect(fake.media.size).toBe(1);
  });

  it('a checkpoint that cannot be read is an unknown outcome', async () => {
    const { publisher } = setup();
    const error = await failureOf(publisher.publish(request({ checkpoint: { containerId: 'not-an-id' } }).req));
    expect(error.kind).toBe('unknown');
    expect(fake.server.requests).toHaveLength(0);
  });
});

describe('Instagram: uploaded images (single image and carousel)', () => {
  /** What Greenlight's PUBLIC_URL/media/… links would do: serve exactly the approved bytes at an unguessable path. */
  function linkedImages(items: ReadonlyArray<{ bytes: Buffer; alt: string | null }>) {
    const made = publishImages(items);
    const bytesBySha = new Map(items.map((item, i) => [made.images[i]!.sha256, item.bytes]));
    const links: string[] = [];
    const images = made.images.map((image) => ({
      ...image,
      publicUrl: async () => {
        const url = serveFile(fake.server, `/greenlight-media/${image.sha256}-${links.length}`, bytesBySha.get(image.sha256)!, image.type);
        links.push(url);
        return url;
      },
    }));
    return { ...made, images, links };
  }
  const three = () => [
    { bytes: jpeg(1080, 1350), alt: 'A spring meadow' },
    { bytes: jpeg(1080, 1080), alt: 'Tulips in a row' },
    { bytes: jpeg(1200, 628), alt: null },
  ];

  it('three images: an item container each (from their links, in order, with their alt text), one carousel container with the caption, checkpointed, published once', async () => {
    const { images, opens, links } = linkedImages(three());
    const { publisher } = setup();
    let marked = 0;
    const { req, saved } = request({ mediaUrl: null, images, markSending: async () => void (marked += 1) });
    const result = await publisher.publish(req);

    const creates = containerPosts().map((r) => r.json as Record<string, unknown>);
    expect(creates).toHaveLength(4);
    expect(creates.slice(0, 3)).toEqual([
      { image_url: links[0], is_carousel_item: true, alt_text: 'A spring meadow' },
      { image_url: links[1], is_carousel_item: true, alt_text: 'Tulips in a row' },
      // No alt text given: none sent.
      { image_url: links[2], is_carousel_item: true },
    ]);
    const items = [...fake.containers.values()].filter((c) => c.isCarouselItem);
    expect(items.map((c) => sha256(c.imageBytes!))).toEqual(images.map((i) => i.sha256));
    const carousel = [...fake.containers.values()].find((c) => c.children)!;
    expect(creates[3]).toEqual({ media_type: 'CAROUSEL', children: items.map((c) => c.id).join(','), caption: req.text });
    expect(carousel.children).toEqual(items.map((c) => c.id));

    // The checkpoint names the carousel, the container that becomes public, before media_publish.
    expect(saved).toHaveLength(2);
    expect(saved[0]).toEqual({ containerId: carousel.id, createdAt: expect.any(String) });
    expect(saved[1]).toMatchObject({ containerId: carousel.id, publishRequestedAt: expect.any(String) });
    expect(publishPosts().map((r) => r.json)).toEqual([{ creation_id: carousel.id }]);
    expect(fake.media.size).toBe(1);
    expect(fake.media.get(result.externalId)!.containerId).toBe(carousel.id);
    expect(marked).toBe(1);
    expect(opens).toEqual([1, 1, 1]);
  });

  it('a crash after media_publish was sent: the retry finds the published carousel and publishes nothing again', async () => {
    const { images } = linkedImages(three());
    const { publisher } = setup();
    const first = request({ mediaUrl: null, images });
    fake.server.failNext({ method: 'POST', path: `/v25.0/${IG_USER}/media_publish` }, { kind: 'lose-answer' });
    const crashed = setup({ timeoutMs: 100 }).publisher;
    await failureOf(crashed.publish(first.req));
    expect(fake.media.size).toBe(1); // Instagram acted on it; the answer was lost

    const result = await publisher.publish(request({ mediaUrl: null, images, checkpoint: first.last() }).req);
    expect(result.externalId).toBe([...fake.media.keys()][0]);
    expect(publishPosts()).toHaveLength(1);
    expect(containerPosts()).toHaveLength(4);
    expect(fake.media.size).toBe(1);
  });

  it('one uploaded image is a single image post from its link, with its alt text', async () => {
    const { images, links } = linkedImages([{ bytes: jpeg(1080, 1080), alt: 'Tulips in a row' }]);
    const { publisher } = setup();
    const { req } = request({ mediaUrl: null, images });
    await publisher.publish(req);
    expect(containerPosts().map((r) => r.json)).toEqual([{ image_url: links[0], caption: req.text, alt_text: 'Tulips in a row' }]);
    const [container] = [...fake.containers.values()];
    expect(sha256(container!.imageBytes!)).toBe(images[0]!.sha256);
    expect(fake.media.size).toBe(1);
  });

  it('refuses 11 images, a PNG, and a shape Instagram refuses, before any link is made or container created', async () => {
    const eleven = linkedImages(Array.from({ length: 11 }, () => ({ bytes: jpeg(1080, 1080), alt: null })));
    const { publisher } = setup();
    const tooMany = await failureOf(publisher.publish(request({ mediaUrl: null, images: eleven.images }).req));
    expect(tooMany.kind).toBe('permanent');
    expect(tooMany.message).toBe('Instagram takes at most 10 images in a post, and this post has 11; nothing was posted.');

    const withPng = linkedImages([
      { bytes: jpeg(1080, 1080), alt: null },
      { bytes: png(100, 100), alt: null },
    ]);
    const pngError = await failureOf(setup().publisher.publish(request({ mediaUrl: null, images: withPng.images }).req));
    expect(pngError.message).toMatch(/Image 2 is a PNG; Instagram does not take PNG images/);

    const tall = linkedImages([
      { bytes: jpeg(1080, 1080), alt: null },
      { bytes: jpeg(500, 1000), alt: null },
    ]);
    const tallError = await failureOf(setup().publisher.publish(request({ mediaUrl: null, images: tall.images }).req));
    expect(tallError.kind).toBe('permanent');
    expect(tallError.message).toMatch(/Image 2 is 500×1000 pixels, too tall for Instagram/);

    expect([...eleven.links, ...withPng.links, ...tall.links]).toEqual([]);
    expect(containerPosts()).toHaveLength(0);
    expect(publishPosts()).toHaveLength(0);
  });

  it('an item container answered 503 is tried again, and the carousel is published once', async () => {
    const { images } = linkedImages(three().slice(0, 2));
    const { publisher } = setup();
    fake.server.failNext(
      { method: 'POST', path: `/v25.0/${IG_USER}/media` },
      { kind: 'status', ...metaErrors.unknownError(), status: 503, headers: { 'retry-after': '1' } },
    );
    await publisher.publish(request({ mediaUrl: null, images }).req);
    expect(containerPosts()).toHaveLength(4); // first item twice, second item, the carousel
    expect([...fake.containers.values()].filter((c) => c.isCarouselItem)).toHaveLength(2);
    expect(publishPosts()).toHaveLength(1);
    expect(fake.media.size).toBe(1);
  });
});

describe('Instagram: the image is checked before anything is prepared', () => {
  const expectNothingPrepared = () => expect(containerPosts()).toHaveLength(0);

  it('no image at all', async () => {
    const { publisher } = setup();
    const error = await failureOf(publisher.publish(request({ mediaUrl: null }).req));
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/need an image/);
    expectNothingPrepared();
  });

  it('uploaded images without public links (no PUBLIC_URL) are refused whole, and nothing is read or prepared', async () => {
    const { publisher } = setup();
    const { images, opens } = publishImages([
      { bytes: jpeg(1080, 1350), alt: 'A spring meadow' },
      { bytes: jpeg(1080, 1080), alt: 'Tulips' },
    ]);
    for (const mediaUrl of [null, imageUrl]) {
      const error = await failureOf(publisher.publish(request({ mediaUrl, images }).req));
      expect(error.kind).toBe('permanent');
      expect(error.message).toMatch(/no PUBLIC_URL to give Instagram its uploaded images/);
    }
    expectNothingPrepared();
    expect(publishPosts()).toHaveLength(0);
    expect(opens).toEqual([0, 0]);
  });

  it('a missing image (404)', async () => {
    const { publisher } = setup();
    const error = await failureOf(publisher.publish(request({ mediaUrl: `${fake.url}/images/nope.jpg` }).req));
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/was not found \(HTTP 404\)/);
    expectNothingPrepared();
  });

  it('not an image', async () => {
    const url = serveFile(fake.server, '/images/page.jpg', Buffer.from('<html>nope</html>'), 'text/html');
    const { publisher } = setup();
    const error = await failureOf(publisher.publish(request({ mediaUrl: url }).req));
    expect(error.message).toMatch(/is not an image/);
    expectNothingPrepared();
  });

  it('a PNG (Instagram takes JPEG only)', async () => {
    const url = serveFile(fake.server, '/images/logo.png', png(1080, 1080), 'image/png');
    const { publisher } = setup();
    const error = await failureOf(publisher.publish(request({ mediaUrl: url }).req));
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/is a PNG; Instagram accepts JPEG only/);
    expectNothingPrepared();
  });

  it('a JPEG over 8 MB', async () => {
    const url = serveFile(fake.server, '/images/huge.jpg', Buffer.concat([jpeg(1080, 1080), Buffer.alloc(8 * MiB)]), 'image/jpeg');
    const { publisher } = setup();
    const error = await failureOf(publisher.publish(request({ mediaUrl: url }).req));
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/Instagram accepts at most 8 MB/);
    expectNothingPrepared();
  });

  it('a story-shaped image (9:16) is too tall, a panorama too wide; 1.91:1 fits', async () => {
    const tall = serveFile(fake.server, '/images/story.jpg', jpeg(1080, 1920), 'image/jpeg');
    const wide = serveFile(fake.server, '/images/pano.jpg', jpeg(3000, 1000), 'image/jpeg');
    const landscape = serveFile(fake.server, '/images/link.jpg', jpeg(1200, 628), 'image/jpeg');
    const { publisher } = setup();
    const tallError = await failureOf(publisher.publish(request({ mediaUrl: tall }).req));
    expect(tallError.message).toBe(
      'The image is 1080×1920 pixels, too tall for Instagram, which accepts shapes from 4:5 (portrait) to 1.91:1 (landscape). Crop it, e.g. to 1080×1350 or 1080×1080.',
    );
    expect((await failureOf(publisher.publish(request({ mediaUrl: wide }).req))).message).toMatch(/too wide/);
    expectNothingPrepared();
    await publisher.publish(request({ mediaUrl: landscape }).req);
    expect(containerPosts()).toHaveLength(1);
  });
});

describe('Instagram: every failure is classified', () => {
  it('an account at its publishing limit is told so before anything is prepared (retryable, in an hour)', async () => {
    await startFake({ igUsers: [{ id: IG_USER, token: TOKEN, quotaTotal: 1 }] });
    const { publisher } = setup();
    await publisher.publish(request().req);
    const error = await failureOf(publisher.publish(request({ text: 'Second today' }).req));
    expect(error).toMatchObject({ kind: 'retryable', retryAfterMs: 60 * 60_000 });
    expect(error.message).toMatch(/at most 50 posts a day/);
    expect(containerPosts()).toHaveLength(1);
  });

  it('media_publish refused for the publishing limit (code 9, subcode 2207042) gets the same plain message', async () => {
    fake.server.failNext({ method: 'POST', path: `/v25.0/${IG_USER}/media_publish` }, { kind: 'status', ...metaErrors.publishingLimit() });
    const { publisher } = setup();
    const error = await failureOf(publisher.publish(request().req));
    expect(error).toMatchObject({ kind: 'retryable', status: 400, retryAfterMs: 60 * 60_000 });
    expect(error.message).toMatch(/^Instagram allows at most 50 posts a day through its API/);
  });

  it("business use case throttling (code 80002) is retryable after Meta's estimate", async () => {
    fake.server.failNext(
      { method: 'POST', path: `/v25.0/${IG_USER}/media_publish` },
      {
        kind: 'status',
        ...graphError(80002, 'There have been too many calls to this Instagram account. Wait a bit and try again.', {
          headers: {
            'x-business-use-case-usage': JSON.stringify({
              [IG_USER]: [{ type: 'instagram', call_count: 100, total_cputime: 1, total_time: 1, estimated_time_to_regain_access: 12 }],
            }),
          },
        }),
      },
    );
    const { publisher } = setup();
    const error = await failureOf(publisher.publish(request().req));
    expect(error).toMatchObject({ kind: 'retryable', retryAfterMs: 12 * 60_000 });
    expect(error.message).toBe('Instagram is limiting how often Greenlight may call it (code 80002); it can try again in 12 minutes.');
  });

  it('a retried status read waits as long as Meta said (code 4 with X-App-Usage estimate)', async () => {
    const { publisher, waits } = setup();
    fake.server.failNext(
      { method: 'GET', path: /^\/v25\.0\/1788\d+$/ },
      {
        kind: 'status',
        ...graphError(4, '(#4) Application request limit reached', {
          headers: { 'x-app-usage': '{"call_count":100,"total_cputime":5,"total_time":5,"estimated_time_to_regain_access":1}' },
        }),
      },
    );
    await publisher.publish(request().req);
    expect(waits[0]).toBe(60_000);
    // After a throttle the limiter lets the next calls out at its sustained rate (1 a second), not in a burst.
    expect(waits.slice(1).every((ms) => ms <= 1000)).toBe(true);
    expect(publishPosts()).toHaveLength(1);
  });

  it('a transient server error on media_publish is retryable', async () => {
    fake.server.failNext({ method: 'POST', path: `/v25.0/${IG_USER}/media_publish` }, { kind: 'status', ...metaErrors.transient() });
    const { publisher } = setup();
    const error = await failureOf(publisher.publish(request().req));
    expect(error).toMatchObject({ kind: 'retryable', status: 500 });
  });

  it('spam suspicion (code 4, subcode 2207051) is permanent, not a throttle', async () => {
    fake.server.failNext(
      { method: 'POST', path: `/v25.0/${IG_USER}/media_publish` },
      {
        kind: 'status',
        ...graphError(4, 'Application request limit reached', {
          subcode: 2207051,
          userMessage: 'We restrict certain activity to protect our community.',
        }),
      },
    );
    const { publisher } = setup();
    const error = await failureOf(publisher.publish(request().req));
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/suspected spam/);
  });

  it('a token Meta does not know is permanent and names INSTAGRAM_ACCESS_TOKEN', async () => {
    const { publisher } = setup({ token: 'EAAInstagramWrongToken4242' });
    const error = await failureOf(publisher.publish(request().req));
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/check INSTAGRAM_ACCESS_TOKEN/);
  });

  it('media_publish with no answer in time is an unknown outcome, and the checkpoint says it may have published', async () => {
    fake.server.failNext({ method: 'POST', path: `/v25.0/${IG_USER}/media_publish` }, { kind: 'hang' });
    const { publisher } = setup({ timeoutMs: 150 });
    const { req, last } = request();
    const error = await failureOf(publisher.publish(req));
    expect(error.kind).toBe('unknown');
    expect(last()).toMatchObject({ publishRequestedAt: START });
  });

  it('media_publish cut off (connection dropped) is an unknown outcome', async () => {
    fake.server.failNext({ method: 'POST', path: `/v25.0/${IG_USER}/media_publish` }, { kind: 'drop' });
    const { publisher } = setup();
    const error = await failureOf(publisher.publish(request().req));
    expect(error.kind).toBe('unknown');
    expect(error.message).toMatch(/check the account before retrying/);
  });

  it('a container request that never answers is retryable: nothing can have been published', async () => {
    fake.server.failNext({ method: 'POST', path: `/v25.0/${IG_USER}/media` }, { kind: 'hang' });
    const { publisher } = setup({ timeoutMs: 150 });
    const { req, saved } = request();
    const error = await failureOf(publisher.publish(req));
    expect(error.kind).toBe('retryable');
    expect(saved).toEqual([]);
  });
});

describe('Instagram: metrics', () => {
  const target = (id: string) => ({ externalId: id, url: null, publishedAt: new Date(START) });

  it('reads insights for several posts in one request: views as impressions, saved as saves, no clicks', async () => {
    const a = fake.addMedia({
      id: '17890000000000101',
      userId: IG_USER,
      caption: 'a',
      timestamp: new Date(START),
      insights: { likes: 40, comments: 5, shares: 3, saved: 7, views: 1200, reach: 800 },
    });
    const b = fake.addMedia({
      id: '17890000000000102',
      userId: IG_USER,
      caption: 'b',
      timestamp: new Date(START),
      insights: { likes: 2, comments: 0 },
    });
    const { publisher } = setup();
    const metrics = await publisher.fetchMetrics([target(a.id), target(b.id)]);
    expect(metrics.get(a.id)).toEqual({ likes: 40, comments: 5, shares: 3, impressions: 1200, clicks: null, saves: 7 });
    // Figures Instagram has no data for yet stay null, never 0.
    expect(metrics.get(b.id)).toEqual({ likes: 2, comments: 0, shares: null, impressions: null, clicks: null, saves: null });

    const requests = fake.server.requestsTo('GET', '/v25.0/');
    expect(requests).toHaveLength(1);
    expect(requests[0]!.query.get('ids')).toBe(`${a.id},${b.id}`);
    expect(requests[0]!.query.get('fields')).toBe('insights.metric(likes,comments,shares,saved,views)');
  });

  it('leaves out a media that no longer exists', async () => {
    const a = fake.addMedia({ id: '17890000000000201', userId: IG_USER, caption: 'a', timestamp: new Date(START), insights: { likes: 1 } });
    const { publisher } = setup();
    const metrics = await publisher.fetchMetrics([target(a.id), target('17890000000000999')]);
    expect([...metrics.keys()]).toEqual([a.id]);
  });
});

describe('Instagram: configuration and secrets', () => {
  it('refuses an Instagram Login token on graph.facebook.com at start-up, naming INSTAGRAM_ACCESS_TOKEN', () => {
    const make = () =>
      createInstagramPublisher(
        { userId: IG_USER, accessToken: 'IGAAGreenlightInstagramLoginToken', graphUrl: 'https://graph.facebook.com' },
        { logger: createMemoryLogger() },
      );
    expect(make).toThrow(UserFacingError);
    expect(make).toThrow(/INSTAGRAM_ACCESS_TOKEN/);
  });

  it('keeps the token out of every error and log line, even when Meta echoes it', async () => {
    fake.server.failNext(
      { method: 'POST', path: `/v25.0/${IG_USER}/media` },
      { kind: 'status', status: 400, json: { error: { message: `Invalid token ${TOKEN}`, type: 'OAuthException', code: 190 } } },
    );
    const { publisher, logger } = setup();
    const error = await failureOf(publisher.publish(request().req));
    expect(error.kind).toBe('permanent');
    expect(error.message).not.toContain(TOKEN);
    expect(error.message).toContain('[redacted]');
    await publisher.publish(request({ text: 'again' }).req);
    expect(logger.lines.length).toBeGreaterThan(3);
    for (const line of logger.lines) expect(line).not.toContain(TOKEN);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { UserFacingError } from '../../src/domain/errors.js';
import { createMemoryLogger } from '../../src/observability/logger.js';
import { clearRegisteredSecrets } from '../../src/observability/redact.js';
import { createFacebookPublisher } from '../../src/platforms/facebook/publisher.js';
import type { Publisher } from '../../src/platforms/publisher.js';
import { serveFile } from '../fakes/network/server.js';
import { metaErrors } from '../fakes/meta-graph/graph-errors.js';
import { startMetaGraphFake, type FacebookPost, type MetaGraphFake } from '../fakes/meta-graph/server.js';
import { jpeg, png } from '../support/image-fixtures.js';
import { LOCAL_FAKE_MEDIA } from '../support/local-media.js';
import { failureOf } from '../support/publish-failure.js';
import { publishImages, sha256 } from '../support/publish-images.js';

const PAGE_ID = '104857600123456';
const TOKEN = 'EAAGreenlightPageToken0123456789abcdef';
const MiB = 1024 * 1024;

let fake: MetaGraphFake;

beforeEach(async () => {
  fake = await startMetaGraphFake({ pages: [{ id: PAGE_ID, token: TOKEN }] });
});
afterEach(async () => {
  await fake.close();
  clearRegisteredSecrets();
});

/** A publisher against the fake, with a manual clock and a sleep that records its waits. */
function setup(options: { token?: string; timeoutMs?: number } = {}) {
  const clock = new ManualClock('2026-03-02T09:00:00Z');
  const waits: number[] = [];
  const logger = createMemoryLogger();
  const publisher = createFacebookPublisher(
    { pageId: PAGE_ID, pageToken: options.token ?? TOKEN, graphUrl: fake.url },
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
  return { publisher, waits, logger };
}

const publishText = (publisher: Publisher, text: string, publicationId = 1) => publisher.publish({ publicationId, text, mediaUrl: null });

describe('Facebook: publishing', () => {
  it('publishes a text post to the Page feed and returns its id and permalink', async () => {
    const { publisher } = setup();
    const result = await publishText(publisher, 'Our spring sale starts Monday!');

    const [post] = [...fake.posts.values()];
    expect(result).toEqual({ externalId: post!.id, url: post!.permalink });
    expect(result.externalId).toMatch(new RegExp(`^${PAGE_ID}_\\d+$`));

    const [sent] = fake.server.requestsTo('POST', `/v25.0/${PAGE_ID}/feed`);
    expect(sent!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(sent!.headers['content-type']).toBe('application/json');
    expect(sent!.json).toEqual({ message: 'Our spring sale starts Monday!', published: true });
    // The token travels in the header only, never in a URL a log could keep.
    for (const request of fake.server.requests) expect(request.query.get('access_token')).toBeNull();

    const [permalink] = fake.server.requestsTo('GET', `/v25.0/${post!.id}`);
    expect(permalink!.query.get('fields')).toBe('permalink_url');
  });

  it('uploads the image unpublished, then attaches it to one feed post', async () => {
    const bytes = jpeg(1200, 630);
    const mediaUrl = serveFile(fake.server, '/images/spring-sale.jpg', bytes, 'image/jpeg');
    const { publisher } = setup();
    const result = await publisher.publish({ publicationId: 2, text: 'New season, new colours.', mediaUrl });

    const [upload] = fake.server.requestsTo('POST', `/v25.0/${PAGE_ID}/photos`);
    expect(upload!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(upload!.form).toEqual({ published: 'false' });
    expect(upload!.files).toHaveLength(1);
    expect(upload!.files[0]!.field).toBe('source');
    expect(upload!.files[0]!.contentType).toBe('image/jpeg');
    expect(upload!.files[0]!.filename).toBe('spring-sale.jpg');
    expect(upload!.files[0]!.bytes.equals(bytes)).toBe(true);

    const [photo] = [...fake.photos.values()];
    const [feed] = fake.server.requestsTo('POST', `/v25.0/${PAGE_ID}/feed`);
    expect(feed!.json).toEqual({ message: 'New season, new colours.', published: true, attached_media: [{ media_fbid: photo!.id }] });
    expect(photo!.published).toBe(false);
    expect(photo!.attachedTo).toBe(result.externalId);
    expect(fake.posts.get(result.externalId)!.attachedMedia).toEqual([photo!.id]);
  });

  it('retries an image upload the Graph API failed with a 5xx, and still creates one post', async () => {
    const mediaUrl = serveFile(fake.server, '/images/a.png', png(800, 800), 'image/png');
    fake.server.failNext(
      { method: 'POST', path: `/v25.0/${PAGE_ID}/photos` },
      { kind: 'status', ...metaErrors.unknownError(), status: 503, headers: { 'retry-after': '3' } },
    );
    const { publisher, waits } = setup();
    await publisher.publish({ publicationId: 3, text: 'Retry me', mediaUrl });
    expect(fake.server.requestsTo('POST', `/v25.0/${PAGE_ID}/photos`)).toHaveLength(2);
    expect(fake.server.requestsTo('POST', `/v25.0/${PAGE_ID}/feed`)).toHaveLength(1);
    expect(waits).toContain(3000);
  });

  it('treats an upload that never answered as retryable (nothing visible), and posts nothing', async () => {
    const mediaUrl = serveFile(fake.server, '/images/a.jpg', jpeg(640, 640), 'image/jpeg');
    fake.server.failNext({ method: 'POST', path: `/v25.0/${PAGE_ID}/photos` }, { kind: 'hang' });
    // Uploads get four API timeouts: 300 ms here.
    const { publisher } = setup({ timeoutMs: 75 });
    const error = await failureOf(publisher.publish({ publicationId: 4, text: 'Slow upload', mediaUrl }));
    expect(error.kind).toBe('retryable');
    expect(error.message).toMatch(/nothing was published/);
    expect(fake.server.requestsTo('POST', `/v25.0/${PAGE_ID}/feed`)).toHaveLength(0);
  });

  it('still reports success with a usable link when the permalink cannot be read', async () => {
    fake.server.failNext(
      { method: 'GET', path: /^\/v25\.0\/\d+_\d+$/ },
      { kind: 'status', ...metaErrors.invalidParameter('Unknown field') },
    );
    const { publisher, logger } = setup();
    const result = await publishText(publisher, 'Link later');
    expect(result.url).toBe(`https://www.facebook.com/${result.externalId}`);
    expect(logger.lines.some((l) => l.includes('link could not be read'))).toBe(true);
  });
});

describe('Facebook: uploaded images', () => {
  const three = () => [
    { bytes: png(64, 48), alt: 'A red banner saying SALE' },
    { bytes: jpeg(30, 40), alt: 'The shop front at night' },
    { bytes: png(10, 10), alt: null },
  ];
  const photoUploads = () => fake.server.requestsTo('POST', `/v25.0/${PAGE_ID}/photos`);
  const feedPosts = () => fake.server.requestsTo('POST', `/v25.0/${PAGE_ID}/feed`);

  it('uploads each approved image as an unpublished photo with its alt text, in order, then one feed post attaching them', async () => {
    const { publisher } = setup();
    const { images, opens } = publishImages(three());
    let marked = 0;
    const result = await publisher.publish({
      publicationId: 50,
      text: 'Three pictures',
      mediaUrl: null,
      images,
      markSending: async () => {
        marked += 1;
        expect(photoUploads()).toHaveLength(3);
        expect(feedPosts()).toHaveLength(0);
      },
    });

    const uploads = photoUploads();
    expect(uploads.map((u) => sha256(u.files[0]!.bytes))).toEqual(images.map((i) => i.sha256));
    expect(uploads.map((u) => u.form)).toEqual([
      { published: 'false', alt_text_custom: 'A red banner saying SALE' },
      { published: 'false', alt_text_custom: 'The shop front at night' },
      { published: 'false' },
    ]);
    const photos = [...fake.photos.values()];
    expect(photos.every((p) => !p.published)).toBe(true);
    expect(photos.map((p) => p.altText)).toEqual(['A red banner saying SALE', 'The shop front at night', undefined]);

    expect(feedPosts()).toHaveLength(1);
    expect(feedPosts()[0]!.json).toEqual({
      message: 'Three pictures',
      published: true,
      attached_media: photos.map((p) => ({ media_fbid: p.id })),
    });
    const post = fake.posts.get(result.externalId)!;
    expect(post.attachedMedia.map((id) => sha256(fake.photos.get(id)!.bytes))).toEqual(images.map((i) => i.sha256));
    expect(fake.posts.size).toBe(1);
    expect(marked).toBe(1);
    expect(opens).toEqual([1, 1, 1]);
  });

  it('refuses more than 10 photos, and an image over 4 MB, before uploading anything', async () => {
    const { publisher } = setup();
    const eleven = publishImages(Array.from({ length: 11 }, (_, i) => ({ bytes: png(4 + i, 4), alt: `photo ${i + 1}` })));
    const tooMany = await failureOf(publisher.publish({ publicationId: 51, text: 'Eleven', mediaUrl: null, images: eleven.images }));
    expect(tooMany.kind).toBe('permanent');
    expect(tooMany.message).toBe('Facebook takes at most 10 images in a post, and this post has 11; nothing was posted.');

    const big = publishImages([
      { bytes: png(8, 8), alt: 'ok' },
      { bytes: Buffer.concat([png(4, 4), Buffer.alloc(4 * MiB)]), alt: 'big' },
    ]);
    const tooBig = await failureOf(publisher.publish({ publicationId: 52, text: 'Big', mediaUrl: null, images: big.images }));
    expect(tooBig.kind).toBe('permanent');
    expect(tooBig.message).toMatch(/Image 2 is 4.1 MB; Facebook accepts at most 4 MB/);

    expect(photoUploads()).toHaveLength(0);
    expect(feedPosts()).toHaveLength(0);
    expect(eleven.opens.every((n) => n === 0)).toBe(true);
  });

  it('a photo upload answered 503 is tried again with the same bytes, and one post attaches every photo', async () => {
    fake.server.failNext(
      { method: 'POST', path: `/v25.0/${PAGE_ID}/photos` },
      { kind: 'status', ...metaErrors.unknownError(), status: 503, headers: { 'retry-after': '2' } },
    );
    const { publisher, waits } = setup();
    const { images } = publishImages(three().slice(0, 2));
    const result = await publisher.publish({ publicationId: 53, text: 'Retry photos', mediaUrl: null, images });
    expect(photoUploads().map((u) => sha256(u.files[0]!.bytes))).toEqual([images[0]!.sha256, images[0]!.sha256, images[1]!.sha256]);
    expect(waits).toContain(2000);
    expect(feedPosts()).toHaveLength(1);
    expect(fake.posts.get(result.externalId)!.attachedMedia).toHaveLength(2);
  });
});

describe('Facebook: image problems reach the author in plain words', () => {
  it('a missing image (404)', async () => {
    const { publisher } = setup();
    const error = await failureOf(publisher.publish({ publicationId: 1, text: 'x', mediaUrl: `${fake.url}/images/gone.jpg` }));
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/was not found \(HTTP 404\)/);
    expect(fake.server.requestsTo('POST', /photos|feed/)).toHaveLength(0);
  });

  it('a link that is not an image', async () => {
    const page = serveFile(fake.server, '/images/page.jpg', Buffer.from('<!doctype html><html><body>Hello</body></html>'), 'text/html');
    const { publisher } = setup();
    const error = await failureOf(publisher.publish({ publicationId: 1, text: 'x', mediaUrl: page }));
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/is not an image \(it is text\/html\)/);
    expect(fake.server.requestsTo('POST', /photos|feed/)).toHaveLength(0);
  });

  it("an image over Facebook's 4 MB", async () => {
    const big = Buffer.concat([jpeg(2000, 2000), Buffer.alloc(4 * MiB + 1)]);
    const url = serveFile(fake.server, '/images/huge.jpg', big, 'image/jpeg');
    const { publisher } = setup();
    const error = await failureOf(publisher.publish({ publicationId: 1, text: 'x', mediaUrl: url }));
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/Facebook accepts at most 4 MB/);
    expect(fake.server.requestsTo('POST', /photos|feed/)).toHaveLength(0);
  });
});

describe('Facebook: every failure is classified', () => {
  it('throttling (code 32, HTTP 400) is retryable after the time in X-Business-Use-Case-Usage, and the create is not retried', async () => {
    fake.server.failNext({ method: 'POST', path: `/v25.0/${PAGE_ID}/feed` }, { kind: 'status', ...metaErrors.pageThrottle(19) });
    const { publisher, waits } = setup();
    const error = await failureOf(publishText(publisher, 'Busy page'));
    expect(error).toMatchObject({ kind: 'retryable', status: 400, retryAfterMs: 19 * 60_000 });
    expect(error.message).toBe('Facebook is limiting how often Greenlight may call it (code 32); it can try again in 19 minutes.');
    expect(fake.server.requestsTo('POST', `/v25.0/${PAGE_ID}/feed`)).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it("a throttle pauses the Page's other requests instead of sending them into the limit", async () => {
    fake.server.failNext({ method: 'POST', path: `/v25.0/${PAGE_ID}/feed` }, { kind: 'status', ...metaErrors.pageThrottle(19) });
    const { publisher } = setup();
    await failureOf(publishText(publisher, 'First'));
    const before = fake.server.requests.length;
    const second = await failureOf(publishText(publisher, 'Second'));
    expect(second.kind).toBe('retryable');
    expect(second.retryAfterMs).toBe(19 * 60_000);
    expect(fake.server.requests.length).toBe(before);
  });

  it('an app throttle without a usage estimate waits the default five minutes', async () => {
    fake.server.failNext({ method: 'POST', path: `/v25.0/${PAGE_ID}/feed` }, { kind: 'status', ...metaErrors.appThrottle() });
    const { publisher } = setup();
    const error = await failureOf(publishText(publisher, 'App busy'));
    expect(error).toMatchObject({ kind: 'retryable', retryAfterMs: 5 * 60_000 });
  });

  it('HTTP 429 with Retry-After is retryable after that wait', async () => {
    fake.server.failNext(
      { method: 'POST', path: `/v25.0/${PAGE_ID}/feed` },
      {
        kind: 'status',
        status: 429,
        headers: { 'retry-after': '42' },
        json: { error: { message: 'Too many calls', code: 17, type: 'OAuthException' } },
      },
    );
    const { publisher } = setup();
    const error = await failureOf(publishText(publisher, 'Too fast'));
    expect(error).toMatchObject({ kind: 'retryable', status: 429, retryAfterMs: 42_000 });
  });

  it('a transient 5xx (code 2) is retryable', async () => {
    fake.server.failNext({ method: 'POST', path: `/v25.0/${PAGE_ID}/feed` }, { kind: 'status', ...metaErrors.transient() });
    const { publisher } = setup();
    const error = await failureOf(publishText(publisher, 'Wobbly'));
    expect(error).toMatchObject({ kind: 'retryable', status: 500 });
    expect(error.message).toMatch(/temporary problem \(code 2\)/);
  });

  it('a gateway timeout (504) stays an unknown outcome even with a transient Graph code', async () => {
    fake.server.failNext({ method: 'POST', path: `/v25.0/${PAGE_ID}/feed` }, { kind: 'status', ...metaErrors.transient(), status: 504 });
    const { publisher } = setup();
    const error = await failureOf(publishText(publisher, 'Gateway'));
    expect(error).toMatchObject({ kind: 'unknown', status: 504 });
  });

  it("a duplicate post (code 506, from the fake's own check) is permanent and says so", async () => {
    const { publisher } = setup();
    await publishText(publisher, 'Same words twice', 1);
    const error = await failureOf(publishText(publisher, 'Same words twice', 2));
    expect(error.kind).toBe('permanent');
    expect(error.message).toBe(
      'Facebook refused this post as a duplicate of one already on the Page. (It said: "(#506) Duplicate status message")',
    );
    expect(fake.posts.size).toBe(1);
  });

  it('a token Facebook does not know (code 190) is permanent and names FACEBOOK_PAGE_TOKEN', async () => {
    const { publisher } = setup({ token: 'EAAWrongToken999999999999' });
    const error = await failureOf(publishText(publisher, 'Hello'));
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/no longer accepts the access token .*check FACEBOOK_PAGE_TOKEN\./);
    expect(error.message).not.toContain('EAAWrongToken999999999999');
  });

  it("an invalid parameter (code 100) is permanent with Facebook's words", async () => {
    fake.server.failNext(
      { method: 'POST', path: `/v25.0/${PAGE_ID}/feed` },
      { kind: 'status', ...metaErrors.invalidParameter('Invalid parameter') },
    );
    const { publisher } = setup();
    const error = await failureOf(publishText(publisher, 'Bad'));
    expect(error.kind).toBe('permanent');
    expect(error.message).toBe('Facebook refused the request (code 100). (It said: "(#100) Invalid parameter")');
  });

  it('a connection dropped after the request arrived is an unknown outcome', async () => {
    fake.server.failNext({ method: 'POST', path: `/v25.0/${PAGE_ID}/feed` }, { kind: 'drop' });
    const { publisher } = setup();
    const error = await failureOf(publishText(publisher, 'Did it post?'));
    expect(error.kind).toBe('unknown');
    expect(error.message).toMatch(/check the account before retrying/);
    expect(fake.server.requestsTo('POST', `/v25.0/${PAGE_ID}/feed`)).toHaveLength(1);
  });

  it('no answer within the timeout is an unknown outcome, reported quickly', async () => {
    fake.server.failNext({ method: 'POST', path: `/v25.0/${PAGE_ID}/feed` }, { kind: 'hang' });
    const { publisher } = setup({ timeoutMs: 150 });
    const started = Date.now();
    const error = await failureOf(publishText(publisher, 'Slow'));
    expect(error.kind).toBe('unknown');
    expect(error.message).toMatch(/did not answer within 1 second/);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('a GET is retried after the wait Meta announced (X-Business-Use-Case-Usage), then succeeds', async () => {
    fake.server.failNext({ method: 'GET', path: /^\/v25\.0\/\d+_\d+$/ }, { kind: 'status', ...metaErrors.pageThrottle(1) });
    const { publisher, waits } = setup();
    const result = await publishText(publisher, 'Permalink after a pause');
    expect(waits).toEqual([60_000]);
    expect(result.url).toBe(fake.posts.get(result.externalId)!.permalink);
    expect(fake.server.requestsTo('GET', `/v25.0/${result.externalId}`)).toHaveLength(2);
  });

  it('a GET answered 503 with Retry-After is retried after exactly that wait', async () => {
    fake.server.failNext(
      { method: 'GET', path: /^\/v25\.0\/\d+_\d+$/ },
      { kind: 'status', status: 503, headers: { 'retry-after': '7' }, text: 'Service Unavailable' },
    );
    const { publisher, waits } = setup();
    await publishText(publisher, 'After 503');
    expect(waits).toEqual([7000]);
  });
});

describe('Facebook: metrics', () => {
  const seed = (n: number, figures: Partial<FacebookPost> = {}): FacebookPost => {
    const post: FacebookPost = {
      id: `${PAGE_ID}_${900 + n}`,
      pageId: PAGE_ID,
      message: `post ${n}`,
      attachedMedia: [],
      createdAt: new Date('2026-03-01T10:00:00Z'),
      permalink: `https://www.facebook.com/${PAGE_ID}/posts/${900 + n}`,
      reactions: 0,
      comments: 0,
      shares: 0,
      ...figures,
    };
    fake.posts.set(post.id, post);
    return post;
  };
  const target = (id: string) => ({ externalId: id, url: null, publishedAt: new Date('2026-03-01T10:00:00Z') });

  it('reads several posts in one batched request: reactions as likes, comments, shares (0 when Facebook omits it)', async () => {
    const a = seed(1, { reactions: 12, comments: 3, shares: 2 });
    const b = seed(2, { reactions: 5, comments: 0, shares: 0 });
    const c = seed(3, { reactions: 0, comments: 7, shares: 1 });
    const { publisher } = setup();
    const metrics = await publisher.fetchMetrics([target(a.id), target(b.id), target(c.id)]);

    expect(metrics.get(a.id)).toEqual({ likes: 12, comments: 3, shares: 2, impressions: null, clicks: null, saves: null });
    expect(metrics.get(b.id)).toEqual({ likes: 5, comments: 0, shares: 0, impressions: null, clicks: null, saves: null });
    expect(metrics.get(c.id)).toEqual({ likes: 0, comments: 7, shares: 1, impressions: null, clicks: null, saves: null });

    const requests = fake.server.requestsTo('GET', '/v25.0/');
    expect(requests).toHaveLength(1);
    expect(requests[0]!.query.get('ids')).toBe(`${a.id},${b.id},${c.id}`);
    expect(requests[0]!.query.get('fields')).toBe('reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0),shares');
    expect(requests[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('splits more than 50 posts into batches of 50', async () => {
    const posts = Array.from({ length: 60 }, (_, i) => seed(i, { reactions: i }));
    const { publisher } = setup();
    const metrics = await publisher.fetchMetrics(posts.map((p) => target(p.id)));
    expect(metrics.size).toBe(60);
    expect(metrics.get(posts[59]!.id)!.likes).toBe(59);
    const batches = fake.server.requestsTo('GET', '/v25.0/').map((r) => r.query.get('ids')!.split(',').length);
    expect(batches).toEqual([50, 10]);
  });

  it('leaves out a deleted post and still reports the others', async () => {
    const a = seed(1, { reactions: 4 });
    const b = seed(2, { reactions: 9 });
    fake.deletePost(b.id);
    const { publisher } = setup();
    const metrics = await publisher.fetchMetrics([target(a.id), target(b.id)]);
    expect([...metrics.keys()]).toEqual([a.id]);
    expect(metrics.get(a.id)!.likes).toBe(4);
  });

  it('a bad token while reading metrics is a permanent error naming the variable', async () => {
    const a = seed(1);
    const { publisher } = setup({ token: 'EAAAnotherWrongToken1234567' });
    const error = await failureOf(publisher.fetchMetrics([target(a.id)]));
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/FACEBOOK_PAGE_TOKEN/);
  });
});

describe('Facebook: configuration and secrets', () => {
  it('refuses a token pasted with "Bearer " at start-up, naming FACEBOOK_PAGE_TOKEN', () => {
    expect(() =>
      createFacebookPublisher({ pageId: PAGE_ID, pageToken: `Bearer ${TOKEN}`, graphUrl: fake.url }, { logger: createMemoryLogger() }),
    ).toThrow(UserFacingError);
    expect(() =>
      createFacebookPublisher({ pageId: PAGE_ID, pageToken: `Bearer ${TOKEN}`, graphUrl: fake.url }, { logger: createMemoryLogger() }),
    ).toThrow(/FACEBOOK_PAGE_TOKEN/);
  });

  it('keeps the token out of every error message and log line, even when Facebook echoes it', async () => {
    fake.server.failNext(
      { method: 'POST', path: `/v25.0/${PAGE_ID}/feed` },
      {
        kind: 'status',
        status: 400,
        json: { error: { message: `Malformed access token ${TOKEN}`, type: 'OAuthException', code: 190, fbtrace_id: 'A1' } },
      },
    );
    const { publisher, logger } = setup();
    const error = await failureOf(publishText(publisher, 'Leak test'));
    expect(error.kind).toBe('permanent');
    expect(error.message).toContain('[redacted]');
    expect(error.message).not.toContain(TOKEN);
    expect(String((error.cause as Error).message)).not.toContain(TOKEN);
    await publishText(publisher, 'Works afterwards');
    expect(logger.lines.length).toBeGreaterThan(3);
    for (const line of logger.lines) expect(line).not.toContain(TOKEN);
  });
});

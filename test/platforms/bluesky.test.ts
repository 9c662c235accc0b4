import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { UserFacingError } from '../../src/domain/errors.js';
import { createMemoryLogger } from '../../src/observability/logger.js';
import { clearRegisteredSecrets } from '../../src/observability/redact.js';
import { createBlueskyPublisher, type BlueskyPublisherDeps } from '../../src/platforms/bluesky/publisher.js';
import { isTid, publicationRecordKey } from '../../src/platforms/bluesky/record-key.js';
import { cidFor, startBlueskyFake, type BlueskyFake, type BlueskyFakeOptions } from '../fakes/bluesky/server.js';
import { serveFile } from '../fakes/network/server.js';
import { jpeg, png } from '../support/image-fixtures.js';
import { LOCAL_FAKE_MEDIA } from '../support/local-media.js';
import { failureOf } from '../support/publish-failure.js';
import { publishImages, sha256 } from '../support/publish-images.js';

const HANDLE = 'acme.bsky.social';
const PASSWORD = 'abcd-efgh-ijkl-mnop';
const START = '2026-03-02T09:00:00.000Z';

let fake: BlueskyFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  clearRegisteredSecrets();
});

async function setup(fakeOptions: Partial<BlueskyFakeOptions> = {}, overrides: Partial<BlueskyPublisherDeps> = {}, password = PASSWORD) {
  const clock = new ManualClock(START);
  fake = await startBlueskyFake({ handle: HANDLE, password: PASSWORD, now: () => clock.now(), ...fakeOptions });
  const waits: number[] = [];
  const sleep = async (ms: number) => {
    waits.push(ms);
    clock.advance(ms);
  };
  const logger = createMemoryLogger();
  const publisher = createBlueskyPublisher(
    { identifier: HANDLE, appPassword: password, serviceUrl: fake.url },
    { logger, clock, sleep, random: () => 0, timeoutMs: 2000, media: LOCAL_FAKE_MEDIA, ...overrides },
  );
  return { fake, clock, waits, logger, publisher };
}

const creates = (f: BlueskyFake) => f.server.requestsTo('POST', '/xrpc/com.atproto.repo.createRecord');
const utf8Slice = (text: string, start: number, end: number) => Buffer.from(text, 'utf8').subarray(start, end).toString('utf8');

describe('Bluesky: signing in', () => {
  it('signs in once at start-up with the identifier and app password', async () => {
    const { fake, publisher } = await setup();
    await publisher.init!();
    const [login] = fake.server.requestsTo('POST', '/xrpc/com.atproto.server.createSession');
    expect(login!.json).toEqual({ identifier: HANDLE, password: PASSWORD });
    await publisher.publish({ publicationId: 1, text: 'hello', mediaUrl: null });
    expect(fake.server.requestsTo('POST', '/xrpc/com.atproto.server.createSession')).toHaveLength(1);
  });

  it('stops start-up naming both variables when Bluesky refuses the sign-in', async () => {
    const { publisher } = await setup({}, {}, 'wxyz-wxyz-wxyz-wxyz');
    const error = await failureOf(publisher.init!());
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/check BLUESKY_IDENTIFIER and BLUESKY_APP_PASSWORD/);
    expect(error.message).toMatch(/Invalid identifier or password/);
  });

  it('refreshes an expired access token with refreshSession instead of signing in again', async () => {
    const { fake, publisher, clock } = await setup();
    await publisher.publish({ publicationId: 1, text: 'first', mediaUrl: null });
    clock.advance(2 * 60 * 60 * 1000 + 1); // the fake's access tokens last two hours
    await publisher.publish({ publicationId: 2, text: 'second', mediaUrl: null });

    const refreshes = fake.server.requestsTo('POST', '/xrpc/com.atproto.server.refreshSession');
    expect(refreshes).toHaveLength(1);
    expect(String(refreshes[0]!.headers.authorization)).toMatch(/^Bearer eyJ.+refresh-/);
    expect(fake.server.requestsTo('POST', '/xrpc/com.atproto.server.createSession')).toHaveLength(1);
    expect(fake.posts.size).toBe(2);
    // The second create was refused with ExpiredToken (nothing stored), then repeated with
    // the refreshed access token.
    const tokens = creates(fake).map((r) => r.headers.authorization);
    expect(tokens).toHaveLength(3);
    expect(tokens[1]).toBe(tokens[0]);
    expect(tokens[2]).not.toBe(tokens[0]);
  });

  it('signs in again when the refresh token is gone too', async () => {
    const { fake, publisher } = await setup();
    await publisher.publish({ publicationId: 1, text: 'first', mediaUrl: null });
    fake.expireAccessTokens();
    fake.revokeRefreshTokens();
    await publisher.publish({ publicationId: 2, text: 'second', mediaUrl: null });
    expect(fake.server.requestsTo('POST', '/xrpc/com.atproto.server.createSession')).toHaveLength(2);
    expect(fake.posts.size).toBe(2);
  });

  it('refuses a malformed BLUESKY_IDENTIFIER at start-up', () => {
    expect(() =>
      createBlueskyPublisher(
        { identifier: 'not a handle', appPassword: PASSWORD, serviceUrl: 'https://bsky.social' },
        { logger: createMemoryLogger() },
      ),
    ).toThrow(UserFacingError);
    expect(() =>
      createBlueskyPublisher(
        { identifier: 'not a handle', appPassword: PASSWORD, serviceUrl: 'https://bsky.social' },
        { logger: createMemoryLogger() },
      ),
    ).toThrow(/BLUESKY_IDENTIFIER/);
    expect(() =>
      createBlueskyPublisher(
        { identifier: '@acme.bsky.social', appPassword: PASSWORD, serviceUrl: 'https://bsky.social' },
        { logger: createMemoryLogger() },
      ),
    ).not.toThrow();
  });
});

describe('Bluesky: publishing', () => {
  it('posts with link and tag facets at UTF-8 byte offsets (emoji before the link), under a fixed TID record key', async () => {
    const { fake, publisher, clock } = await setup();
    const text = '🎉 Launch day! Details: https://example.com/launch?ref=bsky 🚀 #Greenlight';
    const result = await publisher.publish({ publicationId: 42, text, mediaUrl: null });

    const rkey = publicationRecordKey(42, text, null);
    expect(isTid(rkey)).toBe(true);
    expect(result.externalId).toBe(`at://${fake.did}/app.bsky.feed.post/${rkey}`);
    expect(result.url).toBe(`https://bsky.app/profile/${HANDLE}/post/${rkey}`);

    const [create] = creates(fake);
    expect(String(create!.headers.authorization)).toMatch(/^Bearer eyJ.+access-/);
    const body = create!.json as { repo: string; collection: string; rkey: string; record: Record<string, unknown> };
    expect(body.repo).toBe(fake.did);
    expect(body.collection).toBe('app.bsky.feed.post');
    expect(body.rkey).toBe(rkey);
    expect(body.record.$type).toBe('app.bsky.feed.post');
    expect(body.record.text).toBe(text);
    expect(body.record.createdAt).toBe(clock.now().toISOString());
    expect(body.record.embed).toBeUndefined();

    const facets = body.record.facets as Array<{ index: { byteStart: number; byteEnd: number }; features: Array<Record<string, string>> }>;
    const link = facets.find((f) => f.features[0]!.$type === 'app.bsky.richtext.facet#link')!;
    // 🎉 is 4 bytes in UTF-8 but 2 UTF-16 units: the offsets are bytes.
    expect(link.index.byteStart).toBe(Buffer.byteLength('🎉 Launch day! Details: '));
    expect(link.index.byteStart).not.toBe('🎉 Launch day! Details: '.length);
    expect(utf8Slice(text, link.index.byteStart, link.index.byteEnd)).toBe('https://example.com/launch?ref=bsky');
    expect(link.features[0]!.uri).toBe('https://example.com/launch?ref=bsky');
    const tag = facets.find((f) => f.features[0]!.$type === 'app.bsky.richtext.facet#tag')!;
    expect(utf8Slice(text, tag.index.byteStart, tag.index.byteEnd)).toBe('#Greenlight');
    expect(tag.features[0]!.tag).toBe('Greenlight');
  });

  it('links mentions of handles that resolve and leaves others as plain text', async () => {
    const { fake, publisher } = await setup({ knownHandles: { 'friend.bsky.social': 'did:plc:friend000000000000000000' } });
    const text = 'Thanks @friend.bsky.social and @nobody.example.com!';
    await publisher.publish({ publicationId: 3, text, mediaUrl: null });
    const record = (
      creates(fake)[0]!.json as {
        record: { facets: Array<{ index: { byteStart: number; byteEnd: number }; features: Array<Record<string, string>> }> };
      }
    ).record;
    expect(record.facets).toHaveLength(1);
    expect(record.facets[0]!.features[0]).toEqual({ $type: 'app.bsky.richtext.facet#mention', did: 'did:plc:friend000000000000000000' });
    expect(utf8Slice(text, record.facets[0]!.index.byteStart, record.facets[0]!.index.byteEnd)).toBe('@friend.bsky.social');
  });

  it('uploads the image bytes as a blob and embeds it with its aspect ratio', async () => {
    const { fake, publisher } = await setup();
    const bytes = png(40, 30);
    const image = serveFile(fake.server, '/img/launch.png', bytes, 'image/png');
    await publisher.publish({ publicationId: 5, text: 'With picture', mediaUrl: image });

    const [upload] = fake.server.requestsTo('POST', '/xrpc/com.atproto.repo.uploadBlob');
    expect(upload!.headers['content-type']).toBe('image/png');
    expect(upload!.raw.equals(bytes)).toBe(true);
    const record = (creates(fake)[0]!.json as { record: { embed: unknown } }).record;
    expect(record.embed).toEqual({
      $type: 'app.bsky.embed.images',
      images: [
        {
          alt: '',
          aspectRatio: { width: 40, height: 30 },
          image: { $type: 'blob', ref: { $link: cidFor(bytes, 0x55) }, mimeType: 'image/png', size: bytes.length },
        },
      ],
    });
  });

  it('gives a phone portrait (EXIF orientation 6) its displayed aspect ratio', async () => {
    const { fake, publisher } = await setup();
    const image = serveFile(fake.server, '/img/portrait.jpg', jpeg(400, 300, { orientation: 6 }), 'image/jpeg');
    await publisher.publish({ publicationId: 6, text: 'Portrait', mediaUrl: image });
    const record = (creates(fake)[0]!.json as { record: { embed: { images: Array<{ aspectRatio: unknown }> } } }).record;
    expect(record.embed.images[0]!.aspectRatio).toEqual({ width: 300, height: 400 });
  });
});

describe('Bluesky: uploaded images', () => {
  const three = () => [
    { bytes: png(64, 48), alt: 'A red banner saying SALE' },
    { bytes: jpeg(30, 40), alt: 'The shop front at night' },
    { bytes: png(10, 10), alt: null },
  ];
  const uploads = (f: BlueskyFake) => f.server.requestsTo('POST', '/xrpc/com.atproto.repo.uploadBlob');
  type Embedded = { image: { ref: { $link: string } }; alt: string; aspectRatio?: unknown };

  it('uploads each approved image as a blob in order, then one post embedding them with alt text and aspect ratios', async () => {
    const { fake, publisher } = await setup();
    const { images, opens } = publishImages(three());
    let uploadedBeforeMark = -1;
    const result = await publisher.publish({
      publicationId: 31,
      text: 'Three pictures',
      mediaUrl: null,
      images,
      markSending: async () => {
        uploadedBeforeMark = uploads(fake).length;
        expect(creates(fake)).toHaveLength(0);
      },
    });

    expect(uploadedBeforeMark).toBe(3);
    expect(uploads(fake).map((u) => sha256(u.raw))).toEqual(images.map((i) => i.sha256));
    expect(uploads(fake).map((u) => u.headers['content-type'])).toEqual(['image/png', 'image/jpeg', 'image/png']);
    expect(creates(fake)).toHaveLength(1);
    const post = fake.posts.get(result.externalId)!;
    const embed = post.record.embed as { $type: string; images: Embedded[] };
    expect(embed.$type).toBe('app.bsky.embed.images');
    expect(embed.images.map((i) => sha256(fake.blobs.get(i.image.ref.$link)!.bytes))).toEqual(images.map((i) => i.sha256));
    expect(embed.images.map((i) => i.alt)).toEqual(['A red banner saying SALE', 'The shop front at night', '']);
    expect(embed.images.map((i) => i.aspectRatio)).toEqual([
      { width: 64, height: 48 },
      { width: 30, height: 40 },
      { width: 10, height: 10 },
    ]);
    expect(result.externalId).toBe(`at://${fake.did}/app.bsky.feed.post/${publicationRecordKey(31, 'Three pictures', null, images)}`);
    expect(opens).toEqual([1, 1, 1]);
  });

  it('a repeated publish finds its post by record key and uploads nothing again', async () => {
    const { fake, publisher } = await setup();
    const { images, opens } = publishImages(three());
    const first = await publisher.publish({ publicationId: 32, text: 'Once', mediaUrl: null, images });
    const again = await publisher.publish({ publicationId: 32, text: 'Once', mediaUrl: null, images });
    expect(again.externalId).toBe(first.externalId);
    expect(fake.posts.size).toBe(1);
    expect(uploads(fake)).toHaveLength(3);
    expect(opens).toEqual([1, 1, 1]);
  });

  it('the record key depends on the images and their alt text', () => {
    const { images } = publishImages(three());
    const key = publicationRecordKey(1, 'hello', null, images);
    expect(key).not.toBe(publicationRecordKey(1, 'hello', null));
    expect(publicationRecordKey(1, 'hello', null, [{ ...images[0]!, alt: 'other words' }, images[1]!, images[2]!])).not.toBe(key);
    expect(publicationRecordKey(1, 'hello', null, [])).toBe(publicationRecordKey(1, 'hello', null));
  });

  it('refuses five images before signing in, uploading or posting', async () => {
    const { fake, publisher } = await setup();
    const { images, opens } = publishImages([...three(), { bytes: png(5, 5), alt: 'd' }, { bytes: png(6, 6), alt: 'e' }]);
    const error = await failureOf(publisher.publish({ publicationId: 33, text: 'Too many', mediaUrl: null, images }));
    expect(error.kind).toBe('permanent');
    expect(error.message).toBe('Bluesky takes at most 4 images in a post, and this post has 5; nothing was posted.');
    expect(uploads(fake)).toHaveLength(0);
    expect(creates(fake)).toHaveLength(0);
    expect(opens).toEqual([0, 0, 0, 0, 0]);
  });

  it('an image over 2,000,000 bytes is refused before uploading', async () => {
    const { fake, publisher } = await setup();
    const big = Buffer.concat([png(4, 4), Buffer.alloc(2_000_000)]);
    const { images } = publishImages([
      { bytes: png(8, 8), alt: 'ok' },
      { bytes: big, alt: 'big' },
    ]);
    const error = await failureOf(publisher.publish({ publicationId: 34, text: 'Big', mediaUrl: null, images }));
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/Image 2 is 2 MB; Bluesky accepts at most 1.9 MB/);
    expect(uploads(fake)).toHaveLength(0);
    expect(creates(fake)).toHaveLength(0);
  });

  it('a blob upload answered 502 is tried again, and the post goes out once with every image', async () => {
    const { fake, publisher } = await setup();
    fake.server.failNext(
      { method: 'POST', path: '/xrpc/com.atproto.repo.uploadBlob' },
      { kind: 'status', status: 502, json: { error: 'UpstreamFailure', message: 'Upstream Failure' } },
    );
    const { images } = publishImages(three());
    const result = await publisher.publish({ publicationId: 35, text: 'Flaky upload', mediaUrl: null, images });
    expect(uploads(fake)).toHaveLength(4);
    expect(sha256(uploads(fake)[1]!.raw)).toBe(images[0]!.sha256);
    expect((fake.posts.get(result.externalId)!.record.embed as { images: unknown[] }).images).toHaveLength(3);
    expect(creates(fake)).toHaveLength(1);
  });
});

describe('Bluesky: publishing at most once', () => {
  it('a repeated publish finds its own post by record key and does not create another', async () => {
    const { fake, publisher } = await setup();
    const first = await publisher.publish({ publicationId: 9, text: 'Only once', mediaUrl: null });
    const again = await publisher.publish({ publicationId: 9, text: 'Only once', mediaUrl: null });
    expect(again).toEqual(first);
    expect(creates(fake)).toHaveLength(1);
    expect(fake.posts.size).toBe(1);
  });

  it('a create refused because the key is taken (HTTP 500) is recognised as already published', async () => {
    const { fake, publisher } = await setup();
    const first = await publisher.publish({ publicationId: 10, text: 'Raced', mediaUrl: null });
    // The look-before-create misses the post (as if it landed a moment later) …
    fake.server.failNext(
      { method: 'GET', path: '/xrpc/com.atproto.repo.getRecord' },
      { kind: 'status', status: 400, json: { error: 'RecordNotFound', message: 'Could not locate record' } },
    );
    const again = await publisher.publish({ publicationId: 10, text: 'Raced', mediaUrl: null });
    // … so the create runs into the real PDS answer to a taken key, and the second look finds it.
    expect(again).toEqual(first);
    expect(creates(fake)).toHaveLength(2);
    expect(fake.posts.size).toBe(1);
  });

  it('refuses to take a different post at the same key for its own', async () => {
    const { fake, publisher } = await setup();
    const rkey = publicationRecordKey(11, 'Our text', null);
    const uri = `at://${fake.did}/app.bsky.feed.post/${rkey}`;
    fake.posts.set(uri, {
      uri,
      cid: cidFor(Buffer.from('x'), 0x71),
      rkey,
      record: { $type: 'app.bsky.feed.post', text: 'Someone else', createdAt: START },
      indexedAt: START,
      likeCount: 0,
      repostCount: 0,
      replyCount: 0,
      quoteCount: 0,
      bookmarkCount: 0,
    });
    const error = await failureOf(publisher.publish({ publicationId: 11, text: 'Our text', mediaUrl: null }));
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/different Bluesky post already uses/);
    expect(creates(fake)).toHaveLength(0);
  });

  it('an answer lost to a timeout is resolved by looking: the post landed, so it is published', async () => {
    const { fake, publisher, logger } = await setup({}, { timeoutMs: 150 });
    await publisher.init!();
    fake.answerNextCreateLate(300);
    const result = await publisher.publish({ publicationId: 12, text: 'Slow answer', mediaUrl: null });
    expect(result.externalId).toBe(`at://${fake.did}/app.bsky.feed.post/${publicationRecordKey(12, 'Slow answer', null)}`);
    expect(fake.posts.size).toBe(1);
    expect(creates(fake)).toHaveLength(1);
    // It really was the timeout path: the create failed as unknown, then the look found it.
    expect(logger.lines.some((l) => /Bluesky request failed .*createRecord.*kind=unknown/.test(l))).toBe(true);
    expect(logger.lines.some((l) => l.includes('Bluesky post was already published'))).toBe(true);
  });
});

describe('Bluesky: failures are classified', () => {
  it('no answer at all (hang) is unknown, and says a retry is safe', async () => {
    const { fake, publisher } = await setup({}, { timeoutMs: 150 });
    await publisher.init!();
    fake.server.failNext({ method: 'POST', path: '/xrpc/com.atproto.repo.createRecord' }, { kind: 'hang' });
    const error = await failureOf(publisher.publish({ publicationId: 13, text: 'Lost', mediaUrl: null }));
    expect(error.kind).toBe('unknown');
    expect(error.message).toMatch(/Bluesky did not answer within 1 second/);
    expect(error.message).toMatch(/retrying cannot post twice/);
    expect(creates(fake)).toHaveLength(1);
  });

  it('a connection dropped after sending is unknown', async () => {
    const { fake, publisher } = await setup();
    fake.server.failNext({ method: 'POST', path: '/xrpc/com.atproto.repo.createRecord' }, { kind: 'drop' });
    const error = await failureOf(publisher.publish({ publicationId: 14, text: 'Dropped', mediaUrl: null }));
    expect(error.kind).toBe('unknown');
    expect(creates(fake)).toHaveLength(1);
  });

  it('429 RateLimitExceeded is retryable with the wait from RateLimit-Reset (epoch seconds)', async () => {
    const { fake, publisher, clock } = await setup();
    await publisher.init!();
    const reset = Math.ceil(clock.now().getTime() / 1000) + 120;
    fake.server.failNext(
      { method: 'POST', path: '/xrpc/com.atproto.repo.createRecord' },
      {
        kind: 'status',
        status: 429,
        headers: { 'ratelimit-limit': '5000', 'ratelimit-remaining': '0', 'ratelimit-reset': String(reset) },
        json: { error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' },
      },
    );
    const error = await failureOf(publisher.publish({ publicationId: 15, text: 'Busy', mediaUrl: null }));
    expect(error.kind).toBe('retryable');
    expect(error.status).toBe(429);
    expect(error.retryAfterMs).toBe(120_000);
    expect(creates(fake)).toHaveLength(1);
  });

  it('5xx is retryable once a look shows nothing was posted', async () => {
    const { fake, publisher } = await setup();
    fake.server.failNext(
      { method: 'POST', path: '/xrpc/com.atproto.repo.createRecord' },
      { kind: 'status', status: 502, json: { error: 'UpstreamFailure', message: 'Upstream Failure' } },
    );
    const error = await failureOf(publisher.publish({ publicationId: 16, text: 'Flaky', mediaUrl: null }));
    expect(error.kind).toBe('retryable');
    expect(error.status).toBe(502);
    expect(fake.posts.size).toBe(0);
  });

  it('a post the lexicon refuses is permanent, in Bluesky’s words', async () => {
    const { publisher } = await setup();
    const error = await failureOf(publisher.publish({ publicationId: 17, text: 'x'.repeat(301), mediaUrl: null }));
    expect(error.kind).toBe('permanent');
    expect(error.message).toBe(
      'Bluesky refused this post: "Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes".',
    );
  });
});

describe('Bluesky: image problems', () => {
  it('names a missing image, a web page, and an image over 2,000,000 bytes, before uploading', async () => {
    const { fake, publisher } = await setup();
    const page = serveFile(fake.server, '/img/page.png', Buffer.from('<!doctype html><p>hi</p>'), 'text/html');
    const big = serveFile(fake.server, '/img/big.jpg', Buffer.concat([jpeg(8, 8), Buffer.alloc(2_100_000)]), 'image/jpeg');

    const missing = await failureOf(publisher.publish({ publicationId: 20, text: 'a', mediaUrl: `${fake.url}/img/none.png` }));
    expect(missing.kind).toBe('permanent');
    expect(missing.message).toMatch(/not found \(HTTP 404\)/);
    const notImage = await failureOf(publisher.publish({ publicationId: 21, text: 'b', mediaUrl: page }));
    expect(notImage.message).toMatch(/is not an image/);
    const tooBig = await failureOf(publisher.publish({ publicationId: 22, text: 'c', mediaUrl: big }));
    expect(tooBig.message).toMatch(/Bluesky accepts at most 1\.9 MB/);

    expect(fake.server.requestsTo('POST', '/xrpc/com.atproto.repo.uploadBlob')).toHaveLength(0);
    expect(creates(fake)).toHaveLength(0);
  });
});

describe('Bluesky: figures', () => {
  it('reads 25 posts per getPosts call and maps likes, replies, reposts + quotes and bookmarks', async () => {
    const { fake, publisher } = await setup();
    const uris: string[] = [];
    for (let i = 0; i < 30; i++) {
      const rkey = publicationRecordKey(100 + i, `post ${i}`, null);
      const uri = `at://${fake.did}/app.bsky.feed.post/${rkey}`;
      uris.push(uri);
      fake.posts.set(uri, {
        uri,
        cid: cidFor(Buffer.from(uri), 0x71),
        rkey,
        record: { $type: 'app.bsky.feed.post', text: `post ${i}`, createdAt: START },
        indexedAt: START,
        likeCount: i,
        repostCount: 2,
        replyCount: 1,
        quoteCount: 3,
        bookmarkCount: 4,
      });
    }
    const gone = `at://${fake.did}/app.bsky.feed.post/${publicationRecordKey(999, 'deleted', null)}`;
    const figures = await publisher.fetchMetrics(
      [...uris, gone].map((externalId) => ({ externalId, url: null, publishedAt: new Date(START) })),
    );

    const reads = fake.server.requestsTo('GET', '/xrpc/app.bsky.feed.getPosts');
    expect(reads.map((r) => r.query.getAll('uris').length)).toEqual([25, 6]);
    expect(figures.size).toBe(30);
    expect(figures.get(uris[7]!)).toEqual({ likes: 7, comments: 1, shares: 5, impressions: null, clicks: null, saves: 4 });
    expect(figures.has(gone)).toBe(false);
  });

  it('waits until RateLimit-Reset before retrying a read', async () => {
    const { fake, publisher, clock, waits } = await setup();
    const posted = await publisher.publish({ publicationId: 30, text: 'count me', mediaUrl: null });
    const reset = Math.ceil(clock.now().getTime() / 1000) + 45;
    fake.server.failNext(
      { method: 'GET', path: '/xrpc/app.bsky.feed.getPosts' },
      {
        kind: 'status',
        status: 429,
        headers: { 'ratelimit-remaining': '0', 'ratelimit-reset': String(reset) },
        json: { error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' },
      },
    );
    const figures = await publisher.fetchMetrics([{ externalId: posted.externalId, url: posted.url, publishedAt: new Date(START) }]);
    expect(figures.get(posted.externalId)?.likes).toBe(0);
    expect(waits[0]).toBe(45_000);
    expect(fake.server.requestsTo('GET', '/xrpc/app.bsky.feed.getPosts')).toHaveLength(2);
  });
});

describe('Bluesky: record keys and secrets', () => {
  it('derives a valid, stable TID per publication and content', () => {
    const a = publicationRecordKey(1, 'hello', null);
    expect(isTid(a)).toBe(true);
    expect(publicationRecordKey(1, 'hello', null)).toBe(a);
    expect(publicationRecordKey(2, 'hello', null)).not.toBe(a);
    expect(publicationRecordKey(1, 'hello!', null)).not.toBe(a);
    expect(isTid(publicationRecordKey(2 ** 40, 'big id', 'https://x.example/i.png'))).toBe(true);
  });

  it('never shows the app password in errors or logs', async () => {
    const { fake, publisher, logger } = await setup();
    fake.server.failNext(
      { method: 'POST', path: '/xrpc/com.atproto.server.createSession' },
      { kind: 'status', status: 401, json: { error: 'AuthenticationRequired', message: `Invalid password ${PASSWORD}` } },
    );
    const error = await failureOf(publisher.init!());
    expect(error.message).not.toContain(PASSWORD);
    expect(error.message).toContain('[redacted]');
    expect(String((error.cause as Error).message)).not.toContain(PASSWORD);
    expect(logger.lines.length).toBeGreaterThan(0);
    expect(logger.lines.join('\n')).not.toContain(PASSWORD);
    expect(logger.lines.join('\n')).not.toMatch(/eyJ0eXAiOiJhdCtqd3QifQ/); // no session token either
  });
});

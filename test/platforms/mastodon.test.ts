import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { UserFacingError } from '../../src/domain/errors.js';
import { createMemoryLogger } from '../../src/observability/logger.js';
import { clearRegisteredSecrets } from '../../src/observability/redact.js';
import { createMastodonPublisher, type MastodonPublisherDeps } from '../../src/platforms/mastodon/publisher.js';
import { startMastodonFake, type MastodonFake, type MastodonFakeOptions } from '../fakes/mastodon/server.js';
import { serveFile } from '../fakes/network/server.js';
import { jpeg, png } from '../support/image-fixtures.js';
import { LOCAL_FAKE_MEDIA } from '../support/local-media.js';
import { failureOf } from '../support/publish-failure.js';
import { publishImages, sha256 } from '../support/publish-images.js';

const TOKEN = 'mastodon-secret-token-Zx8Q1w2e3r4t5y6u7i8o9p';
const START = '2026-03-02T09:00:00.000Z';

let fake: MastodonFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  clearRegisteredSecrets();
});

async function setup(fakeOptions: Partial<MastodonFakeOptions> = {}, overrides: Partial<MastodonPublisherDeps> = {}) {
  const clock = new ManualClock(START);
  fake = await startMastodonFake({ accessToken: TOKEN, now: () => clock.now(), ...fakeOptions });
  const waits: number[] = [];
  const sleep = async (ms: number) => {
    waits.push(ms);
    clock.advance(ms);
  };
  const logger = createMemoryLogger();
  const publisher = createMastodonPublisher(
    { url: fake.url, accessToken: TOKEN },
    { logger, clock, sleep, random: () => 0, timeoutMs: 2000, media: LOCAL_FAKE_MEDIA, ...overrides },
  );
  return { fake, clock, waits, logger, publisher };
}

describe('Mastodon: the instance’s own limits', () => {
  it('reads the character limit and URL weight in init and validates drafts with them', async () => {
    const { fake, publisher } = await setup({ maxCharacters: 1000, charactersReservedPerUrl: 30, imageSizeLimit: 8 * 1024 * 1024 });
    expect(publisher.rules.limit).toBe(500); // stock until the instance has been asked
    await publisher.init!();
    expect(publisher.rules.limit).toBe(1000);
    expect(publisher.rules.network).toBe('mastodon');
    expect(publisher.rules.measure(`hello https://example.com/${'x'.repeat(200)}`).used).toBe('hello '.length + 30);
    expect(publisher.rules.validate({ text: 'a'.repeat(900), mediaUrl: null })).toEqual([]);
    expect(publisher.rules.validate({ text: 'a'.repeat(1001), mediaUrl: null })).toHaveLength(1);
    expect(publisher.limits).toMatchObject({ maxCharacters: 1000, maxMediaAttachments: 4, imageSizeLimit: 8 * 1024 * 1024 });
    expect(publisher.limits.imageTypes).toEqual(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
    expect(fake.server.requestsTo('GET', '/api/v2/instance')).toHaveLength(1);
    const check = fake.server.requestsTo('GET', '/api/v1/accounts/verify_credentials');
    expect(check).toHaveLength(1);
    expect(check[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('falls back to /api/v1/instance on servers before Mastodon 4.0', async () => {
    const { fake, publisher } = await setup({ v1InstanceOnly: true, maxCharacters: 5000 });
    await publisher.init!();
    expect(publisher.rules.limit).toBe(5000);
    expect(fake.server.requestsTo('GET', '/api/v2/instance')).toHaveLength(1);
    expect(fake.server.requestsTo('GET', '/api/v1/instance')).toHaveLength(1);
  });

  it('keeps stock limits and starts when the instance is briefly down', async () => {
    const { fake, publisher, logger } = await setup({ maxCharacters: 1000 });
    fake.server.failNext({ method: 'GET', path: '/api/v2/instance' }, { kind: 'status', status: 503, json: { error: 'down' } }, 3);
    await publisher.init!();
    expect(publisher.rules.limit).toBe(500);
    expect(logger.lines.some((l) => l.includes('using stock Mastodon limits'))).toBe(true);
  });

  it('stops start-up naming MASTODON_ACCESS_TOKEN when the token is refused', async () => {
    const clock = new ManualClock(START);
    fake = await startMastodonFake({ accessToken: 'another-token', now: () => clock.now() });
    const publisher = createMastodonPublisher({ url: fake.url, accessToken: TOKEN }, { logger: createMemoryLogger(), clock });
    const error = await failureOf(publisher.init!());
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/check MASTODON_ACCESS_TOKEN/);
    expect(error.message).toMatch(/The access token is invalid/);
  });

  it('refuses a profile link as MASTODON_URL at start-up', () => {
    expect(() =>
      createMastodonPublisher({ url: 'https://mastodon.social/@acme', accessToken: TOKEN }, { logger: createMemoryLogger() }),
    ).toThrow(UserFacingError);
    expect(() =>
      createMastodonPublisher({ url: 'https://mastodon.social/@acme', accessToken: TOKEN }, { logger: createMemoryLogger() }),
    ).toThrow(/MASTODON_URL/);
  });
});

describe('Mastodon: publishing', () => {
  it('posts a text status with an Idempotency-Key derived from the publication', async () => {
    const { fake, publisher } = await setup();
    const result = await publisher.publish({
      publicationId: 7,
      text: 'Spring sale starts Monday! https://shop.example.com',
      mediaUrl: null,
    });

    const [request] = fake.server.requestsTo('POST', '/api/v1/statuses');
    expect(request!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request!.headers['idempotency-key']).toBe('greenlight-publication-7');
    expect(request!.headers['content-type']).toContain('application/json');
    expect(request!.json).toEqual({ status: 'Spring sale starts Monday! https://shop.example.com', media_ids: [], visibility: 'public' });
    expect(fake.statuses.get(result.externalId)?.text).toBe('Spring sale starts Monday! https://shop.example.com');
    expect(result.url).toBe(`${fake.url}/@greenlight/${result.externalId}`);
  });

  it('uploads the image, waits while Mastodon processes it, then attaches it', async () => {
    const { fake, publisher, waits } = await setup({ processingPolls: 2 });
    const bytes = png(64, 48);
    const image = serveFile(fake.server, '/img/banner.png', bytes, 'image/png');
    const result = await publisher.publish({ publicationId: 8, text: 'With a picture', mediaUrl: image });

    const [upload] = fake.server.requestsTo('POST', '/api/v2/media');
    expect(upload!.headers['content-type']).toContain('multipart/form-data');
    expect(upload!.files).toHaveLength(1);
    expect(upload!.files[0]!.field).toBe('file');
    expect(upload!.files[0]!.filename).toBe('banner.png');
    expect(upload!.files[0]!.contentType).toBe('image/png');
    expect(upload!.files[0]!.bytes.equals(bytes)).toBe(true);
    // 202 then two 206 answers, then 200 with the url: three looks, after waits we chose.
    expect(fake.server.requestsTo('GET', /^\/api\/v1\/media\/\d+$/)).toHaveLength(3);
    expect(waits).toEqual([500, 1000, 2000]);

    const status = fake.statuses.get(result.externalId)!;
    expect(status.mediaIds).toEqual([...fake.media.keys()]);
    expect((fake.server.requestsTo('POST', '/api/v1/statuses')[0]!.json as { media_ids: string[] }).media_ids).toEqual(status.mediaIds);
  });

  it('an image processed at once (200) is attached without polling', async () => {
    const { fake, publisher, waits } = await setup({ processingPolls: 0 });
    const image = serveFile(fake.server, '/img/a.jpg', jpeg(20, 20), 'image/jpeg');
    await publisher.publish({ publicationId: 9, text: 'Quick', mediaUrl: image });
    expect(fake.server.requestsTo('GET', /^\/api\/v1\/media\//)).toHaveLength(0);
    expect(waits).toEqual([]);
  });

  it('a re-send within the hour returns the same status (Idempotency-Key); after the hour it would post again', async () => {
    const { fake, publisher, clock } = await setup();
    const first = await publisher.publish({ publicationId: 11, text: 'Once only', mediaUrl: null });
    const again = await publisher.publish({ publicationId: 11, text: 'Once only', mediaUrl: null });
    expect(again.externalId).toBe(first.externalId);
    expect(fake.statuses.size).toBe(1);

    clock.advance(61 * 60_000);
    const late = await publisher.publish({ publicationId: 11, text: 'Once only', mediaUrl: null });
    expect(late.externalId).not.toBe(first.externalId); // what the key does not protect
  });
});

describe('Mastodon: uploaded images', () => {
  const three = () => [
    { bytes: png(64, 48), alt: 'A red banner saying SALE' },
    { bytes: jpeg(30, 40), alt: 'The shop front at night' },
    { bytes: png(10, 10), alt: null },
  ];

  it('uploads each approved image in order with its alt text as description, then one status naming them all', async () => {
    const { fake, publisher, waits } = await setup({ processingPolls: 1 });
    const { images, opens } = publishImages(three());
    let marked = 0;
    const result = await publisher.publish({
      publicationId: 21,
      text: 'Three pictures',
      mediaUrl: null,
      images,
      markSending: async () => {
        marked += 1;
        // Every upload is done before the one request that makes the post public.
        expect(fake.server.requestsTo('POST', '/api/v2/media')).toHaveLength(3);
        expect(fake.server.requestsTo('POST', '/api/v1/statuses')).toHaveLength(0);
      },
    });

    const uploads = fake.server.requestsTo('POST', '/api/v2/media');
    expect(uploads.map((u) => sha256(u.files[0]!.bytes))).toEqual(images.map((i) => i.sha256));
    expect(uploads.map((u) => u.files[0]!.contentType)).toEqual(['image/png', 'image/jpeg', 'image/png']);
    expect(uploads.map((u) => u.form?.description)).toEqual(['A red banner saying SALE', 'The shop front at night', undefined]);
    // Each 202 answer is followed until processed (one 206, then 200), before the status.
    expect(fake.server.requestsTo('GET', /^\/api\/v1\/media\/\d+$/)).toHaveLength(6);
    expect(waits).toEqual([500, 1000, 500, 1000, 500, 1000]);

    const statuses = fake.server.requestsTo('POST', '/api/v1/statuses');
    expect(statuses).toHaveLength(1);
    expect(statuses[0]!.headers['idempotency-key']).toBe('greenlight-publication-21');
    const status = fake.statuses.get(result.externalId)!;
    expect(status.mediaIds).toEqual([...fake.media.keys()]);
    expect(status.mediaIds.map((id) => fake.media.get(id)!.description ?? null)).toEqual([
      'A red banner saying SALE',
      'The shop front at night',
      null,
    ]);
    expect(marked).toBe(1);
    expect(opens).toEqual([1, 1, 1]);
  });

  it('refuses more images than the instance takes, before uploading or posting anything', async () => {
    const { fake, publisher } = await setup({ maxMediaAttachments: 2 });
    await publisher.init!();
    const { images, opens } = publishImages(three());
    const error = await failureOf(publisher.publish({ publicationId: 22, text: 'Too many', mediaUrl: null, images }));
    expect(error.kind).toBe('permanent');
    expect(error.message).toBe('Mastodon takes at most 2 images in a post, and this post has 3; nothing was posted.');
    expect(fake.server.requestsTo('POST', '/api/v2/media')).toHaveLength(0);
    expect(fake.statuses.size).toBe(0);
    expect(opens).toEqual([0, 0, 0]);
  });

  it('a linked image counts with the uploaded ones (five in all is one too many)', async () => {
    const { fake, publisher } = await setup();
    const linked = serveFile(fake.server, '/img/extra.png', png(8, 8), 'image/png');
    const { images } = publishImages([...three(), { bytes: png(9, 9), alt: 'four' }]);
    const error = await failureOf(publisher.publish({ publicationId: 23, text: 'Five', mediaUrl: linked, images }));
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/at most 4 images in a post, and this post has 5/);
    expect(fake.server.requestsTo('GET', '/img/extra.png')).toHaveLength(0);
  });

  it('an upload answered 503 is tried again with the same bytes, and the post goes out once', async () => {
    const { fake, publisher } = await setup();
    fake.server.failNext({ method: 'POST', path: '/api/v2/media' }, { kind: 'status', status: 503, json: { error: 'unavailable' } });
    const { images, opens } = publishImages(three().slice(0, 2));
    const result = await publisher.publish({ publicationId: 24, text: 'Retry me', mediaUrl: null, images });
    const uploads = fake.server.requestsTo('POST', '/api/v2/media');
    expect(uploads).toHaveLength(3);
    expect(sha256(uploads[0]!.files[0]!.bytes)).toBe(images[0]!.sha256);
    expect(sha256(uploads[1]!.files[0]!.bytes)).toBe(images[0]!.sha256);
    expect(fake.statuses.get(result.externalId)!.mediaIds).toHaveLength(2);
    expect(fake.statuses.size).toBe(1);
    expect(opens).toEqual([1, 1]);
  });

  it('an upload refused for good (422) is permanent and nothing is posted', async () => {
    const { fake, publisher } = await setup();
    fake.server.failNext(
      { method: 'POST', path: '/api/v2/media' },
      { kind: 'status', status: 422, json: { error: 'Validation failed: File content type is invalid' } },
    );
    const { images } = publishImages(three());
    const error = await failureOf(publisher.publish({ publicationId: 25, text: 'No', mediaUrl: null, images }));
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/Mastodon refused the image/);
    expect(fake.server.requestsTo('POST', '/api/v1/statuses')).toHaveLength(0);
  });

  it('bytes that are not the approved ones (sha256) are not sent', async () => {
    const { fake, publisher } = await setup();
    const { images } = publishImages(three());
    const tampered = { ...images[1]!, sha256: images[0]!.sha256 };
    const error = await failureOf(
      publisher.publish({ publicationId: 26, text: 'Changed', mediaUrl: null, images: [images[0]!, tampered] }),
    );
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/Image 2 .* is not the approved image any more/);
    expect(fake.statuses.size).toBe(0);
  });
});

describe('Mastodon: failures are classified', () => {
  it('429 is retryable with the wait from X-RateLimit-Reset (ISO 8601), and the post is not re-sent', async () => {
    const { fake, publisher, clock } = await setup();
    const reset = new Date(clock.now().getTime() + 90_000).toISOString();
    fake.server.failNext(
      { method: 'POST', path: '/api/v1/statuses' },
      {
        kind: 'status',
        status: 429,
        headers: { 'x-ratelimit-limit': '300', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
        json: { error: 'Too many requests' },
      },
    );
    const error = await failureOf(publisher.publish({ publicationId: 1, text: 'hi', mediaUrl: null }));
    expect(error.kind).toBe('retryable');
    expect(error.retryAfterMs).toBe(90_000);
    expect(fake.server.requestsTo('POST', '/api/v1/statuses')).toHaveLength(1);
  });

  it('5xx is retryable', async () => {
    const { fake, publisher } = await setup();
    fake.server.failNext({ method: 'POST', path: '/api/v1/statuses' }, { kind: 'status', status: 502, text: '<html>Bad Gateway</html>' });
    const error = await failureOf(publisher.publish({ publicationId: 1, text: 'hi', mediaUrl: null }));
    expect(error.kind).toBe('retryable');
    expect(error.status).toBe(502);
  });

  it('422 "Validation failed" is permanent, in Mastodon’s words', async () => {
    const { publisher } = await setup({ maxCharacters: 10 });
    const error = await failureOf(publisher.publish({ publicationId: 1, text: 'This is far too long for the instance', mediaUrl: null }));
    expect(error.kind).toBe('permanent');
    expect(error.status).toBe(422);
    expect(error.message).toBe('Mastodon refused this post: "Validation failed: Text character limit of 10 exceeded".');
  });

  it('media still processing at post time is retryable', async () => {
    const { fake, publisher } = await setup();
    fake.server.failNext(
      { method: 'POST', path: '/api/v1/statuses' },
      { kind: 'status', status: 422, json: { error: 'Cannot attach files that have not finished processing. Try again in a moment!' } },
    );
    const error = await failureOf(publisher.publish({ publicationId: 1, text: 'hi', mediaUrl: null }));
    expect(error.kind).toBe('retryable');
  });

  it('a bad token is permanent and names MASTODON_ACCESS_TOKEN', async () => {
    const { fake, publisher } = await setup();
    fake.server.failNext(
      { method: 'POST', path: '/api/v1/statuses' },
      { kind: 'status', status: 401, json: { error: 'The access token is invalid' } },
    );
    const error = await failureOf(publisher.publish({ publicationId: 1, text: 'hi', mediaUrl: null }));
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/check MASTODON_ACCESS_TOKEN/);
  });

  it('a token without write scope is permanent and says which scopes', async () => {
    const { fake, publisher } = await setup();
    fake.server.failNext(
      { method: 'POST', path: '/api/v1/statuses' },
      { kind: 'status', status: 403, json: { error: 'This action is outside the authorized scopes' } },
    );
    const error = await failureOf(publisher.publish({ publicationId: 1, text: 'hi', mediaUrl: null }));
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/write:statuses/);
  });

  it('a dropped connection after sending is an unknown outcome', async () => {
    const { fake, publisher } = await setup();
    fake.server.failNext({ method: 'POST', path: '/api/v1/statuses' }, { kind: 'drop' });
    const error = await failureOf(publisher.publish({ publicationId: 1, text: 'hi', mediaUrl: null }));
    expect(error.kind).toBe('unknown');
    expect(fake.server.requestsTo('POST', '/api/v1/statuses')).toHaveLength(1);
  });

  it('no answer within the timeout is an unknown outcome', async () => {
    const { fake, publisher } = await setup({}, { timeoutMs: 150 });
    fake.server.failNext({ method: 'POST', path: '/api/v1/statuses' }, { kind: 'hang' });
    const error = await failureOf(publisher.publish({ publicationId: 1, text: 'hi', mediaUrl: null }));
    expect(error.kind).toBe('unknown');
    expect(error.message).toMatch(/Mastodon did not answer/);
  });
});

describe('Mastodon: image problems', () => {
  it('names a missing image, a web page, and an image over the instance’s limit, before any upload', async () => {
    const { fake, publisher } = await setup({ imageSizeLimit: 1024 * 1024 });
    await publisher.init!();
    const page = serveFile(fake.server, '/img/page.png', Buffer.from('<html>not a picture</html>'), 'text/html');
    const big = serveFile(fake.server, '/img/big.png', Buffer.concat([png(4, 4), Buffer.alloc(2 * 1024 * 1024)]), 'image/png');

    const missing = await failureOf(publisher.publish({ publicationId: 1, text: 'x', mediaUrl: `${fake.url}/img/none.png` }));
    expect(missing.kind).toBe('permanent');
    expect(missing.message).toMatch(/not found \(HTTP 404\)/);

    const notImage = await failureOf(publisher.publish({ publicationId: 2, text: 'x', mediaUrl: page }));
    expect(notImage.message).toMatch(/is not an image/);

    const tooBig = await failureOf(publisher.publish({ publicationId: 3, text: 'x', mediaUrl: big }));
    expect(tooBig.message).toMatch(/Mastodon accepts at most 1 MB/);

    expect(fake.server.requestsTo('POST', '/api/v2/media')).toHaveLength(0);
    expect(fake.server.requestsTo('POST', '/api/v1/statuses')).toHaveLength(0);
  });
});

describe('Mastodon: figures', () => {
  it('reads each status and maps favourites, replies and boosts; a deleted status is left out', async () => {
    const { fake, publisher } = await setup();
    const a = await publisher.publish({ publicationId: 1, text: 'one', mediaUrl: null });
    const b = await publisher.publish({ publicationId: 2, text: 'two', mediaUrl: null });
    Object.assign(fake.statuses.get(a.externalId)!, { favourites: 12, replies: 3, reblogs: 4 });
    Object.assign(fake.statuses.get(b.externalId)!, { favourites: 0, replies: 0, reblogs: 1 });

    const figures = await publisher.fetchMetrics([
      { externalId: a.externalId, url: a.url, publishedAt: new Date(START) },
      { externalId: b.externalId, url: b.url, publishedAt: new Date(START) },
      { externalId: '404404', url: null, publishedAt: new Date(START) },
    ]);
    expect(figures.get(a.externalId)).toEqual({ likes: 12, comments: 3, shares: 4, impressions: null, clicks: null, saves: null });
    expect(figures.get(b.externalId)).toEqual({ likes: 0, comments: 0, shares: 1, impressions: null, clicks: null, saves: null });
    expect(figures.has('404404')).toBe(false);
    expect(fake.server.requestsTo('GET', /^\/api\/v1\/statuses\/\d+$/)).toHaveLength(3);
  });

  it('waits until X-RateLimit-Reset before retrying a read', async () => {
    const { fake, publisher, clock, waits } = await setup();
    const a = await publisher.publish({ publicationId: 1, text: 'one', mediaUrl: null });
    const reset = new Date(clock.now().getTime() + 30_000).toISOString();
    fake.server.failNext(
      { method: 'GET', path: /^\/api\/v1\/statuses\// },
      {
        kind: 'status',
        status: 429,
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
        json: { error: 'Too many requests' },
      },
    );
    const figures = await publisher.fetchMetrics([{ externalId: a.externalId, url: a.url, publishedAt: new Date(START) }]);
    expect(figures.get(a.externalId)?.likes).toBe(0);
    expect(waits[0]).toBe(30_000);
  });
});

describe('Mastodon: secrets', () => {
  it('never shows the token in errors or logs', async () => {
    const { fake, publisher, logger } = await setup();
    fake.server.failNext(
      { method: 'POST', path: '/api/v1/statuses' },
      { kind: 'status', status: 401, json: { error: `Token ${TOKEN} was revoked` } },
    );
    const error = await failureOf(publisher.publish({ publicationId: 1, text: 'hi', mediaUrl: null }));
    expect(error.message).not.toContain(TOKEN);
    expect(error.message).toContain('[redacted]');
    expect(String((error.cause as Error).message)).not.toContain(TOKEN);
    expect(logger.lines.join('\n')).not.toContain(TOKEN);
    expect(logger.lines.some((l) => l.includes('Mastodon answered HTTP 401'))).toBe(true);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { UserFacingError } from '../../src/domain/errors.js';
import { createMemoryLogger } from '../../src/observability/logger.js';
import { clearRegisteredSecrets } from '../../src/observability/redact.js';
import type { Sleep } from '../../src/platforms/http/backoff.js';
import type { MetricsTarget } from '../../src/platforms/publisher.js';
import { createXPublisher } from '../../src/platforms/x/publisher.js';
import { serveFile } from '../fakes/network/server.js';
import { startXFake, xProblem, xRateLimitFault, type XFake } from '../fakes/x/server.js';
import { gif, jpeg, png } from '../support/image-fixtures.js';
import { LOCAL_FAKE_MEDIA } from '../support/local-media.js';
import { failureOf } from '../support/publish-failure.js';
import { publishImages, sha256 } from '../support/publish-images.js';

const START = '2026-03-02T09:00:00.000Z';
const START_EPOCH_S = Date.parse(START) / 1000;
const MiB = 1024 * 1024;

let fake: XFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  clearRegisteredSecrets();
});

async function setup(options: { timeoutMs?: number; random?: number; init?: boolean; token?: string } = {}) {
  fake = await startXFake();
  const clock = new ManualClock(START);
  const waits: number[] = [];
  const sleep: Sleep = async (ms) => {
    waits.push(ms);
    clock.advance(ms);
  };
  const logger = createMemoryLogger();
  const publisher = createXPublisher(
    { accessToken: options.token ?? fake.token, apiUrl: fake.url },
    { logger, clock, sleep, random: () => options.random ?? 0, timeoutMs: options.timeoutMs ?? 2000, media: LOCAL_FAKE_MEDIA },
  );
  if (options.init !== false) await publisher.init();
  return { fake, clock, waits, logger, publisher };
}

const target = (externalId: string): MetricsTarget => ({ externalId, url: null, publishedAt: new Date(START) });

describe('X: publishing', () => {
  it('publishes a text post and returns its id and a link with the account name', async () => {
    const { fake, publisher } = await setup();
    const result = await publisher.publish({
      publicationId: 1,
      text: 'Our spring sale starts Monday! https://example.com/sale',
      mediaUrl: null,
    });

    expect(fake.tweets).toHaveLength(1);
    expect(result.externalId).toBe(fake.tweets[0]!.id);
    expect(result.url).toBe(`https://x.com/greenlight_hq/status/${result.externalId}`);

    const [sent] = fake.requestsTo('POST', '/2/tweets');
    expect(sent!.headers.authorization).toBe(`Bearer ${fake.token}`);
    expect(sent!.headers['content-type']).toBe('application/json');
    expect(sent!.json).toEqual({ text: 'Our spring sale starts Monday! https://example.com/sale' });
    expect(fake.requestsTo('GET', '/2/users/me')).toHaveLength(1);
  });

  it('links without the account name when it could not be learned at start-up', async () => {
    const { fake, publisher, logger } = await setup({ init: false });
    fake.failNext({ path: '/2/users/me' }, { kind: 'status', status: 401, json: xProblem(401, 'Unauthorized', 'Unauthorized') });
    await publisher.init();
    expect(logger.lines.some((l) => l.includes('could not read the X account name') && l.includes('X_ACCESS_TOKEN'))).toBe(true);

    const result = await publisher.publish({ publicationId: 2, text: 'Hello', mediaUrl: null });
    expect(result.url).toBe(`https://x.com/i/web/status/${result.externalId}`);
  });

  it('uploads the image through /2/media/upload and attaches its media id', async () => {
    const { fake, publisher } = await setup();
    const bytes = png(1200, 675);
    const link = serveFile(fake.server, '/assets/spring-sale.png', bytes, 'image/png');

    const result = await publisher.publish({ publicationId: 3, text: 'With a picture', mediaUrl: link });

    const [upload] = fake.requestsTo('POST', '/2/media/upload');
    expect(upload!.headers.authorization).toBe(`Bearer ${fake.token}`);
    expect(upload!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(upload!.form).toEqual({ media_category: 'tweet_image', media_type: 'image/png' });
    expect(upload!.files).toHaveLength(1);
    expect(upload!.files[0]!.field).toBe('media');
    expect(upload!.files[0]!.filename).toBe('spring-sale.png');
    expect(upload!.files[0]!.contentType).toBe('image/png');
    expect(upload!.files[0]!.bytes.equals(bytes)).toBe(true);

    const [mediaId] = [...fake.media.keys()];
    const [post] = fake.requestsTo('POST', '/2/tweets');
    expect(post!.json).toEqual({ text: 'With a picture', media: { media_ids: [mediaId] } });
    expect(fake.tweets[0]!.mediaIds).toEqual([mediaId]);
    expect(result.externalId).toBe(fake.tweets[0]!.id);
  });

  it('a lost image upload is retryable, not unknown: nothing can have been posted yet', async () => {
    const { fake, publisher } = await setup();
    const link = serveFile(fake.server, '/a.png', png(64, 64), 'image/png');
    fake.failNext({ method: 'POST', path: '/2/media/upload' }, { kind: 'drop' });
    const error = await failureOf(publisher.publish({ publicationId: 30, text: 'x', mediaUrl: link }));
    expect(error.kind).toBe('retryable');
    expect(error.message).toContain('nothing was posted');
    expect(fake.requestsTo('POST', '/2/media/upload')).toHaveLength(1);
    expect(fake.requestsTo('POST', '/2/tweets')).toHaveLength(0);
  });

  it('asks again later, without posting, when X is still processing the image', async () => {
    const { fake, publisher } = await setup();
    const link = serveFile(fake.server, '/a.jpg', jpeg(800, 600), 'image/jpeg');
    fake.failNext(
      { method: 'POST', path: '/2/media/upload' },
      {
        kind: 'status',
        status: 200,
        json: { data: { id: '1870000000000000001', processing_info: { state: 'pending', check_after_secs: 3 } } },
      },
    );
    const error = await failureOf(publisher.publish({ publicationId: 4, text: 'x', mediaUrl: link }));
    expect(error.kind).toBe('retryable');
    expect(error.retryAfterMs).toBe(3000);
    expect(fake.requestsTo('POST', '/2/tweets')).toHaveLength(0);
  });
});

describe('X: metrics', () => {
  it('reads many posts in batches of 100 and normalises X public metrics', async () => {
    const { fake, publisher } = await setup();
    const first = fake.addTweet('one', {
      like_count: 12,
      reply_count: 3,
      retweet_count: 4,
      quote_count: 1,
      impression_count: 900,
      bookmark_count: 2,
    });
    const second = fake.addTweet('two', { like_count: 1, impression_count: 50 });
    const gone = fake.addTweet('three');
    fake.deleteTweet(gone.id);
    const others = Array.from({ length: 120 }, (_, i) => fake.addTweet(`filler ${i}`));

    const metrics = await publisher.fetchMetrics([first, second, gone, ...others].map((t) => target(t.id)).concat(target('not-a-number')));

    expect(metrics.get(first.id)).toEqual({ likes: 12, comments: 3, shares: 5, impressions: 900, clicks: null, saves: 2 });
    expect(metrics.get(second.id)).toEqual({ likes: 1, comments: 0, shares: 0, impressions: 50, clicks: null, saves: 0 });
    expect(metrics.has(gone.id)).toBe(false);
    expect(metrics.has('not-a-number')).toBe(false);
    expect(metrics.size).toBe(122);

    const lookups = fake.requestsTo('GET', '/2/tweets');
    expect(lookups.map((r) => r.query.get('ids')!.split(',').length)).toEqual([100, 23]);
    expect(lookups.every((r) => r.query.get('tweet.fields') === 'public_metrics')).toBe(true);
    expect(lookups[0]!.headers.authorization).toBe(`Bearer ${fake.token}`);
  });

  it('honours the reset X names on a 429 before retrying a read', async () => {
    const { fake, publisher, waits } = await setup();
    const tweet = fake.addTweet('counted', { like_count: 7 });
    fake.failNext({ method: 'GET', path: '/2/tweets' }, xRateLimitFault(START_EPOCH_S + 30));

    const metrics = await publisher.fetchMetrics([target(tweet.id)]);
    expect(metrics.get(tweet.id)?.likes).toBe(7);
    expect(waits).toEqual([30_000]);
    expect(fake.requestsTo('GET', '/2/tweets')).toHaveLength(2);
  });

  it('retries a read after a 5xx with bounded backoff', async () => {
    const { fake, publisher, waits } = await setup({ random: 1 });
    const tweet = fake.addTweet('counted', { reply_count: 2 });
    fake.failNext(
      { method: 'GET', path: '/2/tweets' },
      { kind: 'status', status: 503, json: xProblem(503, 'Service Unavailable', 'Service Unavailable') },
    );
    const metrics = await publisher.fetchMetrics([tweet].map((t) => target(t.id)));
    expect(metrics.get(tweet.id)?.comments).toBe(2);
    expect(waits).toEqual([500]);
  });
});

describe('X: failures', () => {
  it('a 429 on the post is retryable with the wait from x-rate-limit-reset, and is not retried here', async () => {
    const { fake, publisher, waits } = await setup();
    fake.failNext({ method: 'POST', path: '/2/tweets' }, xRateLimitFault(START_EPOCH_S + 120));
    const error = await failureOf(publisher.publish({ publicationId: 5, text: 'Busy day', mediaUrl: null }));
    expect(error.kind).toBe('retryable');
    expect(error.status).toBe(429);
    expect(error.retryAfterMs).toBe(120_000);
    expect(error.message).toContain('2 minutes');
    expect(fake.requestsTo('POST', '/2/tweets')).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('reads the 24-hour user window when that is the one used up', async () => {
    const { fake, publisher } = await setup();
    fake.failNext({ method: 'POST', path: '/2/tweets' }, xRateLimitFault(START_EPOCH_S + 6 * 3600, { window: '24hour', body: 'problem' }));
    const error = await failureOf(publisher.publish({ publicationId: 6, text: 'Busy day', mediaUrl: null }));
    expect(error.kind).toBe('retryable');
    expect(error.retryAfterMs).toBe(6 * 3600 * 1000);
  });

  it('a 429 without reset headers waits one 15-minute window', async () => {
    const { fake, publisher } = await setup();
    fake.failNext(
      { method: 'POST', path: '/2/tweets' },
      { kind: 'status', status: 429, json: { errors: [{ code: 88, message: 'Rate limit exceeded' }] } },
    );
    const error = await failureOf(publisher.publish({ publicationId: 7, text: 'Busy day', mediaUrl: null }));
    expect(error.kind).toBe('retryable');
    expect(error.retryAfterMs).toBe(15 * 60 * 1000);
  });

  it('a 5xx on the post is retryable and not retried inside the publisher', async () => {
    const { fake, publisher } = await setup();
    fake.failNext(
      { method: 'POST', path: '/2/tweets' },
      { kind: 'status', status: 503, json: xProblem(503, 'Service Unavailable', 'Service Unavailable') },
    );
    const error = await failureOf(publisher.publish({ publicationId: 8, text: 'Hello', mediaUrl: null }));
    expect(error.kind).toBe('retryable');
    expect(error.status).toBe(503);
    expect(fake.requestsTo('POST', '/2/tweets')).toHaveLength(1);
    expect(fake.tweets).toHaveLength(0);
  });

  it('duplicate content is permanent, in words a marketer understands', async () => {
    const { fake, publisher } = await setup();
    await publisher.publish({ publicationId: 9, text: 'Same words', mediaUrl: null });
    const error = await failureOf(publisher.publish({ publicationId: 10, text: 'Same words', mediaUrl: null }));
    expect(error.kind).toBe('permanent');
    expect(error.status).toBe(403);
    expect(error.message).toContain('X refused this post as duplicate content');
    expect(fake.tweets).toHaveLength(1);
  });

  it('a rejected token is permanent and names X_ACCESS_TOKEN', async () => {
    const { fake, publisher } = await setup({ token: 'some-other-oauth2-token-0000', init: false });
    const error = await failureOf(publisher.publish({ publicationId: 11, text: 'Hello', mediaUrl: null }));
    expect(error.kind).toBe('permanent');
    expect(error.status).toBe(401);
    expect(error.message).toContain('X_ACCESS_TOKEN');
    expect(error.message).toContain('two hours');
    expect(fake.tweets).toHaveLength(0);
  });

  it("X's own words for an invalid post reach the message", async () => {
    const { publisher } = await setup();
    const error = await failureOf(publisher.publish({ publicationId: 12, text: 'a'.repeat(281), mediaUrl: null }));
    expect(error.kind).toBe('permanent');
    expect(error.status).toBe(400);
    expect(error.message).toContain('longer than 280 weighted characters');
  });

  it('a connection dropped after the post was sent is an unknown outcome', async () => {
    const { fake, publisher } = await setup();
    fake.failNext({ method: 'POST', path: '/2/tweets' }, { kind: 'drop' });
    const error = await failureOf(publisher.publish({ publicationId: 13, text: 'Hello', mediaUrl: null }));
    expect(error.kind).toBe('unknown');
    expect(error.message).toContain('check the account before retrying');
    expect(fake.requestsTo('POST', '/2/tweets')).toHaveLength(1);
  });

  it('no answer within the timeout is an unknown outcome', async () => {
    const { fake, publisher } = await setup({ timeoutMs: 150 });
    fake.failNext({ method: 'POST', path: '/2/tweets' }, { kind: 'hang' });
    const started = Date.now();
    const error = await failureOf(publisher.publish({ publicationId: 14, text: 'Hello', mediaUrl: null }));
    expect(error.kind).toBe('unknown');
    expect(error.message).toContain('did not answer');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('an accepted post whose answer names no id is an unknown outcome', async () => {
    const { fake, publisher } = await setup();
    fake.failNext({ method: 'POST', path: '/2/tweets' }, { kind: 'status', status: 201, json: { data: {} } });
    const error = await failureOf(publisher.publish({ publicationId: 15, text: 'Hello', mediaUrl: null }));
    expect(error.kind).toBe('unknown');
  });
});

describe('X: uploaded images', () => {
  const three = () => [
    { bytes: png(64, 48), alt: 'A red banner saying SALE' },
    { bytes: jpeg(30, 40), alt: 'The shop front at night' },
    { bytes: png(10, 10), alt: null },
  ];

  it('uploads each approved image in order, gives it its alt text, then posts once with all media ids', async () => {
    const { fake, publisher } = await setup();
    const { images, opens } = publishImages(three());
    let marked = 0;
    const result = await publisher.publish({
      publicationId: 40,
      text: 'Three pictures',
      mediaUrl: null,
      images,
      markSending: async () => {
        marked += 1;
        expect(fake.requestsTo('POST', '/2/media/upload')).toHaveLength(3);
        expect(fake.requestsTo('POST', '/2/media/metadata')).toHaveLength(2);
        expect(fake.requestsTo('POST', '/2/tweets')).toHaveLength(0);
      },
    });

    const uploads = fake.requestsTo('POST', '/2/media/upload');
    expect(uploads.map((u) => sha256(u.files[0]!.bytes))).toEqual(images.map((i) => i.sha256));
    expect(uploads.map((u) => u.form?.media_type)).toEqual(['image/png', 'image/jpeg', 'image/png']);
    const ids = [...fake.media.keys()];
    expect(fake.requestsTo('POST', '/2/media/metadata').map((r) => r.json)).toEqual([
      { id: ids[0], metadata: { alt_text: { text: 'A red banner saying SALE' } } },
      { id: ids[1], metadata: { alt_text: { text: 'The shop front at night' } } },
    ]);
    expect(ids.map((id) => fake.media.get(id)!.altText)).toEqual(['A red banner saying SALE', 'The shop front at night', undefined]);

    const posts = fake.requestsTo('POST', '/2/tweets');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.json).toEqual({ text: 'Three pictures', media: { media_ids: ids } });
    expect(fake.tweets).toHaveLength(1);
    expect(fake.tweets[0]!.mediaIds.map((id) => sha256(fake.media.get(id)!.bytes))).toEqual(images.map((i) => i.sha256));
    expect(result.externalId).toBe(fake.tweets[0]!.id);
    expect(marked).toBe(1);
    expect(opens).toEqual([1, 1, 1]);
  });

  it('refuses five images (four with a linked one), and a GIF, before uploading or posting', async () => {
    const { fake, publisher } = await setup();
    const link = serveFile(fake.server, '/extra.png', png(8, 8), 'image/png');
    const four = publishImages([...three(), { bytes: png(9, 9), alt: 'four' }]);
    const tooMany = await failureOf(publisher.publish({ publicationId: 41, text: 'Too many', mediaUrl: link, images: four.images }));
    expect(tooMany.kind).toBe('permanent');
    expect(tooMany.message).toBe('X takes at most 4 images in a post, and this post has 5; nothing was posted.');

    const withGif = publishImages([
      { bytes: png(8, 8), alt: 'fine' },
      { bytes: gif(4, 4), alt: 'moving' },
    ]);
    const gifError = await failureOf(publisher.publish({ publicationId: 42, text: 'A GIF', mediaUrl: null, images: withGif.images }));
    expect(gifError.kind).toBe('permanent');
    expect(gifError.message).toMatch(/Image 2 is a GIF; X does not take GIF images/);

    expect(fake.requestsTo('GET', '/extra.png')).toHaveLength(0);
    expect(fake.requestsTo('POST', '/2/media/upload')).toHaveLength(0);
    expect(fake.requestsTo('POST', '/2/tweets')).toHaveLength(0);
    expect([...four.opens, ...withGif.opens]).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('an upload and an alt text answered 503 are tried again, and the post goes out once', async () => {
    const { fake, publisher } = await setup();
    fake.failNext(
      { method: 'POST', path: '/2/media/upload' },
      { kind: 'status', status: 503, json: xProblem(503, 'Service Unavailable', 'Service Unavailable') },
    );
    fake.failNext(
      { method: 'POST', path: '/2/media/metadata' },
      { kind: 'status', status: 503, json: xProblem(503, 'Service Unavailable', 'Service Unavailable') },
    );
    const { images } = publishImages(three().slice(0, 2));
    await publisher.publish({ publicationId: 43, text: 'Flaky', mediaUrl: null, images });
    const uploads = fake.requestsTo('POST', '/2/media/upload');
    expect(uploads).toHaveLength(3);
    expect(uploads.map((u) => sha256(u.files[0]!.bytes))).toEqual([images[0]!.sha256, images[0]!.sha256, images[1]!.sha256]);
    expect(fake.requestsTo('POST', '/2/media/metadata')).toHaveLength(3);
    expect(fake.tweets).toHaveLength(1);
    expect(fake.tweets[0]!.mediaIds.map((id) => fake.media.get(id)!.altText)).toEqual([
      'A red banner saying SALE',
      'The shop front at night',
    ]);
  });

  it('alt text X refuses is permanent and nothing is posted', async () => {
    const { fake, publisher } = await setup();
    const { images } = publishImages([{ bytes: png(8, 8), alt: 'x'.repeat(1001) }]);
    const error = await failureOf(publisher.publish({ publicationId: 44, text: 'Long alt', mediaUrl: null, images }));
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/1000 characters/);
    expect(fake.requestsTo('POST', '/2/tweets')).toHaveLength(0);
  });
});

describe('X: image problems', () => {
  it.each([
    ['missing', (f: XFake) => `${f.url}/assets/gone.png`, 'was not found (HTTP 404)'],
    [
      'not an image',
      (f: XFake) => serveFile(f.server, '/page.png', Buffer.from('<!doctype html><html>hi</html>'), 'text/html'),
      'is not an image',
    ],
    [
      'too large',
      (f: XFake) => serveFile(f.server, '/huge.png', Buffer.concat([png(4, 4), Buffer.alloc(5 * MiB)]), 'image/png'),
      'X accepts at most 5 MB',
    ],
    ['a GIF', (f: XFake) => serveFile(f.server, '/anim.gif', gif(4, 4), 'image/gif'), 'is a GIF; X accepts JPEG, PNG or WebP'],
  ])('%s: permanent, and nothing is uploaded or posted', async (_name, link, words) => {
    const { fake, publisher } = await setup();
    const error = await failureOf(publisher.publish({ publicationId: 16, text: 'With a picture', mediaUrl: link(fake) }));
    expect(error.kind).toBe('permanent');
    expect(error.message).toContain(words);
    expect(fake.requestsTo('POST', '/2/media/upload')).toHaveLength(0);
    expect(fake.requestsTo('POST', '/2/tweets')).toHaveLength(0);
  });
});

describe('X: secrets and start-up checks', () => {
  it('keeps the token out of every error and log line, even when X echoes it', async () => {
    const { fake, publisher, logger } = await setup();
    fake.failNext(
      { method: 'POST', path: '/2/tweets' },
      { kind: 'status', status: 403, json: xProblem(403, 'Forbidden', `Token ${fake.token} is not allowed to post`) },
    );
    const error = await failureOf(publisher.publish({ publicationId: 17, text: 'Hello', mediaUrl: null }));
    expect(error.message).toContain('[redacted]');
    expect(error.message).not.toContain(fake.token);
    expect(String((error.cause as Error).message)).not.toContain(fake.token);
    expect(logger.lines.length).toBeGreaterThan(2);
    expect(logger.lines.some((l) => l.includes('HTTP 403'))).toBe(true);
    for (const line of logger.lines) expect(line).not.toContain(fake.token);
  });

  it.each([
    ['an app-only bearer token', 'AAAAAAAAAAAAAAAAAAAAAMLheAAAAAAA0%2BuSeid', 'app-only bearer token'],
    ['an OAuth 1.0a token', '1500000000000000001-AbCdEfGhIjKlMnOpQrStUv', 'OAuth 1.0a'],
    ['a pasted header', 'Bearer abcdefghijklmnop', 'without "Bearer "'],
  ])('refuses %s at start-up, naming X_ACCESS_TOKEN without showing it', (_name, token, words) => {
    const make = () => createXPublisher({ accessToken: token, apiUrl: 'https://api.x.com' }, { logger: createMemoryLogger() });
    expect(make).toThrow(UserFacingError);
    try {
      make();
    } catch (error) {
      expect((error as Error).message).toContain('X_ACCESS_TOKEN');
      expect((error as Error).message).toContain(words);
      expect((error as Error).message).not.toContain(token);
    }
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { UserFacingError } from '../../src/domain/errors.js';
import { createMemoryLogger } from '../../src/observability/logger.js';
import { clearRegisteredSecrets } from '../../src/observability/redact.js';
import { pinLink, pinTitle } from '../../src/platforms/pinterest/pin-content.js';
import { createPinterestPublisher, type PinterestPublisherDeps } from '../../src/platforms/pinterest/publisher.js';
import { serveFile } from '../fakes/network/server.js';
import { startPinterestFake, type PinterestFake } from '../fakes/pinterest/server.js';
import { gif, jpeg, png } from '../support/image-fixtures.js';
import { LOCAL_FAKE_MEDIA } from '../support/local-media.js';
import { failureOf } from '../support/publish-failure.js';
import { publishImages, sha256 } from '../support/publish-images.js';

const TOKEN = 'pina_AMAZINGSECRETTOKEN1234567890abcdef';
const BOARD = '549755885175';
const START = '2026-03-02T09:00:00.000Z';

let fake: PinterestFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  clearRegisteredSecrets();
});

async function setup(overrides: Partial<PinterestPublisherDeps> = {}) {
  const clock = new ManualClock(START);
  fake = await startPinterestFake({ accessToken: TOKEN, boards: [BOARD], now: () => clock.now() });
  const waits: number[] = [];
  const sleep = async (ms: number) => {
    waits.push(ms);
    clock.advance(ms);
  };
  const logger = createMemoryLogger();
  const publisher = createPinterestPublisher(
    { accessToken: TOKEN, boardId: BOARD, apiUrl: fake.url },
    { logger, clock, sleep, random: () => 0, timeoutMs: 2000, media: LOCAL_FAKE_MEDIA, ...overrides },
  );
  const image = serveFile(fake.server, '/images/spring-sale.png', png(40, 30), 'image/png');
  return { fake, clock, waits, logger, publisher, image };
}

const TEXT = 'Spring sale starts Monday!\nEverything 20% off at https://shop.example.com/spring. See you there.';

describe('Pinterest: publishing', () => {
  it('creates an image pin on the configured board and returns its id and public link', async () => {
    const { fake, publisher, image } = await setup();
    const result = await publisher.publish({ publicationId: 7, text: TEXT, mediaUrl: image });

    expect(result.externalId).toMatch(/^\d+$/);
    expect(result.url).toBe(`https://www.pinterest.com/pin/${result.externalId}/`);

    const [request] = fake.server.requestsTo('POST', '/v5/pins');
    expect(request).toBeDefined();
    expect(request!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request!.headers['content-type']).toContain('application/json');
    expect(request!.json).toEqual({
      board_id: BOARD,
      title: 'Spring sale starts Monday!',
      description: TEXT,
      link: 'https://shop.example.com/spring',
      media_source: { source_type: 'image_url', url: image },
    });
    // We checked the image before creating the pin, and Pinterest (the fake) fetched it too.
    expect(fake.server.requestsTo('GET', '/images/spring-sale.png')).toHaveLength(2);
    expect(fake.pins.get(result.externalId)?.board_id).toBe(BOARD);
  });

  it('refuses a post without an image before calling Pinterest', async () => {
    const { fake, publisher } = await setup();
    const error = await failureOf(publisher.publish({ publicationId: 1, text: 'Just words', mediaUrl: null }));
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/needs an image/);
    expect(fake.server.requests).toHaveLength(0);
  });

  it('derives a title of at most 100 characters from the first line, without links or split emoji', () => {
    const long = `${'🌸 Blossom '.repeat(15)}\nsecond line`;
    const title = pinTitle(long)!;
    expect(title.length).toBeLessThanOrEqual(100);
    expect(title.endsWith('…')).toBe(true);
    expect(title).not.toMatch(/\uD83C$/); // no lone high surrogate before the ellipsis
    expect(pinTitle('https://example.com/only-a-link\nReal title here')).toBe('Real title here');
    expect(pinTitle('   \n\n')).toBeUndefined();
    expect(pinLink('Read (https://example.com/a?b=1).')).toBe('https://example.com/a?b=1');
    expect(pinLink('no links')).toBeUndefined();
  });

  it('leaves out the title and link when the text has none to give', async () => {
    const { fake, publisher, image } = await setup();
    await publisher.publish({ publicationId: 8, text: 'https://example.com/', mediaUrl: image });
    const body = fake.server.requestsTo('POST', '/v5/pins')[0]!.json as Record<string, unknown>;
    expect(body.title).toBeUndefined();
    expect(body.link).toBe('https://example.com/');
    expect(body.description).toBe('https://example.com/');
  });
});

describe('Pinterest: an uploaded image', () => {
  it('sends the approved bytes inline (image_base64) with the alt text and the variant text, in one pin', async () => {
    const { fake, publisher } = await setup();
    const bytes = jpeg(60, 90);
    const { images, opens } = publishImages([{ bytes, alt: 'A tall glass of lemonade' }]);
    let marked = 0;
    const result = await publisher.publish({
      publicationId: 70,
      text: TEXT,
      mediaUrl: null,
      images,
      markSending: async () => void (marked += 1),
    });

    const sent = fake.server.requestsTo('POST', '/v5/pins');
    expect(sent).toHaveLength(1);
    const body = sent[0]!.json as {
      alt_text?: string;
      description: string;
      media_source: { source_type: string; content_type: string; data: string };
    };
    expect(body.media_source.source_type).toBe('image_base64');
    expect(body.media_source.content_type).toBe('image/jpeg');
    expect(sha256(Buffer.from(body.media_source.data, 'base64'))).toBe(images[0]!.sha256);
    expect(body.alt_text).toBe('A tall glass of lemonade');
    expect(body.description).toBe(TEXT);
    const pin = fake.pins.get(result.externalId)!;
    expect(sha256(pin.imageBytes!)).toBe(images[0]!.sha256);
    expect(pin.imageUrl).toBeNull();
    expect(pin.alt_text).toBe('A tall glass of lemonade');
    expect(fake.pins.size).toBe(1);
    expect(marked).toBe(1);
    expect(opens).toEqual([1]);
  });

  it('refuses two images (one pin takes one), an uploaded image beside a linked one, and a GIF, before creating anything', async () => {
    const { fake, publisher, image } = await setup();
    const two = publishImages([
      { bytes: png(8, 8), alt: 'one' },
      { bytes: png(9, 9), alt: 'two' },
    ]);
    const twoError = await failureOf(publisher.publish({ publicationId: 71, text: TEXT, mediaUrl: null, images: two.images }));
    expect(twoError.kind).toBe('permanent');
    expect(twoError.message).toBe('Pinterest takes at most 1 image in a post, and this post has 2; nothing was posted.');

    const one = publishImages([{ bytes: png(8, 8), alt: 'one' }]);
    const mixed = await failureOf(publisher.publish({ publicationId: 72, text: TEXT, mediaUrl: image, images: one.images }));
    expect(mixed.message).toMatch(/at most 1 image in a post, and this post has 2/);

    const moving = publishImages([{ bytes: gif(8, 8), alt: 'moving' }]);
    const gifError = await failureOf(publisher.publish({ publicationId: 73, text: TEXT, mediaUrl: null, images: moving.images }));
    expect(gifError.kind).toBe('permanent');
    expect(gifError.message).toMatch(/Image 1 is a GIF; Pinterest does not take GIF images/);

    expect(fake.server.requestsTo('POST', '/v5/pins')).toHaveLength(0);
    expect([...two.opens, ...one.opens, ...moving.opens]).toEqual([0, 0, 0, 0]);
  });

  it('alt text over Pinterest’s 500 characters is refused before the pin is created', async () => {
    const { fake, publisher } = await setup();
    const { images } = publishImages([{ bytes: png(8, 8), alt: 'a'.repeat(501) }]);
    const error = await failureOf(publisher.publish({ publicationId: 74, text: TEXT, mediaUrl: null, images }));
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/alt text is 501 characters; Pinterest takes at most 500/);
    expect(fake.server.requestsTo('POST', '/v5/pins')).toHaveLength(0);
  });

  it('a 503 on the pin with an uploaded image is retryable and not repeated here (the upload is the create)', async () => {
    const { fake, publisher } = await setup();
    fake.failCreate(503, 'Service unavailable');
    const { images } = publishImages([{ bytes: png(8, 8), alt: 'one' }]);
    const error = await failureOf(publisher.publish({ publicationId: 75, text: TEXT, mediaUrl: null, images }));
    expect(error.kind).toBe('retryable');
    expect(fake.server.requestsTo('POST', '/v5/pins')).toHaveLength(1);
    expect(fake.pins.size).toBe(0);
  });
});

describe('Pinterest: image problems are caught before the pin is created', () => {
  it('names a missing image (404)', async () => {
    const { fake, publisher } = await setup();
    const error = await failureOf(publisher.publish({ publicationId: 2, text: TEXT, mediaUrl: `${fake.url}/images/gone.png` }));
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/not found \(HTTP 404\)/);
    expect(fake.server.requestsTo('POST', '/v5/pins')).toHaveLength(0);
  });

  it('names a link that is a web page, not an image', async () => {
    const { fake, publisher } = await setup();
    const page = serveFile(fake.server, '/images/page.png', Buffer.from('<!doctype html><html><body>hi</body></html>'), 'text/html');
    const error = await failureOf(publisher.publish({ publicationId: 3, text: TEXT, mediaUrl: page }));
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/is not an image \(it is text\/html\)/);
    expect(fake.server.requestsTo('POST', '/v5/pins')).toHaveLength(0);
  });

  it('names an image larger than Pinterest takes', async () => {
    const { fake, publisher } = await setup();
    const big = serveFile(fake.server, '/images/huge.jpg', Buffer.concat([jpeg(10, 10), Buffer.alloc(21 * 1024 * 1024)]), 'image/jpeg');
    const error = await failureOf(publisher.publish({ publicationId: 4, text: TEXT, mediaUrl: big }));
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/Pinterest accepts at most 20 MB/);
    expect(fake.server.requestsTo('POST', '/v5/pins')).toHaveLength(0);
  });
});

describe('Pinterest: failures are classified', () => {
  it('429 on create is retryable with the wait from Retry-After, and is not retried inside the publisher', async () => {
    const { fake, publisher, image, waits } = await setup();
    fake.failCreate(429, 'You have exceeded your rate limit. Try again later.', { 'retry-after': '42' });
    const error = await failureOf(publisher.publish({ publicationId: 5, text: TEXT, mediaUrl: image }));
    expect(error.kind).toBe('retryable');
    expect(error.retryAfterMs).toBe(42_000);
    expect(error.message).toMatch(/try again in 42 seconds/);
    expect(fake.server.requestsTo('POST', '/v5/pins')).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('429 with an x-ratelimit-reset in seconds is read as the wait', async () => {
    const { fake, publisher, image } = await setup();
    fake.failCreate(429, 'Rate limited', { 'x-ratelimit-limit': '10', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '30' });
    const error = await failureOf(publisher.publish({ publicationId: 5, text: TEXT, mediaUrl: image }));
    expect(error.kind).toBe('retryable');
    expect(error.retryAfterMs).toBe(30_000);
  });

  it('5xx is retryable', async () => {
    const { fake, publisher, image } = await setup();
    fake.failCreate(503, 'Service unavailable');
    const error = await failureOf(publisher.publish({ publicationId: 6, text: TEXT, mediaUrl: image }));
    expect(error.kind).toBe('retryable');
    expect(error.status).toBe(503);
    expect(fake.server.requestsTo('POST', '/v5/pins')).toHaveLength(1);
  });

  it('a bad token is permanent and names PINTEREST_ACCESS_TOKEN', async () => {
    const clock = new ManualClock(START);
    fake = await startPinterestFake({ accessToken: 'the-real-token', boards: [BOARD], now: () => clock.now() });
    const image = serveFile(fake.server, '/i.png', png(2, 2), 'image/png');
    const publisher = createPinterestPublisher(
      { accessToken: TOKEN, boardId: BOARD, apiUrl: fake.url },
      { logger: createMemoryLogger(), clock, media: LOCAL_FAKE_MEDIA },
    );
    const error = await failureOf(publisher.publish({ publicationId: 9, text: TEXT, mediaUrl: image }));
    expect(error.kind).toBe('permanent');
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/check PINTEREST_ACCESS_TOKEN/);
    expect(error.message).toMatch(/Authentication failed/);
  });

  it('an unknown board is permanent and names PINTEREST_BOARD_ID', async () => {
    const clock = new ManualClock(START);
    fake = await startPinterestFake({ accessToken: TOKEN, boards: ['1'], now: () => clock.now() });
    const image = serveFile(fake.server, '/i.png', png(2, 2), 'image/png');
    const publisher = createPinterestPublisher(
      { accessToken: TOKEN, boardId: BOARD, apiUrl: fake.url },
      { logger: createMemoryLogger(), clock, media: LOCAL_FAKE_MEDIA },
    );
    const error = await failureOf(publisher.publish({ publicationId: 9, text: TEXT, mediaUrl: image }));
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(new RegExp(`could not find board ${BOARD}: check PINTEREST_BOARD_ID`));
  });

  it("a refused pin is permanent in Pinterest's own words", async () => {
    const { fake, publisher, image } = await setup();
    fake.failCreate(400, 'Your pin was flagged as spam.');
    const error = await failureOf(publisher.publish({ publicationId: 10, text: TEXT, mediaUrl: image }));
    expect(error.kind).toBe('permanent');
    expect(error.message).toBe('Pinterest refused this pin: "Your pin was flagged as spam.".');
  });

  it('a connection dropped after the request was sent is an unknown outcome', async () => {
    const { fake, publisher, image } = await setup();
    fake.server.failNext({ method: 'POST', path: '/v5/pins' }, { kind: 'drop' });
    const error = await failureOf(publisher.publish({ publicationId: 11, text: TEXT, mediaUrl: image }));
    expect(error.kind).toBe('unknown');
    expect(error.message).toMatch(/check the account before retrying/);
    expect(fake.server.requestsTo('POST', '/v5/pins')).toHaveLength(1);
  });

  it('no answer within the timeout is an unknown outcome', async () => {
    const { fake, publisher, image } = await setup({ timeoutMs: 150 });
    fake.server.failNext({ method: 'POST', path: '/v5/pins' }, { kind: 'hang' });
    const error = await failureOf(publisher.publish({ publicationId: 12, text: TEXT, mediaUrl: image }));
    expect(error.kind).toBe('unknown');
    expect(error.message).toMatch(/did not answer within 1 second/);
  });

  it('a malformed board id fails at start-up naming PINTEREST_BOARD_ID', () => {
    expect(() =>
      createPinterestPublisher(
        { accessToken: TOKEN, boardId: 'my-board', apiUrl: 'https://api.pinterest.com' },
        { logger: createMemoryLogger() },
      ),
    ).toThrow(UserFacingError);
    expect(() =>
      createPinterestPublisher(
        { accessToken: TOKEN, boardId: 'my-board', apiUrl: 'https://api.pinterest.com' },
        { logger: createMemoryLogger() },
      ),
    ).toThrow(/PINTEREST_BOARD_ID/);
  });
});

describe('Pinterest: figures', () => {
  it('reads each pin’s analytics and normalises them, leaving out pins Pinterest no longer knows', async () => {
    const { fake, publisher, image, clock } = await setup();
    const a = await publisher.publish({ publicationId: 1, text: TEXT, mediaUrl: image });
    const b = await publisher.publish({ publicationId: 2, text: 'Second pin', mediaUrl: image });
    fake.setFigures(a.externalId, {
      IMPRESSION: 1200,
      SAVE: 14,
      PIN_CLICK: 30,
      OUTBOUND_CLICK: 12,
      TOTAL_COMMENTS: 3,
      TOTAL_REACTIONS: 25,
    });
    fake.setFigures(b.externalId, { IMPRESSION: 90, SAVE: 1 }, { lifetime: true });
    clock.advance(24 * 3600_000);

    const figures = await publisher.fetchMetrics([
      { externalId: a.externalId, url: a.url, publishedAt: new Date('2026-03-02T09:00:00Z') },
      { externalId: b.externalId, url: b.url, publishedAt: new Date('2025-10-01T09:00:00Z') },
      { externalId: '999', url: null, publishedAt: new Date('2026-03-01T09:00:00Z') },
    ]);

    expect(figures.get(a.externalId)).toEqual({ likes: 25, comments: 3, shares: null, impressions: 1200, clicks: 42, saves: 14 });
    // Pinterest gave no reactions, comments or clicks for b: null, never a guessed zero.
    expect(figures.get(b.externalId)).toEqual({ likes: null, comments: null, shares: null, impressions: 90, clicks: null, saves: 1 });
    expect(figures.has('999')).toBe(false);

    const reads = fake.server.requestsTo('GET', /^\/v5\/pins\/\d+\/analytics$/);
    expect(reads).toHaveLength(3);
    expect(reads[0]!.query.get('start_date')).toBe('2026-03-02');
    expect(reads[0]!.query.get('end_date')).toBe('2026-03-03');
    expect(reads[0]!.query.get('metric_types')).toBe('IMPRESSION,SAVE,PIN_CLICK,OUTBOUND_CLICK,TOTAL_COMMENTS,TOTAL_REACTIONS');
    // An old pin asks for the last 90 days, the most Pinterest allows.
    expect(reads[1]!.query.get('start_date')).toBe('2025-12-04');
    expect(reads[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('waits as long as a 429 asks before retrying a read', async () => {
    const { fake, publisher, image, waits } = await setup();
    const a = await publisher.publish({ publicationId: 1, text: TEXT, mediaUrl: image });
    fake.setFigures(a.externalId, { IMPRESSION: 5 });
    fake.server.failNext(
      { method: 'GET', path: /\/analytics$/ },
      { kind: 'status', status: 429, headers: { 'retry-after': '7' }, json: { code: 8, message: 'Too many requests' } },
    );

    const figures = await publisher.fetchMetrics([{ externalId: a.externalId, url: a.url, publishedAt: new Date(START) }]);
    expect(figures.get(a.externalId)?.impressions).toBe(5);
    expect(waits[0]).toBe(7000);
    expect(fake.server.requestsTo('GET', /\/analytics$/)).toHaveLength(2);
  });

  it('a token problem while reading figures is thrown, not hidden', async () => {
    const { fake, publisher } = await setup();
    fake.server.failNext(
      { method: 'GET', path: /\/analytics$/ },
      { kind: 'status', status: 401, json: { code: 2, message: 'Authentication failed.' } },
    );
    const error = await failureOf(publisher.fetchMetrics([{ externalId: '1', url: null, publishedAt: new Date(START) }]));
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/PINTEREST_ACCESS_TOKEN/);
  });
});

describe('Pinterest: secrets', () => {
  it('never shows the token in errors or logs, even when Pinterest echoes it', async () => {
    const { fake, publisher, image, logger } = await setup();
    fake.failCreate(401, `Authentication failed for token ${TOKEN}`);
    const error = await failureOf(publisher.publish({ publicationId: 13, text: TEXT, mediaUrl: image }));
    expect(error.message).toContain('[redacted]');
    expect(error.message).not.toContain(TOKEN);
    expect(String((error.cause as Error | undefined)?.message)).not.toContain(TOKEN);
    expect(logger.lines.length).toBeGreaterThan(0);
    expect(logger.lines.join('\n')).not.toContain(TOKEN);
    expect(logger.lines.some((l) => l.includes('Pinterest answered HTTP 401'))).toBe(true);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { UserFacingError } from '../../src/domain/errors.js';
import { createMemoryLogger } from '../../src/observability/logger.js';
import { clearRegisteredSecrets } from '../../src/observability/redact.js';
import type { Sleep } from '../../src/platforms/http/backoff.js';
import { LINKEDIN_API_VERSION } from '../../src/platforms/linkedin/api-version.js';
import { untilNextUtcMidnight } from '../../src/platforms/linkedin/errors.js';
import { escapeLittleText, toLittleText } from '../../src/platforms/linkedin/little-text.js';
import { createLinkedInPublisher } from '../../src/platforms/linkedin/publisher.js';
import type { MetricsTarget } from '../../src/platforms/publisher.js';
import { renderLittleText } from '../fakes/linkedin/little-text.js';
import {
  linkedinDailyLimitFault,
  linkedinError,
  startLinkedInFake,
  type LinkedInFake,
  type LinkedInFakeOptions,
} from '../fakes/linkedin/server.js';
import { serveFile } from '../fakes/network/server.js';
import { gif, jpeg, png, webpLossy } from '../support/image-fixtures.js';
import { LOCAL_FAKE_MEDIA } from '../support/local-media.js';
import { failureOf } from '../support/publish-failure.js';
import { publishImages, sha256 } from '../support/publish-images.js';

const START = '2026-03-02T09:00:00.000Z';
const MiB = 1024 * 1024;
const ORG = 'urn:li:organization:2414183';

let fake: LinkedInFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  clearRegisteredSecrets();
});

async function setup(options: { fake?: LinkedInFakeOptions; timeoutMs?: number; random?: number; token?: string } = {}) {
  fake = await startLinkedInFake(options.fake);
  const clock = new ManualClock(START);
  const waits: number[] = [];
  const sleep: Sleep = async (ms) => {
    waits.push(ms);
    clock.advance(ms);
  };
  const logger = createMemoryLogger();
  const publisher = createLinkedInPublisher(
    { accessToken: options.token ?? fake.token, authorUrn: fake.authorUrn, apiUrl: fake.url },
    { logger, clock, sleep, random: () => options.random ?? 0, timeoutMs: options.timeoutMs ?? 2000, media: LOCAL_FAKE_MEDIA },
  );
  return { fake, clock, waits, logger, publisher };
}

const target = (externalId: string): MetricsTarget => ({ externalId, url: null, publishedAt: new Date(START) });

/** A real PNG whose header claims other dimensions (only the header is read for the pixel check). */
function pngClaiming(width: number, height: number): Buffer {
  const bytes = Buffer.from(png(1, 1));
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  return bytes;
}

describe('LinkedIn little text', () => {
  it('escapes every reserved character, each once', () => {
    expect(escapeLittleText('\\ | { } @ [ ] ( ) < > # * _ ~')).toBe('\\\\ \\| \\{ \\} \\@ \\[ \\] \\( \\) \\< \\> \\# \\* \\_ \\~');
    expect(escapeLittleText('plain words, commas; and "quotes"!')).toBe('plain words, commas; and "quotes"!');
  });

  it('keeps hashtags live with the hashtag template', () => {
    expect(toLittleText('Spring sale #Retail #SpringSale2026 starts (Monday)')).toBe(
      'Spring sale {hashtag|\\#|Retail} {hashtag|\\#|SpringSale2026} starts \\(Monday\\)',
    );
    expect(toLittleText('#café #日本')).toBe('{hashtag|\\#|café} {hashtag|\\#|日本}');
    expect(toLittleText('#my_tag')).toBe('{hashtag|\\#|my\\_tag}');
  });

  it('does not turn what only looks like a hashtag into one', () => {
    expect(toLittleText("We're #1 in C# and F#")).toBe("We're \\#1 in C\\# and F\\#");
    expect(toLittleText('See https://example.com/docs#pricing or /#/app')).toBe('See https://example.com/docs\\#pricing or /\\#/app');
    expect(toLittleText('&#39; ##double')).toBe('&\\#39; \\#\\#double');
  });

  it('can leave hashtags as plain text', () => {
    expect(toLittleText('#Retail', { hashtags: 'plain' })).toBe('\\#Retail');
  });

  it('shows every approved text exactly, where the raw text would be cut short', () => {
    const samples = [
      'Join us (online) at 10:00 <CET> — *free* for _everyone_ ~ almost!',
      'Email hello@example.com or ping @acme | [link](https://example.com) {braces} \\backslash\\',
      'Hashtags #Growth, #B2B and #日本 plus #1 and C#.',
      'Price: 10€ ~ 20€ | 50% off* (conditions apply)',
    ];
    for (const text of samples) {
      expect(renderLittleText(text).truncated).toBe(true);
      const rendered = renderLittleText(toLittleText(text));
      expect(rendered).toMatchObject({ text, truncated: false });
    }
    expect(renderLittleText(toLittleText('Hi #Growth and #B2B')).hashtags).toEqual(['Growth', 'B2B']);
  });
});

describe('LinkedIn: publishing', () => {
  it('publishes a text post with the documented body and headers', async () => {
    const { fake, publisher } = await setup();
    const text = 'Our spring sale starts Monday (9:00)! #SpringSale';
    const result = await publisher.publish({ publicationId: 1, text, mediaUrl: null });

    expect(fake.posts).toHaveLength(1);
    const post = fake.posts[0]!;
    expect(result).toEqual({ externalId: post.urn, url: `https://www.linkedin.com/feed/update/${post.urn}` });
    expect(post.urn).toMatch(/^urn:li:share:\d+$/);
    expect(post.rendered).toEqual({ text, truncated: false, hashtags: ['SpringSale'] });

    const [sent] = fake.requestsTo('POST', '/rest/posts');
    expect(sent!.headers.authorization).toBe(`Bearer ${fake.token}`);
    expect(sent!.headers['linkedin-version']).toBe(LINKEDIN_API_VERSION);
    expect(sent!.headers['x-restli-protocol-version']).toBe('2.0.0');
    expect(sent!.headers['content-type']).toBe('application/json');
    expect(sent!.json).toEqual({
      author: fake.authorUrn,
      commentary: 'Our spring sale starts Monday \\(9:00\\)! {hashtag|\\#|SpringSale}',
      visibility: 'PUBLIC',
      distribution: { feedDistribution: 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] },
      lifecycleState: 'PUBLISHED',
      isReshareDisabledByAuthor: false,
    });
  });

  it('uploads the image in two steps and attaches it to the post', async () => {
    const { fake, publisher } = await setup();
    const bytes = jpeg(1200, 627);
    const link = serveFile(fake.server, '/assets/launch.jpg', bytes, 'image/jpeg');

    const result = await publisher.publish({ publicationId: 2, text: 'With a picture', mediaUrl: link });

    const [init] = fake.requestsTo('POST', '/rest/images');
    expect(init!.query.get('action')).toBe('initializeUpload');
    expect(init!.headers['linkedin-version']).toBe(LINKEDIN_API_VERSION);
    expect(init!.headers['x-restli-protocol-version']).toBe('2.0.0');
    expect(init!.json).toEqual({ initializeUploadRequest: { owner: fake.authorUrn } });

    const [put] = fake.requestsTo('PUT', /^\/dms-uploads\//);
    expect(put!.headers.authorization).toBe(`Bearer ${fake.token}`);
    expect(put!.headers['content-type']).toBe('image/jpeg');
    // The upload host is not a Rest.li resource: no version headers go there.
    expect(put!.headers['linkedin-version']).toBeUndefined();
    expect(put!.headers['x-restli-protocol-version']).toBeUndefined();
    expect(put!.raw.equals(bytes)).toBe(true);

    const [image] = [...fake.images.values()];
    const [post] = fake.requestsTo('POST', '/rest/posts');
    expect((post!.json as { content: unknown }).content).toEqual({ media: { id: image!.urn } });
    expect(fake.posts[0]!.imageUrn).toBe(image!.urn);
    expect(result.externalId).toBe(fake.posts[0]!.urn);
  });

  it('an image upload that gets no answer is retryable, not unknown: nothing can have been posted yet', async () => {
    const { fake, publisher } = await setup({ timeoutMs: 100 });
    const link = serveFile(fake.server, '/a.png', png(64, 64), 'image/png');
    fake.failNext({ method: 'PUT', path: /^\/dms-uploads\// }, { kind: 'hang' });
    const error = await failureOf(publisher.publish({ publicationId: 30, text: 'x', mediaUrl: link }));
    expect(error.kind).toBe('retryable');
    expect(error.message).toContain('nothing was posted');
    expect(fake.requestsTo('POST', '/rest/posts')).toHaveLength(0);
  });

  it('refuses a company page post without page rights as a permission problem', async () => {
    const { fake, publisher } = await setup();
    fake.failNext(
      { method: 'POST', path: '/rest/posts' },
      {
        kind: 'status',
        status: 403,
        json: linkedinError(403, 'Not enough permissions to access: partnerApiPostsExternal.CREATE.20260901', { code: 'ACCESS_DENIED' }),
      },
    );
    const error = await failureOf(publisher.publish({ publicationId: 3, text: 'Hello', mediaUrl: null }));
    expect(error.kind).toBe('permanent');
    expect(error.message).toContain('LINKEDIN_ACCESS_TOKEN');
    expect(error.message).toContain('w_organization_social');
    expect(error.message).toContain('partnerApiPostsExternal.CREATE');
  });
});

describe('LinkedIn: uploaded images', () => {
  const three = () => [
    { bytes: png(64, 48), alt: 'A red banner saying SALE' },
    { bytes: jpeg(30, 40), alt: 'The shop front at night' },
    { bytes: png(10, 10), alt: null },
  ];
  const initializations = (f: LinkedInFake) => f.server.requestsTo('POST', '/rest/images');
  const puts = (f: LinkedInFake) => f.server.requestsTo('PUT', /^\/dms-uploads\//);

  it('uploads each approved image (initializeUpload, then PUT), in order, then one MultiImage post with their alt text', async () => {
    const { fake, publisher } = await setup();
    const { images, opens } = publishImages(three());
    let marked = 0;
    const result = await publisher.publish({
      publicationId: 60,
      text: 'Three pictures',
      mediaUrl: null,
      images,
      markSending: async () => {
        marked += 1;
        expect(puts(fake)).toHaveLength(3);
        expect(fake.server.requestsTo('POST', '/rest/posts')).toHaveLength(0);
      },
    });

    expect(initializations(fake).map((r) => r.json)).toEqual(
      Array.from({ length: 3 }, () => ({ initializeUploadRequest: { owner: fake.authorUrn } })),
    );
    expect(puts(fake).map((r) => sha256(r.raw))).toEqual(images.map((i) => i.sha256));
    expect(puts(fake).map((r) => r.headers['content-type'])).toEqual(['image/png', 'image/jpeg', 'image/png']);

    const sent = fake.server.requestsTo('POST', '/rest/posts');
    expect(sent).toHaveLength(1);
    const content = (sent[0]!.json as { content: { multiImage: { images: Array<{ id: string; altText?: string }> } } }).content;
    expect(content.multiImage.images.map((i) => i.altText)).toEqual(['A red banner saying SALE', 'The shop front at night', undefined]);
    const post = fake.posts.find((p) => p.urn === result.externalId)!;
    expect(post.images.map((i) => sha256(fake.images.get(i.urn)!.bytes!))).toEqual(images.map((i) => i.sha256));
    expect(post.images.map((i) => i.altText)).toEqual(['A red banner saying SALE', 'The shop front at night', undefined]);
    expect(fake.posts).toHaveLength(1);
    expect(marked).toBe(1);
    expect(opens).toEqual([1, 1, 1]);
  });

  it('one uploaded image goes out as content.media with its alt text', async () => {
    const { fake, publisher } = await setup();
    const { images } = publishImages([{ bytes: jpeg(30, 40), alt: 'The shop front at night' }]);
    await publisher.publish({ publicationId: 61, text: 'One picture', mediaUrl: null, images });
    const [sent] = fake.server.requestsTo('POST', '/rest/posts');
    const urn = [...fake.images.keys()][0];
    expect((sent!.json as { content: unknown }).content).toEqual({ media: { id: urn, altText: 'The shop front at night' } });
    expect(sha256(fake.images.get(urn!)!.bytes!)).toBe(images[0]!.sha256);
  });

  it('refuses 21 images, and a WebP, before uploading anything', async () => {
    const { fake, publisher } = await setup();
    const many = publishImages(Array.from({ length: 21 }, (_, i) => ({ bytes: png(4 + i, 4), alt: null })));
    const tooMany = await failureOf(publisher.publish({ publicationId: 62, text: 'Many', mediaUrl: null, images: many.images }));
    expect(tooMany.kind).toBe('permanent');
    expect(tooMany.message).toBe('LinkedIn takes at most 20 images in a post, and this post has 21; nothing was posted.');

    const webp = publishImages([
      { bytes: png(8, 8), alt: 'ok' },
      { bytes: webpLossy(8, 8), alt: 'webp' },
    ]);
    const refused = await failureOf(publisher.publish({ publicationId: 63, text: 'WebP', mediaUrl: null, images: webp.images }));
    expect(refused.kind).toBe('permanent');
    expect(refused.message).toMatch(/Image 2 is a WebP; LinkedIn does not take WebP images/);

    expect(initializations(fake)).toHaveLength(0);
    expect(fake.server.requestsTo('POST', '/rest/posts')).toHaveLength(0);
    expect(many.opens.every((n) => n === 0)).toBe(true);
  });

  it('a byte upload answered 503 is tried again with the same bytes, and the post goes out once', async () => {
    const { fake, publisher } = await setup();
    fake.server.failNext({ method: 'PUT', path: /^\/dms-uploads\// }, { kind: 'status', status: 503, text: 'Service Unavailable' });
    const { images } = publishImages(three().slice(0, 2));
    const result = await publisher.publish({ publicationId: 64, text: 'Retry the bytes', mediaUrl: null, images });
    expect(puts(fake).map((r) => sha256(r.raw))).toEqual([images[0]!.sha256, images[0]!.sha256, images[1]!.sha256]);
    expect(fake.posts).toHaveLength(1);
    expect(fake.posts.find((p) => p.urn === result.externalId)!.images).toHaveLength(2);
  });
});

describe('LinkedIn: metrics', () => {
  it('reads likes and comments in batches for a member, with nothing invented for the rest', async () => {
    const { fake, publisher } = await setup();
    const first = fake.addPost('one', { likes: 12, comments: 3, shares: 4, impressions: 900 });
    const second = fake.addPost('two', { likes: 1 }, 'ugcPost');
    const gone = fake.addPost('three');
    fake.deletePost(gone.urn);
    const others = Array.from({ length: 25 }, (_, i) => fake.addPost(`filler ${i}`));

    const metrics = await publisher.fetchMetrics([first, second, gone, ...others].map((p) => target(p.urn)).concat(target('12345')));

    expect(metrics.get(first.urn)).toEqual({ likes: 12, comments: 3, shares: null, impressions: null, clicks: null, saves: null });
    expect(metrics.get(second.urn)).toEqual({ likes: 1, comments: 0, shares: null, impressions: null, clicks: null, saves: null });
    expect(metrics.has(gone.urn)).toBe(false);
    expect(metrics.size).toBe(27);

    const calls = fake.requestsTo('GET', '/rest/socialActions');
    expect(calls).toHaveLength(2);
    expect(calls[0]!.query.get('ids')).toBe(`List(${[first, second, gone, ...others.slice(0, 17)].map((p) => p.urn).join(',')})`);
    expect(calls[0]!.headers['linkedin-version']).toBe(LINKEDIN_API_VERSION);
    expect(calls[0]!.headers['x-restli-protocol-version']).toBe('2.0.0');
    expect(fake.requestsTo('GET', '/rest/organizationalEntityShareStatistics')).toHaveLength(0);
  });

  it('reads results keyed by plain URNs as well as percent-encoded ones', async () => {
    const { fake, publisher } = await setup({ fake: { resultKeys: 'plain' } });
    const post = fake.addPost('one', { likes: 5, comments: 1 });
    const metrics = await publisher.fetchMetrics([target(post.urn)]);
    expect(metrics.get(post.urn)?.likes).toBe(5);
  });

  it('adds reposts, impressions and clicks from the page statistics for a company page', async () => {
    const { fake, publisher } = await setup({ fake: { authorUrn: ORG } });
    const share = fake.addPost('page post', { likes: 20, comments: 4, shares: 6, impressions: 1500, clicks: 33 });
    const ugc = fake.addPost('older post', { likes: 2, comments: 0, shares: 1, impressions: 80, clicks: 3 }, 'ugcPost');

    const metrics = await publisher.fetchMetrics([target(share.urn), target(ugc.urn)]);

    expect(metrics.get(share.urn)).toEqual({ likes: 20, comments: 4, shares: 6, impressions: 1500, clicks: 33, saves: null });
    expect(metrics.get(ugc.urn)).toEqual({ likes: 2, comments: 0, shares: 1, impressions: 80, clicks: 3, saves: null });
    const [stats] = fake.requestsTo('GET', '/rest/organizationalEntityShareStatistics');
    expect(stats!.query.get('q')).toBe('organizationalEntity');
    expect(stats!.query.get('organizationalEntity')).toBe(ORG);
    expect(stats!.query.get('shares')).toBe(`List(${share.urn})`);
    expect(stats!.query.get('ugcPosts')).toBe(`List(${ugc.urn})`);
  });

  it('leaves page statistics empty, once, when the token may not read them', async () => {
    const { fake, publisher, logger } = await setup({ fake: { authorUrn: ORG, shareStatistics: 'denied' } });
    const post = fake.addPost('page post', { likes: 9, comments: 2, shares: 6, impressions: 1500 });

    const first = await publisher.fetchMetrics([target(post.urn)]);
    expect(first.get(post.urn)).toEqual({ likes: 9, comments: 2, shares: null, impressions: null, clicks: null, saves: null });
    expect(logger.lines.some((l) => l.includes('rw_organization_admin'))).toBe(true);

    await publisher.fetchMetrics([target(post.urn)]);
    expect(fake.requestsTo('GET', '/rest/organizationalEntityShareStatistics')).toHaveLength(1);
    expect(fake.requestsTo('GET', '/rest/socialActions')).toHaveLength(2);
  });

  it('honours a Retry-After on a throttled read before retrying it', async () => {
    const { fake, publisher, waits } = await setup();
    const post = fake.addPost('one', { likes: 3 });
    fake.failNext(
      { method: 'GET', path: '/rest/socialActions' },
      { kind: 'status', status: 429, headers: { 'retry-after': '5' }, json: linkedinError(429, 'Too many requests') },
    );
    const metrics = await publisher.fetchMetrics([target(post.urn)]);
    expect(metrics.get(post.urn)?.likes).toBe(3);
    expect(waits).toEqual([5000]);
  });

  it('does not sit waiting out a daily limit on a read: it reports the wait until midnight UTC', async () => {
    const { fake, publisher, waits } = await setup();
    const post = fake.addPost('one');
    fake.failNext({ method: 'GET', path: '/rest/socialActions' }, linkedinDailyLimitFault());
    const error = await failureOf(publisher.fetchMetrics([target(post.urn)]));
    expect(error.kind).toBe('retryable');
    expect(error.retryAfterMs).toBe(15 * 3600 * 1000);
    expect(waits).toEqual([]);
    expect(fake.requestsTo('GET', '/rest/socialActions')).toHaveLength(1);
  });

  it('retries a read after a 5xx', async () => {
    const { fake, publisher, waits } = await setup({ random: 1 });
    const post = fake.addPost('one', { comments: 4 });
    fake.failNext(
      { method: 'GET', path: '/rest/socialActions' },
      { kind: 'status', status: 500, json: linkedinError(500, 'Internal Server Error') },
    );
    const metrics = await publisher.fetchMetrics([target(post.urn)]);
    expect(metrics.get(post.urn)?.comments).toBe(4);
    expect(waits).toEqual([500]);
  });
});

describe('LinkedIn: failures', () => {
  it('the daily limit on the post is retryable until the next midnight UTC, and is not retried here', async () => {
    const { fake, publisher, clock } = await setup();
    fake.failNext({ method: 'POST', path: '/rest/posts' }, linkedinDailyLimitFault());
    const error = await failureOf(publisher.publish({ publicationId: 4, text: 'Busy day', mediaUrl: null }));
    expect(error.kind).toBe('retryable');
    expect(error.status).toBe(429);
    expect(error.retryAfterMs).toBe(untilNextUtcMidnight(clock.now()));
    expect(error.retryAfterMs).toBe(15 * 3600 * 1000);
    expect(error.message).toContain('midnight UTC');
    expect(fake.requestsTo('POST', '/rest/posts')).toHaveLength(1);
  });

  it('counts to midnight UTC from any time of day', () => {
    expect(untilNextUtcMidnight(new Date('2026-03-02T23:59:30Z'))).toBe(30_000);
    expect(untilNextUtcMidnight(new Date('2026-12-31T00:00:00Z'))).toBe(24 * 3600 * 1000);
  });

  it('a 5xx on the post is retryable and not retried inside the publisher', async () => {
    const { fake, publisher } = await setup();
    fake.failNext(
      { method: 'POST', path: '/rest/posts' },
      { kind: 'status', status: 503, json: linkedinError(503, 'Service Unavailable') },
    );
    const error = await failureOf(publisher.publish({ publicationId: 5, text: 'Hello', mediaUrl: null }));
    expect(error.kind).toBe('retryable');
    expect(fake.requestsTo('POST', '/rest/posts')).toHaveLength(1);
    expect(fake.posts).toHaveLength(0);
  });

  it('a duplicate is permanent and links the earlier post', async () => {
    const { fake, publisher } = await setup();
    const first = await publisher.publish({ publicationId: 6, text: 'Same words', mediaUrl: null });
    const error = await failureOf(publisher.publish({ publicationId: 7, text: 'Same words', mediaUrl: null }));
    expect(error.kind).toBe('permanent');
    expect(error.status).toBe(422);
    expect(error.message).toContain('LinkedIn refused this post as duplicate content');
    expect(error.message).toContain(first.url);
    expect(fake.posts).toHaveLength(1);
  });

  it('a rejected token is permanent and names LINKEDIN_ACCESS_TOKEN', async () => {
    const { fake, publisher } = await setup({ token: 'AQVsome-other-token-000000' });
    const error = await failureOf(publisher.publish({ publicationId: 8, text: 'Hello', mediaUrl: null }));
    expect(error.kind).toBe('permanent');
    expect(error.status).toBe(401);
    expect(error.message).toContain('LINKEDIN_ACCESS_TOKEN');
    expect(error.message).toContain('Invalid access token');
    expect(fake.posts).toHaveLength(0);
  });

  it('an API version LinkedIn no longer serves is permanent and says to update Greenlight', async () => {
    const { fake, publisher } = await setup({ fake: { oldestVersion: '202701', newestVersion: '202712' } });
    const error = await failureOf(publisher.publish({ publicationId: 9, text: 'Hello', mediaUrl: null }));
    expect(error.kind).toBe('permanent');
    expect(error.status).toBe(426);
    expect(error.message).toContain(LINKEDIN_API_VERSION);
    expect(error.message).toContain('update Greenlight');
    expect(fake.posts).toHaveLength(0);
  });

  it('a connection dropped after the post was sent is an unknown outcome', async () => {
    const { fake, publisher } = await setup();
    fake.failNext({ method: 'POST', path: '/rest/posts' }, { kind: 'drop' });
    const error = await failureOf(publisher.publish({ publicationId: 10, text: 'Hello', mediaUrl: null }));
    expect(error.kind).toBe('unknown');
    expect(fake.requestsTo('POST', '/rest/posts')).toHaveLength(1);
  });

  it('no answer within the timeout is an unknown outcome', async () => {
    const { fake, publisher } = await setup({ timeoutMs: 150 });
    fake.failNext({ method: 'POST', path: '/rest/posts' }, { kind: 'hang' });
    const started = Date.now();
    const error = await failureOf(publisher.publish({ publicationId: 11, text: 'Hello', mediaUrl: null }));
    expect(error.kind).toBe('unknown');
    expect(error.message).toContain('check the account before retrying');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('an accepted post without its id in x-restli-id is an unknown outcome', async () => {
    const { fake, publisher } = await setup();
    fake.failNext({ method: 'POST', path: '/rest/posts' }, { kind: 'status', status: 201 });
    const error = await failureOf(publisher.publish({ publicationId: 12, text: 'Hello', mediaUrl: null }));
    expect(error.kind).toBe('unknown');
    expect(error.message).toContain('did not say its id');
  });
});

describe('LinkedIn: image problems', () => {
  it.each([
    ['missing', (f: LinkedInFake) => `${f.url}/assets/gone.png`, 'was not found (HTTP 404)'],
    ['not an image', (f: LinkedInFake) => serveFile(f.server, '/page.jpg', Buffer.from('<html>no</html>'), 'text/html'), 'is not an image'],
    [
      'too large',
      (f: LinkedInFake) => serveFile(f.server, '/huge.png', Buffer.concat([png(4, 4), Buffer.alloc(10 * MiB)]), 'image/png'),
      'LinkedIn accepts at most 10 MB',
    ],
    [
      'a WebP',
      (f: LinkedInFake) => serveFile(f.server, '/photo.webp', webpLossy(10, 10), 'image/webp'),
      'is a WebP; LinkedIn accepts JPEG, PNG or GIF',
    ],
    ['too many pixels', (f: LinkedInFake) => serveFile(f.server, '/poster.png', pngClaiming(7000, 6000), 'image/png'), '7000×6000 pixels'],
  ])('%s: permanent, and nothing is uploaded or posted', async (_name, link, words) => {
    const { fake, publisher } = await setup();
    const error = await failureOf(publisher.publish({ publicationId: 13, text: 'With a picture', mediaUrl: link(fake) }));
    expect(error.kind).toBe('permanent');
    expect(error.message).toContain(words);
    expect(fake.requestsTo('POST', '/rest/images')).toHaveLength(0);
    expect(fake.requestsTo('POST', '/rest/posts')).toHaveLength(0);
  });

  it('a GIF is accepted', async () => {
    const { fake, publisher } = await setup();
    const link = serveFile(fake.server, '/hello.gif', gif(8, 8), 'image/gif');
    await publisher.publish({ publicationId: 14, text: 'Animated', mediaUrl: link });
    expect([...fake.images.values()][0]!.contentType).toBe('image/gif');
  });
});

describe('LinkedIn: secrets and start-up checks', () => {
  it('keeps the token out of every error and log line, even when LinkedIn echoes it', async () => {
    const { fake, publisher, logger } = await setup();
    fake.failNext(
      { method: 'POST', path: '/rest/posts' },
      { kind: 'status', status: 400, json: linkedinError(400, `Malformed token ${fake.token} in request`) },
    );
    const error = await failureOf(publisher.publish({ publicationId: 15, text: 'Hello', mediaUrl: null }));
    expect(error.message).toContain('[redacted]');
    expect(error.message).not.toContain(fake.token);
    expect(String((error.cause as Error).message)).not.toContain(fake.token);
    expect(logger.lines.some((l) => l.includes('HTTP 400'))).toBe(true);
    for (const line of logger.lines) expect(line).not.toContain(fake.token);
  });

  it('refuses a malformed author URN at start-up, naming LINKEDIN_AUTHOR_URN', () => {
    const make = () =>
      createLinkedInPublisher(
        { accessToken: 'AQVtoken-0123456789', authorUrn: 'https://www.linkedin.com/company/acme', apiUrl: 'https://api.linkedin.com' },
        { logger: createMemoryLogger() },
      );
    expect(make).toThrow(UserFacingError);
    expect(make).toThrow(/LINKEDIN_AUTHOR_URN/);
  });
});

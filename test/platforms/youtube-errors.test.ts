/**
 * YouTube's refusals in words a marketer understands, with the right kind: the day's quota
 * (wait until midnight Pacific), the channel's upload limit, the author's fields, and
 * Greenlight's authorisation (naming the variable to fix), never showing a secret.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clearRegisteredSecrets } from '../../src/observability/redact.js';
import { nextQuotaReset, YOUTUBE_DAILY_QUOTA_DEFAULT, YOUTUBE_QUOTA_COSTS } from '../../src/platforms/youtube/quota.js';
import { MiB, START, startHarness, youtubeRequest, type Harness } from '../fakes/youtube/harness.js';
import { publishVideo, writeTestVideo, type TestVideo, type WrittenVideo } from '../fakes/youtube/publish-video.js';
import { failureOf } from '../support/publish-failure.js';
import { tempDir } from '../support/temp-db.js';

const tmp = tempDir('greenlight-youtube-errors-');
let written: WrittenVideo;
let video: TestVideo;
let h: Harness | undefined;

beforeAll(async () => {
  written = await writeTestVideo(tmp.dir, 'small.mp4', MiB / 2);
});
beforeEach(async () => {
  video = await publishVideo(written);
});
afterAll(() => tmp.cleanup());
afterEach(async () => {
  await h?.fake.close();
  h = undefined;
  clearRegisteredSecrets();
});

async function setup(options: Parameters<typeof startHarness>[0] = {}) {
  h = await startHarness(options);
  return h;
}

const secretsOf = (fake: Harness['fake']) => [fake.clientSecret, fake.refreshToken, ...fake.accessTokens];
function expectNoSecret(text: string, fake: Harness['fake']) {
  for (const secret of secretsOf(fake)) expect(text).not.toContain(secret);
}
/** The message and every message down its cause chain. */
function everything(error: unknown): string {
  const parts: string[] = [];
  for (let e = error as { message?: unknown; cause?: unknown } | undefined, n = 0; e && n < 10; e = e.cause as typeof e, n++)
    parts.push(String(e.message));
  return parts.join('\n');
}

describe("YouTube's quota", () => {
  it('is costed as data: an upload is 1,600 of the default 10,000 units a day', () => {
    expect(YOUTUBE_QUOTA_COSTS).toEqual({
      'videos.insert': 1600,
      'videos.list': 1,
      'videos.update': 50,
      'videos.delete': 50,
      'thumbnails.set': 50,
    });
    expect(YOUTUBE_DAILY_QUOTA_DEFAULT).toBe(10_000);
    // START is 01:00 in Los Angeles (PST): the next reset is midnight there, 08:00 UTC the next day.
    expect(nextQuotaReset(new Date(START)).toISOString()).toBe('2026-03-03T08:00:00.000Z');
    // Across the change to summer time (8 March 2026), midnight is 07:00 UTC.
    expect(nextQuotaReset(new Date('2026-03-10T12:00:00Z')).toISOString()).toBe('2026-03-11T07:00:00.000Z');
  });

  it("used up by the day's uploads (six fit in the default quota): the seventh waits until midnight Pacific, saying why, with nothing uploaded", async () => {
    const { fake, publisher, clock } = await setup();
    for (let i = 1; i <= 6; i++) await publisher.publish(youtubeRequest(fake, video, { publicationId: i }).req);
    expect(fake.videos.size).toBe(6);

    const error = await failureOf(publisher.publish(youtubeRequest(fake, video, { publicationId: 7 }).req));
    expect(error.kind).toBe('retryable');
    expect(error.status).toBe(403);
    expect(error.message).toBe(
      "The day's YouTube quota for Greenlight's Google Cloud project is used up (an upload costs 1,600 of the default 10,000 units a day); Greenlight will try again after it resets at midnight Pacific time. Nothing was uploaded.",
    );
    expect(clock.now().getTime() + error.retryAfterMs!).toBeGreaterThanOrEqual(nextQuotaReset(clock.now()).getTime());
    expect(error.retryAfterMs!).toBeLessThan(24 * 60 * 60_000);
    expect(fake.sessions.size).toBe(6);
    expect(fake.videos.size).toBe(6);

    fake.resetQuota(); // midnight in Los Angeles
    await publisher.publish(youtubeRequest(fake, video, { publicationId: 7 }).req);
    expect(fake.videos.size).toBe(7);
  });

  it("the channel's own upload limit: retryable after a day, in YouTube's words", async () => {
    const { fake, publisher } = await setup();
    fake.refuseNextUpload('uploadLimitExceeded');
    const error = await failureOf(publisher.publish(youtubeRequest(fake, video).req));
    expect(error.kind).toBe('retryable');
    expect(error.retryAfterMs).toBe(24 * 60 * 60_000);
    expect(error.message).toMatch(/uploaded as many videos as it may for now/);
    expect(error.message).toMatch(/The user has exceeded the number of videos they may upload/);
    expect(fake.uploadRequests).toHaveLength(0);
  });
});

describe("YouTube's refusals of the video's details", () => {
  it('a title YouTube refuses is permanent, in plain words', async () => {
    const { fake, publisher } = await setup();
    fake.refuseNextUpload('invalidTitle');
    const error = await failureOf(publisher.publish(youtubeRequest(fake, video).req));
    expect(error.kind).toBe('permanent');
    expect(error.message).toBe(
      'YouTube refused the video\'s title (1 to 100 characters, without < or >). (YouTube said: "The request specifies an invalid or empty video title.")',
    );
  });

  it('a description YouTube refuses is permanent, in plain words', async () => {
    const { fake, publisher } = await setup();
    fake.refuseNextUpload('invalidDescription');
    const error = await failureOf(publisher.publish(youtubeRequest(fake, video).req));
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/^YouTube refused the video's description \(at most 5,000 bytes, without < or >\)/);
  });

  it('a 503 when starting the upload is retried with backoff on the injected sleep', async () => {
    const { fake, publisher, waits } = await setup();
    fake.server.failNext(
      { method: 'POST', path: '/upload/youtube/v3/videos' },
      {
        kind: 'status',
        status: 503,
        json: { error: { code: 503, message: 'Backend Error', errors: [{ reason: 'backendError', domain: 'global' }] } },
      },
    );
    await publisher.publish(youtubeRequest(fake, video).req);
    expect(fake.server.requestsTo('POST', '/upload/youtube/v3/videos')).toHaveLength(2);
    expect(waits.length).toBeGreaterThan(0);
    expect(fake.videos.size).toBe(1);
  });
});

describe("Greenlight's authorisation on YouTube", () => {
  it('a refresh token Google no longer accepts: permanent, naming YOUTUBE_REFRESH_TOKEN, stopping start-up, with no secret anywhere', async () => {
    const { fake, publisher, logger } = await setup({ refreshToken: '1//0revoked-refresh-token-abcdef123456' });
    const error = await failureOf(publisher.publish(youtubeRequest(fake, video).req));
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(
      /^Google no longer accepts Greenlight's YouTube refresh token \(invalid_grant\): authorise Greenlight for the channel again and set YOUTUBE_REFRESH_TOKEN/,
    );
    expect(fake.sessions.size).toBe(0);
    const startUp = await publisher.init!().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((startUp as Error).message).toBe(error.message);
    for (const text of [everything(error), everything(startUp), logger.lines.join('\n')]) {
      expectNoSecret(text, fake);
      expect(text).not.toContain('1//0revoked-refresh-token-abcdef123456');
    }
  });

  it('a wrong client secret: permanent, naming YOUTUBE_CLIENT_ID and YOUTUBE_CLIENT_SECRET, the secret shown nowhere', async () => {
    const wrong = '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789';
    const { fake, publisher, logger } = await setup({ clientSecret: wrong });
    const error = await failureOf(publisher.publish(youtubeRequest(fake, video).req));
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/invalid_client\): check YOUTUBE_CLIENT_ID and YOUTUBE_CLIENT_SECRET/);
    for (const text of [everything(error), logger.lines.join('\n')]) {
      expect(text).not.toContain(wrong);
      expectNoSecret(text, fake);
    }
  });

  it('an access token YouTube stops accepting mid-upload is replaced once, and the upload carries on', async () => {
    const { fake, publisher } = await setup({ chunkBytes: 256 * 1024 });
    const { req } = youtubeRequest(fake, video, {
      onProgress: (p) => {
        // After the first part, every access token issued so far stops working.
        if (p.stage === 'uploading' && p.bytesSent === 256 * 1024 && fake.accessTokens.length === 1) fake.revokeAccessTokens();
      },
    });
    const result = await publisher.publish(req);
    expect(fake.accessTokens).toHaveLength(2);
    expect(fake.uploadRequests.filter((r) => r.outcome === 401)).toHaveLength(1);
    expect(fake.videos.get(result.externalId)!.sha256).toBe(written.sha256);
  });

  it("and so is one refused on a call of Google's client (withdraw after a revocation)", async () => {
    const { fake, publisher, clock } = await setup();
    const { externalId } = await publisher.publish(
      youtubeRequest(fake, video, { publishAt: new Date(clock.now().getTime() + 24 * 60 * 60_000) }).req,
    );
    fake.revokeAccessTokens();
    await publisher.withdraw!(externalId);
    expect(fake.videos.get(externalId)!.status.publishAt).toBeUndefined();
    expect(fake.accessTokens).toHaveLength(2);
  });

  it('a 403 for a missing permission: permanent, naming the scopes and YOUTUBE_REFRESH_TOKEN, no secret in it', async () => {
    const { fake, publisher } = await setup();
    fake.server.failNext(
      { method: 'POST', path: '/upload/youtube/v3/videos' },
      {
        kind: 'status',
        status: 403,
        json: {
          error: {
            code: 403,
            message: `Insufficient Permission for ${fake.refreshToken}`,
            errors: [{ reason: 'insufficientPermissions', domain: 'global' }],
          },
        },
      },
    );
    const error = await failureOf(publisher.publish(youtubeRequest(fake, video).req));
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/youtube\.upload and youtube\.readonly scopes/);
    expect(error.message).toMatch(/YOUTUBE_REFRESH_TOKEN/);
    expectNoSecret(everything(error), fake);
  });
});

describe('YouTube: reads that fail', () => {
  it('a 500 while reading figures is retried, then retryable', async () => {
    const { fake, publisher } = await setup();
    const backend = {
      kind: 'status' as const,
      status: 500,
      json: { error: { code: 500, message: 'Backend Error', errors: [{ reason: 'backendError', domain: 'global' }] } },
    };
    fake.server.failNext({ method: 'GET', path: '/youtube/v3/videos' }, backend, 10);
    const error = await failureOf(publisher.fetchMetrics([{ externalId: 'vid00000001', url: null, publishedAt: new Date(START) }]));
    expect(error.kind).toBe('retryable');
    expect(error.message).toMatch(/YouTube had a temporary problem \(HTTP 500\)/);
    expect(fake.server.requestsTo('GET', '/youtube/v3/videos')).toHaveLength(3);
  });
});

/**
 * Instagram Reels (issue 15): the real publisher against the local Graph API fake over HTTP.
 * Instagram takes a video only from a link, so the approved MP4 on disk is served by a small
 * local server standing in for PUBLIC_URL/media/… (an unguessable path that expires, the file
 * streamed); the fake downloads it from that link as Instagram would, hashing it as it
 * arrives, so a test knows the link served exactly the approved bytes.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { createMemoryLogger } from '../../src/observability/logger.js';
import { clearRegisteredSecrets } from '../../src/observability/redact.js';
import { REEL_POLL_INTERVALS_MS } from '../../src/platforms/instagram/container.js';
import { createInstagramPublisher } from '../../src/platforms/instagram/publisher.js';
import { INSTAGRAM_VIDEO_LINK_VALID_MS } from '../../src/platforms/instagram/reel.js';
import { DEFAULT_THROTTLE_WAIT_MS } from '../../src/platforms/meta-graph/classify.js';
import type { PublishProgress, PublishRequest, PublishVideo } from '../../src/platforms/publisher.js';
import { metaErrors } from '../fakes/meta-graph/graph-errors.js';
import { REEL_STATUS_TEXTS, startMetaGraphFake, type MetaGraphFake, type MetaGraphFakeOptions } from '../fakes/meta-graph/server.js';
import { LOCAL_FAKE_MEDIA } from '../support/local-media.js';
import { failureOf } from '../support/publish-failure.js';
import { publishVideoFromFile, videoFiles, type TestVideo, type VideoFiles } from '../support/publish-video.js';

const IG_USER = '17841400000000001';
const TOKEN = 'EAAGreenlightInstagramToken0123456789';
const START = '2026-03-02T09:00:00.000Z';
const MiB = 1024 * 1024;

let files: VideoFiles;
let clip: TestVideo;
beforeAll(async () => {
  files = videoFiles();
  clip = await files.write('spring-reel.mp4', { width: 1080, height: 1920, seconds: 15, mediaBytes: 6 * MiB });
});
afterAll(() => files.cleanup());

let fake: MetaGraphFake | undefined;
let greenlight: http.Server | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  greenlight?.closeAllConnections();
  await new Promise<void>((resolve) => (greenlight ? greenlight.close(() => resolve()) : resolve()));
  greenlight = undefined;
  clearRegisteredSecrets();
});

/**
 * Links to the approved file, as PUBLIC_URL/media/… gives them: an unguessable name per link,
 * valid until its expiry on the test's clock, the file streamed from disk (never whole in
 * memory); anything else is a plain 404.
 */
async function startMediaLinks(clock: ManualClock) {
  const downloads: string[] = [];
  const issued = new Map<string, { file: string; type: string; expiresAt: number }>();
  greenlight = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://greenlight.invalid').pathname;
    downloads.push(path);
    const link = issued.get(path);
    if (!link || link.expiresAt <= clock.now().getTime())
      return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    res.writeHead(200, { 'content-type': link.type, 'content-length': fs.statSync(link.file).size });
    void pipeline(fs.createReadStream(link.file), res).catch(() => undefined);
  });
  await new Promise<void>((resolve) => greenlight!.listen(0, '127.0.0.1', resolve));
  const publicUrl = `http://127.0.0.1:${(greenlight.address() as AddressInfo).port}`;
  const links = {
    async urlFor(video: PublishVideo, file: string, validForMs: number): Promise<string> {
      const path = `/media/${video.sha256}-${randomBytes(8).toString('hex')}.${video.container}`;
      issued.set(path, {
        file,
        type: video.container === 'mov' ? 'video/quicktime' : 'video/mp4',
        expiresAt: clock.now().getTime() + validForMs,
      });
      return `${publicUrl}${path}`;
    },
  };
  return { links, downloads, publicUrl };
}

async function setup(fakeOptions: Partial<MetaGraphFakeOptions> = {}, quotaTotal?: number) {
  const clock = new ManualClock(START);
  fake = await startMetaGraphFake({
    igUsers: [{ id: IG_USER, token: TOKEN, ...(quotaTotal ? { quotaTotal } : {}) }],
    now: () => clock.now(),
    ...fakeOptions,
  });
  const served = await startMediaLinks(clock);
  const waits: number[] = [];
  const publisher = createInstagramPublisher(
    { userId: IG_USER, accessToken: TOKEN, graphUrl: fake.url },
    {
      logger: createMemoryLogger(),
      media: LOCAL_FAKE_MEDIA,
      clock,
      timeoutMs: 2000,
      random: () => 0.5,
      sleep: async (ms) => {
        waits.push(ms);
        clock.advance(ms);
      },
    },
  );
  /** The approved clip as the scheduler hands it over: with a signed link under PUBLIC_URL. */
  const linkedClip = async (link: (made: string) => string = (made) => made) => {
    const { video } = await publishVideoFromFile(clip.path);
    const issued: Array<{ url: string; validForMs: number }> = [];
    const withLink: PublishVideo = {
      ...video,
      publicUrl: async (validForMs) => {
        const url = link(await served.links.urlFor(video, clip.path, validForMs));
        issued.push({ url, validForMs });
        return url;
      },
    };
    return { video: withLink, issued };
  };
  return { fake, publisher, waits, clock, linkedClip, ...served };
}

/** A publish request recording its checkpoints, progress and sending marks, like the scheduler. */
function request(video: PublishVideo, overrides: Partial<PublishRequest> = {}) {
  const saved: Array<Record<string, unknown>> = [];
  const reports: PublishProgress[] = [];
  const marks: number[] = [];
  const req: PublishRequest = {
    publicationId: 15,
    text: 'Spring, in motion 🌷 #spring',
    mediaUrl: null,
    video,
    saveCheckpoint: async (progress) => void saved.push(progress),
    onProgress: (p) => reports.push(p),
    markSending: async () => void marks.push(fake!.server.requests.length),
    ...overrides,
  };
  return { req, saved, reports, marks, last: () => saved.at(-1) ?? null };
}

const containerPosts = () => fake!.server.requestsTo('POST', `/v25.0/${IG_USER}/media`);
const publishPosts = () => fake!.server.requestsTo('POST', `/v25.0/${IG_USER}/media_publish`);

describe('Instagram: a Reel', () => {
  it('hands Instagram a link to the approved file, which serves exactly the approved bytes; waits while Instagram processes the video; publishes it once', async () => {
    const { fake, publisher, waits, linkedClip, downloads, publicUrl } = await setup({ reelProcessingLooks: 2 });
    const { video, issued } = await linkedClip();
    const { req, saved, reports, marks } = request(video);
    const result = await publisher.publish(req);

    expect(publisher.publishesVideo).toBe(true);
    expect(issued).toEqual([
      {
        url: expect.stringMatching(new RegExp(`^${publicUrl}/media/${video.sha256}-[0-9a-f]{16}\\.mp4$`)),
        validForMs: INSTAGRAM_VIDEO_LINK_VALID_MS,
      },
    ]);
    const [create] = containerPosts();
    expect(create!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(create!.json).toEqual({
      media_type: 'REELS',
      video_url: issued[0]!.url,
      caption: 'Spring, in motion 🌷 #spring',
      share_to_feed: true,
    });

    // Instagram fetched the video once from Greenlight's route, and got the approved bytes.
    const [container] = [...fake.containers.values()];
    expect(downloads).toHaveLength(1);
    expect(container!.video).toEqual({ sha256: video.sha256, bytes: video.bytes, contentType: 'video/mp4' });

    const calls = fake.server.requests.map((r) => `${r.method} ${r.path}`);
    const [media] = [...fake.media.values()];
    expect(calls).toEqual([
      `GET /v25.0/${IG_USER}/content_publishing_limit`,
      `POST /v25.0/${IG_USER}/media`,
      `GET /v25.0/${container!.id}`,
      `GET /v25.0/${container!.id}`,
      `GET /v25.0/${container!.id}`,
      `POST /v25.0/${IG_USER}/media_publish`,
      `GET /v25.0/${media!.id}`,
    ]);
    expect(waits).toEqual(REEL_POLL_INTERVALS_MS.slice(0, 2));
    expect(publishPosts()[0]!.json).toEqual({ creation_id: container!.id });
    expect(marks).toEqual([fake.server.requests.indexOf(publishPosts()[0]!)]);

    expect(fake.media.size).toBe(1);
    expect(media).toMatchObject({
      mediaType: 'VIDEO',
      mediaProductType: 'REELS',
      caption: 'Spring, in motion 🌷 #spring',
      containerId: container!.id,
    });
    expect(result).toEqual({ externalId: media!.id, url: media!.permalink });
    expect(saved).toEqual([
      { containerId: container!.id, createdAt: START },
      { containerId: container!.id, createdAt: START, publishRequestedAt: new Date(Date.parse(START) + 15_000).toISOString() },
    ]);
    expect(reports).toEqual([{ stage: 'processing' }, { stage: 'processed' }]);
  });

  it('without PUBLIC_URL there is no link to give: a plain permanent refusal naming PUBLIC_URL, and nothing is prepared', async () => {
    const { fake, publisher } = await setup();
    const { video } = await publishVideoFromFile(clip.path); // no publicUrl, as without PUBLIC_URL
    const { req, saved, marks } = request(video);
    const error = await failureOf(publisher.publish(req));

    expect(error.kind).toBe('permanent');
    expect(error.message).toContain('PUBLIC_URL');
    expect(error.message).toContain('Nothing was posted');
    expect(fake.server.requests).toHaveLength(0);
    expect(saved).toEqual([]);
    expect(marks).toEqual([]);
  });

  it("a video Instagram cannot process is a permanent failure in plain words with Instagram's status text, and nothing is published", async () => {
    const { fake, publisher, linkedClip } = await setup({ reelProcessingLooks: 1 });
    fake.failReelProcessing();
    const { video } = await linkedClip();
    const { req, reports, marks } = request(video);
    const error = await failureOf(publisher.publish(req));

    expect(error.kind).toBe('permanent');
    expect(error.message).toContain('Instagram could not process the video');
    expect(error.message).toContain(REEL_STATUS_TEXTS.unsupported);
    expect(error.message).toContain('nothing was posted');
    expect(publishPosts()).toHaveLength(0);
    expect(fake.media.size).toBe(0);
    expect(marks).toEqual([]);
    expect(reports).toEqual([{ stage: 'processing' }]);
  });

  it("a link Instagram cannot download from (a 404) ends the container in ERROR: download failed, in Instagram's words", async () => {
    const { fake, publisher, linkedClip, downloads } = await setup();
    const { video } = await linkedClip((made) => made.replace(/\.mp4$/, '-gone.mp4'));
    const error = await failureOf(publisher.publish(request(video).req));

    expect(downloads).toHaveLength(1); // it really asked for the file, and got the plain 404
    expect(error.kind).toBe('permanent');
    expect(error.message).toContain(REEL_STATUS_TEXTS.downloadFailed);
    expect([...fake.containers.values()][0]!.video).toBeUndefined();
    expect(publishPosts()).toHaveLength(0);
  });

  it("a container that expires while processing is a permanent failure saying so, with Instagram's status text", async () => {
    const { fake, publisher, linkedClip } = await setup({ reelProcessingLooks: 1000 });
    const { video } = await linkedClip();
    const { req } = request(video, {
      // Instagram gives up on the container between two looks.
      onProgress: (p) => {
        if (p.stage === 'processing') setImmediate(() => fake.setContainerStatus([...fake.containers.keys()][0]!, 'EXPIRED'));
      },
    });
    const error = await failureOf(publisher.publish(req));
    expect(error.kind).toBe('permanent');
    expect(error.message).toContain('expire');
    expect(error.message).toContain('Instagram said: "EXPIRED"');
    expect(publishPosts()).toHaveLength(0);
  });

  it('processing longer than one attempt waits is retryable; the next attempt carries on with the same container, without a new download, and publishes once', async () => {
    const { fake, publisher, waits, linkedClip, downloads } = await setup({ reelProcessingLooks: 1000 });
    const { video, issued } = await linkedClip();
    const first = request(video);
    const error = await failureOf(publisher.publish(first.req));
    expect(error.kind).toBe('retryable');
    expect(error.message).toContain('still processing the video');
    expect(waits).toEqual(REEL_POLL_INTERVALS_MS);
    expect(publishPosts()).toHaveLength(0);

    const [container] = [...fake.containers.values()];
    fake.setContainerStatus(container!.id, 'FINISHED');
    const second = request(video, { checkpoint: first.last() });
    const result = await publisher.publish(second.req);

    expect(containerPosts()).toHaveLength(1);
    expect(issued).toHaveLength(1);
    expect(downloads).toHaveLength(1);
    expect(publishPosts()).toHaveLength(1);
    expect(result.externalId).toBe(fake.containers.get(container!.id)!.mediaId);
    expect(second.reports).toEqual([{ stage: 'processing' }, { stage: 'processed' }]);
  });
});

describe('Instagram: a Reel is published at most once', () => {
  it('media_publish dropped, yet the Reel went out: the retry finds it among the recent media and does not publish again', async () => {
    const { fake, publisher, linkedClip, downloads } = await setup();
    fake.server.failNext({ method: 'POST', path: `/v25.0/${IG_USER}/media_publish` }, { kind: 'drop' });
    const { video } = await linkedClip();
    const first = request(video);
    const error = await failureOf(publisher.publish(first.req));
    expect(error.kind).toBe('unknown');
    expect(first.last()).toMatchObject({ publishRequestedAt: expect.any(String) });
    const [container] = [...fake.containers.values()];
    const media = fake.publishContainer(container!.id); // Instagram had acted before the connection broke

    const second = request(video, { checkpoint: first.last() });
    const result = await publisher.publish(second.req);
    expect(result.externalId).toBe(media.id);
    expect(publishPosts()).toHaveLength(1);
    expect(containerPosts()).toHaveLength(1);
    expect(fake.media.size).toBe(1);
    expect(downloads).toHaveLength(1);
    expect(second.marks).toEqual([]);
  });

  it('media_publish dropped before Instagram acted: the retry looks among the recent media, then publishes the same container once', async () => {
    const { fake, publisher, linkedClip } = await setup();
    fake.server.failNext({ method: 'POST', path: `/v25.0/${IG_USER}/media_publish` }, { kind: 'drop' });
    const { video } = await linkedClip();
    const first = request(video);
    await failureOf(publisher.publish(first.req));

    const result = await publisher.publish(request(video, { checkpoint: first.last() }).req);
    expect(fake.server.requestsTo('GET', `/v25.0/${IG_USER}/media`)).toHaveLength(1);
    expect(containerPosts()).toHaveLength(1);
    expect(publishPosts()).toHaveLength(2);
    expect(fake.media.size).toBe(1);
    expect(result.externalId).toBe([...fake.media.keys()][0]);
  });

  it('a container that ended in ERROR in an earlier attempt is reported as such, not prepared again', async () => {
    const { fake, publisher, linkedClip } = await setup({ reelProcessingLooks: 1000 });
    const { video } = await linkedClip();
    const first = request(video);
    await failureOf(publisher.publish(first.req)); // still processing
    const [container] = [...fake.containers.values()];
    fake.setContainerStatus(container!.id, 'ERROR', 'Error: Media upload has failed with error code 2207026');

    const error = await failureOf(publisher.publish(request(video, { checkpoint: first.last() }).req));
    expect(error.kind).toBe('permanent');
    expect(error.message).toContain('2207026');
    expect(containerPosts()).toHaveLength(1);
    expect(publishPosts()).toHaveLength(0);
  });
});

describe("Instagram: a Reel within Meta's limits", () => {
  it('a throttled status read is waited out as X-App-Usage says, then the Reel is published once', async () => {
    const { fake, publisher, waits, linkedClip } = await setup();
    fake.server.failNext({ method: 'GET', path: /^\/v25\.0\/1788\d+$/ }, { kind: 'status', ...metaErrors.appThrottleFor(1) });
    const { video } = await linkedClip();
    await publisher.publish(request(video).req);
    expect(waits[0]).toBe(60_000);
    expect(publishPosts()).toHaveLength(1);
    expect(fake.media.size).toBe(1);
  });

  it('a throttled container (code 613, no estimate) is retryable after the default wait; coming back then publishes once', async () => {
    const { fake, publisher, clock, linkedClip, downloads } = await setup();
    fake.server.failNext({ method: 'POST', path: `/v25.0/${IG_USER}/media` }, { kind: 'status', ...metaErrors.customThrottle() });
    const { video } = await linkedClip();
    const first = request(video);
    const error = await failureOf(publisher.publish(first.req));
    expect(error).toMatchObject({ kind: 'retryable', retryAfterMs: DEFAULT_THROTTLE_WAIT_MS });
    expect(fake.containers.size).toBe(0);
    expect(downloads).toHaveLength(0);

    clock.advance(error.retryAfterMs!); // the scheduler comes back when Meta's limit has passed
    const second = request(video, { checkpoint: first.last() });
    await publisher.publish(second.req);
    expect(containerPosts()).toHaveLength(2);
    expect(fake.containers.size).toBe(1);
    expect(publishPosts()).toHaveLength(1);
    expect(fake.media.size).toBe(1);
    expect(downloads).toHaveLength(1);
  });

  it("Instagram's business use case throttle on media_publish is retryable after Meta's estimate, and the next attempt publishes the same container once", async () => {
    const { fake, publisher, clock, linkedClip } = await setup();
    fake.server.failNext(
      { method: 'POST', path: `/v25.0/${IG_USER}/media_publish` },
      { kind: 'status', ...metaErrors.instagramThrottle(IG_USER, 12) },
    );
    const { video } = await linkedClip();
    const first = request(video);
    const error = await failureOf(publisher.publish(first.req));
    expect(error).toMatchObject({ kind: 'retryable', retryAfterMs: 12 * 60_000 });

    clock.advance(12 * 60_000);
    await publisher.publish(request(video, { checkpoint: first.last() }).req);
    expect(containerPosts()).toHaveLength(1);
    expect(fake.media.size).toBe(1);
  });

  it('an account at its publishing limit is told so before a link is made or a container created', async () => {
    const { fake, publisher, linkedClip } = await setup({}, 1);
    fake.addMedia({
      id: '17890000000009999',
      userId: IG_USER,
      caption: 'Earlier today',
      timestamp: new Date(Date.parse(START) - 60 * 60_000),
    });
    const { video, issued } = await linkedClip();
    const error = await failureOf(publisher.publish(request(video).req));
    expect(error).toMatchObject({ kind: 'retryable', retryAfterMs: 60 * 60_000 });
    expect(error.message).toMatch(/^Instagram allows at most 50 posts a day/);
    expect(issued).toEqual([]);
    expect(containerPosts()).toHaveLength(0);
  });

  it('refuses a Reel together with images, and a video over 300 MB, before anything is sent', async () => {
    const { fake, publisher, linkedClip } = await setup();
    const { video } = await linkedClip();
    const both = await failureOf(publisher.publish(request(video, { mediaUrl: 'https://example.com/a.jpg' }).req));
    expect(both.kind).toBe('permanent');
    expect(both.message).toContain('either a Reel or images');
    const big = await failureOf(publisher.publish(request({ ...video, bytes: 301 * MiB }).req));
    expect(big.kind).toBe('permanent');
    expect(big.message).toContain('Instagram takes Reels up to 300 MB');
    expect(fake.server.requests).toHaveLength(0);
  });
});

describe("Instagram: the Reels fake holds to Meta's rules", () => {
  it('refuses media_type VIDEO (Reels only since 2023) and a Reel without video_url', async () => {
    const { fake } = await setup();
    const post = async (body: unknown) => {
      const response = await fetch(`${fake.url}/v25.0/${IG_USER}/media`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, error: ((await response.json()) as { error?: { code: number; message: string } }).error };
    };
    const video = await post({ media_type: 'VIDEO', video_url: 'http://127.0.0.1:1/x.mp4', caption: 'old way' });
    expect(video.status).toBe(400);
    expect(video.error).toMatchObject({ code: 100, message: expect.stringContaining('REELS') });
    const missing = await post({ media_type: 'REELS', caption: 'no link' });
    expect(missing.error).toMatchObject({ code: 100, message: expect.stringContaining('video_url') });
    expect(fake.containers.size).toBe(0);
  });
});

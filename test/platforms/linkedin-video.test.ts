/**
 * LinkedIn video posts (issue 15): the real publisher against the local LinkedIn fake over
 * HTTP, with a real MP4 on disk read one part at a time. The fake hashes each part as it
 * arrives, so a test knows exactly which bytes LinkedIn assembled, and in which order.
 */
import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { createMemoryLogger } from '../../src/observability/logger.js';
import { clearRegisteredSecrets } from '../../src/observability/redact.js';
import type { Sleep } from '../../src/platforms/http/backoff.js';
import { LINKEDIN_API_VERSION } from '../../src/platforms/linkedin/api-version.js';
import { createLinkedInPublisher } from '../../src/platforms/linkedin/publisher.js';
import { CHECKPOINT_KEY, LINKEDIN_VIDEO_POLL_DELAYS_MS } from '../../src/platforms/linkedin/video.js';
import type { PublishProgress } from '../../src/platforms/publisher.js';
import { startLinkedInFake, type LinkedInFake, type LinkedInFakeOptions } from '../fakes/linkedin/server.js';
import { LOCAL_FAKE_MEDIA } from '../support/local-media.js';
import { failureOf } from '../support/publish-failure.js';
import { publishVideoFromFile, videoFiles, type TestVideo, type VideoFiles } from '../support/publish-video.js';

const START = '2026-03-02T09:00:00.000Z';
const MiB = 1024 * 1024;
const PART = 4 * MiB;

let files: VideoFiles;
/** About 10 MB: three parts (4 MiB, 4 MiB, the rest). */
let clip: TestVideo;
beforeAll(async () => {
  files = videoFiles();
  clip = await files.write('spring-sale.mp4', { width: 1280, height: 720, seconds: 12, mediaBytes: 10 * MiB });
});
afterAll(() => files.cleanup());

let fake: LinkedInFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  clearRegisteredSecrets();
});

async function setup(fakeOptions: LinkedInFakeOptions = {}) {
  fake = await startLinkedInFake(fakeOptions);
  const clock = new ManualClock(START);
  const waits: number[] = [];
  const sleep: Sleep = async (ms) => {
    waits.push(ms);
    clock.advance(ms);
  };
  const logger = createMemoryLogger();
  const publisher = createLinkedInPublisher(
    { accessToken: fake.token, authorUrn: fake.authorUrn, apiUrl: fake.url },
    { logger, clock, sleep, random: () => 0, timeoutMs: 2000, media: LOCAL_FAKE_MEDIA },
  );
  return { fake, clock, waits, logger, publisher };
}

/** A fresh reader of the shared clip, so each test counts its own reads. */
const freshClip = () => publishVideoFromFile(clip.path);

/** The requests a publication made, in order, as `METHOD path?action`. */
const steps = (fake: LinkedInFake) =>
  fake.server.requests.map(
    (r) =>
      `${r.method} ${r.path.replace(/C5505AQ\d+/, '{key}').replace(/urn%3Ali%3Avideo%3A.+$/, '{urn}')}${r.query.get('action') ? `?${r.query.get('action')}` : ''}`,
  );

/** A copy of the clip with a few bytes changed in its second part. */
function tamperedCopy(): string {
  const copy = files.file('tampered.mp4');
  fs.copyFileSync(clip.path, copy);
  const handle = fs.openSync(copy, 'r+');
  fs.writeSync(handle, Buffer.from('changed'), 0, 7, 6 * MiB);
  fs.closeSync(handle);
  return copy;
}

describe('LinkedIn: a video post', () => {
  it('uploads the approved bytes part by part, in order, finalizes with their ETags, and posts once naming the video', async () => {
    const { fake, publisher } = await setup({ videoProcessingLooks: 0 });
    const reader = await freshClip();
    const { video } = reader;
    const result = await publisher.publish({ publicationId: 1, text: 'Our spring sale, in motion (watch)', mediaUrl: null, video });

    expect(publisher.publishesVideo).toBe(true);
    const [init] = fake.requestsTo('POST', '/rest/videos').filter((r) => r.query.get('action') === 'initializeUpload');
    expect(init!.headers['linkedin-version']).toBe(LINKEDIN_API_VERSION);
    expect(init!.headers['x-restli-protocol-version']).toBe('2.0.0');
    expect(init!.json).toEqual({
      initializeUploadRequest: { owner: fake.authorUrn, fileSizeBytes: video.bytes, uploadCaptions: false, uploadThumbnail: false },
    });

    const [uploaded] = [...fake.videos.values()];
    expect(uploaded!.sha256).toBe(video.sha256);
    expect(uploaded!.inOrder).toBe(true);
    expect(uploaded!.arrivals).toEqual([0, 1, 2]);
    expect(uploaded!.status).toBe('AVAILABLE');

    const puts = fake.requestsTo('PUT', /\/uploadedVideo\/\d$/);
    expect(puts.map((r) => Number(r.headers['content-length']))).toEqual([PART, PART, video.bytes - 2 * PART]);
    expect(
      puts.every((r) => r.headers['content-type'] === 'application/octet-stream' && r.headers.authorization === `Bearer ${fake.token}`),
    ).toBe(true);
    // The upload host is not a Rest.li resource, and the fake kept no copy of the bytes.
    expect(puts.every((r) => r.headers['linkedin-version'] === undefined && r.raw.length === 0)).toBe(true);
    // Read from the store range by range, each range once, never two at a time.
    expect(reader.opens).toEqual([
      { start: 0, end: PART },
      { start: PART, end: 2 * PART },
      { start: 2 * PART, end: video.bytes },
    ]);
    expect(reader.maxOpenAtOnce).toBe(1);

    const [finalize] = fake.requestsTo('POST', '/rest/videos').filter((r) => r.query.get('action') === 'finalizeUpload');
    expect(finalize!.json).toEqual({
      finalizeUploadRequest: { video: uploaded!.urn, uploadToken: uploaded!.uploadToken, uploadedPartIds: uploaded!.etags },
    });
    expect(uploaded!.uploadToken).not.toBe('');

    expect(fake.posts).toHaveLength(1);
    const post = fake.posts[0]!;
    expect(post.videoUrn).toBe(uploaded!.urn);
    expect(post.rendered.text).toBe('Our spring sale, in motion (watch)');
    expect((post.body as { content: unknown }).content).toEqual({ media: { id: uploaded!.urn } });
    expect(result).toEqual({ externalId: post.urn, url: `https://www.linkedin.com/feed/update/${post.urn}` });
    expect(steps(fake)).toEqual([
      'POST /rest/videos?initializeUpload',
      'PUT /dms-uploads/{key}/uploadedVideo/0',
      'PUT /dms-uploads/{key}/uploadedVideo/1',
      'PUT /dms-uploads/{key}/uploadedVideo/2',
      'POST /rest/videos?finalizeUpload',
      'GET /rest/videos/{urn}',
      'POST /rest/posts',
    ]);
  });

  it('waits while LinkedIn processes the video and posts only once it is AVAILABLE', async () => {
    const { fake, publisher, waits } = await setup({ videoProcessingLooks: 3 });
    const marks: string[] = [];
    const { video } = await freshClip();
    await publisher.publish({
      publicationId: 2,
      text: 'Processing takes a moment',
      mediaUrl: null,
      video,
      markSending: async () => void marks.push([...fake.videos.values()][0]!.status),
    });
    // Three looks answered PROCESSING, the fourth AVAILABLE, each after the documented wait.
    expect(fake.requestsTo('GET', /^\/rest\/videos\//)).toHaveLength(4);
    expect(waits.filter((w) => w >= 2000)).toEqual(LINKEDIN_VIDEO_POLL_DELAYS_MS.slice(0, 4));
    // The post is the one sending step, marked once, after LinkedIn said the video was ready.
    expect(marks).toEqual(['AVAILABLE']);
    expect(fake.posts).toHaveLength(1);
  });

  it('a video LinkedIn cannot process is a permanent failure in plain words, with its reason, and nothing is posted', async () => {
    const { fake, publisher } = await setup();
    fake.failVideoProcessing('The video codec is not supported');
    let marked = 0;
    const { video } = await freshClip();
    const error = await failureOf(
      publisher.publish({ publicationId: 3, text: 'Will not go out', mediaUrl: null, video, markSending: async () => void (marked += 1) }),
    );
    expect(error.kind).toBe('permanent');
    expect(error.message).toContain('LinkedIn could not process the video');
    expect(error.message).toContain('The video codec is not supported');
    expect(error.message).toContain('nothing was posted');
    expect([...fake.videos.values()][0]!.status).toBe('PROCESSING_FAILED');
    expect(fake.requestsTo('POST', '/rest/posts')).toHaveLength(0);
    expect(marked).toBe(0);
  });

  it('a rate limit in the middle of the upload waits as LinkedIn asks, sends that part again from the store, and carries on', async () => {
    const { fake, publisher, waits } = await setup();
    fake.limitVideoPart(1, 30);
    const reader = await freshClip();
    const result = await publisher.publish({ publicationId: 4, text: 'Through the limit', mediaUrl: null, video: reader.video });

    expect(fake.requestsTo('PUT', /\/uploadedVideo\/\d$/).map((r) => r.path.at(-1))).toEqual(['0', '1', '1', '2']);
    expect(waits.some((w) => w >= 30_000)).toBe(true);
    // The part was read again from the store for the second attempt, not held in memory.
    expect(reader.opens).toEqual([
      { start: 0, end: PART },
      { start: PART, end: 2 * PART },
      { start: PART, end: 2 * PART },
      { start: 2 * PART, end: reader.video.bytes },
    ]);
    const [uploaded] = [...fake.videos.values()];
    expect(uploaded!.sha256).toBe(reader.video.sha256);
    expect(uploaded!.arrivals).toEqual([0, 1, 2]);
    expect(fake.posts).toHaveLength(1);
    expect(result.externalId).toBe(fake.posts[0]!.urn);
  });

  it('reports progress that only climbs, ends at the whole size, then says LinkedIn is processing and has processed it', async () => {
    const { publisher } = await setup();
    const reports: PublishProgress[] = [];
    const { video } = await freshClip();
    await publisher.publish({ publicationId: 5, text: 'Watch the bar', mediaUrl: null, video, onProgress: (p) => reports.push(p) });

    const uploading = reports.filter((p): p is Extract<PublishProgress, { stage: 'uploading' }> => p.stage === 'uploading');
    expect(uploading.length).toBeGreaterThan(3);
    expect(uploading.every((p) => p.totalBytes === video.bytes)).toBe(true);
    const sent = uploading.map((p) => p.bytesSent);
    expect(sent).toEqual([...new Set(sent)].sort((a, b) => a - b));
    expect(sent[0]).toBe(0);
    expect(sent).toContain(PART);
    expect(sent.at(-1)).toBe(video.bytes);
    expect(reports.slice(uploading.length)).toEqual([{ stage: 'processing' }, { stage: 'processed' }]);
  });

  it('bytes in the store that are not the approved ones are never finalized or posted', async () => {
    const { fake, publisher } = await setup();
    const { video } = await publishVideoFromFile(clip.path, {}, tamperedCopy());
    const error = await failureOf(publisher.publish({ publicationId: 6, text: 'Not what was approved', mediaUrl: null, video }));
    expect(error.kind).toBe('permanent');
    expect(error.message).toContain('no longer exactly the approved one');
    expect(fake.requestsTo('POST', '/rest/videos').filter((r) => r.query.get('action') === 'finalizeUpload')).toHaveLength(0);
    expect(fake.requestsTo('POST', '/rest/posts')).toHaveLength(0);
  });

  it('a later attempt picks up the video an earlier one left processing, instead of uploading it again', async () => {
    // Longer than the publisher waits in one attempt.
    const { fake, publisher } = await setup({ videoProcessingLooks: LINKEDIN_VIDEO_POLL_DELAYS_MS.length });
    const saved: Array<Record<string, unknown>> = [];
    const reader = await freshClip();
    const first = await failureOf(
      publisher.publish({
        publicationId: 7,
        text: 'Slow to process',
        mediaUrl: null,
        video: reader.video,
        saveCheckpoint: async (c) => void saved.push(c),
      }),
    );
    expect(first.kind).toBe('retryable');
    expect(first.message).toContain('still processing');
    const [uploaded] = [...fake.videos.values()];
    expect(saved).toEqual([{ [CHECKPOINT_KEY]: { video: uploaded!.urn, sha256: reader.video.sha256 } }]);

    const result = await publisher.publish({
      publicationId: 7,
      text: 'Slow to process',
      mediaUrl: null,
      video: reader.video,
      checkpoint: saved[0]!,
    });
    expect(fake.requestsTo('POST', '/rest/videos').filter((r) => r.query.get('action') === 'initializeUpload')).toHaveLength(1);
    expect(fake.videos.size).toBe(1);
    expect(reader.opens).toHaveLength(3);
    expect(fake.posts).toHaveLength(1);
    expect(fake.posts[0]!.videoUrn).toBe(uploaded!.urn);
    expect(result.externalId).toBe(fake.posts[0]!.urn);
  });

  it('refuses a video together with images, and a MOV, before uploading anything', async () => {
    const { fake, publisher } = await setup();
    const { video } = await freshClip();
    const both = await failureOf(publisher.publish({ publicationId: 8, text: 'Both', mediaUrl: 'https://example.com/a.png', video }));
    expect(both.kind).toBe('permanent');
    expect(both.message).toContain('one video or images');
    const mov = await failureOf(
      publisher.publish({ publicationId: 9, text: 'MOV', mediaUrl: null, video: { ...video, container: 'mov' } }),
    );
    expect(mov.kind).toBe('permanent');
    expect(mov.message).toContain('LinkedIn takes MP4 videos');
    expect(fake.server.requests).toHaveLength(0);
  });
});

describe('LinkedIn fake: the Videos API follows LinkedIn', () => {
  const rest = (fake: LinkedInFake, method: string, path: string, json?: unknown) =>
    fetch(`${fake.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${fake.token}`,
        'linkedin-version': LINKEDIN_API_VERSION,
        'x-restli-protocol-version': '2.0.0',
        'content-type': 'application/json',
      },
      ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
    });
  const put = (fake: LinkedInFake, url: string, bytes: Buffer) =>
    fetch(url, {
      method: 'PUT',
      headers: { authorization: `Bearer ${fake.token}`, 'content-type': 'application/octet-stream' },
      body: bytes,
    });

  it('finalize needs every part and their ETags in order; a post needs a processed video; sizes outside 75 KB–500 MB are refused', async () => {
    const { fake } = await setup({ videoPartBytes: 100_000 });
    const init = async (fileSizeBytes: number) =>
      rest(fake, 'POST', '/rest/videos?action=initializeUpload', {
        initializeUploadRequest: { owner: fake.authorUrn, fileSizeBytes, uploadCaptions: false, uploadThumbnail: false },
      });
    expect((await init(1000)).status).toBe(400);
    expect((await init(501 * MiB)).status).toBe(400);
    const answer = (await (await init(250_000)).json()) as {
      value: { video: string; uploadToken: string; uploadInstructions: Array<{ uploadUrl: string; firstByte: number; lastByte: number }> };
    };
    const { video, uploadToken, uploadInstructions } = answer.value;
    expect(uploadInstructions.map((i) => [i.firstByte, i.lastByte])).toEqual([
      [0, 99_999],
      [100_000, 199_999],
      [200_000, 249_999],
    ]);
    const finalize = (ids: unknown) =>
      rest(fake, 'POST', '/rest/videos?action=finalizeUpload', { finalizeUploadRequest: { video, uploadToken, uploadedPartIds: ids } });

    const etags: string[] = [];
    for (const [i, part] of uploadInstructions.entries()) {
      if (i === 2) expect((await finalize(etags)).status).toBe(400); // a part missing
      const wrongSize = await put(fake, part.uploadUrl, Buffer.alloc(10));
      expect(wrongSize.status).toBe(400);
      const sent = await put(fake, part.uploadUrl, Buffer.alloc(part.lastByte - part.firstByte + 1, i + 1));
      expect(sent.status).toBe(200);
      etags.push(sent.headers.get('etag')!);
    }
    expect(new Set(etags).size).toBe(3);
    expect((await finalize([...etags].reverse())).status).toBe(400);
    expect(fake.videos.get(video)!.status).toBe('WAITING_UPLOAD');

    const post = () =>
      rest(fake, 'POST', '/rest/posts', {
        author: fake.authorUrn,
        commentary: 'now',
        visibility: 'PUBLIC',
        distribution: { feedDistribution: 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] },
        content: { media: { id: video } },
        lifecycleState: 'PUBLISHED',
        isReshareDisabledByAuthor: false,
      });
    expect((await post()).status).toBe(422); // not processed yet
    expect((await finalize(etags)).status).toBe(200);
    const look = async () =>
      ((await (await rest(fake, 'GET', `/rest/videos/${encodeURIComponent(video)}`)).json()) as { status: string }).status;
    expect(await look()).toBe('PROCESSING');
    expect(await look()).toBe('AVAILABLE');
    expect((await post()).status).toBe(201);
    expect(fake.posts[0]!.videoUrn).toBe(video);
    expect(fake.videos.get(video)!.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

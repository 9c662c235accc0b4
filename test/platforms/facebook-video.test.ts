/**
 * Facebook Page video posts (issue 15): the real publisher against the local Graph API fake
 * over HTTP, through the Page's resumable upload. The video is a real MP4 on disk, read one
 * range at a time and streamed inside each multipart request; the fake hashes each range as
 * it arrives, so a test knows exactly which bytes Facebook assembled.
 */
import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { createMemoryLogger } from '../../src/observability/logger.js';
import { clearRegisteredSecrets } from '../../src/observability/redact.js';
import { createFacebookPublisher } from '../../src/platforms/facebook/publisher.js';
import { FACEBOOK_VIDEO_POLL_DELAYS_MS, videoUploadBase } from '../../src/platforms/facebook/video-upload.js';
import type { FetchLike } from '../../src/platforms/http/http-client.js';
import type { PublishProgress } from '../../src/platforms/publisher.js';
import { graphError, metaErrors } from '../fakes/meta-graph/graph-errors.js';
import { startMetaGraphFake, type MetaGraphFake, type MetaGraphFakeOptions } from '../fakes/meta-graph/server.js';
import { LOCAL_FAKE_MEDIA } from '../support/local-media.js';
import { failureOf } from '../support/publish-failure.js';
import { publishVideoFromFile, videoFiles, type TestVideo, type VideoFiles } from '../support/publish-video.js';

const PAGE_ID = '104857600123456';
const TOKEN = 'EAAGreenlightPageToken0123456789abcdef';
const MiB = 1024 * 1024;
const RANGE = 4 * MiB;
const VIDEOS_PATH = `/v25.0/${PAGE_ID}/videos`;

let files: VideoFiles;
/** About 10 MB: three ranges (4 MiB, 4 MiB, the rest). */
let clip: TestVideo;
beforeAll(async () => {
  files = videoFiles();
  clip = await files.write('spring-sale.mp4', { width: 1280, height: 720, seconds: 12, mediaBytes: 10 * MiB });
});
afterAll(() => files.cleanup());

let fake: MetaGraphFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  clearRegisteredSecrets();
});

async function setup(fakeOptions: Partial<MetaGraphFakeOptions> = {}, options: { fetch?: FetchLike; timeoutMs?: number } = {}) {
  const clock = new ManualClock('2026-03-02T09:00:00Z');
  fake = await startMetaGraphFake({
    pages: [{ id: PAGE_ID, token: TOKEN }],
    videoChunkBytes: RANGE,
    now: () => clock.now(),
    ...fakeOptions,
  });
  const waits: number[] = [];
  const logger = createMemoryLogger();
  const publisher = createFacebookPublisher(
    { pageId: PAGE_ID, pageToken: TOKEN, graphUrl: fake.url },
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
      ...(options.fetch ? { fetch: options.fetch } : {}),
    },
  );
  return { fake, publisher, waits, logger, clock };
}

/** A fresh reader of the shared clip, so each test counts its own reads. */
const freshClip = () => publishVideoFromFile(clip.path);

/** The `upload_phase` of each POST to the Page's videos, in order. */
const phases = (fake: MetaGraphFake) =>
  fake.server
    .requestsTo('POST', VIDEOS_PATH)
    .map((r) => String((r.json as Record<string, unknown> | undefined)?.upload_phase ?? r.form?.upload_phase));

/** A request the fake acted on whose answer never reached Greenlight: what a connection reset after sending looks like. */
function answerLost(which: (init: RequestInit | undefined, videoPosts: number) => boolean): FetchLike {
  let videoPosts = 0;
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const isVideoPost = init?.method === 'POST' && new URL(url).pathname === VIDEOS_PATH;
    if (isVideoPost) videoPosts += 1;
    const response = await fetch(input, init);
    if (isVideoPost && which(init, videoPosts)) {
      await response.body?.cancel();
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) });
    }
    return response;
  };
}

/** Progress reports only climb: bytes in order to the whole size, then processing, then processed. */
function expectMonotonic(reports: PublishProgress[], total: number) {
  const sent = reports.flatMap((p) => (p.stage === 'uploading' ? [p.bytesSent] : []));
  expect(sent).toEqual([...new Set(sent)].sort((a, b) => a - b));
  expect(sent[0]).toBe(0);
  expect(sent.at(-1)).toBe(total);
  expect(reports.every((p) => p.stage !== 'uploading' || p.totalBytes === total)).toBe(true);
  const stages = reports.map((p) => p.stage);
  expect(stages.lastIndexOf('uploading')).toBeLessThan(stages.indexOf('processing'));
  expect(reports.slice(-2)).toEqual([{ stage: 'processing' }, { stage: 'processed' }]);
}

describe('Facebook: a video post on the Page', () => {
  it('uploads the approved bytes range by range as Facebook asks, publishes once with the text, and waits while Facebook processes it', async () => {
    const { fake, publisher, waits } = await setup({ videoProcessingLooks: 2 });
    const reader = await freshClip();
    const { video } = reader;
    const reports: PublishProgress[] = [];
    const marks: number[] = [];
    const result = await publisher.publish({
      publicationId: 1,
      text: 'Our spring sale, in motion',
      mediaUrl: null,
      video,
      onProgress: (p) => reports.push(p),
      markSending: async () => void marks.push(fake.server.requests.length),
    });

    expect(publisher.publishesVideo).toBe(true);
    expect(phases(fake)).toEqual(['start', 'transfer', 'transfer', 'transfer', 'finish']);
    const [start, ...rest] = fake.server.requestsTo('POST', VIDEOS_PATH);
    expect(start!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(start!.json).toEqual({ upload_phase: 'start', file_size: video.bytes });

    const transfers = rest.slice(0, 3);
    expect(transfers.map((r) => r.form?.start_offset)).toEqual(['0', String(RANGE), String(2 * RANGE)]);
    expect(transfers.every((r) => r.form?.upload_session_id === [...fake.uploadSessions.keys()][0])).toBe(true);
    expect(transfers.every((r) => String(r.headers['content-type']).startsWith('multipart/form-data; boundary='))).toBe(true);
    // Each range is sent with its length, like a browser's upload, and the fake keeps no copy.
    expect(transfers.every((r) => Number(r.headers['content-length']) > 0 && r.headers['transfer-encoding'] === undefined)).toBe(true);
    expect(transfers.every((r) => r.files.length === 1 && r.files[0]!.field === 'video_file_chunk' && r.raw.length === 0)).toBe(true);

    // Read from the store range by range, each range once, never two at a time.
    expect(reader.opens).toEqual([
      { start: 0, end: RANGE },
      { start: RANGE, end: 2 * RANGE },
      { start: 2 * RANGE, end: video.bytes },
    ]);
    expect(reader.maxOpenAtOnce).toBe(1);

    const [session] = [...fake.uploadSessions.values()];
    expect(session!.ranges).toEqual([RANGE, RANGE, video.bytes - 2 * RANGE]);
    const published = fake.videos.get(session!.videoId)!;
    expect(fake.videos.size).toBe(1);
    expect(published.sha256).toBe(video.sha256);
    expect(published.bytes).toBe(video.bytes);
    expect(published).toMatchObject({ description: 'Our spring sale, in motion', published: true, status: 'ready' });

    // Only the finish publishes: it is marked as sending, right before it leaves.
    const finish = rest[3]!;
    expect(finish.json).toEqual({
      upload_phase: 'finish',
      upload_session_id: session!.id,
      description: 'Our spring sale, in motion',
      published: true,
    });
    expect(marks).toEqual([fake.server.requests.indexOf(finish)]);

    // Processing: looked at right away, then after 1 s and 2 s, until ready.
    const looks = fake.server.requestsTo('GET', `/v25.0/${session!.videoId}`).filter((r) => r.query.get('fields') === 'status');
    expect(looks).toHaveLength(3);
    expect(waits).toEqual(FACEBOOK_VIDEO_POLL_DELAYS_MS.slice(0, 2));

    expect(result).toEqual({ externalId: session!.videoId, url: `https://www.facebook.com/${PAGE_ID}/videos/${session!.videoId}/` });
    expectMonotonic(reports, video.bytes);
    expect(reports.filter((p) => p.stage === 'uploading')).toHaveLength(4);
    // A video is its own post: nothing goes to the feed endpoint.
    expect(fake.server.requestsTo('POST', `/v25.0/${PAGE_ID}/feed`)).toHaveLength(0);
  });

  it('a range Facebook fails for now is sent again, read afresh from the store, and the video still arrives whole, once', async () => {
    const { fake, publisher, waits } = await setup();
    fake.failVideoRange(1);
    const reader = await freshClip();
    const reports: PublishProgress[] = [];
    await publisher.publish({
      publicationId: 2,
      text: 'Through a hiccup',
      mediaUrl: null,
      video: reader.video,
      onProgress: (p) => reports.push(p),
    });

    expect(phases(fake)).toEqual(['start', 'transfer', 'transfer', 'transfer', 'transfer', 'finish']);
    expect(reader.opens.map((r) => r.start)).toEqual([0, RANGE, RANGE, 2 * RANGE]);
    expect(waits.length).toBeGreaterThan(0); // the client's backoff, on the injected clock
    const [session] = [...fake.uploadSessions.values()];
    expect(session!.transfers).toBe(4);
    expect(fake.videos.get(session!.videoId)!.sha256).toBe(reader.video.sha256);
    expect(fake.videos.size).toBe(1);
    expectMonotonic(reports, reader.video.bytes);
  });

  it('a range whose answer was lost is sent again under the same start_offset and counted once', async () => {
    // POSTs to the videos edge: start, range 0, range 1 (its answer lost) …
    const { fake, publisher } = await setup({}, { fetch: answerLost((_init, n) => n === 3) });
    const reader = await freshClip();
    const reports: PublishProgress[] = [];
    await publisher.publish({
      publicationId: 3,
      text: 'Lost and found',
      mediaUrl: null,
      video: reader.video,
      onProgress: (p) => reports.push(p),
    });

    const transfers = fake.server.requestsTo('POST', VIDEOS_PATH).filter((r) => r.form?.upload_phase === 'transfer');
    expect(transfers.map((r) => r.form?.start_offset)).toEqual(['0', String(RANGE), String(RANGE), String(2 * RANGE)]);
    const [session] = [...fake.uploadSessions.values()];
    expect(session!.ranges).toEqual([RANGE, RANGE, reader.video.bytes - 2 * RANGE]);
    expect(fake.videos.get(session!.videoId)!.sha256).toBe(reader.video.sha256);
    expect(phases(fake).filter((p) => p === 'finish')).toHaveLength(1);
    expectMonotonic(reports, reader.video.bytes);
  });

  it('a throttled range is waited out as X-App-Usage says, then sent again', async () => {
    const { fake, publisher, waits } = await setup();
    fake.failVideoRange(0, { kind: 'status', ...metaErrors.appThrottleFor(1) });
    const { video } = await freshClip();
    await publisher.publish({ publicationId: 4, text: 'Patiently', mediaUrl: null, video });

    expect(waits[0]).toBe(60_000);
    expect(phases(fake)).toEqual(['start', 'transfer', 'transfer', 'transfer', 'transfer', 'finish']);
    const [published] = [...fake.videos.values()];
    expect(published!.sha256).toBe(video.sha256);
  });

  it("a Page throttle longer than Greenlight waits is retryable after Meta's estimate, and nothing is published", async () => {
    const { fake, publisher } = await setup();
    fake.failVideoRange(1, { kind: 'status', ...metaErrors.pageThrottle(19) });
    let marked = 0;
    const { video } = await freshClip();
    const error = await failureOf(
      publisher.publish({ publicationId: 5, text: 'Later', mediaUrl: null, video, markSending: async () => void (marked += 1) }),
    );

    expect(error).toMatchObject({ kind: 'retryable', retryAfterMs: 19 * 60_000 });
    expect(error.message).toContain('Facebook is limiting how often Greenlight may call it');
    expect(phases(fake)).not.toContain('finish');
    expect(fake.videos.size).toBe(0);
    expect(marked).toBe(0);
  });

  it("a video Facebook cannot process is a permanent failure in plain words with Facebook's own, and it never shows on the Page", async () => {
    const { fake, publisher } = await setup({ videoProcessingLooks: 1 });
    fake.failVideoProcessing('The video file you uploaded appears to be corrupt.');
    const reports: PublishProgress[] = [];
    const { video } = await freshClip();
    const error = await failureOf(
      publisher.publish({ publicationId: 6, text: 'Broken', mediaUrl: null, video, onProgress: (p) => reports.push(p) }),
    );

    expect(error.kind).toBe('permanent');
    expect(error.message).toContain('Facebook could not process the video');
    expect(error.message).toContain('The video file you uploaded appears to be corrupt.');
    expect(error.message).toContain('will not appear on the Page');
    const [failed] = [...fake.videos.values()];
    expect(failed!.status).toBe('error');
    expect(reports.at(-1)).toEqual({ stage: 'processing' });
    expect(reports.some((p) => p.stage === 'processed')).toBe(false);
  });

  it('bytes that are not the approved ones are never published: changed bytes, or a file cut short', async () => {
    const { fake, publisher } = await setup();
    for (const change of ['bytes', 'shorter'] as const) {
      const copy = files.file(`altered-${change}.mp4`);
      fs.copyFileSync(clip.path, copy);
      if (change === 'shorter') fs.truncateSync(copy, fs.statSync(copy).size - 1000);
      else {
        const handle = fs.openSync(copy, 'r+');
        fs.writeSync(handle, Buffer.from('changed'), 0, 7, 6 * MiB);
        fs.closeSync(handle);
      }
      const { video } = await publishVideoFromFile(clip.path, {}, copy);
      const error = await failureOf(publisher.publish({ publicationId: 7, text: `Not approved (${change})`, mediaUrl: null, video }));
      expect(error.kind).toBe('permanent');
      expect(error.message).toContain('no longer exactly the approved one');
    }
    expect(phases(fake)).not.toContain('finish');
    expect(fake.videos.size).toBe(0);
  });

  it('a finish whose answer was lost is an unknown outcome and is not sent again', async () => {
    const lostFinish = answerLost((init) => typeof init?.body === 'string' && init.body.includes('"upload_phase":"finish"'));
    const { fake, publisher } = await setup({}, { fetch: lostFinish });
    const { video } = await freshClip();
    const error = await failureOf(publisher.publish({ publicationId: 8, text: 'Did it go?', mediaUrl: null, video }));

    expect(error.kind).toBe('unknown');
    expect(phases(fake).filter((p) => p === 'finish')).toHaveLength(1);
    expect(fake.videos.size).toBe(1); // Facebook has it: a person checks the Page before anything is retried
  });

  it('refuses a video together with images, and a format Facebook does not take, before uploading anything', async () => {
    const { fake, publisher } = await setup();
    const { video } = await freshClip();
    const both = await failureOf(publisher.publish({ publicationId: 9, text: 'Both', mediaUrl: 'https://example.com/a.jpg', video }));
    expect(both.kind).toBe('permanent');
    expect(both.message).toContain('either a video or images');
    const avi = await failureOf(
      publisher.publish({ publicationId: 9, text: 'AVI', mediaUrl: null, video: { ...video, container: 'avi' as 'mp4' } }),
    );
    expect(avi.kind).toBe('permanent');
    expect(avi.message).toContain('MP4 or MOV');
    expect(fake.server.requests).toHaveLength(0);
  });
});

describe("Facebook: the video fake holds to Meta's upload rules", () => {
  it('a range out of place or of the wrong length is refused with error 6001 and the range to send in error_data; an unfinished upload cannot be finished', async () => {
    const { fake } = await setup({ videoChunkBytes: 100 });
    const post = async (form: FormData) => {
      const response = await fetch(`${fake.url}${VIDEOS_PATH}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}` },
        body: form,
      });
      return { status: response.status, body: (await response.json()) as Record<string, any> };
    };
    const fields = (values: Record<string, string>, chunk?: Buffer) => {
      const form = new FormData();
      for (const [k, val] of Object.entries(values)) form.append(k, val);
      if (chunk) form.append('video_file_chunk', new Blob([chunk]), 'chunk');
      return form;
    };
    const started = await post(fields({ upload_phase: 'start', file_size: '250' }));
    expect(started.body).toEqual({
      video_id: expect.stringMatching(/^\d+$/),
      upload_session_id: expect.any(String),
      start_offset: '0',
      end_offset: '100',
    });
    const session = started.body.upload_session_id as string;

    const wrongPlace = await post(fields({ upload_phase: 'transfer', upload_session_id: session, start_offset: '100' }, Buffer.alloc(100)));
    expect(wrongPlace.status).toBe(400);
    expect(wrongPlace.body.error).toMatchObject({
      code: 6001,
      error_subcode: 1363037,
      error_data: { start_offset: '0', end_offset: '100' },
    });
    const wrongLength = await post(fields({ upload_phase: 'transfer', upload_session_id: session, start_offset: '0' }, Buffer.alloc(99)));
    expect(wrongLength.body.error.code).toBe(6001);
    const taken = await post(fields({ upload_phase: 'transfer', upload_session_id: session, start_offset: '0' }, Buffer.alloc(100)));
    expect(taken.body).toEqual({ start_offset: '100', end_offset: '200' });

    const early = await post(fields({ upload_phase: 'finish', upload_session_id: session }));
    expect(early.body.error.code).toBe(6001);
    expect(fake.videos.size).toBe(0);
    expect(graphError(6001, 'x', { data: { a: 1 } }).json).toMatchObject({ error: { error_data: { a: 1 } } });
  });

  it("a video has no shares field, as Meta's Video node has none", async () => {
    const { fake, publisher } = await setup();
    const { video } = await freshClip();
    const { externalId } = await publisher.publish({ publicationId: 10, text: 'Fields', mediaUrl: null, video });
    const read = await fetch(`${fake.url}/v25.0/${externalId}?fields=shares`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(read.status).toBe(400);
    expect(((await read.json()) as { error: { message: string } }).error.message).toContain(
      'nonexisting field (shares) on node type (Video)',
    );
  });
});

describe("Facebook: a video post's figures", () => {
  it('a video (a bare id) is read apart from Page posts, without the shares field a Video does not have: its shares are unknown, not zero', async () => {
    const { fake, publisher } = await setup();
    const { video } = await freshClip();
    const { externalId } = await publisher.publish({ publicationId: 11, text: 'Counted', mediaUrl: null, video });
    Object.assign(fake.videos.get(externalId)!, { reactions: 7, comments: 2 });
    const postId = `${PAGE_ID}_900`;
    fake.posts.set(postId, {
      id: postId,
      pageId: PAGE_ID,
      message: 'A text post',
      attachedMedia: [],
      createdAt: new Date('2026-03-01T10:00:00Z'),
      permalink: `https://www.facebook.com/${PAGE_ID}/posts/900`,
      reactions: 4,
      comments: 1,
      shares: 3,
    });
    const at = new Date('2026-03-02T10:00:00Z');
    const metrics = await publisher.fetchMetrics([
      { externalId, url: null, publishedAt: at },
      { externalId: postId, url: null, publishedAt: at },
    ]);

    expect(metrics.get(externalId)).toEqual({ likes: 7, comments: 2, shares: null, impressions: null, clicks: null, saves: null });
    expect(metrics.get(postId)).toEqual({ likes: 4, comments: 1, shares: 3, impressions: null, clicks: null, saves: null });
    const reads = fake.server.requestsTo('GET', '/v25.0/').map((r) => [r.query.get('ids'), r.query.get('fields')!.includes('shares')]);
    expect(reads).toEqual([
      [postId, true],
      [externalId, false],
    ]);
  });
});

describe('Facebook: where video uploads go', () => {
  it("Meta's own Graph host sends uploads to graph-video.facebook.com; a proxy or a fake takes them itself", () => {
    expect(videoUploadBase('https://graph.facebook.com')).toBe('https://graph-video.facebook.com');
    expect(videoUploadBase('https://graph.facebook.com/')).toBe('https://graph-video.facebook.com');
    expect(videoUploadBase('http://127.0.0.1:4567')).toBeUndefined();
    expect(videoUploadBase('https://meta-proxy.example.com/graph')).toBeUndefined();
  });
});

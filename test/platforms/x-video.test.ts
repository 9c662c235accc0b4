/**
 * X video posts (issue 15): the real publisher against the local X fake over HTTP, with a real
 * MP4 on disk read a range at a time. The fake hashes each segment as it arrives, so a test
 * knows exactly which bytes X assembled.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { createMemoryLogger } from '../../src/observability/logger.js';
import { clearRegisteredSecrets } from '../../src/observability/redact.js';
import type { Sleep } from '../../src/platforms/http/backoff.js';
import type { PublishProgress } from '../../src/platforms/publisher.js';
import { createXPublisher } from '../../src/platforms/x/publisher.js';
import { X_VIDEO_SEGMENT_BYTES } from '../../src/platforms/x/video.js';
import { startXFake, xRateLimitFault, type XFake, type XFakeOptions } from '../fakes/x/server.js';
import { LOCAL_FAKE_MEDIA } from '../support/local-media.js';
import { failureOf } from '../support/publish-failure.js';
import { publishVideoFromFile, videoFiles, type TestVideo, type VideoFiles } from '../support/publish-video.js';

const START = '2026-03-02T09:00:00.000Z';
const START_EPOCH_S = Date.parse(START) / 1000;
const MiB = 1024 * 1024;

let files: VideoFiles;
/** About 10 MB: three segments (4 MiB, 4 MiB, the rest). */
let clip: TestVideo;
beforeAll(async () => {
  files = videoFiles();
  clip = await files.write('spring-sale.mp4', { width: 1280, height: 720, seconds: 12, mediaBytes: 10 * MiB });
});
afterAll(() => files.cleanup());

let fake: XFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  clearRegisteredSecrets();
});

async function setup(fakeOptions: XFakeOptions = {}) {
  const clock = new ManualClock(START);
  fake = await startXFake({ clock, ...fakeOptions });
  const waits: number[] = [];
  const sleep: Sleep = async (ms) => {
    waits.push(ms);
    clock.advance(ms);
  };
  const logger = createMemoryLogger();
  const publisher = createXPublisher(
    { accessToken: fake.token, apiUrl: fake.url },
    { logger, clock, sleep, random: () => 0, timeoutMs: 2000, media: LOCAL_FAKE_MEDIA },
  );
  await publisher.init();
  return { fake, clock, waits, logger, publisher };
}

/** A fresh reader of the shared clip, so each test counts its own reads. */
const freshClip = () => publishVideoFromFile(clip.path);

/** The requests the video's publication made, in order, as `METHOD path`. */
const steps = (fake: XFake) =>
  fake.server.requests.filter((r) => r.path !== '/2/users/me').map((r) => `${r.method} ${r.path.replace(/\/\d{6,}\//, '/{id}/')}`);

describe('X: a video post', () => {
  it('uploads the approved bytes in order, one segment at a time, and posts once naming the video', async () => {
    const { fake, publisher } = await setup();
    const reader = await freshClip();
    const { video, opens } = reader;
    const result = await publisher.publish({ publicationId: 1, text: 'Our spring sale, in motion', mediaUrl: null, video });

    expect(publisher.publishesVideo).toBe(true);
    const [init] = fake.requestsTo('POST', '/2/media/upload/initialize');
    expect(init!.headers.authorization).toBe(`Bearer ${fake.token}`);
    expect(init!.json).toEqual({ media_type: 'video/mp4', total_bytes: video.bytes, media_category: 'tweet_video' });

    const [uploaded] = [...fake.videos.values()];
    expect(uploaded!.sha256).toBe(video.sha256);
    expect(uploaded!.receivedBytes).toBe(video.bytes);
    expect(uploaded!.segments).toEqual([X_VIDEO_SEGMENT_BYTES, X_VIDEO_SEGMENT_BYTES, video.bytes - 2 * X_VIDEO_SEGMENT_BYTES]);
    expect(uploaded!.appends).toBe(3);
    const appends = fake.requestsTo('POST', /\/append$/);
    expect(appends.map((r) => r.form?.segment_index)).toEqual(['0', '1', '2']);
    expect(appends.every((r) => r.headers.authorization === `Bearer ${fake.token}` && r.raw.length === 0)).toBe(true);

    // Read from the store range by range, each range once, never two at a time.
    expect(opens).toEqual([
      { start: 0, end: X_VIDEO_SEGMENT_BYTES },
      { start: X_VIDEO_SEGMENT_BYTES, end: 2 * X_VIDEO_SEGMENT_BYTES },
      { start: 2 * X_VIDEO_SEGMENT_BYTES, end: video.bytes },
    ]);
    expect(reader.maxOpenAtOnce).toBe(1);

    expect(fake.tweets).toHaveLength(1);
    expect(fake.tweets[0]!.mediaIds).toEqual([uploaded!.id]);
    expect(fake.requestsTo('POST', '/2/tweets')[0]!.json).toEqual({ text: 'Our spring sale, in motion', media: { media_ids: [uploaded!.id] } });
    expect(result.externalId).toBe(fake.tweets[0]!.id);
    expect(steps(fake)).toEqual([
      'POST /2/media/upload/initialize',
      'POST /2/media/upload/{id}/append',
      'POST /2/media/upload/{id}/append',
      'POST /2/media/upload/{id}/append',
      'POST /2/media/upload/{id}/finalize',
      'GET /2/media/upload',
      'GET /2/media/upload',
      'POST /2/tweets',
    ]);
    const looks = fake.requestsTo('GET', '/2/media/upload');
    expect(looks.map((r) => [r.query.get('command'), r.query.get('media_id')])).toEqual([
      ['STATUS', uploaded!.id],
      ['STATUS', uploaded!.id],
    ]);
  });

  it('waits as long as X asks between looks while it processes, and posts only once it has succeeded', async () => {
    const { fake, publisher, waits } = await setup({ videoProcessing: { looks: 3, checkAfterSecs: 7 } });
    const marks: string[] = [];
    const { video } = await freshClip();
    await publisher.publish({
      publicationId: 2,
      text: 'Processing takes a moment',
      mediaUrl: null,
      video,
      markSending: async () => void marks.push([...fake.videos.values()][0]!.state),
    });
    expect(waits.filter((w) => w === 7000)).toHaveLength(3);
    expect(fake.requestsTo('GET', '/2/media/upload')).toHaveLength(3);
    // The post is the one sending step, marked once, after X said the video was ready.
    expect(marks).toEqual(['succeeded']);
    expect(fake.tweets).toHaveLength(1);
  });

  it('follows X’s processing on its clock too: it looks again until the time has passed', async () => {
    const { fake, publisher, waits } = await setup({ videoProcessing: { seconds: 20, checkAfterSecs: 5 } });
    const { video } = await freshClip();
    await publisher.publish({ publicationId: 3, text: 'Twenty seconds of processing', mediaUrl: null, video });
    expect(waits.filter((w) => w === 5000).length).toBeGreaterThanOrEqual(4);
    expect([...fake.videos.values()][0]!.state).toBe('succeeded');
    expect(fake.tweets).toHaveLength(1);
  });

  it('a video X cannot process is a permanent failure in plain words, with X’s reason, and nothing is posted', async () => {
    const { fake, publisher } = await setup();
    fake.failVideoProcessing('Unsupported video format');
    let marked = 0;
    const { video } = await freshClip();
    const error = await failureOf(
      publisher.publish({ publicationId: 4, text: 'Will not go out', mediaUrl: null, video, markSending: async () => void (marked += 1) }),
    );
    expect(error.kind).toBe('permanent');
    expect(error.message).toContain('X could not process the video');
    expect(error.message).toContain('Unsupported video format');
    expect(error.message).toContain('nothing was posted');
    expect(fake.requestsTo('POST', '/2/tweets')).toHaveLength(0);
    expect(marked).toBe(0);
  });

  it('a rate limit in the middle of the upload waits for X’s reset, then sends that segment again and carries on', async () => {
    const { fake, publisher, waits } = await setup();
    fake.failSegment(1, xRateLimitFault(START_EPOCH_S + 40));
    const { video, opens } = await freshClip();
    const result = await publisher.publish({ publicationId: 5, text: 'Through the limit', mediaUrl: null, video });

    const appends = fake.requestsTo('POST', /\/append$/);
    expect(appends.map((r) => r.form?.segment_index)).toEqual(['0', '1', '1', '2']);
    expect(waits.some((w) => w >= 40_000)).toBe(true);
    const [uploaded] = [...fake.videos.values()];
    expect(uploaded!.sha256).toBe(video.sha256);
    expect(uploaded!.appends).toBe(3);
    // The segment waited in memory: the file was not read again.
    expect(opens).toHaveLength(3);
    expect(fake.tweets).toHaveLength(1);
    expect(result.externalId).toBe(fake.tweets[0]!.id);
  });

  it('a segment whose connection dropped is sent again under the same index, and the video arrives whole', async () => {
    const { fake, publisher } = await setup();
    fake.failNext({ method: 'POST', path: /\/append$/ }, { kind: 'drop' });
    const { video } = await freshClip();
    await publisher.publish({ publicationId: 6, text: 'A hiccup', mediaUrl: null, video });
    expect(fake.requestsTo('POST', /\/append$/).map((r) => r.form?.segment_index)).toEqual(['0', '0', '1', '2']);
    expect([...fake.videos.values()][0]!.sha256).toBe(video.sha256);
    expect(fake.tweets).toHaveLength(1);
  });

  it('reports progress that only climbs, ends at the whole size, then says X is processing and has processed it', async () => {
    const { publisher } = await setup();
    const reports: PublishProgress[] = [];
    const { video } = await freshClip();
    await publisher.publish({ publicationId: 7, text: 'Watch the bar', mediaUrl: null, video, onProgress: (p) => reports.push(p) });

    const uploading = reports.filter((p): p is Extract<PublishProgress, { stage: 'uploading' }> => p.stage === 'uploading');
    expect(uploading.length).toBeGreaterThanOrEqual(3);
    expect(uploading.every((p) => p.totalBytes === video.bytes)).toBe(true);
    const sent = uploading.map((p) => p.bytesSent);
    expect(sent).toEqual([...sent].sort((a, b) => a - b));
    expect(sent.at(-1)).toBe(video.bytes);
    expect(reports.slice(uploading.length).map((p) => p.stage)).toEqual(['processing', 'processed']);
  });

  it('bytes in the store that are not the approved ones are never finalized or posted', async () => {
    const { fake, publisher } = await setup();
    const other = files.file('tampered.mp4');
    fs.copyFileSync(clip.path, other);
    const handle = fs.openSync(other, 'r+');
    fs.writeSync(handle, Buffer.from('changed'), 0, 7, 6 * MiB);
    fs.closeSync(handle);
    const { video } = await publishVideoFromFile(clip.path, {}, other);

    const error = await failureOf(publisher.publish({ publicationId: 8, text: 'Not what was approved', mediaUrl: null, video }));
    expect(error.kind).toBe('permanent');
    expect(error.message).toContain('no longer exactly the approved one');
    expect(fake.requestsTo('POST', /\/finalize$/)).toHaveLength(0);
    expect(fake.requestsTo('POST', '/2/tweets')).toHaveLength(0);
  });

  it('refuses a video together with images before uploading anything', async () => {
    const { fake, publisher } = await setup();
    const { video } = await freshClip();
    const error = await failureOf(publisher.publish({ publicationId: 9, text: 'Both', mediaUrl: 'https://example.com/a.png', video }));
    expect(error.kind).toBe('permanent');
    expect(error.message).toContain('one video or up to four images');
    expect(fake.requestsTo('POST', '/2/media/upload/initialize')).toHaveLength(0);
    expect(fake.tweets).toHaveLength(0);
  });
});

describe('X fake: the chunked upload follows X', () => {
  const call = (fake: XFake, method: string, path: string, body?: FormData | object) =>
    fetch(`${fake.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${fake.token}`, ...(body && !(body instanceof FormData) ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: body instanceof FormData ? body : JSON.stringify(body) } : {}),
    });
  const segment = (index: number, bytes: Buffer) => {
    const form = new FormData();
    form.append('segment_index', String(index));
    form.append('media', new Blob([bytes]), 'segment');
    return form;
  };

  it('a segment sent again replaces it; out of order, too big, short or unknown is refused; the post needs a processed video', async () => {
    const { fake } = await setup({ videoProcessing: { looks: 1 } });
    const a = Buffer.alloc(1000, 1);
    const b = Buffer.alloc(1000, 2);
    const c = Buffer.alloc(500, 3);
    const init = await call(fake, 'POST', '/2/media/upload/initialize', { media_type: 'video/mp4', total_bytes: 1500, media_category: 'tweet_video' });
    const { data } = (await init.json()) as { data: { id: string } };

    expect((await call(fake, 'POST', `/2/media/upload/${data.id}/append`, segment(1, c))).status).toBe(400);
    expect((await call(fake, 'POST', `/2/media/upload/${data.id}/append`, segment(0, a))).status).toBe(200);
    expect((await call(fake, 'POST', `/2/media/upload/${data.id}/append`, segment(0, b))).status).toBe(200);
    expect((await call(fake, 'POST', `/2/media/upload/${data.id}/finalize`)).status).toBe(400); // 1000 of 1500 bytes
    expect((await call(fake, 'POST', `/2/media/upload/${data.id}/append`, segment(1, Buffer.alloc(501)))).status).toBe(400);
    expect((await call(fake, 'POST', `/2/media/upload/999/append`, segment(0, c))).status).toBe(400);
    expect((await call(fake, 'POST', `/2/media/upload/${data.id}/append`, segment(1, c))).status).toBe(200);

    const tooEarly = await call(fake, 'POST', '/2/tweets', { text: 'early', media: { media_ids: [data.id] } });
    expect(tooEarly.status).toBe(400);
    const finalized = (await (await call(fake, 'POST', `/2/media/upload/${data.id}/finalize`)).json()) as { data: { processing_info: { state: string } } };
    expect(finalized.data.processing_info.state).toBe('pending');
    const status = (await (await call(fake, 'GET', `/2/media/upload?command=STATUS&media_id=${data.id}`)).json()) as { data: { processing_info: { state: string } } };
    expect(status.data.processing_info.state).toBe('succeeded');

    const video = fake.videos.get(data.id)!;
    expect(video.segments).toEqual([1000, 500]);
    expect(video.sha256).toBe(createHash('sha256').update(Buffer.concat([b, c])).digest('hex'));
    expect((await call(fake, 'POST', '/2/tweets', { text: 'now', media: { media_ids: [data.id] } })).status).toBe(201);
    const big = await call(fake, 'POST', '/2/media/upload/initialize', { media_type: 'video/webm', total_bytes: 10, media_category: 'tweet_video' });
    expect(big.status).toBe(400);
  });
});

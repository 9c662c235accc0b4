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
import { X_VIDEO_CHECKPOINT_KEY, type XVideoProgress } from '../../src/platforms/x/video-checkpoint.js';
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
    expect(fake.requestsTo('POST', '/2/tweets')[0]!.json).toEqual({
      text: 'Our spring sale, in motion',
      media: { media_ids: [uploaded!.id] },
    });
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

/**
 * Where a publication's checkpoint is kept between attempts, as the store keeps it: each save
 * replaces the last, as JSON. `crashAt`: that save is kept, then the attempt dies (as a process
 * killed right after the write would); `failAt`: that save fails and nothing is kept.
 */
function checkpointStore(options: { crashAt?: number; failAt?: number } = {}) {
  let saved: Record<string, unknown> | null = null;
  let saves = 0;
  return {
    get saved() {
      return saved;
    },
    get progress(): XVideoProgress {
      return (saved as Record<string, XVideoProgress>)[X_VIDEO_CHECKPOINT_KEY]!;
    },
    save: async (progress: Record<string, unknown>) => {
      saves += 1;
      if (saves === options.failAt) throw new Error('database is locked');
      saved = JSON.parse(JSON.stringify(progress)) as Record<string, unknown>;
      if (saves === options.crashAt) throw new Error('the process was killed');
    },
  };
}

/** The requests made after the first `from`, as `METHOD path`. */
const stepsSince = (fake: XFake, from: number) => steps({ server: { requests: fake.server.requests.slice(from) } } as XFake);
/** The requests after the first `from` that name media id `id`. */
const naming = (fake: XFake, from: number, id: string) =>
  fake.server.requests.slice(from).filter((r) => r.path.includes(`/${id}/`) || r.query.get('media_id') === id);

describe('X: a video upload cut off is carried on, never sent twice', () => {
  it('a rate limit that outlasts the wait stops the upload at segment 2; the next attempt sends only segment 2, then posts once', async () => {
    const { fake, publisher, clock } = await setup();
    fake.failSegment(2, xRateLimitFault(START_EPOCH_S + 3600));
    const store = checkpointStore();
    const first = await freshClip();
    const stopped = await failureOf(
      publisher.publish({ publicationId: 20, text: 'Cut off', mediaUrl: null, video: first.video, saveCheckpoint: store.save }),
    );
    expect(stopped.kind).toBe('retryable');
    expect(fake.tweets).toHaveLength(0);
    const [uploaded] = [...fake.videos.values()];
    expect(store.progress).toMatchObject({
      mediaId: uploaded!.id,
      sha256: first.video.sha256,
      bytes: first.video.bytes,
      segmentsDone: 2,
      finalized: false,
    });
    expect(Date.parse(store.progress.expiresAt)).toBe(Date.parse(START) + 86_400_000);

    clock.advance(3600_000);
    const second = await freshClip();
    const result = await publisher.publish({
      publicationId: 20,
      text: 'Cut off',
      mediaUrl: null,
      video: second.video,
      checkpoint: store.saved,
      saveCheckpoint: store.save,
    });

    expect(fake.requestsTo('POST', '/2/media/upload/initialize')).toHaveLength(1);
    expect(fake.videos.size).toBe(1);
    // Segment 2's first send was refused (the rate limit); every other index went once.
    expect(fake.requestsTo('POST', /\/append$/).map((r) => r.form?.segment_index)).toEqual(['0', '1', '2', '2']);
    expect(uploaded!.appends).toBe(3);
    expect(uploaded!.segments).toEqual([X_VIDEO_SEGMENT_BYTES, X_VIDEO_SEGMENT_BYTES, second.video.bytes - 2 * X_VIDEO_SEGMENT_BYTES]);
    expect(uploaded!.sha256).toBe(second.video.sha256);
    // The bytes already sent were read again from the store to check them, not sent again.
    expect(second.opens).toEqual([
      { start: 0, end: 2 * X_VIDEO_SEGMENT_BYTES },
      { start: 2 * X_VIDEO_SEGMENT_BYTES, end: second.video.bytes },
    ]);
    expect(fake.tweets).toHaveLength(1);
    expect(fake.tweets[0]!.mediaIds).toEqual([uploaded!.id]);
    expect(result.externalId).toBe(fake.tweets[0]!.id);
    expect(store.progress).toMatchObject({ segmentsDone: 3, finalized: true });
  });

  it('killed right after a segment was recorded: the next attempt appends each remaining segment once and reports progress from there', async () => {
    const { fake, publisher } = await setup();
    // Save 1: the media id (INITIALIZE); save 2: segment 0 done, and the attempt dies.
    const store = checkpointStore({ crashAt: 2 });
    const first = await freshClip();
    await failureOf(
      publisher.publish({ publicationId: 21, text: 'Killed', mediaUrl: null, video: first.video, saveCheckpoint: store.save }),
    );
    expect(fake.requestsTo('POST', /\/append$/).map((r) => r.form?.segment_index)).toEqual(['0']);
    expect(store.progress.segmentsDone).toBe(1);

    const from = fake.server.requests.length;
    const reports: PublishProgress[] = [];
    const { video } = await freshClip();
    await publisher.publish({
      publicationId: 21,
      text: 'Killed',
      mediaUrl: null,
      video,
      checkpoint: store.saved,
      saveCheckpoint: store.save,
      onProgress: (p) => reports.push(p),
    });

    expect(stepsSince(fake, from)).toEqual([
      'POST /2/media/upload/{id}/append',
      'POST /2/media/upload/{id}/append',
      'POST /2/media/upload/{id}/finalize',
      'GET /2/media/upload',
      'GET /2/media/upload',
      'POST /2/tweets',
    ]);
    expect(fake.requestsTo('POST', /\/append$/).map((r) => r.form?.segment_index)).toEqual(['0', '1', '2']);
    const [uploaded] = [...fake.videos.values()];
    expect(uploaded!.appends).toBe(3);
    expect(uploaded!.sha256).toBe(video.sha256);
    expect(fake.tweets.map((t) => t.mediaIds)).toEqual([[uploaded!.id]]);
    const sent = reports.flatMap((p) => (p.stage === 'uploading' ? [p.bytesSent] : []));
    expect(sent).toEqual([X_VIDEO_SEGMENT_BYTES, 2 * X_VIDEO_SEGMENT_BYTES, video.bytes]);
  });

  it('a save that fails stops the upload before the next step, as a retryable failure', async () => {
    for (const [failAt, appended] of [
      [1, 0],
      [3, 2],
    ] as const) {
      await fake?.close(); // the previous round's
      const { fake: x, publisher } = await setup();
      const store = checkpointStore({ failAt });
      const { video } = await freshClip();
      const error = await failureOf(
        publisher.publish({ publicationId: 22, text: 'Not recorded', mediaUrl: null, video, saveCheckpoint: store.save }),
      );
      expect(error.kind).toBe('retryable');
      expect(error.message).toContain('could not record how far the video upload to X had come');
      expect(x.requestsTo('POST', /\/append$/)).toHaveLength(appended);
      expect(x.requestsTo('POST', /\/finalize$/)).toHaveLength(0);
      expect(x.tweets).toHaveLength(0);
    }
  });

  it('a video X was still processing when the wait ran out: the next attempt only looks at STATUS, then posts it', async () => {
    const { fake, publisher } = await setup({ videoProcessing: { seconds: 900, checkAfterSecs: 60 } });
    const store = checkpointStore();
    const first = await freshClip();
    const stopped = await failureOf(
      publisher.publish({ publicationId: 23, text: 'Slow to process', mediaUrl: null, video: first.video, saveCheckpoint: store.save }),
    );
    expect(stopped.kind).toBe('retryable');
    expect(stopped.message).toContain('still processing');
    expect(store.progress).toMatchObject({ segmentsDone: 3, finalized: true });

    const from = fake.server.requests.length;
    const second = await freshClip();
    await publisher.publish({
      publicationId: 23,
      text: 'Slow to process',
      mediaUrl: null,
      video: second.video,
      checkpoint: store.saved,
      saveCheckpoint: store.save,
    });

    const later = stepsSince(fake, from);
    expect(later.at(-1)).toBe('POST /2/tweets');
    expect(new Set(later.slice(0, -1))).toEqual(new Set(['GET /2/media/upload']));
    expect(second.opens).toEqual([]); // not a byte read, let alone sent
    expect(fake.requestsTo('POST', '/2/media/upload/initialize')).toHaveLength(1);
    expect(fake.requestsTo('POST', /\/append$/)).toHaveLength(3);
    expect(fake.requestsTo('POST', /\/finalize$/)).toHaveLength(1);
    expect(fake.tweets.map((t) => t.mediaIds)).toEqual([[[...fake.videos.keys()][0]]]);
  });

  it('killed after FINALIZE was recorded, and X then failed to process that upload: the next attempt uploads it once more', async () => {
    const { fake, publisher } = await setup({ videoProcessing: { looks: 1 } });
    fake.failVideoProcessing('Transcoder crashed');
    // Saves: INITIALIZE, three segments, FINALIZE (the fifth), and the attempt dies.
    const store = checkpointStore({ crashAt: 5 });
    const first = await freshClip();
    await failureOf(
      publisher.publish({ publicationId: 31, text: 'Second chance', mediaUrl: null, video: first.video, saveCheckpoint: store.save }),
    );
    const oldId = store.progress.mediaId;
    expect(store.progress.finalized).toBe(true);

    const from = fake.server.requests.length;
    const { video } = await freshClip();
    await publisher.publish({
      publicationId: 31,
      text: 'Second chance',
      mediaUrl: null,
      video,
      checkpoint: store.saved,
      saveCheckpoint: store.save,
    });

    expect(naming(fake, from, oldId).map((r) => `${r.method} ${r.query.get('command')}`)).toEqual(['GET STATUS']);
    expect(fake.videos.get(oldId)!.state).toBe('failed');
    const fresh = [...fake.videos.values()].find((v) => v.id !== oldId)!;
    expect(fresh.sha256).toBe(video.sha256);
    expect(fake.tweets.map((t) => t.mediaIds)).toEqual([[fresh.id]]);
  });

  it('past its expiry the earlier media id is left alone: a new upload, and X is not asked about the old one', async () => {
    const { fake, publisher, clock } = await setup();
    const store = checkpointStore({ crashAt: 3 });
    const first = await freshClip();
    await failureOf(
      publisher.publish({ publicationId: 24, text: 'A day later', mediaUrl: null, video: first.video, saveCheckpoint: store.save }),
    );
    const oldId = store.progress.mediaId;

    clock.advance(25 * 3600_000);
    const from = fake.server.requests.length;
    const { video } = await freshClip();
    await publisher.publish({
      publicationId: 24,
      text: 'A day later',
      mediaUrl: null,
      video,
      checkpoint: store.saved,
      saveCheckpoint: store.save,
    });

    expect(naming(fake, from, oldId)).toEqual([]);
    expect(fake.requestsTo('POST', '/2/media/upload/initialize')).toHaveLength(2);
    const fresh = [...fake.videos.values()].find((v) => v.id !== oldId)!;
    expect(fresh.sha256).toBe(video.sha256);
    expect(fresh.appends).toBe(3);
    expect(fake.tweets.map((t) => t.mediaIds)).toEqual([[fresh.id]]);
    expect(store.progress.mediaId).toBe(fresh.id);
  });

  it('a media id X no longer knows (before its time) is refused at the first step, and a new upload follows', async () => {
    const { fake, publisher, logger } = await setup();
    const store = checkpointStore({ crashAt: 2 });
    const first = await freshClip();
    await failureOf(
      publisher.publish({ publicationId: 25, text: 'Forgotten', mediaUrl: null, video: first.video, saveCheckpoint: store.save }),
    );
    const oldId = store.progress.mediaId;
    fake.forgetVideo(oldId);

    const from = fake.server.requests.length;
    const { video } = await freshClip();
    await publisher.publish({
      publicationId: 25,
      text: 'Forgotten',
      mediaUrl: null,
      video,
      checkpoint: store.saved,
      saveCheckpoint: store.save,
    });

    const asked = naming(fake, from, oldId);
    expect(asked.map((r) => r.form?.segment_index)).toEqual(['1']);
    expect(fake.requestsTo('POST', '/2/media/upload/initialize')).toHaveLength(2);
    const fresh = [...fake.videos.values()].find((v) => v.id !== oldId)!;
    expect(fresh.segments).toHaveLength(3);
    expect(fresh.sha256).toBe(video.sha256);
    expect(fake.tweets.map((t) => t.mediaIds)).toEqual([[fresh.id]]);
    expect(logger.lines.some((l) => l.includes('started again'))).toBe(true);
  });

  it('a checkpoint for other bytes, or one that cannot be read, is ignored: a new upload', async () => {
    const { fake, publisher } = await setup();
    const store = checkpointStore({ crashAt: 3 });
    const first = await freshClip();
    await failureOf(
      publisher.publish({ publicationId: 26, text: 'Other bytes', mediaUrl: null, video: first.video, saveCheckpoint: store.save }),
    );
    const oldId = store.progress.mediaId;
    const variants: Array<Record<string, unknown>> = [
      { [X_VIDEO_CHECKPOINT_KEY]: { ...store.progress, sha256: 'f'.repeat(64) } },
      { [X_VIDEO_CHECKPOINT_KEY]: { ...store.progress, bytes: store.progress.bytes + 1 } },
      { [X_VIDEO_CHECKPOINT_KEY]: { mediaId: oldId, segmentsDone: 'two' } },
    ];
    for (const [n, checkpoint] of variants.entries()) {
      const from = fake.server.requests.length;
      const { video } = await freshClip();
      await publisher.publish({ publicationId: 27 + n, text: `Other bytes ${n}`, mediaUrl: null, video, checkpoint });
      expect(naming(fake, from, oldId)).toEqual([]);
      expect(stepsSince(fake, from)[0]).toBe('POST /2/media/upload/initialize');
      const used = fake.tweets.at(-1)!.mediaIds[0]!;
      expect(used).not.toBe(oldId);
      expect(fake.videos.get(used)!.sha256).toBe(video.sha256);
    }
    expect(fake.tweets).toHaveLength(3);
  });

  it('bytes the store served earlier that differ from what it serves now: a new upload rather than finalizing a mix', async () => {
    const { fake, publisher } = await setup();
    const other = files.file('tampered-then-restored.mp4');
    fs.copyFileSync(clip.path, other);
    const handle = fs.openSync(other, 'r+');
    fs.writeSync(handle, Buffer.from('changed'), 0, 7, 6 * MiB); // in segment 1
    fs.closeSync(handle);
    // The first attempt read the changed file and died after X took segments 0 and 1.
    const store = checkpointStore({ crashAt: 3 });
    const { video: wrong } = await publishVideoFromFile(clip.path, {}, other);
    await failureOf(publisher.publish({ publicationId: 30, text: 'Mixed', mediaUrl: null, video: wrong, saveCheckpoint: store.save }));
    const oldId = store.progress.mediaId;

    const { video } = await freshClip();
    await publisher.publish({
      publicationId: 30,
      text: 'Mixed',
      mediaUrl: null,
      video,
      checkpoint: store.saved,
      saveCheckpoint: store.save,
    });

    expect(fake.videos.get(oldId)!.state).toBe('uploading'); // never finalized
    const fresh = [...fake.videos.values()].find((v) => v.id !== oldId)!;
    expect(fresh.sha256).toBe(video.sha256);
    expect(fake.tweets.map((t) => t.mediaIds)).toEqual([[fresh.id]]);
  });
});

describe('X fake: the chunked upload follows X', () => {
  const call = (fake: XFake, method: string, path: string, body?: FormData | object) =>
    fetch(`${fake.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${fake.token}`,
        ...(body && !(body instanceof FormData) ? { 'content-type': 'application/json' } : {}),
      },
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
    const init = await call(fake, 'POST', '/2/media/upload/initialize', {
      media_type: 'video/mp4',
      total_bytes: 1500,
      media_category: 'tweet_video',
    });
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
    const finalized = (await (await call(fake, 'POST', `/2/media/upload/${data.id}/finalize`)).json()) as {
      data: { processing_info: { state: string } };
    };
    expect(finalized.data.processing_info.state).toBe('pending');
    const status = (await (await call(fake, 'GET', `/2/media/upload?command=STATUS&media_id=${data.id}`)).json()) as {
      data: { processing_info: { state: string } };
    };
    expect(status.data.processing_info.state).toBe('succeeded');

    const video = fake.videos.get(data.id)!;
    expect(video.segments).toEqual([1000, 500]);
    expect(video.sha256).toBe(
      createHash('sha256')
        .update(Buffer.concat([b, c]))
        .digest('hex'),
    );
    expect((await call(fake, 'POST', '/2/tweets', { text: 'now', media: { media_ids: [data.id] } })).status).toBe(201);
    const big = await call(fake, 'POST', '/2/media/upload/initialize', {
      media_type: 'video/webm',
      total_bytes: 10,
      media_category: 'tweet_video',
    });
    expect(big.status).toBe(400);
  });

  it('a media id expires expires_after_secs after the last step: then every step naming it is refused', async () => {
    const { fake, clock } = await setup();
    const init = await call(fake, 'POST', '/2/media/upload/initialize', {
      media_type: 'video/mp4',
      total_bytes: 2000,
      media_category: 'tweet_video',
    });
    const { data } = (await init.json()) as { data: { id: string; expires_after_secs: number } };
    expect(data.expires_after_secs).toBe(86_400);
    clock.advance(86_000_000);
    expect((await call(fake, 'POST', `/2/media/upload/${data.id}/append`, segment(0, Buffer.alloc(1000, 1)))).status).toBe(200);
    clock.advance(86_000_000); // a day after INITIALIZE, less than a day after the APPEND
    expect((await call(fake, 'POST', `/2/media/upload/${data.id}/append`, segment(1, Buffer.alloc(1000, 2)))).status).toBe(200);
    clock.advance(86_400_000);
    const late = await call(fake, 'POST', `/2/media/upload/${data.id}/finalize`);
    expect(late.status).toBe(400);
    expect(JSON.stringify(await late.json())).toContain('was not found');
  });
});

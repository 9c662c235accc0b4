import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clearRegisteredSecrets } from '../../src/observability/redact.js';
import { PROCESSING_POLL_DELAYS_MS } from '../../src/platforms/youtube/processing.js';
import { YOUTUBE_QUOTA_COSTS } from '../../src/platforms/youtube/quota.js';
import { DETAILS, MiB, START, startHarness, youtubeRequest, type Harness } from '../fakes/youtube/harness.js';
import { publishVideo, writeTestVideo, type TestVideo } from '../fakes/youtube/publish-video.js';
import { png } from '../support/image-fixtures.js';
import { failureOf } from '../support/publish-failure.js';
import { publishImages, sha256 } from '../support/publish-images.js';
import { tempDir } from '../support/temp-db.js';

const tmp = tempDir('greenlight-youtube-');
let written: Awaited<ReturnType<typeof writeTestVideo>>;
let h: Harness | undefined;
/** The approved video as the scheduler hands it, fresh for each test (its reads recorded). */
let video: TestVideo;

beforeAll(async () => {
  // A few megabytes, not a whole number of parts (the last part is short).
  written = await writeTestVideo(tmp.dir, 'spring-sale.mp4', 3 * MiB + 123_457);
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

const sessionStarts = (fake: Harness['fake']) => fake.server.requestsTo('POST', '/upload/youtube/v3/videos');

describe('YouTube: uploading the approved video', () => {
  it('streams exactly the approved bytes in resumable parts of 256 KiB multiples, and returns the watch link', async () => {
    const { fake, publisher, waits } = await setup();
    const { req, saved, progress } = youtubeRequest(fake, video);
    const uploadsAtFirstSave: number[] = [];
    req.saveCheckpoint = async (p) => {
      uploadsAtFirstSave.push(fake.uploadRequests.length);
      saved.push(p);
    };

    const result = await publisher.publish(req);

    const [made] = [...fake.videos.values()];
    expect(fake.videos.size).toBe(1);
    expect(result).toEqual({ externalId: made!.id, url: `https://www.youtube.com/watch?v=${made!.id}` });
    // Exactly the approved bytes arrived.
    expect(made!.sha256).toBe(written.sha256);
    expect(made!.bytes).toBe(written.bytes);
    expect(made!.contentType).toBe('video/mp4');

    // One resumable session, with the approved details.
    const [start] = sessionStarts(fake);
    expect(sessionStarts(fake)).toHaveLength(1);
    expect(start!.query.get('uploadType')).toBe('resumable');
    expect(start!.query.get('part')).toBe('snippet,status');
    expect(start!.headers['x-upload-content-length']).toBe(String(written.bytes));
    expect(start!.headers['x-upload-content-type']).toBe('video/mp4');
    expect(start!.headers.authorization).toBe(`Bearer ${fake.accessTokens[0]}`);
    expect(start!.json).toEqual({
      snippet: { title: DETAILS.title, description: req.text, tags: ['spring', 'sale 2026'], categoryId: '22' },
      status: { privacyStatus: 'public', selfDeclaredMadeForKids: false },
    });

    // Parts of 1 MiB (the harness's part size, a multiple of 256 KiB), the last one short; YouTube said 308 until the last.
    const T = written.bytes;
    expect(fake.uploadRequests.map((r) => [r.contentRange, r.outcome])).toEqual([
      [`bytes 0-${MiB - 1}/${T}`, 308],
      [`bytes ${MiB}-${2 * MiB - 1}/${T}`, 308],
      [`bytes ${2 * MiB}-${3 * MiB - 1}/${T}`, 308],
      [`bytes ${3 * MiB}-${T - 1}/${T}`, 201],
    ]);
    // Read a part at a time, never the whole file.
    expect(video.opens).toEqual([
      { start: 0, end: MiB },
      { start: MiB, end: 2 * MiB },
      { start: 2 * MiB, end: 3 * MiB },
      { start: 3 * MiB, end: T },
    ]);

    // The session was recorded before the first byte left; then the last part's moment, then the video.
    expect(uploadsAtFirstSave[0]).toBe(0);
    expect(saved[0]).toEqual({ sessionUri: fake.sessions.get('upload-1')!.uri, sha256: written.sha256, totalBytes: T, startedAt: START });
    expect(saved.at(-1)).toMatchObject({ finalChunkAt: START, videoId: made!.id });

    // Progress per part, then processing (one look still processing, a wait, then done).
    expect(progress).toEqual([
      { stage: 'uploading', bytesSent: MiB, totalBytes: T },
      { stage: 'uploading', bytesSent: 2 * MiB, totalBytes: T },
      { stage: 'uploading', bytesSent: 3 * MiB, totalBytes: T },
      { stage: 'uploading', bytesSent: T, totalBytes: T },
      { stage: 'processing' },
      { stage: 'processed' },
    ]);
    expect(waits).toEqual([PROCESSING_POLL_DELAYS_MS[0]]);
    const looks = fake.server.requestsTo('GET', '/youtube/v3/videos');
    expect(looks).toHaveLength(2);
    expect(looks[0]!.query.getAll('part')).toEqual(['status', 'processingDetails']);
    expect(looks[0]!.query.getAll('id')).toEqual([made!.id]);
    expect(fake.quotaUsed()).toBe(YOUTUBE_QUOTA_COSTS['videos.insert'] + 2 * YOUTUBE_QUOTA_COSTS['videos.list']);
  });

  it('a public video for later waits on YouTube as private with publishAt at the approved time, and says it is held until then', async () => {
    const { fake, publisher, clock } = await setup();
    const at = new Date(clock.now().getTime() + 2 * 24 * 60 * 60_000);
    const result = await publisher.publish(youtubeRequest(fake, video, { publishAt: at }).req);
    const [made] = [...fake.videos.values()];
    expect(result).toEqual({ externalId: made!.id, url: `https://www.youtube.com/watch?v=${made!.id}`, heldUntil: at });
    expect(sessionStarts(fake)[0]!.json).toMatchObject({
      status: { privacyStatus: 'private', publishAt: at.toISOString(), selfDeclaredMadeForKids: false },
    });
    expect(made!.status).toMatchObject({ privacyStatus: 'private', publishAt: at.toISOString() });
    expect(fake.server.requestsTo('PUT', '/youtube/v3/videos')).toHaveLength(0);
  });

  it('a time less than two minutes away, or an unlisted video, goes up with the approved privacy now', async () => {
    const { fake, publisher, clock } = await setup();
    const soon = new Date(clock.now().getTime() + 90_000);
    await publisher.publish(youtubeRequest(fake, video, { publishAt: soon }).req);
    const later = new Date(clock.now().getTime() + 3 * 60 * 60_000);
    await publisher.publish(
      youtubeRequest(fake, video, { publishAt: later, youtube: { ...DETAILS, privacy: 'unlisted', madeForKids: true, tags: [] } }).req,
    );

    const [now, unlisted] = sessionStarts(fake).map((r) => r.json as { snippet: Record<string, unknown>; status: Record<string, unknown> });
    expect(now!.status).toEqual({ privacyStatus: 'public', selfDeclaredMadeForKids: false });
    expect(unlisted!.status).toEqual({ privacyStatus: 'unlisted', selfDeclaredMadeForKids: true });
    expect(unlisted!.snippet).not.toHaveProperty('tags');
    const [first, second] = [...fake.videos.values()];
    expect(first!.status).toMatchObject({ privacyStatus: 'public', madeForKids: false });
    expect(first!.status.publishAt).toBeUndefined();
    expect(second!.status).toMatchObject({ privacyStatus: 'unlisted', madeForKids: true, selfDeclaredMadeForKids: true });
  });

  it('sets the approved thumbnail after the upload, with its exact bytes', async () => {
    const { fake, publisher } = await setup();
    const thumb = png(1280, 720);
    const { images } = publishImages([{ bytes: thumb, alt: null }]);
    const { req, saved } = youtubeRequest(fake, video, { thumbnail: images[0]!, youtube: { ...DETAILS, thumbnail: images[0]! } });
    await publisher.publish(req);
    const [made] = [...fake.videos.values()];
    expect(made!.thumbnail).toEqual({ contentType: 'image/png', sha256: sha256(thumb), bytes: thumb.length });
    const [set] = fake.server.requestsTo('POST', '/upload/youtube/v3/thumbnails/set');
    expect(set!.query.get('videoId')).toBe(made!.id);
    expect(saved.at(-1)).toMatchObject({ videoId: made!.id, thumbnailSet: true });
    // After the upload, before the first look at processing.
    const order = fake.server.requests.map((r) => `${r.method} ${r.path}`);
    expect(order.indexOf('POST /upload/youtube/v3/thumbnails/set')).toBeLessThan(order.indexOf('GET /youtube/v3/videos'));
    expect(fake.quotaUsed()).toBe(1600 + 50 + 2);
  });

  it('a thumbnail YouTube refuses does not fail the publication: a warning, and YouTube keeps its own frame', async () => {
    const { fake, publisher, logger } = await setup({ fake: { thumbnailsForbidden: true } });
    const { images } = publishImages([{ bytes: png(1280, 720), alt: null }]);
    const result = await publisher.publish(youtubeRequest(fake, video, { thumbnail: images[0]! }).req);
    expect(fake.videos.get(result.externalId)!.thumbnail).toBeUndefined();
    expect(logger.lines.join('\n')).toMatch(/custom thumbnail could not be set/);
  });

  it('processing that fails is a permanent failure in plain words', async () => {
    const { fake, publisher } = await setup({
      fake: { processingLooks: 2, processingOutcome: { status: 'failed', reason: 'transcodeFailed' } },
    });
    const { req, progress } = youtubeRequest(fake, video);
    const error = await failureOf(publisher.publish(req));
    expect(error.kind).toBe('permanent');
    expect(error.message).toBe(
      'YouTube could not process the uploaded video: YouTube could not convert it. Upload a different file in a new version of the post.',
    );
    expect(progress.at(-1)).toEqual({ stage: 'processing' });
  });

  it('a video still processing after the bounded waits is published: YouTube finishes it by itself', async () => {
    const { fake, publisher, waits, logger } = await setup({ fake: { processingLooks: Infinity } });
    const { req, progress } = youtubeRequest(fake, video);
    const result = await publisher.publish(req);
    expect(result.externalId).toBe([...fake.videos.keys()][0]);
    expect(waits).toEqual(PROCESSING_POLL_DELAYS_MS);
    expect(progress.at(-1)).toEqual({ stage: 'processing' });
    expect(logger.lines.join('\n')).toMatch(/still processing/);
  });

  it('refuses a request without a video or without its YouTube details, plainly, before calling YouTube', async () => {
    const { fake, publisher } = await setup();
    const noVideo = await failureOf(publisher.publish({ publicationId: 1, text: 'Hi', mediaUrl: null, youtube: DETAILS }));
    expect(noVideo.kind).toBe('permanent');
    expect(noVideo.message).toBe('YouTube posts need a video: upload one to the draft.');
    const noDetails = await failureOf(publisher.publish({ publicationId: 1, text: 'Hi', mediaUrl: null, video: video.video }));
    expect(noDetails.kind).toBe('permanent');
    expect(noDetails.message).toMatch(/need a title/);
    expect(fake.server.requests).toHaveLength(0);
  });

  it('says what it is: video, scheduled on the network, marks its send, resumes after a crash at any time', async () => {
    const { publisher } = await setup();
    expect(publisher.network).toBe('youtube');
    expect(publisher.publishesVideo).toBe(true);
    expect(publisher.schedulesOnNetwork?.({ youtube: DETAILS })).toBe(true);
    // YouTube's publishAt only makes a video public: an unlisted one is not held.
    expect(publisher.schedulesOnNetwork?.({ youtube: { ...DETAILS, privacy: 'unlisted' } })).toBe(false);
    expect(publisher.schedulesOnNetwork?.({ youtube: null })).toBe(false);
    expect(publisher.marksSending).toBe(true);
    const sent = new Date(START);
    expect(publisher.resumeAfterCrash?.(sent, new Date(sent.getTime() + 60_000))).toBe(true);
    expect(publisher.resumeAfterCrash?.(sent, new Date(sent.getTime() + 8 * 24 * 60 * 60_000))).toBe(true);
  });
});

describe('YouTube: a held video at its time', () => {
  async function held(options: Parameters<typeof startHarness>[0] = {}) {
    const harness = await setup(options);
    const at = new Date(harness.clock.now().getTime() + 24 * 60 * 60_000);
    const first = youtubeRequest(harness.fake, video, { publishAt: at, youtube: { ...DETAILS, madeForKids: true } });
    const result = await harness.publisher.publish(first.req);
    expect(result.heldUntil).toEqual(at);
    return { ...harness, at, checkpoint: first.last(), videoId: result.externalId };
  }
  const uploadsAndLooks = (fake: Harness['fake']) => ({ sessions: sessionStarts(fake).length, parts: fake.uploadRequests.length });

  it('YouTube made it public on time: the look at its time confirms it, uploading nothing', async () => {
    const { fake, publisher, clock, at, checkpoint, videoId } = await held();
    const before = uploadsAndLooks(fake);
    const quota = fake.quotaUsed();
    clock.set(at);
    const { req, progress } = youtubeRequest(fake, video, { publishAt: at, youtube: { ...DETAILS, madeForKids: true }, checkpoint });
    const result = await publisher.publish(req);
    expect(result).toEqual({ externalId: videoId, url: `https://www.youtube.com/watch?v=${videoId}` });
    expect(uploadsAndLooks(fake)).toEqual(before);
    expect(fake.quotaUsed() - quota).toBe(1); // one look
    expect(fake.videos.get(videoId)!.status.privacyStatus).toBe('public');
    expect(progress).toEqual([{ stage: 'processing' }, { stage: 'processed' }]);
  });

  it('YouTube is late: Greenlight makes it public at the approved time, keeping the rest of its status', async () => {
    const { fake, publisher, clock, at, checkpoint, videoId } = await held({ fake: { scheduleLate: true } });
    clock.set(at.getTime() + 60_000);
    const result = await publisher.publish(
      youtubeRequest(fake, video, { publishAt: at, youtube: { ...DETAILS, madeForKids: true }, checkpoint }).req,
    );
    expect(result.heldUntil).toBeUndefined();
    const status = fake.videos.get(videoId)!.status;
    expect(status).toMatchObject({ privacyStatus: 'public', selfDeclaredMadeForKids: true });
    expect(status.publishAt).toBeUndefined();
    expect(fake.server.requestsTo('PUT', '/youtube/v3/videos')).toHaveLength(1);
  });

  it("an approved time that moved later moves YouTube's publishAt with it", async () => {
    const { fake, publisher, at, checkpoint, videoId } = await held();
    const later = new Date(at.getTime() + 6 * 60 * 60_000);
    const result = await publisher.publish(
      youtubeRequest(fake, video, { publishAt: later, youtube: { ...DETAILS, madeForKids: true }, checkpoint }).req,
    );
    expect(result.heldUntil).toEqual(later);
    expect(fake.videos.get(videoId)!.status).toMatchObject({
      privacyStatus: 'private',
      publishAt: later.toISOString(),
      selfDeclaredMadeForKids: true,
    });
    expect(sessionStarts(fake)).toHaveLength(1);
  });

  it('a video someone made private in YouTube Studio is left alone: permanent, in plain words', async () => {
    const { fake, publisher, clock, at, checkpoint, videoId } = await held();
    const onYouTube = fake.videos.get(videoId)!;
    onYouTube.status.privacyStatus = 'private';
    delete onYouTube.status.publishAt;
    clock.set(at);
    const error = await failureOf(publisher.publish(youtubeRequest(fake, video, { publishAt: at, checkpoint }).req));
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/private on YouTube and no longer scheduled/);
    expect(fake.server.requestsTo('PUT', '/youtube/v3/videos')).toHaveLength(0);
  });
});

describe('YouTube: withdrawing a video that waits for its time', () => {
  it('keeps it private and clears publishAt, leaving the rest of its status as it was', async () => {
    const { fake, publisher, clock } = await setup();
    const at = new Date(clock.now().getTime() + 24 * 60 * 60_000);
    const { externalId } = await publisher.publish(
      youtubeRequest(fake, video, { publishAt: at, youtube: { ...DETAILS, madeForKids: true } }).req,
    );
    expect(fake.videos.get(externalId)!.status.publishAt).toBe(at.toISOString());
    const before = fake.quotaUsed();

    await publisher.withdraw!(externalId);

    const status = fake.videos.get(externalId)!.status;
    expect(status.privacyStatus).toBe('private');
    expect(status.publishAt).toBeUndefined();
    expect(status.selfDeclaredMadeForKids).toBe(true);
    const [update] = fake.server.requestsTo('PUT', '/youtube/v3/videos');
    expect(update!.query.getAll('part')).toEqual(['status']);
    expect((update!.json as { status: Record<string, unknown> }).status).not.toHaveProperty('publishAt');
    expect(fake.quotaUsed() - before).toBe(YOUTUBE_QUOTA_COSTS['videos.list'] + YOUTUBE_QUOTA_COSTS['videos.update']);
  });

  it('a video YouTube no longer has needs nothing: no update is sent', async () => {
    const { fake, publisher } = await setup();
    await publisher.withdraw!('vidGone0001');
    expect(fake.server.requestsTo('GET', '/youtube/v3/videos')).toHaveLength(1);
    expect(fake.server.requestsTo('PUT', '/youtube/v3/videos')).toHaveLength(0);
  });
});

describe('YouTube: engagement figures', () => {
  it('reads statistics 50 videos a call: views as impressions, likes, comments; hidden counts are empty, gone videos left out', async () => {
    const { fake, publisher } = await setup();
    const { externalId } = await publisher.publish(youtubeRequest(fake, video).req);
    const template = fake.videos.get(externalId)!;
    const ids = [externalId];
    for (let i = 1; i <= 51; i++) {
      const id = `vidCopy${String(i).padStart(4, '0')}`;
      fake.videos.set(id, { ...template, id });
      fake.setStatistics(id, { views: 1000 + i, likes: i, comments: i * 2 });
      ids.push(id);
    }
    fake.setStatistics(externalId, { views: 12_345 }); // likes hidden, comments off
    const targets = [...ids, 'vidDeleted99'].map((id) => ({ externalId: id, url: null, publishedAt: new Date(START) }));
    const before = fake.server.requestsTo('GET', '/youtube/v3/videos').length;

    const metrics = await publisher.fetchMetrics(targets);

    const calls = fake.server.requestsTo('GET', '/youtube/v3/videos').slice(before);
    expect(calls.map((c) => c.query.getAll('id').length)).toEqual([50, 3]);
    expect(calls[0]!.query.getAll('part')).toEqual(['statistics']);
    expect(metrics.size).toBe(52);
    expect(metrics.has('vidDeleted99')).toBe(false);
    expect(metrics.get(externalId)).toEqual({ likes: null, comments: null, shares: null, impressions: 12_345, clicks: null, saves: null });
    expect(metrics.get('vidCopy0051')).toEqual({ likes: 51, comments: 102, shares: null, impressions: 1051, clicks: null, saves: null });
  });
});

describe('YouTube: the video is never whole in memory', () => {
  it('reads no range larger than one part, whatever the video size', async () => {
    const { fake, publisher } = await setup({ chunkBytes: 512 * 1024 });
    await publisher.publish(youtubeRequest(fake, video).req);
    expect(video.opens.length).toBe(Math.ceil(written.bytes / (512 * 1024)));
    for (const read of video.opens) expect(read.end - read.start).toBeLessThanOrEqual(512 * 1024);
    expect([...fake.videos.values()][0]!.sha256).toBe(written.sha256);
  });
});

/**
 * Bluesky video posts (issue 15): the real publisher against the local Bluesky fake (the PDS
 * and, on its own port, the video service) over HTTP, the video streamed from a real MP4 on
 * disk. The fake hashes the upload as it arrives, so a test knows exactly which bytes the
 * video service got.
 */
import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { createMemoryLogger } from '../../src/observability/logger.js';
import { clearRegisteredSecrets } from '../../src/observability/redact.js';
import { createBlueskyPublisher } from '../../src/platforms/bluesky/publisher.js';
import { BLUESKY_VIDEO_LIMIT_RETRY_MS, BLUESKY_VIDEO_POLL_DELAYS_MS, didWeb } from '../../src/platforms/bluesky/video.js';
import type { PublishProgress } from '../../src/platforms/publisher.js';
import { startBlueskyFake, type BlueskyFake, type BlueskyFakeOptions } from '../fakes/bluesky/server.js';
import { LOCAL_FAKE_MEDIA } from '../support/local-media.js';
import { failureOf } from '../support/publish-failure.js';
import { publishVideoFromFile, videoFiles, type TestVideo, type VideoFiles } from '../support/publish-video.js';

const HANDLE = 'acme.bsky.social';
const PASSWORD = 'abcd-efgh-ijkl-mnop';
const START = '2026-03-02T09:00:00.000Z';
const MiB = 1024 * 1024;

let files: VideoFiles;
let clip: TestVideo;
beforeAll(async () => {
  files = videoFiles();
  clip = await files.write('spring-sale.mp4', { width: 1280, height: 720, seconds: 12, mediaBytes: 10 * MiB });
});
afterAll(() => files.cleanup());

let fake: BlueskyFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  clearRegisteredSecrets();
});

async function setup(fakeOptions: Partial<BlueskyFakeOptions> = {}) {
  const clock = new ManualClock(START);
  fake = await startBlueskyFake({ handle: HANDLE, password: PASSWORD, now: () => clock.now(), ...fakeOptions });
  const waits: number[] = [];
  const sleep = async (ms: number) => {
    waits.push(ms);
    clock.advance(ms);
  };
  const logger = createMemoryLogger();
  const publisher = createBlueskyPublisher(
    { identifier: HANDLE, appPassword: PASSWORD, serviceUrl: fake.url, videoUrl: fake.videoUrl },
    { logger, clock, sleep, random: () => 0, timeoutMs: 2000, media: LOCAL_FAKE_MEDIA },
  );
  return { fake, clock, waits, logger, publisher };
}

const freshClip = () => publishVideoFromFile(clip.path);
const creates = (f: BlueskyFake) => f.server.requestsTo('POST', '/xrpc/com.atproto.repo.createRecord');
const uploads = (f: BlueskyFake) => f.videoServer.requestsTo('POST', '/xrpc/app.bsky.video.uploadVideo');
const looks = (f: BlueskyFake) => f.videoServer.requestsTo('GET', '/xrpc/app.bsky.video.getJobStatus');
const uploadingReports = (reports: PublishProgress[]) => reports.flatMap((p) => (p.stage === 'uploading' ? [p] : []));

/** A copy of the clip with some bytes changed, or cut short. */
function alteredCopy(name: string, change: 'bytes' | 'shorter'): string {
  const copy = files.file(name);
  fs.copyFileSync(clip.path, copy);
  if (change === 'shorter') fs.truncateSync(copy, fs.statSync(copy).size - 1000);
  else {
    const handle = fs.openSync(copy, 'r+');
    fs.writeSync(handle, Buffer.from('changed'), 0, 7, 6 * MiB);
    fs.closeSync(handle);
  }
  return copy;
}

describe('Bluesky: a video post', () => {
  it('streams the approved bytes to the video service with a service-auth token, waits for the blob, and posts once embedding it', async () => {
    const { fake, publisher, clock } = await setup();
    const reader = await freshClip();
    const { video } = reader;
    const result = await publisher.publish({ publicationId: 1, text: 'Our spring sale, in motion', mediaUrl: null, video });

    expect(publisher.publishesVideo).toBe(true);
    // Two tokens from the PDS: one for the video service's limits, one the service stores the video on the PDS with.
    const tokens = [...fake.serviceTokens.values()];
    expect(tokens.map((t) => [t.aud, t.lxm])).toEqual([
      [didWeb(fake.videoUrl), 'app.bsky.video.getUploadLimits'],
      [didWeb(fake.url), 'com.atproto.repo.uploadBlob'],
    ]);
    expect(tokens[1]!.iss).toBe(fake.did);
    expect(tokens[1]!.exp).toBe(Date.parse(START) / 1000 + 30 * 60);

    const [upload] = uploads(fake);
    expect(upload!.query.get('did')).toBe(fake.did);
    expect(upload!.headers.authorization).toBe(`Bearer ${[...fake.serviceTokens.keys()][1]}`);
    expect(upload!.headers['content-type']).toBe('video/mp4');
    // Sent with its length, not chunked, and the fake kept no copy.
    expect(Number(upload!.headers['content-length'])).toBe(video.bytes);
    expect(upload!.headers['transfer-encoding']).toBeUndefined();
    expect(upload!.raw.length).toBe(0);
    expect(reader.opens).toEqual([{ start: 0, end: video.bytes }]);

    const [job] = [...fake.videoJobs.values()];
    expect(job!.sha256).toBe(video.sha256);
    expect(job!.size).toBe(video.bytes);
    expect(job!.state).toBe('JOB_STATE_COMPLETED');

    expect(creates(fake)).toHaveLength(1);
    const [post] = [...fake.posts.values()];
    expect(post!.record.text).toBe('Our spring sale, in motion');
    expect(post!.record.createdAt).toBe(clock.now().toISOString());
    expect(post!.record.embed).toEqual({
      $type: 'app.bsky.embed.video',
      video: { $type: 'blob', ref: { $link: job!.blobCid }, mimeType: 'video/mp4', size: video.bytes },
      aspectRatio: { width: 1280, height: 720 },
    });
    expect(result.externalId).toBe(post!.uri);

    const paths = (requests: typeof fake.server.requests) =>
      requests.map((r) => r.path.replace('/xrpc/', '')).filter((p) => p !== 'com.atproto.identity.resolveHandle');
    expect(paths(fake.server.requests)).toEqual([
      'com.atproto.server.createSession',
      'com.atproto.repo.getRecord',
      'com.atproto.server.getServiceAuth',
      'com.atproto.server.getServiceAuth',
      'com.atproto.repo.createRecord',
    ]);
    expect(paths(fake.videoServer.requests)).toEqual([
      'app.bsky.video.getUploadLimits',
      'app.bsky.video.uploadVideo',
      'app.bsky.video.getJobStatus',
      'app.bsky.video.getJobStatus',
    ]);
  });

  it('waits while the video service processes the video and posts only once the job has its blob', async () => {
    const { fake, publisher, waits } = await setup({ videoProcessingLooks: 3 });
    const marks: string[] = [];
    const { video } = await freshClip();
    await publisher.publish({
      publicationId: 2,
      text: 'Processing takes a moment',
      mediaUrl: null,
      video,
      markSending: async () => void marks.push([...fake.videoJobs.values()][0]!.state),
    });
    expect(looks(fake)).toHaveLength(4);
    expect(waits.filter((w) => w >= 1000)).toEqual(BLUESKY_VIDEO_POLL_DELAYS_MS.slice(0, 4));
    // The post is the one sending step, marked once, after the video service finished.
    expect(marks).toEqual(['JOB_STATE_COMPLETED']);
    expect(fake.posts.size).toBe(1);
  });

  it('a video the service cannot process is a permanent failure in plain words, and nothing is posted', async () => {
    const { fake, publisher } = await setup();
    fake.failVideoProcessing('Failed to process video');
    let marked = 0;
    const { video } = await freshClip();
    const error = await failureOf(
      publisher.publish({ publicationId: 3, text: 'Will not go out', mediaUrl: null, video, markSending: async () => void (marked += 1) }),
    );
    expect(error.kind).toBe('permanent');
    expect(error.message).toContain('Bluesky could not process the video');
    expect(error.message).toContain('Failed to process video');
    expect(error.message).toContain('nothing was posted');
    expect([...fake.videoJobs.values()][0]!.state).toBe('JOB_STATE_FAILED');
    expect(creates(fake)).toHaveLength(0);
    expect(marked).toBe(0);
  });

  it('a rate-limited upload waits for RateLimit-Reset, streams the file again, and posts once; progress never goes back', async () => {
    const { fake, publisher, waits } = await setup();
    fake.limitVideoService('uploadVideo', { times: 1, resetAfterMs: 20_000 });
    const reader = await freshClip();
    const reports: PublishProgress[] = [];
    const result = await publisher.publish({
      publicationId: 4,
      text: 'Through the limit',
      mediaUrl: null,
      video: reader.video,
      onProgress: (p) => reports.push(p),
    });

    expect(uploads(fake)).toHaveLength(2);
    expect(waits.some((w) => w >= 20_000)).toBe(true);
    expect(reader.opens).toEqual([
      { start: 0, end: reader.video.bytes },
      { start: 0, end: reader.video.bytes },
    ]);
    expect(fake.videoJobs.size).toBe(1);
    expect([...fake.videoJobs.values()][0]!.sha256).toBe(reader.video.sha256);
    expect(fake.posts.size).toBe(1);
    expect(result.externalId).toBe([...fake.posts.keys()][0]);

    const sent = uploadingReports(reports).map((p) => p.bytesSent);
    expect(sent.length).toBeGreaterThan(2);
    expect(sent).toEqual([...new Set(sent)].sort((a, b) => a - b));
    expect(sent[0]).toBe(0);
    expect(sent.at(-1)).toBe(reader.video.bytes);
    expect(uploadingReports(reports).every((p) => p.totalBytes === reader.video.bytes)).toBe(true);
    expect(reports.slice(-2)).toEqual([{ stage: 'processing' }, { stage: 'processed' }]);
  });

  it('bytes that are not the approved ones never reach a post: changed bytes, or a file cut short', async () => {
    const { fake, publisher } = await setup();
    for (const change of ['bytes', 'shorter'] as const) {
      const { video } = await publishVideoFromFile(clip.path, {}, alteredCopy(`altered-${change}.mp4`, change));
      const error = await failureOf(publisher.publish({ publicationId: 5, text: `Not approved (${change})`, mediaUrl: null, video }));
      expect(error.kind).toBe('permanent');
      expect(error.message).toContain('no longer exactly the approved one');
    }
    expect(looks(fake)).toHaveLength(0);
    expect(creates(fake)).toHaveLength(0);
  });

  it('the same video posted again uses the job that processed it before (409 already_exists), and both posts embed its blob', async () => {
    const { fake, publisher } = await setup();
    const { video } = await freshClip();
    await publisher.publish({ publicationId: 6, text: 'First time', mediaUrl: null, video });
    await publisher.publish({ publicationId: 7, text: 'Second time', mediaUrl: null, video });

    expect(uploads(fake)).toHaveLength(2);
    expect(fake.videoJobs.size).toBe(1);
    const [job] = [...fake.videoJobs.values()];
    const embedded = [...fake.posts.values()].map((p) => (p.record.embed as { video: { ref: { $link: string } } }).video.ref.$link);
    expect(embedded).toEqual([job!.blobCid, job!.blobCid]);
  });

  it('a service token the video service refuses is minted afresh and tried again', async () => {
    const { fake, publisher } = await setup();
    fake.videoServer.failNext(
      { path: '/xrpc/app.bsky.video.getUploadLimits' },
      { kind: 'status', status: 401, json: { error: 'BadJwtSignature', message: 'jwt signature does not match jwt issuer' } },
    );
    const { video } = await freshClip();
    await publisher.publish({ publicationId: 12, text: 'Second token', mediaUrl: null, video });
    expect([...fake.serviceTokens.values()].map((t) => t.lxm)).toEqual([
      'app.bsky.video.getUploadLimits',
      'app.bsky.video.getUploadLimits',
      'com.atproto.repo.uploadBlob',
    ]);
    const limits = fake.videoServer.requestsTo('GET', '/xrpc/app.bsky.video.getUploadLimits');
    expect(limits.map((r) => r.headers.authorization)).toEqual([...fake.serviceTokens.keys()].slice(0, 2).map((t) => `Bearer ${t}`));
    expect(fake.posts.size).toBe(1);
  });

  it('reads the upload answer inside {jobStatus} too, as the lexicon has it', async () => {
    const { fake, publisher } = await setup({ uploadVideoAnswer: 'lexicon' });
    const { video } = await freshClip();
    await publisher.publish({ publicationId: 8, text: 'Lexicon-shaped', mediaUrl: null, video });
    expect(fake.posts.size).toBe(1);
  });

  it('a daily video limit used up is retryable in plain words, and an unverified email is permanent; nothing is uploaded', async () => {
    const { fake, publisher } = await setup({ videoDailyLimit: { videos: 25, bytes: 5 * MiB } });
    const { video } = await freshClip();
    const bytesLeft = await failureOf(publisher.publish({ publicationId: 9, text: 'Too much today', mediaUrl: null, video }));
    expect(bytesLeft.kind).toBe('retryable');
    expect(bytesLeft.message).toContain("Bluesky's daily video limit for this account is used up");
    expect(bytesLeft.message).toContain('5 MB left for today');
    expect(bytesLeft.retryAfterMs).toBe(BLUESKY_VIDEO_LIMIT_RETRY_MS);

    fake.setVideoUploadLimits({ canUpload: false, message: 'You have reached your daily upload limit' });
    const used = await failureOf(publisher.publish({ publicationId: 9, text: 'Too much today', mediaUrl: null, video }));
    expect(used.kind).toBe('retryable');
    expect(used.message).toContain('You have reached your daily upload limit');

    fake.setVideoUploadLimits({ canUpload: false, error: 'unconfirmed_email', message: 'Please verify your email address' });
    const email = await failureOf(publisher.publish({ publicationId: 9, text: 'Too much today', mediaUrl: null, video }));
    expect(email.kind).toBe('permanent');
    expect(email.message).toContain('verify the account');
    expect(uploads(fake)).toHaveLength(0);
    expect(creates(fake)).toHaveLength(0);
  });

  it('refuses a video together with images, and a MOV, before uploading anything', async () => {
    const { fake, publisher } = await setup();
    const { video } = await freshClip();
    const both = await failureOf(publisher.publish({ publicationId: 10, text: 'Both', mediaUrl: 'https://example.com/a.png', video }));
    expect(both.kind).toBe('permanent');
    expect(both.message).toContain('one video or images');
    const mov = await failureOf(
      publisher.publish({ publicationId: 11, text: 'MOV', mediaUrl: null, video: { ...video, container: 'mov' } }),
    );
    expect(mov.kind).toBe('permanent');
    expect(mov.message).toContain('Bluesky takes MP4 videos');
    expect(fake.videoServer.requests).toHaveLength(0);
    expect(fake.serviceTokens.size).toBe(0);
  });
});

describe('Bluesky fake: service auth and the video service follow Bluesky', () => {
  it('service tokens are bounded like the PDS bounds them, and the video service takes only the right one', async () => {
    const { fake } = await setup();
    const session = (await (
      await fetch(`${fake.url}/xrpc/com.atproto.server.createSession`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ identifier: HANDLE, password: PASSWORD }),
      })
    ).json()) as { accessJwt: string };
    const nowS = Date.parse(START) / 1000;
    const auth = (params: Record<string, string>) =>
      fetch(`${fake.url}/xrpc/com.atproto.server.getServiceAuth?${new URLSearchParams(params)}`, {
        headers: { authorization: `Bearer ${session.accessJwt}` },
      });
    expect((await auth({ aud: didWeb(fake.url), lxm: 'com.atproto.repo.uploadBlob', exp: String(nowS + 2 * 3600) })).status).toBe(400);
    expect((await auth({ aud: didWeb(fake.url), exp: String(nowS + 600) })).status).toBe(400);
    const wrongMethod = ((await (await auth({ aud: didWeb(fake.url), lxm: 'app.bsky.feed.getTimeline' })).json()) as { token: string })
      .token;
    const right = (
      (await (await auth({ aud: didWeb(fake.url), lxm: 'com.atproto.repo.uploadBlob', exp: String(nowS + 1800) })).json()) as {
        token: string;
      }
    ).token;
    expect(right.split('.')).toHaveLength(3);

    const upload = (token: string, did = fake.did) =>
      fetch(`${fake.videoUrl}/xrpc/app.bsky.video.uploadVideo?did=${encodeURIComponent(did)}&name=a.mp4`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'video/mp4' },
        body: Buffer.alloc(1000, 7),
      });
    expect((await upload(wrongMethod)).status).toBe(401);
    expect((await upload(right, 'did:plc:someoneelse')).status).toBe(401);
    const created = (await (await upload(right)).json()) as { jobId: string; state: string };
    expect(created.state).toBe('JOB_STATE_CREATED');
    const status = async () =>
      (
        (await (await fetch(`${fake.videoUrl}/xrpc/app.bsky.video.getJobStatus?jobId=${created.jobId}`)).json()) as {
          jobStatus: { state: string; blob?: unknown };
        }
      ).jobStatus;
    expect((await status()).state).toBe('JOB_STATE_ENCODING');
    const done = await status();
    expect(done.state).toBe('JOB_STATE_COMPLETED');
    expect(done.blob).toMatchObject({ $type: 'blob', mimeType: 'video/mp4', size: 1000 });
    const again = await upload(right);
    expect(again.status).toBe(409);
    expect((await again.json()) as { error: string; jobId: string }).toMatchObject({ error: 'already_exists', jobId: created.jobId });
  });
});

/**
 * Mastodon video posts (issue 15): the real publisher against the local Mastodon fake over
 * HTTP, the video streamed from a real MP4 on disk inside the multipart upload.
 */
import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { createMemoryLogger } from '../../src/observability/logger.js';
import { clearRegisteredSecrets } from '../../src/observability/redact.js';
import { createMastodonPublisher } from '../../src/platforms/mastodon/publisher.js';
import type { PublishProgress } from '../../src/platforms/publisher.js';
import { startMastodonFake, type MastodonFake, type MastodonFakeOptions } from '../fakes/mastodon/server.js';
import { LOCAL_FAKE_MEDIA } from '../support/local-media.js';
import { failureOf } from '../support/publish-failure.js';
import { publishVideoFromFile, videoFiles, type TestVideo, type VideoFiles } from '../support/publish-video.js';

const TOKEN = 'mastodon-secret-token-Zx8Q1w2e3r4t5y6u7i8o9p';
const START = '2026-03-02T09:00:00.000Z';
const MiB = 1024 * 1024;

let files: VideoFiles;
let clip: TestVideo;
beforeAll(async () => {
  files = videoFiles();
  clip = await files.write('spring-sale.mp4', { width: 1280, height: 720, seconds: 12, mediaBytes: 10 * MiB });
});
afterAll(() => files.cleanup());

let fake: MastodonFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  clearRegisteredSecrets();
});

async function setup(fakeOptions: Partial<MastodonFakeOptions> = {}) {
  const clock = new ManualClock(START);
  fake = await startMastodonFake({ accessToken: TOKEN, now: () => clock.now(), ...fakeOptions });
  const waits: number[] = [];
  const sleep = async (ms: number) => {
    waits.push(ms);
    clock.advance(ms);
  };
  const logger = createMemoryLogger();
  const publisher = createMastodonPublisher(
    { url: fake.url, accessToken: TOKEN },
    { logger, clock, sleep, random: () => 0, timeoutMs: 2000, media: LOCAL_FAKE_MEDIA },
  );
  await publisher.init!();
  return { fake, clock, waits, logger, publisher };
}

const freshClip = () => publishVideoFromFile(clip.path);

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

describe('Mastodon: a video post', () => {
  it('streams the approved bytes in one upload, waits while Mastodon transcodes, then posts once naming the video', async () => {
    const { fake, publisher, waits } = await setup({ videoProcessingPolls: 2 });
    const reader = await freshClip();
    const { video } = reader;
    const result = await publisher.publish({ publicationId: 1, text: 'Our spring sale, in motion', mediaUrl: null, video });

    expect(publisher.publishesVideo).toBe(true);
    const [upload] = fake.server.requestsTo('POST', '/api/v2/media');
    expect(upload!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(upload!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    // Sent with its length, like a browser's upload, not chunked.
    expect(Number(upload!.headers['content-length'])).toBeGreaterThan(video.bytes);
    expect(upload!.headers['transfer-encoding']).toBeUndefined();
    expect(upload!.files.map((f) => [f.field, f.filename, f.contentType])).toEqual([['file', 'spring-sale.mp4', 'video/mp4']]);
    expect(upload!.raw.length).toBe(0); // the fake keeps no copy

    const [attachment] = [...fake.media.values()];
    expect(attachment!.type).toBe('video');
    expect(attachment!.sha256).toBe(video.sha256);
    expect(attachment!.size).toBe(video.bytes);
    // The file was opened once, whole, as a stream.
    expect(reader.opens).toEqual([{ start: 0, end: video.bytes }]);

    expect(fake.server.requestsTo('GET', `/api/v1/media/${attachment!.id}`)).toHaveLength(3); // 206, 206, 200
    expect(waits.slice(0, 3)).toEqual([1000, 2000, 3000]);
    const [status] = [...fake.statuses.values()];
    expect(status!.mediaIds).toEqual([attachment!.id]);
    expect(fake.server.requestsTo('POST', '/api/v1/statuses')[0]!.json).toEqual({ status: 'Our spring sale, in motion', media_ids: [attachment!.id], visibility: 'public' });
    expect(fake.statuses.size).toBe(1);
    expect(result.externalId).toBe(status!.id);
    const order = fake.server.requests.map((r) => `${r.method} ${r.path.replace(/\d{6,}/, ':id')}`).filter((line) => !line.includes('instance') && !line.includes('verify'));
    expect(order).toEqual(['POST /api/v2/media', 'GET /api/v1/media/:id', 'GET /api/v1/media/:id', 'GET /api/v1/media/:id', 'POST /api/v1/statuses']);
  });

  it('a video processed at once (200 with its url) is posted without looking again', async () => {
    const { fake, publisher, waits } = await setup({ videoProcessingPolls: 0 });
    const reports: PublishProgress[] = [];
    const { video } = await freshClip();
    await publisher.publish({ publicationId: 2, text: 'Quick', mediaUrl: null, video, onProgress: (p) => reports.push(p) });
    expect(fake.server.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/api/v1/media/'))).toHaveLength(0);
    expect(waits).toEqual([]);
    expect(reports.at(-1)).toEqual({ stage: 'processed' });
    expect(reports.some((p) => p.stage === 'processing')).toBe(false);
    expect(fake.statuses.size).toBe(1);
  });

  it('a video Mastodon cannot process is a permanent failure in plain words, and no status is posted', async () => {
    const { fake, publisher } = await setup();
    fake.failVideoProcessing();
    let marked = 0;
    const { video } = await freshClip();
    const error = await failureOf(
      publisher.publish({ publicationId: 3, text: 'Will not go out', mediaUrl: null, video, markSending: async () => void (marked += 1) }),
    );
    expect(error.kind).toBe('permanent');
    expect(error.status).toBe(422);
    expect(error.message).toContain('Mastodon could not process the video');
    expect(error.message).toContain('Error processing thumbnail for uploaded media');
    expect(error.message).toContain('nothing was posted');
    expect(fake.server.requestsTo('POST', '/api/v1/statuses')).toHaveLength(0);
    expect(marked).toBe(0);
  });

  it('a rate-limited upload waits for X-RateLimit-Reset, streams the file again, and posts once', async () => {
    const { fake, publisher, waits } = await setup();
    fake.limitUploads({ times: 1, resetAfterMs: 20_000 });
    const reader = await freshClip();
    const reports: PublishProgress[] = [];
    const result = await publisher.publish({ publicationId: 4, text: 'Through the limit', mediaUrl: null, video: reader.video, onProgress: (p) => reports.push(p) });

    expect(fake.server.requestsTo('POST', '/api/v2/media')).toHaveLength(2);
    expect(waits.some((w) => w >= 20_000)).toBe(true);
    expect(reader.opens).toEqual([
      { start: 0, end: reader.video.bytes },
      { start: 0, end: reader.video.bytes },
    ]);
    const [attachment] = [...fake.media.values()];
    expect(fake.media.size).toBe(1);
    expect(attachment!.sha256).toBe(reader.video.sha256);
    expect(fake.statuses.size).toBe(1);
    expect(result.externalId).toBe([...fake.statuses.keys()][0]);

    // Progress never goes back, though the second attempt counted from zero again, and it ends at the whole size.
    const sent = reports.flatMap((p) => (p.stage === 'uploading' ? [p.bytesSent] : []));
    expect(sent.length).toBeGreaterThan(2);
    expect(sent).toEqual([...new Set(sent)].sort((a, b) => a - b));
    expect(sent[0]).toBe(0);
    expect(sent.at(-1)).toBe(reader.video.bytes);
    expect(reports.every((p) => p.stage !== 'uploading' || p.totalBytes === reader.video.bytes)).toBe(true);
    expect(reports.slice(-2)).toEqual([{ stage: 'processing' }, { stage: 'processed' }]);
  });

  it('an upload whose connection dropped is retryable, and nothing is posted', async () => {
    const { fake, publisher } = await setup();
    fake.server.failNext({ method: 'POST', path: '/api/v2/media' }, { kind: 'drop' });
    const { video } = await freshClip();
    const error = await failureOf(publisher.publish({ publicationId: 5, text: 'Dropped', mediaUrl: null, video }));
    expect(error.kind).toBe('retryable');
    expect(error.message).toContain('did not complete');
    expect(fake.server.requestsTo('POST', '/api/v1/statuses')).toHaveLength(0);
  });

  it('bytes that are not the approved ones never reach a status: changed bytes, or a file cut short', async () => {
    const { fake, publisher } = await setup({ videoProcessingPolls: 0 });
    for (const change of ['bytes', 'shorter'] as const) {
      const { video } = await publishVideoFromFile(clip.path, {}, alteredCopy(`altered-${change}.mp4`, change));
      const error = await failureOf(publisher.publish({ publicationId: 6, text: `Not approved (${change})`, mediaUrl: null, video }));
      expect(error.kind).toBe('permanent');
      expect(error.message).toContain('no longer exactly the approved one');
    }
    expect(fake.server.requestsTo('POST', '/api/v1/statuses')).toHaveLength(0);
    expect(fake.statuses.size).toBe(0);
  });

  it('refuses a video together with images before uploading anything', async () => {
    const { fake, publisher } = await setup();
    const { video } = await freshClip();
    const error = await failureOf(publisher.publish({ publicationId: 7, text: 'Both', mediaUrl: 'https://example.com/a.png', video }));
    expect(error.kind).toBe('permanent');
    expect(fake.server.requestsTo('POST', '/api/v2/media')).toHaveLength(0);
  });
});

describe('Mastodon: the instance’s own video limits', () => {
  it('reads video_size_limit and the video types: drafts are checked with them, and a bigger video is refused before upload', async () => {
    const { fake, publisher } = await setup({ videoSizeLimit: 8 * MiB, supportedMimeTypes: ['image/jpeg', 'image/png', 'video/mp4'] });
    expect(publisher.limits.videoSizeLimit).toBe(8 * MiB);
    expect(publisher.limits.videoTypes).toEqual(['video/mp4']);
    const { video } = await freshClip();

    const content = { text: 'hello', mediaUrl: null, video };
    expect(publisher.rules.validate(content).map((v) => v.message)).toEqual([expect.stringMatching(/Mastodon takes videos up to 8 MB/)]);
    expect(publisher.rules.validate({ ...content, video: { ...video, bytes: 7 * MiB, container: 'mov' as const } }).map((v) => v.message)).toEqual([
      expect.stringMatching(/Mastodon takes MP4 videos \(this one is MOV\)/),
    ]);
    expect(publisher.rules.validate({ ...content, video: { ...video, bytes: 7 * MiB } })).toEqual([]);

    const error = await failureOf(publisher.publish({ publicationId: 8, text: 'Too big here', mediaUrl: null, video }));
    expect(error.kind).toBe('permanent');
    expect(error.message).toContain('takes videos up to 8 MB');
    expect(fake.server.requestsTo('POST', '/api/v2/media')).toHaveLength(0);
  });

  it('the fake refuses what Mastodon refuses: a video over the limit, and a status mixing a video with images', async () => {
    const { fake } = await setup({ videoSizeLimit: 1000, videoProcessingPolls: 0 });
    const post = (form: FormData) => fetch(`${fake.url}/api/v2/media`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: form });
    const small = Buffer.concat([Buffer.from([0, 0, 0, 16]), Buffer.from('ftypisom'), Buffer.alloc(500)]);
    const form = (bytes: Buffer, type: string, name: string) => {
      const f = new FormData();
      f.append('file', new Blob([bytes], { type }), name);
      return f;
    };
    expect((await post(form(Buffer.concat([small, Buffer.alloc(600)]), 'video/mp4', 'big.mp4'))).status).toBe(422);
    const videoAnswer = await post(form(small, 'video/mp4', 'ok.mp4'));
    expect(videoAnswer.status).toBe(200);
    const imageAnswer = await post(form(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]), 'image/jpeg', 'a.jpg'));
    const ids = [((await videoAnswer.json()) as { id: string }).id, ((await imageAnswer.json()) as { id: string }).id];
    const status = await fetch(`${fake.url}/api/v1/statuses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'mixed', media_ids: ids }),
    });
    expect(status.status).toBe(422);
    expect(((await status.json()) as { error: string }).error).toMatch(/video/);
  });
});

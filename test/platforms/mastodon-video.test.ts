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
import { MASTODON_VIDEO_CHECKPOINT_KEY, type MastodonVideoUpload } from '../../src/platforms/mastodon/video-checkpoint.js';
import { PublishError, type PublishProgress } from '../../src/platforms/publisher.js';
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
  /** `beforeWait` may throw, as a process killed while it waited would stop. */
  const hooks: { beforeWait?: (ms: number) => void } = {};
  const sleep = async (ms: number) => {
    hooks.beforeWait?.(ms);
    waits.push(ms);
    clock.advance(ms);
  };
  const logger = createMemoryLogger();
  const publisher = createMastodonPublisher(
    { url: fake.url, accessToken: TOKEN },
    { logger, clock, sleep, random: () => 0, timeoutMs: 2000, media: LOCAL_FAKE_MEDIA },
  );
  await publisher.init!();
  return { fake, clock, waits, logger, publisher, hooks };
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
    expect(fake.server.requestsTo('POST', '/api/v1/statuses')[0]!.json).toEqual({
      status: 'Our spring sale, in motion',
      media_ids: [attachment!.id],
      visibility: 'public',
    });
    expect(fake.statuses.size).toBe(1);
    expect(result.externalId).toBe(status!.id);
    const order = fake.server.requests
      .map((r) => `${r.method} ${r.path.replace(/\d{6,}/, ':id')}`)
      .filter((line) => !line.includes('instance') && !line.includes('verify'));
    expect(order).toEqual([
      'POST /api/v2/media',
      'GET /api/v1/media/:id',
      'GET /api/v1/media/:id',
      'GET /api/v1/media/:id',
      'POST /api/v1/statuses',
    ]);
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
    const result = await publisher.publish({
      publicationId: 4,
      text: 'Through the limit',
      mediaUrl: null,
      video: reader.video,
      onProgress: (p) => reports.push(p),
    });

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

/** A publication's checkpoint between attempts, kept as the store keeps it (each save replaces the last, as JSON). */
function checkpointStore(options: { failAt?: number } = {}) {
  let saved: Record<string, unknown> | null = null;
  let saves = 0;
  return {
    get saved() {
      return saved;
    },
    get upload(): MastodonVideoUpload {
      return (saved as Record<string, MastodonVideoUpload>)[MASTODON_VIDEO_CHECKPOINT_KEY]!;
    },
    save: async (progress: Record<string, unknown>) => {
      saves += 1;
      if (saves === options.failAt) throw new Error('database is locked');
      saved = JSON.parse(JSON.stringify(progress)) as Record<string, unknown>;
    },
  };
}

/** Makes the `nth` wait (from now) stop the attempt, as a process killed while it waited. */
function killAtWait(hooks: { beforeWait?: (ms: number) => void }, nth: number) {
  let count = 0;
  hooks.beforeWait = () => {
    if (++count === nth) throw new Error('the process was killed');
  };
}

const looksAt = (fake: MastodonFake, id: string, from = 0) =>
  fake.server.requests.slice(from).filter((r) => r.method === 'GET' && r.path === `/api/v1/media/${id}`);

describe('Mastodon: a video upload is used again by the next attempt, never uploaded twice', () => {
  it('an attempt stopped while Mastodon transcodes: the next one looks at the same media id and posts with it, one upload in all', async () => {
    const { fake, publisher, hooks } = await setup({ videoProcessingPolls: 3 });
    const store = checkpointStore();
    killAtWait(hooks, 2);
    const first = await freshClip();
    await expect(
      publisher.publish({
        publicationId: 40,
        text: 'Killed while transcoding',
        mediaUrl: null,
        video: first.video,
        saveCheckpoint: store.save,
      }),
    ).rejects.toThrow('the process was killed');
    const [attachment] = [...fake.media.values()];
    expect(store.saved).toEqual({
      [MASTODON_VIDEO_CHECKPOINT_KEY]: { mediaId: attachment!.id, sha256: first.video.sha256, bytes: first.video.bytes },
    });
    expect(fake.statuses.size).toBe(0);

    hooks.beforeWait = undefined;
    const from = fake.server.requests.length;
    const second = await freshClip();
    const reports: PublishProgress[] = [];
    const result = await publisher.publish({
      publicationId: 40,
      text: 'Killed while transcoding',
      mediaUrl: null,
      video: second.video,
      checkpoint: store.saved,
      saveCheckpoint: store.save,
      onProgress: (p) => reports.push(p),
    });

    expect(fake.server.requestsTo('POST', '/api/v2/media')).toHaveLength(1);
    expect(fake.media.size).toBe(1);
    expect(second.opens).toEqual([]); // not a byte read, let alone sent
    expect(looksAt(fake, attachment!.id, from).length).toBeGreaterThanOrEqual(2); // 206, then 200
    expect(reports).toEqual([{ stage: 'processing' }, { stage: 'processed' }]);
    expect(fake.statuses.size).toBe(1);
    const [status] = [...fake.statuses.values()];
    expect(status!.mediaIds).toEqual([attachment!.id]);
    expect(result.externalId).toBe(status!.id);
  });

  it('an attempt stopped right before the status (a ready video): the next one looks once and posts with it at once', async () => {
    const { fake, publisher, waits } = await setup({ videoProcessingPolls: 0 });
    const store = checkpointStore();
    const { video } = await freshClip();
    const refused = async () => {
      throw new PublishError({ kind: 'retryable', network: 'mastodon', message: 'the claim could not be marked' });
    };
    await failureOf(
      publisher.publish({
        publicationId: 48,
        text: 'Ready already',
        mediaUrl: null,
        video,
        saveCheckpoint: store.save,
        markSending: refused,
      }),
    );
    expect(fake.server.requestsTo('POST', '/api/v1/statuses')).toHaveLength(0);
    const oldId = store.upload.mediaId;

    const from = fake.server.requests.length;
    await publisher.publish({
      publicationId: 48,
      text: 'Ready already',
      mediaUrl: null,
      video,
      checkpoint: store.saved,
      saveCheckpoint: store.save,
    });
    expect(looksAt(fake, oldId, from)).toHaveLength(1);
    expect(waits).toEqual([]);
    expect(fake.server.requestsTo('POST', '/api/v2/media')).toHaveLength(1);
    expect([...fake.statuses.values()].map((s) => s.mediaIds)).toEqual([[oldId]]);
  });

  it('a transcoding that outlasts the wait: the next attempt waits on the same media id instead of uploading again', async () => {
    const { fake, publisher } = await setup({ videoProcessingPolls: 70 });
    const store = checkpointStore();
    const { video } = await freshClip();
    const stopped = await failureOf(
      publisher.publish({ publicationId: 41, text: 'Slow instance', mediaUrl: null, video, saveCheckpoint: store.save }),
    );
    expect(stopped.kind).toBe('retryable');
    expect(stopped.message).toContain('still processing');

    await publisher.publish({
      publicationId: 41,
      text: 'Slow instance',
      mediaUrl: null,
      video,
      checkpoint: store.saved,
      saveCheckpoint: store.save,
    });
    expect(fake.server.requestsTo('POST', '/api/v2/media')).toHaveLength(1);
    expect([...fake.statuses.values()].map((s) => s.mediaIds)).toEqual([[store.upload.mediaId]]);
  });

  it('an earlier attachment that is gone (404) or whose processing failed (422) is replaced by a new upload, posted once', async () => {
    for (const end of ['gone', 'failed'] as const) {
      await fake?.close(); // the previous round's
      const { fake: m, publisher, hooks } = await setup({ videoProcessingPolls: end === 'gone' ? 2 : 0 });
      if (end === 'failed') m.failVideoProcessing();
      const store = checkpointStore();
      // 'failed': the first look (206) passes, and the attempt dies before the one that would say 422.
      killAtWait(hooks, end === 'gone' ? 1 : 2);
      const { video } = await freshClip();
      await expect(
        publisher.publish({ publicationId: 42, text: `Again (${end})`, mediaUrl: null, video, saveCheckpoint: store.save }),
      ).rejects.toThrow('killed');
      const oldId = store.upload.mediaId;
      if (end === 'gone') m.media.delete(oldId); // the instance cleaned it up

      hooks.beforeWait = undefined;
      const from = m.server.requests.length;
      await publisher.publish({
        publicationId: 42,
        text: `Again (${end})`,
        mediaUrl: null,
        video,
        checkpoint: store.saved,
        saveCheckpoint: store.save,
      });

      expect(looksAt(m, oldId, from)).toHaveLength(1);
      expect(m.server.requestsTo('POST', '/api/v2/media')).toHaveLength(2);
      const [status] = [...m.statuses.values()];
      expect(m.statuses.size).toBe(1);
      expect(status!.mediaIds).toHaveLength(1);
      expect(status!.mediaIds[0]).not.toBe(oldId);
      expect(m.media.get(status!.mediaIds[0]!)!.sha256).toBe(video.sha256);
      expect(store.upload.mediaId).toBe(status!.mediaIds[0]);
    }
  });

  it('a checkpoint for other bytes, or one that cannot be read, is ignored: the video is uploaded again', async () => {
    const { fake, publisher, hooks } = await setup({ videoProcessingPolls: 1 });
    const store = checkpointStore();
    killAtWait(hooks, 1);
    const { video } = await freshClip();
    await expect(
      publisher.publish({ publicationId: 43, text: 'Other bytes', mediaUrl: null, video, saveCheckpoint: store.save }),
    ).rejects.toThrow('killed');
    hooks.beforeWait = undefined;
    const oldId = store.upload.mediaId;

    const variants: Array<Record<string, unknown>> = [
      { [MASTODON_VIDEO_CHECKPOINT_KEY]: { ...store.upload, sha256: 'f'.repeat(64) } },
      { [MASTODON_VIDEO_CHECKPOINT_KEY]: { ...store.upload, bytes: store.upload.bytes - 1 } },
      { [MASTODON_VIDEO_CHECKPOINT_KEY]: { mediaId: oldId } },
    ];
    for (const [n, checkpoint] of variants.entries()) {
      const from = fake.server.requests.length;
      await publisher.publish({ publicationId: 44 + n, text: `Other bytes ${n}`, mediaUrl: null, video, checkpoint });
      expect(looksAt(fake, oldId, from)).toEqual([]);
      expect(fake.server.requestsTo('POST', '/api/v2/media')).toHaveLength(2 + n);
    }
    expect([...fake.statuses.values()].every((s) => s.mediaIds.length === 1 && s.mediaIds[0] !== oldId)).toBe(true);
    expect(fake.statuses.size).toBe(3);
  });

  it('a failure to save the media id is retryable and stops before the wait: nothing looked at, nothing posted', async () => {
    const { fake, publisher, waits } = await setup({ videoProcessingPolls: 2 });
    const store = checkpointStore({ failAt: 1 });
    const { video } = await freshClip();
    const error = await failureOf(
      publisher.publish({ publicationId: 47, text: 'Not recorded', mediaUrl: null, video, saveCheckpoint: store.save }),
    );
    expect(error.kind).toBe('retryable');
    expect(error.message).toContain('could not record the video it uploaded to Mastodon');
    expect(waits).toEqual([]);
    expect(fake.server.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/api/v1/media/'))).toHaveLength(0);
    expect(fake.server.requestsTo('POST', '/api/v1/statuses')).toHaveLength(0);
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
    expect(
      publisher.rules.validate({ ...content, video: { ...video, bytes: 7 * MiB, container: 'mov' as const } }).map((v) => v.message),
    ).toEqual([expect.stringMatching(/Mastodon takes MP4 videos \(this one is MOV\)/)]);
    expect(publisher.rules.validate({ ...content, video: { ...video, bytes: 7 * MiB } })).toEqual([]);

    const error = await failureOf(publisher.publish({ publicationId: 8, text: 'Too big here', mediaUrl: null, video }));
    expect(error.kind).toBe('permanent');
    expect(error.message).toContain('takes videos up to 8 MB');
    expect(fake.server.requestsTo('POST', '/api/v2/media')).toHaveLength(0);
  });

  it('the fake refuses what Mastodon refuses: a video over the limit, and a status mixing a video with images', async () => {
    const { fake } = await setup({ videoSizeLimit: 1000, videoProcessingPolls: 0 });
    const post = (form: FormData) =>
      fetch(`${fake.url}/api/v2/media`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: form });
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

/**
 * YouTube's upload at most once: a cut connection, a lost answer, a crash or a forgotten
 * session never makes a second video, and what was sent before is not sent again.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clearRegisteredSecrets } from '../../src/observability/redact.js';
import { PublishError } from '../../src/platforms/publisher.js';
import { UPLOAD_RESUME_DELAYS_MS } from '../../src/platforms/youtube/resumable-upload.js';
import { MiB, START, startHarness, youtubeRequest, type Harness } from '../fakes/youtube/harness.js';
import { publishVideo, writeTestVideo, type TestVideo, type WrittenVideo } from '../fakes/youtube/publish-video.js';
import { UPLOAD_BLOCK } from '../fakes/youtube/server.js';
import { failureOf } from '../support/publish-failure.js';
import { tempDir } from '../support/temp-db.js';

const tmp = tempDir('greenlight-youtube-resume-');
let written: WrittenVideo;
let video: TestVideo;
let h: Harness | undefined;

beforeAll(async () => {
  written = await writeTestVideo(tmp.dir, 'resume.mp4', 3 * MiB + 70_001);
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

const T = () => written.bytes;
const ranges = (fake: Harness['fake']) => fake.uploadRequests.map((r) => r.contentRange);
const sessionStarts = (fake: Harness['fake']) => fake.server.requestsTo('POST', '/upload/youtube/v3/videos');

describe('YouTube: an upload cut off mid-part', () => {
  it('asks the session how much it holds and resumes at that offset, in the same attempt: one video, exactly the approved bytes', async () => {
    const { fake, publisher, waits } = await setup();
    // The second part (1–2 MiB) is cut 100 KiB past 1.5 MiB: YouTube keeps whole 256 KiB blocks, so it holds 1.5 MiB.
    const acknowledged = MiB + 2 * UPLOAD_BLOCK;
    fake.dropUploadAt(acknowledged + 100 * 1024);
    const { req, saved } = youtubeRequest(fake, video);

    const result = await publisher.publish(req);

    expect(fake.uploadRequests.map((r) => r.outcome)).toEqual([308, 'dropped', 308, 308, 201]);
    expect(ranges(fake)).toEqual([
      `bytes 0-${MiB - 1}/${T()}`,
      `bytes ${MiB}-${2 * MiB - 1}/${T()}`,
      `bytes */${T()}`,
      `bytes ${acknowledged}-${acknowledged + MiB - 1}/${T()}`,
      `bytes ${acknowledged + MiB}-${T() - 1}/${T()}`,
    ]);
    expect(waits[0]).toBe(UPLOAD_RESUME_DELAYS_MS[0]);
    expect(fake.videos.size).toBe(1);
    expect(fake.videos.get(result.externalId)!.sha256).toBe(written.sha256);
    expect(sessionStarts(fake)).toHaveLength(1);
    // The part after the cut was read from the acknowledged offset, not from where the cut part began.
    expect(video.opens[2]).toEqual({ start: acknowledged, end: acknowledged + MiB });
    expect(saved.filter((s) => s.videoId === undefined && s.finalChunkAt === undefined)).toHaveLength(1);
  });

  it('a 503 on a part is asked about, not resent blindly', async () => {
    const { fake, publisher } = await setup();
    const { req } = youtubeRequest(fake, video);
    // The first part is answered 503 (its bytes discarded), then everything works.
    fake.failUploadRequests(503, 1);
    const result = await publisher.publish(req);
    expect(fake.uploadRequests.slice(0, 3).map((r) => [r.contentRange, r.outcome])).toEqual([
      [`bytes 0-${MiB - 1}/${T()}`, 503],
      [`bytes */${T()}`, 308],
      [`bytes 0-${MiB - 1}/${T()}`, 308],
    ]);
    expect(fake.videos.get(result.externalId)!.sha256).toBe(written.sha256);
  });

  it('when the interruptions go on, the attempt stops (retryable) and the next one carries on from the checkpoint: one session, one video', async () => {
    const { fake, publisher } = await setup();
    fake.dropUploadAt(MiB + 300 * 1024, 100);
    const first = youtubeRequest(fake, video);
    const error = await failureOf(publisher.publish(first.req));
    expect(error.kind).toBe('retryable');
    expect(error.message).toMatch(/kept being interrupted.*Nothing was published yet; Greenlight will carry on from where it stopped/);
    expect(fake.videos.size).toBe(0);
    const held = fake.sessions.get('upload-1')!.received;
    expect(held).toBe(MiB + UPLOAD_BLOCK);
    expect(first.marks).toEqual([]); // the last part never left

    fake.clearUploadFaults();
    const before = fake.uploadRequests.length;
    const second = youtubeRequest(fake, await publishVideo(written), { checkpoint: first.last() });
    const result = await publisher.publish(second.req);

    expect(ranges(fake).slice(before)).toEqual([
      `bytes */${T()}`,
      `bytes ${held}-${held + MiB - 1}/${T()}`,
      `bytes ${held + MiB}-${T() - 1}/${T()}`,
    ]);
    expect(sessionStarts(fake)).toHaveLength(1);
    expect(fake.videos.size).toBe(1);
    expect(fake.videos.get(result.externalId)!.sha256).toBe(written.sha256);
    expect(second.marks).toHaveLength(1);
  });
});

describe('YouTube: the part that makes the video', () => {
  it('its answer lost: the session is asked and answers with the video it made; nothing is sent again', async () => {
    const { fake, publisher } = await setup();
    fake.loseCompletionAnswer();
    const { req, marks } = youtubeRequest(fake, video);
    const result = await publisher.publish(req);
    expect(fake.uploadRequests.map((r) => r.outcome).slice(-2)).toEqual(['answer-lost', 201]);
    expect(ranges(fake).at(-1)).toBe(`bytes */${T()}`);
    expect(fake.videos.size).toBe(1);
    expect(result.externalId).toBe([...fake.videos.keys()][0]);
    expect(marks).toHaveLength(1);
  });

  it('a checkpoint whose session completed (the attempt could not learn it): the next attempt takes the same video without uploading again', async () => {
    const { fake, publisher } = await setup();
    fake.loseCompletionAnswer();
    fake.failUploadRequests(503, UPLOAD_RESUME_DELAYS_MS.length, 'status-queries'); // every look at the session fails too
    const first = youtubeRequest(fake, video);
    const error = await failureOf(publisher.publish(first.req));
    // A later attempt asks the saved session before anything else, so this is safe to retry.
    expect(error.kind).toBe('retryable');
    expect(error.message).toMatch(/will ask YouTube how far it got/);
    expect(first.last()).toMatchObject({ finalChunkAt: START });
    const [made] = [...fake.videos.values()];
    expect(made).toBeDefined();

    fake.clearUploadFaults();
    const before = fake.uploadRequests.length;
    const second = youtubeRequest(fake, await publishVideo(written), { checkpoint: first.last() });
    const result = await publisher.publish(second.req);
    expect(result.externalId).toBe(made!.id);
    expect(ranges(fake).slice(before)).toEqual([`bytes */${T()}`]);
    expect(fake.videos.size).toBe(1);
    expect(second.marks).toEqual([]);
    expect(second.last()).toMatchObject({ videoId: made!.id });
  });

  it('without a place to keep the session, an attempt that cannot learn whether the last part arrived is unknown: a person checks', async () => {
    const { fake, publisher } = await setup();
    fake.loseCompletionAnswer();
    fake.failUploadRequests(503, UPLOAD_RESUME_DELAYS_MS.length, 'status-queries');
    const { req } = youtubeRequest(fake, video, { saveCheckpoint: undefined });
    const error = await failureOf(publisher.publish(req));
    expect(error.kind).toBe('unknown');
    expect(error.message).toMatch(/check YouTube Studio before retrying/);
  });

  it('a checkpoint with the video in it goes straight on: no session asked, nothing uploaded', async () => {
    const { fake, publisher } = await setup();
    const first = youtubeRequest(fake, video);
    const { externalId } = await publisher.publish(first.req);
    const parts = fake.uploadRequests.length;
    const result = await publisher.publish(youtubeRequest(fake, await publishVideo(written), { checkpoint: first.last() }).req);
    expect(result.externalId).toBe(externalId);
    expect(fake.uploadRequests).toHaveLength(parts);
    expect(sessionStarts(fake)).toHaveLength(1);
  });
});

describe('YouTube: a session YouTube no longer knows', () => {
  it('after the last part may have arrived: unknown, and nothing is uploaded again', async () => {
    const { fake, publisher } = await setup();
    fake.loseCompletionAnswer();
    fake.failUploadRequests(503, UPLOAD_RESUME_DELAYS_MS.length, 'status-queries');
    const first = youtubeRequest(fake, video);
    await failureOf(publisher.publish(first.req));
    fake.clearUploadFaults();
    fake.expireSession('upload-1');

    const error = await failureOf(publisher.publish(youtubeRequest(fake, await publishVideo(written), { checkpoint: first.last() }).req));
    expect(error.kind).toBe('unknown');
    expect(error.message).toBe(
      'YouTube no longer knows the earlier upload of this video, and its last part may have arrived, so the video may be on the channel: check YouTube Studio before retrying.',
    );
    expect(sessionStarts(fake)).toHaveLength(1);
  });

  it('before its last part was ever sent: it made no video, so the upload starts again', async () => {
    const { fake, publisher } = await setup();
    fake.dropUploadAt(MiB + 10_000, 100);
    const first = youtubeRequest(fake, video);
    await failureOf(publisher.publish(first.req));
    expect(first.last()).not.toHaveProperty('finalChunkAt');
    fake.clearUploadFaults();
    fake.expireSession('upload-1');

    const second = youtubeRequest(fake, await publishVideo(written), { checkpoint: first.last() });
    const result = await publisher.publish(second.req);
    expect(sessionStarts(fake)).toHaveLength(2);
    expect(fake.videos.size).toBe(1);
    expect(fake.videos.get(result.externalId)!.sha256).toBe(written.sha256);
    expect(second.saved[0]).toMatchObject({ sessionUri: fake.sessions.get('upload-2')!.uri });
  });

  it('a checkpoint that cannot be read, or is for other bytes, is unknown before anything is sent', async () => {
    const { fake, publisher } = await setup();
    const garbled = await failureOf(publisher.publish(youtubeRequest(fake, video, { checkpoint: { sessionUri: 'not a url' } }).req));
    expect(garbled.kind).toBe('unknown');
    const other = await failureOf(
      publisher.publish(
        youtubeRequest(fake, video, {
          checkpoint: {
            sessionUri: `${fake.uploadUrl}/upload/youtube/v3/videos?upload_id=x`,
            sha256: 'a'.repeat(64),
            totalBytes: 10,
            startedAt: START,
          },
        }).req,
      ),
    );
    expect(other.kind).toBe('unknown');
    expect(other.message).toMatch(/different file/);
    expect(fake.server.requests).toHaveLength(0);
    expect(fake.uploadRequests).toHaveLength(0);
  });
});

describe('YouTube marks its send', () => {
  it('once, right before the part carrying the last byte, after the session and every other part', async () => {
    const { fake, publisher } = await setup();
    const { req, marks, saved } = youtubeRequest(fake, video);
    const savedAtMark: number[] = [];
    const markSending = req.markSending!;
    req.markSending = async () => {
      savedAtMark.push(saved.length);
      await markSending();
    };
    await publisher.publish(req);
    expect(marks).toHaveLength(1);
    // Every part before the mark left without the last byte; the first request after it is the last part.
    expect(fake.uploadRequests.slice(0, marks[0]).every((r) => !r.contentRange.endsWith(`-${T() - 1}/${T()}`))).toBe(true);
    expect(fake.uploadRequests[marks[0]!]!.contentRange).toBe(`bytes ${3 * MiB}-${T() - 1}/${T()}`);
    // The moment was recorded before the mark: a later attempt knows the video may exist.
    expect(saved[savedAtMark[0]! - 1]).toMatchObject({ finalChunkAt: START });
  });

  it('a mark that cannot be made sends nothing more: retryable, no video at YouTube', async () => {
    const { fake, publisher } = await setup();
    const refused = new PublishError({
      kind: 'retryable',
      network: 'youtube',
      message: 'Greenlight could not record that this was about to go to YouTube, so it sent nothing.',
    });
    const { req } = youtubeRequest(fake, video, { markSending: async () => Promise.reject(refused) });
    const error = await failureOf(publisher.publish(req));
    expect(error.kind).toBe('retryable');
    expect(error.message).toBe(refused.message);
    expect(fake.videos.size).toBe(0);
    expect(fake.uploadRequests.some((r) => r.contentRange.endsWith(`-${T() - 1}/${T()}`))).toBe(false);
  });

  it('a crash after the mark: the resumed send (same checkpoint, any time later) takes the video YouTube made', async () => {
    const { fake, publisher, clock } = await setup();
    // The process died while the last part was on its way: the part arrived, no answer was read.
    fake.loseCompletionAnswer();
    fake.failUploadRequests(503, UPLOAD_RESUME_DELAYS_MS.length, 'status-queries');
    const first = youtubeRequest(fake, video);
    await failureOf(publisher.publish(first.req));
    expect(first.marks).toHaveLength(1);
    const sendingAt = clock.now();
    clock.advance(3 * 24 * 60 * 60_000);
    expect(publisher.resumeAfterCrash!(sendingAt, clock.now())).toBe(true);

    fake.clearUploadFaults();
    const resumed = await publisher.publish(youtubeRequest(fake, await publishVideo(written), { checkpoint: first.last() }).req);
    expect(fake.videos.size).toBe(1);
    expect(resumed.externalId).toBe([...fake.videos.keys()][0]);
    expect(sessionStarts(fake)).toHaveLength(1);
  });
});

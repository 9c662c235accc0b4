/**
 * Issue 15 in Slack, end to end: a video picked in the draft dialog is received after the
 * dialog's answer (a step shows it arriving), read from the file itself, checked against the
 * networks chosen, shown on the card, and published byte for byte once approved.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION, CALLBACK } from '../../../src/bots/slack/ids.js';
import { SandboxPublisher } from '../../../src/platforms/sandbox/publisher.js';
import type { FakeView } from '../../fakes/slack/index.js';
import { RecordingPublisher } from '../../support/rules-publisher.js';
import { APPROVALS, AUTHOR, BOB, draftValues, shownText, slackHarness, type SlackHarness } from '../../support/slack-harness.js';
import { pushedView, withFiles } from '../../support/slack-uploads.js';
import { tempDir } from '../../support/temp-db.js';
import { writeVideoFixture, type VideoFixture } from '../../support/video-fixtures.js';

let h: SlackHarness;
let media: ReturnType<typeof tempDir>;
let sandbox: SandboxPublisher;
afterEach(async () => {
  await h?.close();
  media?.cleanup();
});

async function start(publishers: Array<SandboxPublisher | RecordingPublisher> = []) {
  media = tempDir('greenlight-media-');
  sandbox = new SandboxPublisher();
  h = await slackHarness({ MEDIA_DIR: media.dir, ALLOW_HTTP_MEDIA: 'true' }, { publishers: [sandbox, ...publishers] });
}

async function videoBytes(fixture: VideoFixture): Promise<Buffer> {
  const file = path.join(media.dir, `fixture-${Math.random().toString(36).slice(2)}.mp4`);
  await writeVideoFixture(file, fixture);
  const bytes = fs.readFileSync(file);
  fs.rmSync(file);
  return bytes;
}

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Submits the first step with `files` and lets the fake carry out the answer, as Slack does. */
async function submitWithFiles(
  dialog: FakeView,
  values: Parameters<typeof withFiles>[0],
  files: Array<Record<string, unknown>>,
  extra: Record<string, unknown> = {},
) {
  const response = await h.submit(AUTHOR, dialog, { ...withFiles(values, files), ...extra } as never);
  const answer = response.json as { response_action?: string } | undefined;
  if (answer?.response_action) h.fake.answerSubmission(dialog.id, answer as never);
  return response;
}

/** The video step as it shows now, once it has reached `title`. */
async function videoStep(title: string, since: number): Promise<FakeView> {
  await h.next('views.update', (c) => c.response.ok === true && JSON.stringify(c.args.view ?? '').includes(`"text":"${title}"`), since);
  const step = [...h.fake.state.views.values()].find((v) => v.callback_id === CALLBACK.draftVideo);
  expect(step, 'the video step is open').toBeDefined();
  return step!;
}

describe('Slack: a video through draft, approval and publishing', () => {
  it('receives a 20 MB video after answering the dialog, shows it on the card, and publishes exactly its bytes', async () => {
    await start();
    const bytes = await videoBytes({ width: 1280, height: 720, seconds: 12, mediaBytes: 20 * 1024 * 1024 });
    expect(bytes.length).toBeGreaterThan(20 * 1024 * 1024);
    const file = h.fake.userFile(AUTHOR, { name: 'shop-tour.mp4', mimetype: 'video/mp4', bytes });
    const dialog = await h.openDraft(AUTHOR);
    expect(JSON.stringify(dialog.blocks)).toContain('"mp4","mov"');

    const since = h.fake.calls.length;
    const first = await submitWithFiles(dialog, { text: 'A tour of the new shop', networks: ['sandbox'] }, [file]);
    // Answered at once with a step that shows the video arriving; the download comes after.
    const receiving = pushedView(first);
    expect(receiving.callback_id).toBe(CALLBACK.draftVideo);
    expect(shownText(receiving)).toContain('Receiving the video from Slack');
    expect(receiving.submit).toBeUndefined();

    const ready = await videoStep('Your video', since);
    expect(shownText(ready)).toContain('shop-tour.mp4');
    expect(shownText(ready)).toContain('MP4 · 12 s · 1280×720 · 20.1 MB');
    expect(h.fake.callsTo('files.info').map((c) => c.args.file)).toEqual([file.id]);

    const posting = h.fake.calls.length;
    const saved = await h.submit(AUTHOR, ready, {});
    expect(saved.json).toEqual({ response_action: 'clear' });
    const posted = await h.next('chat.postMessage', (c) => c.args.channel === APPROVALS && !c.args.thread_ts, posting);
    const card = h.card(String(posted.response.ts));
    expect(shownText(card)).toContain('🎬 *Video* · shop-tour.mp4 · MP4 · 12 s · 1280×720 · 20.1 MB');

    await h.clickMessage(BOB, card, ACTION.approve);
    for (let i = 0; i < 400 && sandbox.posted.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    await h.app.settled();
    expect(sandbox.posted).toHaveLength(1);
    expect(sandbox.posted[0]!.video).toEqual({ sha256: sha(bytes), name: 'shop-tour.mp4', bytes: bytes.length });
    expect(sandbox.posted[0]!.images).toEqual([]);
  });

  it('takes a video given by link like a picked one: downloaded now, so what is approved is exactly those bytes', async () => {
    media = tempDir('greenlight-media-');
    sandbox = new SandboxPublisher();
    h = await slackHarness(
      { MEDIA_DIR: media.dir, ALLOW_HTTP_MEDIA: 'true', ALLOW_PRIVATE_MEDIA_HOSTS: 'true' },
      { publishers: [sandbox] },
    );
    const bytes = await videoBytes({ width: 1080, height: 1920, seconds: 9, mediaBytes: 3 * 1024 * 1024 });
    const server = http.createServer((req, res) => {
      if (req.url !== '/clips/launch.mp4') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': bytes.length }).end(bytes);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const link = `http://127.0.0.1:${(server.address() as AddressInfo).port}/clips/launch.mp4`;
      const since = h.fake.calls.length;
      const dialog = await h.openDraft(AUTHOR);
      const first = await h.submit(AUTHOR, dialog, draftValues({ text: 'Launch day', networks: ['sandbox'], mediaUrl: link }));
      expect(pushedView(first).callback_id).toBe(CALLBACK.draftVideo);
      h.fake.answerSubmission(dialog.id, first.json as never);
      const ready = await videoStep('Your video', since);
      expect(shownText(ready)).toContain('launch.mp4');
      expect(shownText(ready)).toContain('MP4 · 9 s · 1080×1920');
      const posting = h.fake.calls.length;
      await h.submit(AUTHOR, ready, {});
      const posted = await h.next('chat.postMessage', (c) => c.args.channel === APPROVALS && !c.args.thread_ts, posting);
      const card = h.card(String(posted.response.ts));
      expect(shownText(card)).toContain('🎬 *Video* · launch.mp4');
      expect(shownText(card)).not.toContain(link);
      await h.clickMessage(BOB, card, ACTION.approve);
      for (let i = 0; i < 400 && sandbox.posted.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
      expect(sandbox.posted[0]).toMatchObject({ mediaUrl: null, video: { sha256: sha(bytes), name: 'launch.mp4' } });
    } finally {
      server.close();
    }
  });

  it('says what is wrong with the video for the networks chosen, with nothing stored as a post', async () => {
    const x = new RecordingPublisher('x');
    await start([x]);
    const bytes = await videoBytes({ width: 640, height: 360, seconds: 3 });
    const file = h.fake.userFile(AUTHOR, { name: 'clip.mp4', mimetype: 'video/mp4', bytes });
    const since = h.fake.calls.length;
    await submitWithFiles(await h.openDraft(AUTHOR), { text: 'Short clip', networks: ['sandbox', 'x'] }, [file]);
    const problem = await videoStep('Check your video', since);
    // This X publisher does not publish videos: refused before approval, never dropped after it.
    expect(shownText(problem)).toContain('Greenlight does not publish videos to X yet');
    expect(problem.submit).toBeUndefined();
    expect(h.cards()).toHaveLength(0);
  });

  it('refuses a file that is not a readable video, and a video picked with images, next to the field', async () => {
    await start();
    const since = h.fake.calls.length;
    const fake = h.fake.userFile(AUTHOR, {
      name: 'holiday.mp4',
      mimetype: 'video/mp4',
      bytes: Buffer.from('not a movie at all, just text '.repeat(100)),
    });
    await submitWithFiles(await h.openDraft(AUTHOR), { text: 'Holiday', networks: ['sandbox'] }, [fake]);
    const problem = await videoStep('Check your video', since);
    expect(shownText(problem)).toContain('not a video Greenlight can read');

    const video = h.fake.userFile(AUTHOR, {
      name: 'a.mp4',
      mimetype: 'video/mp4',
      bytes: await videoBytes({ width: 640, height: 360, seconds: 2 }),
    });
    const image = h.fake.userFile(AUTHOR, { name: 'b.png', mimetype: 'image/png', bytes: Buffer.from('x') });
    const both = await h.submit(AUTHOR, await h.openDraft(AUTHOR), withFiles({ text: 'Both', networks: ['sandbox'] }, [video, image]));
    expect(both.json).toEqual({
      response_action: 'errors',
      errors: { files: 'A post takes images or one video, not both: pick one video, or images only.' },
    });
    expect(h.cards()).toHaveLength(0);
  });

  it('asks for YouTube’s title and made-for-kids answer next to their fields before receiving anything', async () => {
    await start([new RecordingPublisher('youtube')]);
    const dialog = await h.openDraft(AUTHOR);
    expect(shownText(dialog)).toContain('YouTube title');
    const file = h.fake.userFile(AUTHOR, { name: 'tour.mp4', mimetype: 'video/mp4', bytes: Buffer.from('x') });
    const values = { ...withFiles({ text: 'Shop tour', networks: ['youtube'] }, [file]), youtube_title: { value: 'A <great> tour' } };
    const response = await h.submit(AUTHOR, dialog, values as never);
    const errors = (response.json as { errors?: Record<string, string> }).errors ?? {};
    expect(errors.youtube_title).toBe('YouTube titles cannot contain < or >.');
    expect(errors.youtube_kids).toMatch(/^Say whether the video is made for kids/);
    expect(h.fake.callsTo('files.info')).toHaveLength(0);
  });
});

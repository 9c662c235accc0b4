/**
 * Issue 15 end to end, from the Slack draft dialog to the networks: a 20 MB video (generated
 * here) drafted with YouTube's fields, approved in Slack for a time three hours ahead, and
 * published by the real YouTube, X and Mastodon publishers (configured from the environment
 * as in production) to their local fakes. YouTube gets it at approval, private with
 * `publishAt`, and publishes it by itself on time; X and Mastodon get it at that time, after
 * their processing. What is checked is what each network received: exactly the approved
 * bytes, once.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION, CALLBACK } from '../../../src/bots/slack/ids.js';
import type { FakeMessage } from '../../fakes/slack/index.js';
import { startMastodonFake, type MastodonFake } from '../../fakes/mastodon/server.js';
import { startXFake, type XFake } from '../../fakes/x/server.js';
import { startYouTubeFake, type YouTubeFake } from '../../fakes/youtube/server.js';
import { APPROVALS, AUTHOR, BOB, shownText, slackHarness, type SlackHarness } from '../../support/slack-harness.js';
import { pushedView, withFiles } from '../../support/slack-uploads.js';
import { tempDir } from '../../support/temp-db.js';
import { writeVideoFixture } from '../../support/video-fixtures.js';
import { jpeg } from '../../support/image-fixtures.js';

const START = new Date('2026-05-04T07:00:00Z');
const HOUR = 3600_000;
const MASTODON_TOKEN = 'mastodon-e2e-video-token-0123456789';
const THUMBNAIL = jpeg(1280, 720);

let h: SlackHarness | undefined;
let yt: YouTubeFake, x: XFake, mastodon: MastodonFake;
let media: ReturnType<typeof tempDir>;
afterEach(async () => {
  await h?.close();
  await Promise.all([yt?.close(), x?.server.close(), mastodon?.server.close()]);
  media?.cleanup();
  h = undefined;
});

async function start() {
  media = tempDir('greenlight-media-');
  // The fakes keep YouTube's time on the harness's clock: its publishAt passes when the test moves it.
  yt = await startYouTubeFake({ now: () => h?.clock.now() ?? START, processingLooks: 0 });
  x = await startXFake({ videoProcessing: { looks: 1, checkAfterSecs: 1 } });
  mastodon = await startMastodonFake({ accessToken: MASTODON_TOKEN, videoProcessingPolls: 1 });
  h = await slackHarness(
    {
      MEDIA_DIR: media.dir,
      ALLOW_HTTP_MEDIA: 'true',
      YOUTUBE_CLIENT_ID: yt.clientId,
      YOUTUBE_CLIENT_SECRET: yt.clientSecret,
      YOUTUBE_REFRESH_TOKEN: yt.refreshToken,
      YOUTUBE_API_URL: yt.url,
      YOUTUBE_OAUTH_URL: yt.url,
      X_ACCESS_TOKEN: x.token,
      X_API_URL: x.url,
      MASTODON_URL: mastodon.url,
      MASTODON_ACCESS_TOKEN: MASTODON_TOKEN,
    },
    { manualTimers: true, startAt: START },
  );
  expect(h.app.greenlight.ctx.catalog.available()).toEqual(expect.arrayContaining(['youtube', 'x', 'mastodon']));
}

async function video20MB(): Promise<Buffer> {
  const file = path.join(media.dir, 'fixture.mp4');
  await writeVideoFixture(file, { width: 1280, height: 720, seconds: 40, mediaBytes: 20 * 1024 * 1024 });
  const bytes = fs.readFileSync(file);
  fs.rmSync(file);
  return bytes;
}

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!(await check()) && Date.now() < deadline) {
    await h!.timers!.advance(0);
    await new Promise((r) => setTimeout(r, 20));
  }
  expect(await check(), what).toBe(true);
}

/** Where each of the post's publications stands. */
async function statuses(): Promise<Record<string, string>> {
  const [post] = await h!.app.greenlight.ctx.store.listPosts({});
  const current = post ? await h!.app.greenlight.getPost(post.post.id) : undefined;
  return Object.fromEntries((current?.publications ?? []).map((p) => [p.network, p.status]));
}

const youtubeHeld = async () => (await statuses()).youtube === 'held';

/** Drafts the video for YouTube, X and Mastodon at START + 3 h and returns the approval card. */
async function draftVideo(bytes: Buffer): Promise<FakeMessage> {
  const harness = h!;
  const file = harness.fake.userFile(AUTHOR, { name: 'spring-tour.mp4', mimetype: 'video/mp4', bytes });
  const thumbnail = harness.fake.userFile(AUTHOR, { name: 'cover.jpg', mimetype: 'image/jpeg', bytes: THUMBNAIL });
  const dialog = await harness.openDraft(AUTHOR);
  const since = harness.fake.calls.length;
  const values = {
    ...withFiles(
      { text: 'A tour of the spring collection', networks: ['youtube', 'x', 'mastodon'], publishAt: new Date(START.getTime() + 3 * HOUR) },
      [file],
    ),
    youtube_title: { value: 'Spring collection: the tour' },
    youtube_tags: { value: 'spring, shop tour' },
    youtube_kids: { value: 'no' },
    youtube_thumbnail: { value: { type: 'file_input', files: [thumbnail] } },
  };
  const first = await harness.submit(AUTHOR, dialog, values as never);
  expect(pushedView(first).callback_id).toBe(CALLBACK.draftVideo);
  harness.fake.answerSubmission(dialog.id, first.json as never);
  await harness.next(
    'views.update',
    (c) => c.response.ok === true && JSON.stringify(c.args.view ?? '').includes('"text":"Your video"'),
    since,
  );
  const ready = [...harness.fake.state.views.values()].find((v) => v.callback_id === CALLBACK.draftVideo)!;
  // The step counts the upload against YouTube's daily quota (10,000 units, 1,600 an upload).
  expect(shownText(ready)).toMatch(/YouTube: upload \d of the 6 its daily quota allows \(it renews at /);
  const posting = harness.fake.calls.length;
  expect((await harness.submit(AUTHOR, ready, {})).json).toEqual({ response_action: 'clear' });
  const posted = await harness.next('chat.postMessage', (c) => c.args.channel === APPROVALS && !c.args.thread_ts, posting);
  return harness.card(String(posted.response.ts));
}

const uploads = () => ({
  youtube: yt.videos.size,
  x: x.videos.size,
  mastodon: [...mastodon.media.values()].filter((m) => m.type === 'video').length,
});

describe('a video from Slack to YouTube, X and Mastodon', () => {
  it('goes to YouTube at approval (private, publishAt), and everywhere at its time, exactly as approved and once', async () => {
    await start();
    const bytes = await video20MB();
    const card = await draftVideo(bytes);
    expect(shownText(card)).toContain(
      '▶️ *YouTube:* “Spring collection: the tour” · public · not made for kids · People &amp; Blogs · tags: spring, shop tour · own thumbnail',
    );

    await h!.clickMessage(BOB, card, ACTION.approve);
    // YouTube holds it until its time: uploaded now, private, with publishAt set to the approved time.
    await until(youtubeHeld, 'YouTube has the video, held');
    const [held] = [...yt.videos.values()];
    expect(held!.sha256).toBe(sha(bytes));
    expect(held!.status).toMatchObject({
      privacyStatus: 'private',
      publishAt: new Date(START.getTime() + 3 * HOUR).toISOString(),
      selfDeclaredMadeForKids: false,
    });
    expect(held!.thumbnail?.sha256).toBe(sha(THUMBNAIL));
    expect(held!.snippet).toMatchObject({
      title: 'Spring collection: the tour',
      description: 'A tour of the spring collection',
      tags: ['spring', 'shop tour'],
      categoryId: '22',
    });
    const thread = () =>
      h!.fake
        .callsTo('chat.postMessage')
        .filter((c) => c.args.thread_ts === card.ts)
        .map((c) => String(c.args.text));
    await until(
      () => thread().some((t) => t.includes('Uploaded to YouTube') && t.includes('private until')),
      'the thread says it waits on YouTube',
    );
    expect(uploads()).toEqual({ youtube: 1, x: 0, mastodon: 0 });

    // Its time: YouTube makes it public by itself; X and Mastodon get it, after processing.
    await h!.timers!.advance(3 * HOUR);
    await until(async () => Object.values(await statuses()).every((s) => s === 'published'), 'all three published');
    await h!.app.settled();
    const [post] = await h!.app.greenlight.ctx.store.listPosts({});
    const after = (await h!.app.greenlight.getPost(post!.post.id))!;
    expect(after.publications.map((p) => [p.network, p.status]).sort()).toEqual([
      ['mastodon', 'published'],
      ['x', 'published'],
      ['youtube', 'published'],
    ]);
    expect(after.post.status).toBe('published');
    expect([...yt.videos.values()][0]!.status.privacyStatus).toBe('public');
    expect([...x.videos.values()][0]!.sha256).toBe(sha(bytes));
    expect(x.tweets[0]!.mediaIds).toEqual([...x.videos.keys()]);
    const mastodonVideo = [...mastodon.media.values()].find((m) => m.type === 'video')!;
    expect(mastodonVideo.sha256).toBe(sha(bytes));
    expect([...mastodon.statuses.values()][0]!.mediaIds).toEqual([mastodonVideo.id]);
    expect(uploads()).toEqual({ youtube: 1, x: 1, mastodon: 1 });
  });

  it('cancelled before its time, the YouTube video stays private and nothing else is uploaded', async () => {
    await start();
    const bytes = await video20MB();
    const card = await draftVideo(bytes);
    await h!.clickMessage(BOB, card, ACTION.approve);
    await until(youtubeHeld, 'YouTube has the video, held');
    const [post] = await h!.app.greenlight.ctx.store.listPosts({});
    const author = await h!.app.greenlight.identify({ platform: 'slack', platformUserId: AUTHOR, displayName: 'ann' });
    expect((await h!.app.greenlight.cancel(author, post!.post.id)).ok).toBe(true);
    const [kept] = [...yt.videos.values()];
    expect(kept!.status.privacyStatus).toBe('private');
    expect(kept!.status.publishAt).toBeUndefined();

    await h!.timers!.advance(4 * HOUR);
    await h!.app.settled();
    expect([...yt.videos.values()][0]!.status.privacyStatus).toBe('private');
    expect(uploads()).toEqual({ youtube: 1, x: 0, mastodon: 0 });
    expect(x.tweets).toHaveLength(0);
    expect(mastodon.statuses.size).toBe(0);
  });

  it('a connection dropped halfway through the YouTube upload resumes where YouTube says, with one video', async () => {
    await start();
    const bytes = await video20MB();
    yt.dropUploadAt(10 * 1024 * 1024);
    const card = await draftVideo(bytes);
    await h!.clickMessage(BOB, card, ACTION.approve);
    await until(youtubeHeld, 'YouTube has the video, held');
    expect(yt.videos.size).toBe(1);
    expect([...yt.videos.values()][0]!.sha256).toBe(sha(bytes));
    expect(yt.sessions.size).toBe(1);
  });
});

/**
 * Issue 15 in Teams, end to end through the real botbuilder adapter and the Teams emulator: a
 * video attached in the chat with Greenlight is answered at once and received after the turn
 * (from OneDrive's link, no token), read from the file, replied to with what it is; the draft
 * form shows it with YouTube's fields and daily quota, errors next to the fields; the card shows
 * the video and YouTube's fields; once approved it is published byte for byte, once.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DailyQuota, PublishRequest, PublishResult } from '../../../src/platforms/publisher.js';
import { SandboxPublisher } from '../../../src/platforms/sandbox/publisher.js';
import type { RecordedCall } from '../../fakes/teams/index.js';
import { jpeg } from '../../support/image-fixtures.js';
import { RecordingPublisher } from '../../support/rules-publisher.js';
import {
  adaptiveCardAction,
  channelMention,
  composeFetchTask,
  composeSubmitAction,
  personalMessage,
  taskInvoke,
  type PostedResponse,
  type TeamsActivity,
} from '../../support/teams-activities.js';
import { ALICE, ANN, APPROVALS_CHANNEL, shownInTeams, teamsHarness, type TeamsHarness } from '../../support/teams-harness.js';
import { tempDir } from '../../support/temp-db.js';
import { writeVideoFixture, type VideoFixture } from '../../support/video-fixtures.js';

let h: TeamsHarness | undefined;
let media: ReturnType<typeof tempDir> | undefined;
afterEach(async () => {
  await h?.close();
  media?.cleanup();
  h = media = undefined;
});

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** YouTube with its real rules and a daily quota like YouTube's, recording what it would upload (the video's bytes hashed as read). */
class YouTubeRecorder extends RecordingPublisher {
  readonly publishesVideo = true;
  readonly quota: DailyQuota = { unitsPerDay: 10_000, unitsPerPost: 1_600, resetsAfter: (now) => new Date(now.getTime() + 3600_000) };
  readonly uploaded: Array<{ sha256: string; bytes: number; youtube: PublishRequest['youtube'] }> = [];
  constructor() {
    super('youtube');
  }
  override async publish(request: PublishRequest): Promise<PublishResult> {
    if (request.video) {
      const hash = createHash('sha256');
      let bytes = 0;
      for await (const chunk of await request.video.open()) {
        hash.update(chunk as Buffer);
        bytes += (chunk as Buffer).length;
      }
      this.uploaded.push({ sha256: hash.digest('hex'), bytes, youtube: request.youtube });
    }
    return super.publish(request);
  }
}

async function start(env: Record<string, string> = {}, options: { local?: boolean } = {}) {
  media = tempDir('greenlight-media-');
  const sandbox = new SandboxPublisher();
  const youtube = new YouTubeRecorder();
  h = await teamsHarness({ MEDIA_DIR: media.dir, ...env }, { publishers: [sandbox, youtube], ...options });
  await h.send(channelMention(h.env, { from: ALICE, channel: APPROVALS_CHANNEL, text: 'use this channel for approvals' }));
  await h.fake.waitFor('replyToActivity', (c) => JSON.stringify(c.body).includes('approval cards'));
  return { h, sandbox, youtube };
}

async function videoBytes(fixture: VideoFixture): Promise<Buffer> {
  const file = path.join(media!.dir, `fixture-${Math.random().toString(36).slice(2)}.${fixture.container ?? 'mp4'}`);
  await writeVideoFixture(file, fixture);
  const bytes = fs.readFileSync(file);
  fs.rmSync(file);
  return bytes;
}

/** A 1:1 message to Greenlight with these attachments, as Teams sends it. */
const withAttachments = (h: TeamsHarness, attachments: unknown[]): TeamsActivity =>
  ({ ...personalMessage(h.env, { from: ANN, text: '' }), attachments }) as TeamsActivity;

/** Greenlight's next message in the chat that says `words` (a reply after the turn comes in a proactive turn of its own). */
const reply = (h: TeamsHarness, words: string): Promise<RecordedCall> =>
  h.fake.waitFor('replyToActivity', (c) => JSON.stringify(c.body).includes(words), 20_000);

type Invoke = { task?: { type: string; value: unknown } };
type Card = { body: Array<Record<string, unknown>>; actions?: Array<Record<string, unknown>> };
const formCard = (response: PostedResponse): Card => ((response.json as Invoke).task!.value as { card: { content: Card } }).card.content;
const taskType = (response: PostedResponse) => (response.json as Invoke).task?.type;
/** What follows the input `id` on the form: its error, if it has one. */
const textAfter = (form: Card, id: string) => form.body[form.body.findIndex((e) => e.id === id) + 1]?.text;

describe('Teams: a video through draft, approval and publishing', () => {
  it('is received after the turn, drafted with YouTube’s fields (errors next to them), shown on the card, and published exactly as sent, once', async () => {
    const { h, sandbox, youtube } = await start();
    const bytes = await videoBytes({ width: 1280, height: 720, seconds: 40, mediaBytes: 4 * 1024 * 1024 });

    // OneDrive is slow: the turn must be answered while the video is still arriving.
    const release = h.fake.holdFileDownloads();
    const sent = await h.send(withAttachments(h, [h.fake.attachedFile(bytes, 'tour.mp4')]));
    expect(sent.status).toBe(200);
    const download = await h.fake.waitFor('downloadFile');
    expect(download.status).toBe(200);
    expect(download.auth.presented).toBe(false);
    expect(h.dmTexts(ANN).join('\n')).toContain('Receiving your video tour.mp4… I will say here when it has arrived.');
    expect(h.dmTexts(ANN).join('\n')).not.toContain('Got your video');
    // A form opened meanwhile says it is on its way.
    expect(JSON.stringify(formCard(await h.send(composeFetchTask(h.env, { from: ANN }))))).toContain(
      'Your video tour.mp4 is still arriving',
    );
    release();

    const arrivedCall = await reply(h, 'Got your video');
    // A proactive turn of its own, with the bot's token like any other call to the connector.
    expect(arrivedCall.auth.valid).toBe(true);
    const arrived = JSON.stringify(arrivedCall.body);
    expect(arrived).toContain('Got your video tour.mp4 (MP4 · 40 s · 1280×720 · 4.1 MB): it is waiting for your next draft.');
    expect(arrived).toContain('"title":"Draft a post with it"');
    expect(arrived).toContain('"commandId":"draftPost"');
    expect(h.fake.callsTo('downloadFile')).toHaveLength(1);

    // The form shows the video in place of alt text fields, YouTube's quota, and YouTube's fields.
    const form = formCard(await h.send(composeFetchTask(h.env, { from: ANN })));
    const shown = JSON.stringify(form);
    expect(shown).toContain('🎬 tour.mp4 · MP4 · 40 s · 1280×720 · 4.1 MB');
    expect(shown).toContain('YouTube: upload 1 of the 6 its daily quota allows');
    expect(shown).not.toContain('"id":"alt_0"');
    for (const id of ['keep_video', 'youtube_title', 'youtube_tags', 'youtube_category', 'youtube_privacy', 'youtube_kids'])
      expect(shown).toContain(`"id":"${id}"`);
    const submitData = form.actions!.find((a) => a.title === 'Submit for approval')!.data as Record<string, unknown>;
    expect(submitData.video).toBe(sha(bytes));

    const answers = {
      ...submitData,
      text: 'A tour of our new shop, in forty seconds.',
      networks: 'sandbox,youtube',
      date: '',
      time: '',
      mediaUrl: '',
      keep_video: 'true',
      youtube_title: '',
      youtube_tags: 'shop, tour',
      youtube_category: '19',
      youtube_privacy: 'public',
      youtube_kids: '',
    };
    const refused = await h.send(composeSubmitAction(h.env, { from: ANN, data: answers }));
    expect(taskType(refused)).toBe('continue');
    const again = formCard(refused);
    expect(textAfter(again, 'youtube_title')).toBe('YouTube needs a title.');
    expect(textAfter(again, 'youtube_kids')).toBe('Say whether the video is made for kids: YouTube requires an answer for every video.');
    expect(again.body.find((e) => e.id === 'youtube_tags')).toMatchObject({ value: 'shop, tour' });
    expect(JSON.stringify(again)).toContain('🎬 tour.mp4');
    expect(await h.app.greenlight.getPost(1)).toBeUndefined();

    const saved = await h.send(
      composeSubmitAction(h.env, { from: ANN, data: { ...answers, youtube_title: 'A tour of our new shop', youtube_kids: 'no' } }),
    );
    expect(taskType(saved)).toBe('message');
    await h.app.settled();
    const card = h.cards().at(-1)!;
    const onCard = shownInTeams(card);
    expect(onCard).toContain('🎬 **Video** · tour.mp4 · MP4 · 40 s · 1280×720 · 4.1 MB');
    expect(onCard).toContain('▶️ **YouTube:** “A tour of our new shop” · public · not made for kids · Travel & Events · tags: shop, tour');
    // The video is on the post now: the next draft starts without it.
    expect(JSON.stringify(formCard(await h.send(composeFetchTask(h.env, { from: ANN }))))).not.toContain('tour.mp4');

    const post = (await h.app.greenlight.getPost(1))!;
    expect(post.revision.video).toMatchObject({
      sha256: sha(bytes),
      name: 'tour.mp4',
      bytes: bytes.length,
      container: 'mp4',
      durationSeconds: 40,
    });
    await h.send(adaptiveCardAction(h.env, { from: ALICE, on: card, verb: 'approve', data: { postId: 1, revisionId: post.revision.id } }));
    await h.app.settled();
    expect(sandbox.posted).toHaveLength(1);
    expect(sandbox.posted[0]!.video).toEqual({ sha256: sha(bytes), name: 'tour.mp4', bytes: bytes.length });
    expect(sandbox.posted[0]!.images).toEqual([]);
    expect(youtube.uploaded).toEqual([
      {
        sha256: sha(bytes),
        bytes: bytes.length,
        youtube: {
          title: 'A tour of our new shop',
          tags: ['shop', 'tour'],
          categoryId: '19',
          privacy: 'public',
          madeForKids: false,
          thumbnail: null,
        },
      },
    ]);
    expect(youtube.published).toHaveLength(1);
  });

  it('YouTube’s thumbnail is given by link on the form: kept by Greenlight, checked next to its field, and part of what is published', async () => {
    const { h, youtube } = await start({ ALLOW_HTTP_MEDIA: 'true', ALLOW_PRIVATE_MEDIA_HOSTS: 'true' });
    const cover = jpeg(1280, 720);
    const server = http.createServer((req, res) => {
      if (req.url === '/cover.jpg')
        return void res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': cover.length }).end(cover);
      if (req.url === '/small.jpg') return void res.writeHead(200, { 'content-type': 'image/jpeg' }).end(jpeg(320, 180));
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const clip = await videoBytes({ width: 1280, height: 720, seconds: 5 });
      await h.send(withAttachments(h, [h.fake.attachedFile(clip, 'teaser.mp4')]));
      await reply(h, 'Got your video teaser.mp4');
      const form = formCard(await h.send(composeFetchTask(h.env, { from: ANN })));
      expect(JSON.stringify(form)).toContain('"id":"youtube_thumbnail"');
      const submitData = form.actions!.find((a) => a.title === 'Submit for approval')!.data as Record<string, unknown>;
      const answers = {
        ...submitData,
        text: 'Teaser',
        networks: 'youtube',
        date: '',
        time: '',
        mediaUrl: '',
        keep_video: 'true',
        youtube_title: 'Teaser',
        youtube_tags: '',
        youtube_category: '22',
        youtube_privacy: 'public',
        youtube_kids: 'no',
      };

      const small = formCard(
        await h.send(composeSubmitAction(h.env, { from: ANN, data: { ...answers, youtube_thumbnail: `${base}/small.jpg` } })),
      );
      // Adaptive Card text escapes markdown's brackets.
      expect(String(textAfter(small, 'youtube_thumbnail')).replace(/\\/g, '')).toBe(
        'A YouTube thumbnail must be at least 640 pixels wide (1280×720 is best); this one is 320×180.',
      );
      const missing = formCard(
        await h.send(composeSubmitAction(h.env, { from: ANN, data: { ...answers, youtube_thumbnail: `${base}/gone.jpg` } })),
      );
      expect(textAfter(missing, 'youtube_thumbnail')).toBe('The image link answered HTTP 404.');
      expect(await h.app.greenlight.getPost(1)).toBeUndefined();

      const saved = await h.send(composeSubmitAction(h.env, { from: ANN, data: { ...answers, youtube_thumbnail: `${base}/cover.jpg` } }));
      expect(taskType(saved)).toBe('message');
      await h.app.settled();
      const card = h.cards().at(-1)!;
      expect(shownInTeams(card)).toContain('own thumbnail');
      const post = (await h.app.greenlight.getPost(1))!;
      expect(post.revision.youtube?.thumbnail).toMatchObject({ sha256: sha(cover), width: 1280, height: 720 });
      await h.send(
        adaptiveCardAction(h.env, { from: ALICE, on: card, verb: 'approve', data: { postId: 1, revisionId: post.revision.id } }),
      );
      await h.app.settled();
      expect(youtube.uploaded[0]!.youtube?.thumbnail?.sha256).toBe(sha(cover));
    } finally {
      server.close();
    }
  });

  it('a video replaces waiting images and images replace a waiting video, each reply saying so; a file that is no video is named with why', async () => {
    const { h } = await start();
    await h.send(
      withAttachments(h, [h.fake.pastedImage(jpeg(1080, 1080), 'image/jpeg'), h.fake.pastedImage(jpeg(1080, 1350), 'image/jpeg')]),
    );
    expect(h.dmTexts(ANN).join('\n')).toContain('Got 2 images');

    await h.send(withAttachments(h, [h.fake.attachedFile(Buffer.from('not a movie at all, just text '.repeat(100)), 'holiday.mp4')]));
    const problem = JSON.stringify((await reply(h, 'holiday.mp4 was not taken')).body);
    expect(problem).toContain('not a video Greenlight can read');
    expect(problem).not.toContain('Draft a post with it');
    // What waited still does.
    expect(JSON.stringify(formCard(await h.send(composeFetchTask(h.env, { from: ANN }))))).toContain('"id":"alt_1"');

    const clip = await videoBytes({ width: 1080, height: 1920, seconds: 6, container: 'mov' });
    await h.send(withAttachments(h, [h.fake.attachedFile(clip, 'clip.mov'), h.fake.attachedFile(jpeg(800, 800), 'extra.jpg')]));
    expect(h.dmTexts(ANN).join('\n')).toContain('A post takes images or one video, not both: the image in this message was not taken.');
    const arrived = JSON.stringify((await reply(h, 'Got your video clip.mov')).body);
    expect(arrived).toContain('MOV · 6 s · 1080×1920');
    expect(arrived).toContain('It replaces the 2 images that were waiting: a post has images or one video.');
    const form = JSON.stringify(formCard(await h.send(composeFetchTask(h.env, { from: ANN }))));
    expect(form).toContain('🎬 clip.mov');
    expect(form).not.toContain('"id":"alt_0"');
    // extra.jpg was never downloaded: two files, holiday.mp4 and clip.mov.
    expect(h.fake.callsTo('downloadFile')).toHaveLength(2);

    await h.send(withAttachments(h, [h.fake.pastedImage(jpeg(1080, 1080), 'image/jpeg')]));
    expect(h.dmTexts(ANN).join('\n')).toContain('They replace the video clip.mov that was waiting: a post has images or one video.');
    const images = JSON.stringify(formCard(await h.send(composeFetchTask(h.env, { from: ANN }))));
    expect(images).toContain('"id":"alt_0"');
    expect(images).not.toContain('clip.mov');
  });

  it('a video over VIDEO_MAX_MB is refused with the limit, and a video link elsewhere than OneDrive is not followed', async () => {
    const { h } = await start({ VIDEO_MAX_MB: '1' });
    const big = await videoBytes({ width: 640, height: 360, seconds: 5, mediaBytes: 2 * 1024 * 1024 });
    await h.send(withAttachments(h, [h.fake.attachedFile(big, 'big.mp4')]));
    const tooLarge = (await reply(h, 'big.mp4 was not taken')).body as { summary?: string };
    expect(tooLarge.summary).toBe('Your video big.mp4 was not taken: That file is 2.1 MB; videos can be at most 1 MB (VIDEO_MAX_MB).');

    const attached = h.fake.attachedFile(big, 'elsewhere.mp4');
    const crafted = { ...attached, content: { ...attached.content, downloadUrl: 'http://169.254.169.254/latest/elsewhere.mp4' } };
    await h.send(withAttachments(h, [crafted]));
    expect(h.dmTexts(ANN).join('\n')).toContain(
      'elsewhere.mp4 was not taken: Greenlight takes videos attached to your message with the paperclip, not links elsewhere.',
    );
    expect(h.fake.callsTo('downloadFile')).toHaveLength(1);
    expect(JSON.stringify(formCard(await h.send(composeFetchTask(h.env, { from: ANN }))))).not.toContain('🎬');
  });

  it('a message that is a link to a video is taken like an attached one (public internet only, unless allowed)', async () => {
    const { h } = await start({ ALLOW_HTTP_MEDIA: 'true', ALLOW_PRIVATE_MEDIA_HOSTS: 'true' });
    const clip = await videoBytes({ width: 1080, height: 1920, seconds: 6 });
    const server = http.createServer((req, res) => {
      if (req.url !== '/clips/teaser.mp4') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': clip.length }).end(clip);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const link = `http://127.0.0.1:${(server.address() as AddressInfo).port}/clips/teaser.mp4`;
      await h.send(personalMessage(h.env, { from: ANN, text: link }));
      await reply(h, 'Receiving your video teaser.mp4');
      const arrived = (await reply(h, 'Got your video teaser.mp4')).body as { summary?: string };
      expect(JSON.stringify(arrived)).toContain('MP4 · 6 s · 1080×1920');
      const form = JSON.stringify(formCard(await h.send(composeFetchTask(h.env, { from: ANN }))));
      expect(form).toContain('🎬 teaser.mp4');
      expect(arrived.summary).toBeDefined();
    } finally {
      server.close();
    }
  });

  it('in local mode (the Agents Playground, no app id and no tokens) the reply after the turn arrives too', async () => {
    const { h } = await start({}, { local: true });
    const clip = await videoBytes({ width: 640, height: 360, seconds: 2 });
    await h.send(withAttachments(h, [h.fake.attachedFile(clip, 'local.mp4')]));
    const arrived = await reply(h, 'Got your video local.mp4');
    expect(arrived.auth.presented).toBe(false);
    expect(JSON.stringify(formCard(await h.send(composeFetchTask(h.env, { from: ANN }))))).toContain('🎬 local.mp4');
  });

  it('a form whose video was replaced since is shown again with the newer one, and nothing is posted without it', async () => {
    const { h } = await start();
    const a = await videoBytes({ width: 1280, height: 720, seconds: 3 });
    await h.send(withAttachments(h, [h.fake.attachedFile(a, 'a.mp4')]));
    await reply(h, 'Got your video a.mp4');
    const form = formCard(await h.send(composeFetchTask(h.env, { from: ANN })));
    const data: Record<string, unknown> = {
      ...(form.actions!.find((x) => x.title === 'Submit for approval')!.data as Record<string, unknown>),
      text: 'Take A',
      networks: 'sandbox',
      date: '',
      time: '',
      mediaUrl: '',
      keep_video: 'true',
    };
    expect(data.video).toBe(sha(a));

    const b = await videoBytes({ width: 1280, height: 720, seconds: 4 });
    await h.send(withAttachments(h, [h.fake.attachedFile(b, 'b.mp4')]));
    expect(JSON.stringify((await reply(h, 'Got your video b.mp4')).body)).toContain('It replaces the video a.mp4 that was waiting');
    const stale = await h.send(composeSubmitAction(h.env, { from: ANN, data }));
    expect(taskType(stale)).toBe('continue');
    const shown = JSON.stringify(formCard(stale));
    expect(shown).toContain('The video on this form was replaced by b.mp4');
    expect(shown).toContain('🎬 b.mp4');
    expect(await h.app.greenlight.getPost(1)).toBeUndefined();
  });

  it('editing a post keeps its video and YouTube’s fields, unless a new video waits', async () => {
    const { h, sandbox } = await start();
    const first = await videoBytes({ width: 1280, height: 720, seconds: 10 });
    await h.send(withAttachments(h, [h.fake.attachedFile(first, 'first.mp4')]));
    await reply(h, 'Got your video first.mp4');
    const youtube = {
      youtube_title: 'First cut',
      youtube_tags: '',
      youtube_category: '22',
      youtube_privacy: 'unlisted',
      youtube_kids: 'yes',
    };
    const data = {
      action: 'submit',
      text: 'Our first cut',
      networks: 'sandbox,youtube',
      date: '',
      time: '',
      mediaUrl: '',
      video: sha(first),
      keep_video: 'true',
      ...youtube,
    };
    expect(taskType(await h.send(composeSubmitAction(h.env, { from: ANN, data })))).toBe('message');
    await h.app.settled();
    const card = h.cards().at(-1)!;
    const v1 = (await h.app.greenlight.getPost(1))!;
    await h.send(
      adaptiveCardAction(h.env, {
        from: ALICE,
        on: card,
        verb: 'requestChanges',
        data: { postId: 1, revisionId: v1.revision.id, changes: 'A better text, please' },
      }),
    );
    await h.app.settled();

    const edit = { commandId: 'editDraft', postId: 1, revisionId: v1.revision.id };
    const opened = formCard(await h.send(taskInvoke(h.env, { from: ANN, name: 'task/fetch', data: edit })));
    expect(JSON.stringify(opened)).toContain('🎬 first.mp4');
    expect(opened.body.find((e) => e.id === 'youtube_title')).toMatchObject({ value: 'First cut' });
    expect(opened.body.find((e) => e.id === 'youtube_kids')).toMatchObject({ value: 'yes' });
    const resubmit = opened.actions!.find((a) => a.title === 'Resubmit for approval')!.data as Record<string, unknown>;
    expect(
      taskType(
        await h.send(
          taskInvoke(h.env, { from: ANN, name: 'task/submit', data: { ...data, ...resubmit, text: 'Our first cut, better told' } }),
        ),
      ),
    ).toBe('message');
    const v2 = (await h.app.greenlight.getPost(1))!;
    expect(v2.revision.number).toBe(2);
    expect(v2.revision.video?.sha256).toBe(sha(first));
    expect(v2.revision.youtube).toMatchObject({ title: 'First cut', privacy: 'unlisted', madeForKids: true });

    // A new video sent in the chat takes the post's video's place on the edit form.
    await h.app.settled();
    await h.send(
      adaptiveCardAction(h.env, {
        from: ALICE,
        on: h.cards().at(-1)!,
        verb: 'requestChanges',
        data: { postId: 1, revisionId: v2.revision.id, changes: 'Another take' },
      }),
    );
    await h.app.settled();
    const second = await videoBytes({ width: 1280, height: 720, seconds: 12 });
    await h.send(withAttachments(h, [h.fake.attachedFile(second, 'second.mp4')]));
    await reply(h, 'Got your video second.mp4');
    const replaced = formCard(
      await h.send(taskInvoke(h.env, { from: ANN, name: 'task/fetch', data: { ...edit, revisionId: v2.revision.id } })),
    );
    expect(JSON.stringify(replaced)).toContain('🎬 second.mp4');
    expect(JSON.stringify(replaced)).not.toContain('first.mp4');
    const data3 = { ...data, ...(replaced.actions!.find((a) => a.title === 'Resubmit for approval')!.data as Record<string, unknown>) };
    expect(taskType(await h.send(taskInvoke(h.env, { from: ANN, name: 'task/submit', data: data3 })))).toBe('message');
    const v3 = (await h.app.greenlight.getPost(1))!;
    expect(v3.revision.video?.sha256).toBe(sha(second));
    // Used by the edit, it no longer waits.
    expect(JSON.stringify(formCard(await h.send(composeFetchTask(h.env, { from: ANN }))))).not.toContain('second.mp4');
    expect(sandbox.posted).toHaveLength(0);
  });
});

import path from 'node:path';
import fs from 'node:fs';
/**
 * The playground as the page drives it, over HTTP: `npm start` with no chat configured serves
 * it on 127.0.0.1, and its requests become signed Slack requests into Greenlight's own Bolt
 * app. The whole approval day: /draft, a validation error next to the field, submit, the card,
 * refusals for the outsider and the author, Approve, the author's DM, publish now, the outbox,
 * and the digest with its chart.
 */
import { writeVideoFixture } from '../../support/video-fixtures.js';
import { afterEach, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { createMemoryLogger } from '../../../src/observability/logger.js';
import type { Screen } from '../../../src/playground/screen.js';
import { jpeg } from '../../support/image-fixtures.js';
import { startPlaygroundApp, until, type PlaygroundApp } from '../../support/playground-client.js';

let pg: PlaygroundApp | undefined;
/** The running Greenlight (a new one after a restart). */
let app: RunningApp | undefined;
afterEach(async () => {
  await app?.stop();
  await pg?.stop();
  app = pg = undefined;
});

const ANN = 'U0ANN';
const ALICE = 'U0ALICE';
const COLIN = 'U0COLIN';
const APPROVALS = 'C0APPROVALS';

async function start(env: Record<string, string> = {}) {
  pg = await startPlaygroundApp(env);
  app = pg.app;
  return app;
}

const post = async (path: string, body: unknown) => {
  const res = await fetch(`${app!.url}/playground/api/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
};
const screen = async (user: string, channel = APPROVALS, extra: Record<string, string> = {}) =>
  (await (await fetch(`${app!.url}/playground/api/screen?${new URLSearchParams({ user, channel, ...extra })}`)).json()) as Screen;
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

describe('the playground over HTTP', () => {
  it('is on with no chat configured, on 127.0.0.1, and says where', async () => {
    const running = await start();
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:/);
    const page = await fetch(`${running.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('/playground/assets/playground.js');
    expect((await fetch(`${running.url}/playground/assets/playground.js`)).status).toBe(200);
    const s = await screen(ANN);
    expect(s.people.map((p) => p.role)).toEqual(['author', 'approver', 'approver through @managers', 'colleague']);
  });

  it('PLAYGROUND=off leaves it out; PLAYGROUND=on beside a Slack app is refused, naming the variable', async () => {
    await start({ PLAYGROUND: 'off' });
    expect((await fetch(`${app!.url}/`)).status).toBe(404);
    expect(() =>
      loadConfig({
        PLAYGROUND: 'on',
        SLACK_BOT_TOKEN: 'xoxb-1',
        SLACK_SIGNING_SECRET: 'abcdefabcdefabcdef',
        SLACK_APPROVAL_CHANNEL: 'C0123456789',
        SLACK_APPROVERS: 'U0123456789',
      }),
    ).toThrow(/PLAYGROUND: the playground plays Slack itself/);
    expect(() => loadConfig({ PLAYGROUND: 'maybe' })).toThrow(/PLAYGROUND: must be on or off/);
  });

  it('the approval day: draft, a problem next to the field, submit, refusals, approve, DM, publish now, outbox, digest', async () => {
    await start();
    // /draft opens the dialog for Ann.
    expect((await post('command', { user: ANN, channel: APPROVALS, text: '/draft Spring is here' })).status).toBe(200);
    let s = await until(
      'the draft dialog opens',
      () => screen(ANN),
      (x) => x.modal !== null,
    );
    expect(s.modal!.title).toMatch(/post/i);
    expect(text(s.modal!.html)).toContain('Spring is here');
    expect((await screen(COLIN)).modal).toBeNull();

    // No network chosen: the problem shows next to the field, nothing is created.
    const viewId = s.modal!.viewId;
    const empty = await post('submit', { user: ANN, viewId, values: { text: { value: 'Spring is here' }, networks: { value: [] } } });
    expect(empty.json.errors).toHaveProperty('networks');
    s = await screen(ANN);
    expect(s.modal!.html).toContain('sk-error');
    expect(app!.greenlight.ctx.store).toBeDefined();
    expect(await app!.greenlight.ctx.store.listPosts({})).toEqual([]);

    // Submitted properly: the card appears in the approvals channel.
    const soon = new Date(Date.now() + 3600_000);
    const local = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Europe/Berlin',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(soon);
    const part = (t: string) => local.find((p) => p.type === t)!.value;
    const ok = await post('submit', {
      user: ANN,
      viewId,
      values: {
        text: { value: 'Spring is here 🌷' },
        networks: { value: ['sandbox'] },
        publish_at: { value: { date: `${part('year')}-${part('month')}-${part('day')}`, time: `${part('hour')}:${part('minute')}` } },
      },
    });
    expect(ok.json.errors).toBeNull();
    s = await until(
      'the card is posted',
      () => screen(ALICE),
      (x) => x.channel.messages.some((m) => m.html.includes('Approve')),
    );
    expect((await screen(ANN)).modal).toBeNull();
    const card = s.channel.messages.find((m) => m.html.includes('Approve'))!;
    expect(text(card.html)).toContain('Spring is here 🌷');
    expect(card.html).toContain('data-action-id="gl_approve"');

    // Colin (not an approver) and Ann (the author) are refused, each privately.
    await post('action', { user: COLIN, channel: APPROVALS, ts: card.ts, actionId: 'gl_approve' });
    await until(
      'Colin is told privately',
      () => screen(COLIN),
      (x) => x.channel.messages.some((m) => m.ephemeral),
    );
    expect((await screen(ALICE)).channel.messages.some((m) => m.ephemeral)).toBe(false);
    await post('action', { user: ANN, channel: APPROVALS, ts: card.ts, actionId: 'gl_approve' });
    await until(
      'Ann is told privately',
      () => screen(ANN),
      (x) => x.channel.messages.some((m) => m.ephemeral),
    );

    // Alice approves: the card updates in place, Ann hears in her DM.
    await post('action', { user: ALICE, channel: APPROVALS, ts: card.ts, actionId: 'gl_approve' });
    s = await until(
      'the card says approved',
      () => screen(ALICE),
      (x) => /approved|scheduled/i.test(text(x.channel.messages.find((m) => m.ts === card.ts)!.html)),
    );
    expect(s.channel.messages.find((m) => m.ts === card.ts)!.html).not.toContain('data-action-id="gl_approve"');
    const dm = (await screen(ANN)).channels.find((c) => c.kind === 'dm')!.id;
    await until(
      'Ann’s DM says approved',
      () => screen(ANN, dm),
      (x) => x.channel.messages.some((m) => /approved/i.test(text(m.html))),
    );

    // Publish now: the scheduled post goes out to the sandbox, shown in the outbox.
    expect((await screen(ANN)).outbox).toEqual([]);
    const published = await post('publish-next', {});
    expect(String(published.json.said)).toMatch(/Post #1 is going out to Sandbox now/);
    s = await until(
      'the outbox has the post',
      () => screen(ANN),
      (x) => x.outbox.length === 1,
    );
    expect(s.outbox[0]).toMatchObject({ network: 'sandbox', postId: 1, text: 'Spring is here 🌷', characters: 16 });

    // /digest: the chart is a file in the channel, served to the page.
    await post('command', { user: ALICE, channel: 'C0DIGEST', text: '/digest' });
    s = await until(
      'the digest is posted, its chart in the thread',
      () => screen(ALICE, 'C0DIGEST'),
      (x) => x.channel.messages.some((m) => m.html.includes('Engagement') && m.replies === 1),
    );
    const digest = s.channel.messages.find((m) => m.html.includes('Engagement'))!;
    s = await screen(ALICE, 'C0DIGEST', { thread: digest.ts });
    const src = /src="(\/playground\/files\/[^"]+)"/.exec(s.thread!.replies.map((m) => m.html).join(''))![1]!;
    const chart = await fetch(`${app!.url}${src}`);
    expect(chart.headers.get('content-type')).toBe('image/png');
  });

  it('an image picked in the dialog goes through Slack’s upload path: the alt-text step shows it, and the card lists it', async () => {
    await start();
    await post('command', { user: ANN, channel: APPROVALS, text: '/draft' });
    let s = await until(
      'the draft dialog opens',
      () => screen(ANN),
      (x) => x.modal !== null,
    );
    const uploaded = await post('upload', { user: ANN, name: 'tulips.jpg', type: 'image/jpeg', data: jpeg(1080, 1080).toString('base64') });
    const file = uploaded.json.file as { id: string; url_private: string };
    expect(file.url_private).toContain('/files-pri/');
    const first = await post('submit', {
      user: ANN,
      viewId: s.modal!.viewId,
      values: { text: { value: 'Tulips!' }, networks: { value: ['sandbox'] }, files: { value: { type: 'file_input', files: [file] } } },
    });
    expect(first.json.errors).toBeNull();
    // The second step is pushed over the first, with the picture from Slack's file.
    s = await screen(ANN);
    expect(s.modal!.depth).toBe(2);
    expect(s.modal!.html).toContain(`/playground/files/${file.id}`);
    expect((await fetch(`${app!.url}/playground/files/${file.id}`)).headers.get('content-type')).toBe('image/jpeg');
    await post('submit', { user: ANN, viewId: s.modal!.viewId, values: { alt_0: { value: 'Red tulips in a row' } } });
    s = await until(
      'the card lists the image',
      () => screen(ANN),
      (x) => x.channel.messages.some((m) => m.html.includes('Red tulips in a row')),
    );
    expect(s.modal).toBeNull();
    expect(text(s.channel.messages.at(-1)!.html)).toContain('Image 1 · JPEG · 1080×1080');
  });

  it('a video picked in the dialog arrives in the video step, which is then submitted; the card lists the video', async () => {
    await start();
    await post('command', { user: ANN, channel: APPROVALS, text: '/draft' });
    let s = await until(
      'the draft dialog opens',
      () => screen(ANN),
      (x) => x.modal !== null,
    );
    const file = path.join(pg!.dir, 'clip.mp4');
    await writeVideoFixture(file, { width: 1080, height: 1920, seconds: 8, mediaBytes: 2 * 1024 * 1024 });
    const uploaded = await post('upload', { user: ANN, name: 'clip.mp4', type: '', data: fs.readFileSync(file).toString('base64') });
    const picked = uploaded.json.file as { id: string; mimetype: string };
    expect(picked.mimetype).toBe('video/mp4');
    const first = await post('submit', {
      user: ANN,
      viewId: s.modal!.viewId,
      values: {
        text: { value: 'A short clip' },
        networks: { value: ['sandbox'] },
        files: { value: { type: 'file_input', files: [picked] } },
      },
    });
    expect(first.json.errors).toBeNull();
    s = await until(
      'the video step shows the video',
      () => screen(ANN),
      (x) => x.modal !== null && text(x.modal.html).includes('MP4 · 8 s · 1080×1920'),
    );
    expect(s.modal!.depth).toBe(2);
    await post('submit', { user: ANN, viewId: s.modal!.viewId, values: {} });
    s = await until(
      'the card lists the video',
      () => screen(ANN),
      (x) => x.channel.messages.some((m) => text(m.html).includes('Video · clip.mp4 · MP4 · 8 s · 1080×1920')),
    );
    expect(s.modal).toBeNull();
  });

  it('the App Home tab is Greenlight’s, per person, and its buttons are clicked as Home actions', async () => {
    await start();
    expect((await screen(ALICE)).home).toBeNull();
    await post('home', { user: ALICE });
    const s = await until(
      'Alice’s Home tab is published',
      () => screen(ALICE, 'D0ALICE', { tab: 'home' }),
      (x) => x.home !== null,
    );
    expect(s.tab).toBe('home');
    expect(text(s.home!.html).length).toBeGreaterThan(20);
    // Only Alice's: Ann has none until she opens hers.
    expect((await screen(ANN)).home).toBeNull();
  });

  it('keeps its workspace across a restart, beside the database: the card is still there and still works', async () => {
    await start();
    const config = loadConfig({ DATABASE_URL: `file:${pg!.dir}/greenlight.db`, MEDIA_DIR: `${pg!.dir}/media` });
    await app!.stop();
    app = await startApp(config, { logger: createMemoryLogger('debug'), port: 0 });
    const added = await post('people', { name: 'Dana Designer', tz: 'Europe/Paris' });
    await post('command', { user: ANN, channel: APPROVALS, text: '/draft' });
    let s = await until(
      'the draft dialog opens',
      () => screen(ANN),
      (x) => x.modal !== null,
    );
    await post('submit', {
      user: ANN,
      viewId: s.modal!.viewId,
      values: { text: { value: 'Kept across restarts' }, networks: { value: ['sandbox'] } },
    });
    s = await until(
      'the card is posted',
      () => screen(ALICE),
      (x) => x.channel.messages.some((m) => m.html.includes('gl_approve')),
    );
    const card = s.channel.messages.find((m) => m.html.includes('gl_approve'))!;

    await app!.stop();
    app = await startApp(config, { logger: createMemoryLogger('debug'), port: 0 });
    s = await screen(ALICE);
    expect(s.channel.messages.map((m) => m.ts)).toContain(card.ts);
    expect(s.people.map((p) => p.id)).toContain(added.json.id);
    await post('action', { user: ALICE, channel: APPROVALS, ts: card.ts, actionId: 'gl_approve' });
    s = await until(
      'the same card says approved',
      () => screen(ALICE),
      (x) => /approved/i.test(text(x.channel.messages.find((m) => m.ts === card.ts)!.html)),
    );
    expect(s.channel.messages.filter((m) => m.html.includes('Kept across restarts'))).toHaveLength(1);
  });

  it('refuses what a page could send wrongly, plainly, and changes nothing', async () => {
    await start();
    expect((await post('command', { user: ANN, channel: APPROVALS, text: 'hello' })).json.error).toMatch(/slash command/);
    expect((await post('submit', { user: ANN, viewId: 'V123', values: {} })).json.error).toMatch(/not open for this person/);
    expect((await post('people', { name: 'Zed', tz: 'Mars/Olympus' })).json.error).toMatch(/not a time zone/);
    expect((await post('command', { user: 'U0NOBODY', channel: APPROVALS, text: '/draft' })).json.error).toMatch(/No person/);
    expect((await post('command', { nonsense: true })).status).toBe(400);
    const garbled = await fetch(`${app!.url}/playground/api/command`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(garbled.status).toBe(400);
    expect(((await garbled.json()) as { error: string }).error).toMatch(/not one the playground understands/);
    const added = await post('people', { name: 'Dana Designer', tz: 'Europe/Paris' });
    expect((await screen(String(added.json.id))).me).toMatchObject({ name: 'Dana Designer', tz: 'Europe/Paris', role: 'colleague' });
  });
});

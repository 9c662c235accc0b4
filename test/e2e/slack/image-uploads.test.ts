/**
 * Issue 13 in Slack, end to end: images picked in the draft dialog's file input are read with
 * files.info and downloaded with the bot token into the media store, described in a second
 * step, shown on the card with each network's own text, and published exactly as approved.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../../src/bots/slack/ids.js';
import { SandboxPublisher } from '../../../src/platforms/sandbox/publisher.js';
import { jpeg, png, webpLossless } from '../../support/image-fixtures.js';
import { RecordingPublisher } from '../../support/rules-publisher.js';
import { APPROVALS, AUTHOR, BOB, draftValues, shownText, slackHarness, type SlackHarness } from '../../support/slack-harness.js';
import { altValues, pushedView, withFiles } from '../../support/slack-uploads.js';
import { tempDir } from '../../support/temp-db.js';

let h: SlackHarness;
let media: ReturnType<typeof tempDir>;
let sandbox: SandboxPublisher;
let x: RecordingPublisher;
afterEach(async () => {
  await h?.close();
  media?.cleanup();
});

async function start(env: Record<string, string> = {}) {
  media = tempDir('greenlight-media-');
  sandbox = new SandboxPublisher();
  x = new RecordingPublisher('x');
  // The fake serves files over plain http on 127.0.0.1: ALLOW_HTTP_MEDIA lets the download use it.
  h = await slackHarness({ MEDIA_DIR: media.dir, ALLOW_HTTP_MEDIA: 'true', ...env }, { publishers: [sandbox, x] });
}

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const storedFiles = () => {
  const root = path.join(media.dir, 'sha256');
  return fs.existsSync(root) ? fs.readdirSync(root, { recursive: true }).filter((f) => String(f).length > 10) : [];
};

async function waitUntil(check: () => boolean, what: string) {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  expect(check(), what).toBe(true);
}

describe('Slack: uploaded images, alt text and a text per network', () => {
  it('uploads three images with alt text and an X text, shows them on the card, and publishes exactly them once approved', async () => {
    await start();
    const bytes = [jpeg(1200, 800), png(640, 640), webpLossless(800, 1000)];
    const files = [
      h.fake.userFile(AUTHOR, { name: 'beach.jpg', mimetype: 'image/jpeg', bytes: bytes[0]! }),
      h.fake.userFile(AUTHOR, { name: 'logo.png', mimetype: 'image/png', bytes: bytes[1]! }),
      h.fake.userFile(AUTHOR, { name: 'team.webp', mimetype: 'image/webp', bytes: bytes[2]! }),
    ];
    const dialog = await h.openDraft(AUTHOR);
    const dialogJson = JSON.stringify(dialog.blocks);
    expect(dialogJson).toContain('"type":"file_input"');
    expect(dialogJson).toContain('Customize for X');

    const first = await h.submit(
      AUTHOR,
      dialog,
      withFiles({ text: 'Our spring sale starts Monday! A long text for everyone.', networks: ['sandbox', 'x'] }, files, {
        x: 'Sale Monday ☀️',
      }),
    );
    // Each file was read with files.info and downloaded with the bot token.
    expect(h.fake.callsTo('files.info').map((c) => c.args.file)).toEqual(files.map((f) => f.id));
    expect(h.fake.callsTo('files-pri').every((c) => c.args.authorized === true)).toBe(true);
    const step2 = pushedView(first);
    expect(shownText(step2)).toContain('beach.jpg');
    expect(shownText(step2)).toContain('JPEG · 1200×800');
    expect(JSON.stringify(step2.blocks)).toContain(`"slack_file":{"id":"${files[0]!.id}"}`);
    expect(storedFiles()).toHaveLength(3);

    const since = h.fake.calls.length;
    const second = await h.submit(AUTHOR, step2, altValues(['Sunny beach with umbrellas', 'The shop logo', 'Our team waving']));
    expect(second.json).toEqual({ response_action: 'clear' });
    const posted = await h.next('chat.postMessage', (c) => c.args.channel === APPROVALS && !c.args.thread_ts, since);
    const card = h.card(String(posted.response.ts));
    const text = shownText(card);
    expect(text).toContain('Our spring sale starts Monday!');
    expect(text).toContain('X gets its own text:');
    expect(text).toContain('Sale Monday ☀️');
    expect(text).toContain('Image 1* · JPEG · 1200×800');
    expect(text).toContain('Alt text: “Sunny beach with umbrellas”');
    expect(text).toContain('Alt text: “Our team waving”');
    expect(text).not.toContain('no alt text');

    await h.clickMessage(BOB, card, ACTION.approve);
    await waitUntil(() => sandbox.posted.length === 1 && x.published.length === 1, 'both networks published');
    await h.app.settled();
    expect(sandbox.posted).toHaveLength(1);
    expect(sandbox.posted[0]!.text).toBe('Our spring sale starts Monday! A long text for everyone.');
    expect(sandbox.posted[0]!.images).toEqual([
      { sha256: sha(bytes[0]!), alt: 'Sunny beach with umbrellas' },
      { sha256: sha(bytes[1]!), alt: 'The shop logo' },
      { sha256: sha(bytes[2]!), alt: 'Our team waving' },
    ]);
    expect(x.published).toHaveLength(1);
    expect(x.published[0]!.text).toBe('Sale Monday ☀️');
    expect(x.published[0]!.images?.map((i) => i.alt)).toEqual(['Sunny beach with umbrellas', 'The shop logo', 'Our team waving']);
  });

  it('the card shows five images and a glimpse of each alt text; Images & alt text shows all of them, whole', async () => {
    await start();
    const bytes = Array.from({ length: 6 }, (_, i) => jpeg(1000 + i * 10, 800));
    const files = bytes.map((b, i) => h.fake.userFile(AUTHOR, { name: `p${i + 1}.jpg`, mimetype: 'image/jpeg', bytes: b }));
    const longAlt = `A crowded market at dusk: ${'stalls of lanterns, spice sacks and fruit crates, '.repeat(12)}and a cat on a barrel.`;
    expect(longAlt.length).toBeGreaterThan(500);
    const alts = [longAlt, 'Two', 'Three', 'Four', 'Five', ''];
    const step2 = pushedView(
      await h.submit(AUTHOR, await h.openDraft(AUTHOR), withFiles({ text: 'Six pictures', networks: ['sandbox'] }, files)),
    );
    const since = h.fake.calls.length;
    await h.submit(AUTHOR, step2, altValues(alts));
    const posted = await h.next('chat.postMessage', (c) => c.args.channel === APPROVALS && !c.args.thread_ts, since);
    const card = h.card(String(posted.response.ts));
    const text = shownText(card);
    expect(text.split('\n').filter((l) => l.startsWith('🖼 *Image'))).toHaveLength(5);
    expect(text).toContain('A crowded market at dusk');
    expect(text).not.toContain('a cat on a barrel');
    expect(text).toContain('…and 1 more image (⚠️ 1 without alt text)');

    const clicked = h.fake.calls.length;
    await h.clickMessage(BOB, card, ACTION.images);
    const opened = await h.next('views.open', () => true, clicked);
    const modal = shownText(h.view((opened.response.view as { id: string }).id));
    for (let i = 1; i <= 6; i++) expect(modal).toContain(`*Image ${i}* · JPEG · ${1000 + (i - 1) * 10}×800`);
    expect(modal).toContain(`Alt text: “${longAlt}”`);
    expect(modal).toMatch(/Image 6\* · JPEG[^\n]*\n⚠️ No alt text/);
    // Without PUBLIC_URL Slack has no link to fetch the images from: the modal says so.
    expect(modal).toContain('PUBLIC_URL');
  });

  it('editing one image’s alt text makes a new revision that needs a new approval', async () => {
    await start();
    const bytes = [png(500, 500), png(600, 600)];
    const files = bytes.map((b, i) => h.fake.userFile(AUTHOR, { name: `p${i}.png`, mimetype: 'image/png', bytes: b }));
    const dialog = await h.openDraft(AUTHOR);
    const step2 = pushedView(await h.submit(AUTHOR, dialog, withFiles({ text: 'Two pictures' }, files)));
    let since = h.fake.calls.length;
    await h.submit(AUTHOR, step2, altValues(['First', 'Second']));
    const posted = await h.next('chat.postMessage', (c) => c.args.channel === APPROVALS && !c.args.thread_ts, since);
    const card = h.card(String(posted.response.ts));
    const [post] = await h.app.greenlight.ctx.store.listPosts({});
    const before = (await h.app.greenlight.ctx.store.getPost(post!.post.id))!;

    // The author edits: the dialog says the images stay; the second step shows their alt texts.
    since = h.fake.calls.length;
    await h.clickMessage(BOB, card, ACTION.requestChanges);
    const commentCall = await h.next('views.open', () => true, since);
    since = h.fake.calls.length;
    await h.submit(BOB, h.view((commentCall.response.view as { id: string }).id), { comment: { value: 'Better alt text please' } });
    const dm = await h.next(
      'chat.postMessage',
      (c) => c.args.channel === h.fake.state.dms.get(AUTHOR) && String(c.args.text).includes('asked for changes'),
      since,
    );
    since = h.fake.calls.length;
    await h.clickMessage(AUTHOR, h.fake.state.message(String(dm.args.channel), String(dm.response.ts))!, ACTION.editDraft);
    const editCall = await h.next('views.open', () => true, since);
    const edit = h.view((editCall.response.view as { id: string }).id);
    expect(shownText(edit)).toContain('This post has 2 images');
    const editStep2 = pushedView(await h.submit(AUTHOR, edit, draftValues({ text: 'Two pictures' })));
    expect(JSON.stringify(editStep2.blocks)).toContain('"initial_value":"First"');
    since = h.fake.calls.length;
    expect((await h.submit(AUTHOR, editStep2, altValues(['First', 'The second picture, described']))).json).toEqual({
      response_action: 'clear',
    });
    await h.next('chat.postMessage', (c) => c.args.thread_ts === card.ts && String(c.args.text).includes('Revised'), since);

    const after = (await h.app.greenlight.ctx.store.getPost(post!.post.id))!;
    expect(after.revision.number).toBe(before.revision.number + 1);
    expect(after.revision.contentHash).not.toBe(before.revision.contentHash);
    expect(after.revision.images.map((i) => [i.sha256, i.alt])).toEqual([
      [sha(bytes[0]!), 'First'],
      [sha(bytes[1]!), 'The second picture, described'],
    ]);
    expect(after.post.status).toBe('pending');
    expect(shownText(h.card(card.ts))).toContain('Waiting for approval');
  });

  it.each([
    [
      'a file that is not an image',
      { name: 'notes.png', mimetype: 'image/png', bytes: Buffer.from('%PDF-1.7 not an image at all, really') },
      'notes.png: That file is not a JPEG, PNG, GIF or WebP image',
    ],
    [
      'a file over MEDIA_MAX_MB',
      { name: 'huge.jpg', mimetype: 'image/jpeg', bytes: Buffer.concat([jpeg(100, 100), Buffer.alloc(1200 * 1024)]) },
      'huge.jpg: That file is 1.2 MB; images can be at most 1 MB (MEDIA_MAX_MB).',
    ],
    [
      'a download that fails',
      { name: 'gone.jpg', mimetype: 'image/jpeg', bytes: jpeg(10, 10), serve: { status: 500 } },
      'gone.jpg: Could not download the file',
    ],
  ])('shows %s next to the file field, stores nothing and keeps the text', async (_name, file, message) => {
    await start({ MEDIA_MAX_MB: '1' });
    const picked = h.fake.userFile(AUTHOR, file);
    const dialog = await h.openDraft(AUTHOR);
    const response = await h.submit(AUTHOR, dialog, withFiles({ text: 'Keep this text' }, [picked]));
    expect(response.json).toEqual({ response_action: 'errors', errors: { files: expect.stringContaining(message) } });
    // The dialog stays open as it was (an errors answer changes nothing else): the text is not lost.
    expect(storedFiles()).toEqual([]);
    expect(await h.app.greenlight.ctx.store.listPosts({})).toEqual([]);
    expect(h.fake.callsTo('chat.postMessage')).toEqual([]);
  });

  it('downloads only with the bot token: anyone else gets the sign-in page', async () => {
    await start();
    const file = h.fake.userFile(AUTHOR, { name: 'a.png', mimetype: 'image/png', bytes: png(10, 10) });
    const anonymous = await fetch(String(file.url_private_download), { redirect: 'manual' });
    expect(anonymous.status).toBe(302);
    const withBot = await fetch(String(file.url_private_download), { headers: { authorization: `Bearer ${h.fake.workspace.botToken}` } });
    expect(withBot.status).toBe(200);
    expect(Buffer.from(await withBot.arrayBuffer())).toEqual(png(10, 10));
  });

  it('checks the networks’ media rules before asking for alt text, next to the file field', async () => {
    await start();
    const files = Array.from({ length: 5 }, (_, i) =>
      h.fake.userFile(AUTHOR, { name: `${i}.png`, mimetype: 'image/png', bytes: png(100 + i, 100) }),
    );
    const dialog = await h.openDraft(AUTHOR);
    const response = await h.submit(AUTHOR, dialog, withFiles({ text: 'Five', networks: ['x'] }, files));
    expect(response.json).toEqual({ response_action: 'errors', errors: { files: 'X takes at most 4 images; 5 are attached' } });
  });

  it('with REQUIRE_ALT_TEXT, an image without alt text is refused next to it', async () => {
    await start({ REQUIRE_ALT_TEXT: 'true' });
    const file = h.fake.userFile(AUTHOR, { name: 'a.png', mimetype: 'image/png', bytes: png(10, 10) });
    const dialog = await h.openDraft(AUTHOR);
    const step2 = pushedView(await h.submit(AUTHOR, dialog, withFiles({ text: 'One' }, [file])));
    const response = await h.submit(AUTHOR, step2, { alt_0: { value: null } });
    expect(response.json).toEqual({ response_action: 'errors', errors: { alt_0: expect.stringContaining('alt text is required') } });
    expect(await h.app.greenlight.ctx.store.listPosts({})).toEqual([]);
  });
});

/**
 * Issue 13 end to end, from the Slack draft dialog to the networks: three JPEGs uploaded with
 * alt text and an X text, approved in Slack, then published by the real X, Instagram and
 * Mastodon publishers (configured from the environment as in production) to their local
 * fakes. Instagram downloads each image from the signed PUBLIC_URL link Greenlight itself
 * serves, so the app listens on a port picked first and PUBLIC_URL points at it.
 *
 * What is checked is what each network received: the approved bytes (sha256) in order, the
 * alt texts, each network's text, and one post per network, once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../../src/bots/slack/ids.js';
import type { FakeMessage } from '../../fakes/slack/index.js';
import { ALTS, BYTES, MAIN_TEXT, SHAS, SIZES, X_TEXT, sha, startImageNetworks, type ImageNetworks } from '../../support/image-networks.js';
import { APPROVALS, AUTHOR, BOB, draftValues, shownText, slackHarness, type SlackHarness } from '../../support/slack-harness.js';
import { altValues, pushedView, withFiles } from '../../support/slack-uploads.js';

const NAMES = ['beach.jpg', 'shop.jpg', 'team.jpg'];

let h: SlackHarness | undefined;
let nets: ImageNetworks | undefined;

afterEach(async () => {
  await h?.close();
  await nets?.close();
  h = nets = undefined;
});

async function start(): Promise<void> {
  nets = await startImageNetworks();
  // The Slack fake serves files over plain http on 127.0.0.1.
  h = await slackHarness({ ...nets.env, ALLOW_HTTP_MEDIA: 'true' }, { port: nets.port });
  expect(h.app.port).toBe(nets.port);
  expect(h.app.greenlight.ctx.catalog.available()).toEqual(expect.arrayContaining(['x', 'instagram', 'mastodon']));
}

/** Drafts the post in the dialog (three files, X text), gives the alt texts, and returns the approval card. */
async function draftWithImages(alts: string[]): Promise<FakeMessage> {
  const files = BYTES.map((bytes, i) => h!.fake.userFile(AUTHOR, { name: NAMES[i]!, mimetype: 'image/jpeg', bytes }));
  const dialog = await h!.openDraft(AUTHOR);
  expect(JSON.stringify(dialog.blocks)).toContain('"type":"file_input"');
  const first = await h!.submit(
    AUTHOR,
    dialog,
    withFiles({ text: MAIN_TEXT, networks: ['x', 'instagram', 'mastodon'] }, files, { x: X_TEXT }),
  );
  const step2 = pushedView(first);
  const since = h!.fake.calls.length;
  const second = await h!.submit(AUTHOR, step2, altValues(alts));
  expect(second.json).toEqual({ response_action: 'clear' });
  const posted = await h!.next('chat.postMessage', (c) => c.args.channel === APPROVALS && !c.args.thread_ts, since);
  await h!.next('chat.postMessage', (c) => String(c.args.text).includes('is waiting for approval'), since);
  return h!.card(String(posted.response.ts));
}

async function approveAndWaitForAll(card: FakeMessage): Promise<void> {
  const response = await h!.clickMessage(BOB, card, ACTION.approve);
  expect(response.status).toBe(200);
  await nets!.eachHasAPost();
  await h!.app.settled();
}

async function expectPublicationsDone(): Promise<void> {
  const [listed] = await h!.app.greenlight.ctx.store.listPosts({});
  const post = (await h!.app.greenlight.ctx.store.getPost(listed!.post.id))!;
  expect(post.post.status).toBe('published');
  expect(post.publications.map((p) => [p.network, p.status, p.attempts]).sort()).toEqual([
    ['instagram', 'published', 1],
    ['mastodon', 'published', 1],
    ['x', 'published', 1],
  ]);
}

describe('Slack uploads, published by the X, Instagram and Mastodon publishers to their fakes', () => {
  it('three JPEGs with alt text and an X text: the card shows them; once approved each network gets exactly them, in order, once', async () => {
    await start();
    const card = await draftWithImages(ALTS);

    // The card: the main text, the X text marked as X's, every image with its alt text, in order.
    const text = shownText(card);
    expect(text).toContain(MAIN_TEXT);
    expect(text).toContain('X gets its own text:');
    expect(text).toContain(X_TEXT);
    const imageLines = text.split('\n').filter((line) => line.startsWith('🖼 *Image'));
    expect(imageLines).toHaveLength(3);
    for (const [i, alt] of ALTS.entries()) {
      expect(imageLines[i]).toMatch(new RegExp(`^🖼 \\*Image ${i + 1}\\* · JPEG · ${SIZES[i]}\\b`));
      expect(imageLines[i]).toContain(`Alt text: “${alt}”`);
    }
    expect(text).not.toContain('no alt text');
    // With PUBLIC_URL the card shows the images themselves, from signed links Slack can fetch.
    const shownImages = (card.blocks ?? []).filter(
      (b): b is { type: 'image'; image_url: string; alt_text: string } => (b as { type?: string }).type === 'image',
    );
    expect(shownImages.map((b) => b.alt_text)).toEqual(ALTS);
    for (const [i, block] of shownImages.entries()) {
      expect(block.image_url.startsWith(`${nets!.publicUrl}/media/`)).toBe(true);
      const fetched = Buffer.from(await (await fetch(block.image_url)).arrayBuffer());
      expect(sha(fetched)).toBe(SHAS[i]);
    }
    // Images & alt text: each image at full size from its signed link, with its alt text.
    const clicked = h!.fake.calls.length;
    await h!.clickMessage(AUTHOR, card, ACTION.images);
    const opened = await h!.next('views.open', () => true, clicked);
    const modal = h!.view((opened.response.view as { id: string }).id);
    for (const alt of ALTS) expect(shownText(modal)).toContain(`Alt text: “${alt}”`);
    const modalImages = (modal.blocks ?? []).filter(
      (b): b is { type: 'image'; image_url: string } => (b as { type?: string }).type === 'image',
    );
    expect(modalImages).toHaveLength(3);
    for (const [i, block] of modalImages.entries())
      expect(sha(Buffer.from(await (await fetch(block.image_url)).arrayBuffer()))).toBe(SHAS[i]);
    // Nothing reaches a network before the approval.
    expect(nets!.anythingSent()).toBe(0);

    await approveAndWaitForAll(card);
    nets!.expectPublishedExactly(ALTS);
    await expectPublicationsDone();

    // Once means once: later rounds of the scheduler send nothing more.
    // A scheduler round of its own (not a wait that may end before one): it must find nothing to send.
    await h!.app.scheduler.kick();
    await h!.app.settled();
    expect(nets!.postRequests()).toEqual({ tweets: 1, statuses: 1, igPublishes: 1 });
    expect(shownText(h!.card(card.ts))).toContain('Published');
  });

  it('editing one image’s alt text makes a new revision: nothing is published until it is approved, then it is, once, with the new alt text', async () => {
    await start();
    let card = await draftWithImages(ALTS);
    const [listed] = await h!.app.greenlight.ctx.store.listPosts({});
    const postId = listed!.post.id;
    const before = (await h!.app.greenlight.ctx.store.getPost(postId))!;
    // The card as approvers saw revision 1, Approve button and all.
    const revisionOneCard = structuredClone(card);

    // An approver asks for better alt text; the author edits only image 2's.
    let since = h!.fake.calls.length;
    await h!.clickMessage(BOB, card, ACTION.requestChanges);
    const commentCall = await h!.next('views.open', () => true, since);
    since = h!.fake.calls.length;
    await h!.submit(BOB, h!.view((commentCall.response.view as { id: string }).id), {
      comment: { value: 'Describe the second picture better please' },
    });
    const dm = await h!.next(
      'chat.postMessage',
      (c) => c.args.channel === h!.fake.state.dms.get(AUTHOR) && String(c.args.text).includes('asked for changes'),
      since,
    );
    since = h!.fake.calls.length;
    await h!.clickMessage(AUTHOR, h!.fake.state.message(String(dm.args.channel), String(dm.response.ts))!, ACTION.editDraft);
    const editCall = await h!.next('views.open', () => true, since);
    const edit = h!.view((editCall.response.view as { id: string }).id);
    expect(shownText(edit)).toContain('This post has 3 images');
    const editStep2 = pushedView(
      await h!.submit(AUTHOR, edit, {
        ...draftValues({ text: MAIN_TEXT, networks: ['x', 'instagram', 'mastodon'] }),
        variant_x: { value: X_TEXT },
      }),
    );
    const newAlts = [ALTS[0]!, 'The shop window: red SALE posters and a mannequin in a raincoat', ALTS[2]!];
    since = h!.fake.calls.length;
    expect((await h!.submit(AUTHOR, editStep2, altValues(newAlts))).json).toEqual({ response_action: 'clear' });
    await h!.next('chat.postMessage', (c) => c.args.thread_ts === card.ts && String(c.args.text).includes('Revised'), since);

    // A new revision, bound to the new alt text, waiting for a new approval.
    const after = (await h!.app.greenlight.ctx.store.getPost(postId))!;
    expect(after.revision.number).toBe(before.revision.number + 1);
    expect(after.revision.contentHash).not.toBe(before.revision.contentHash);
    expect(after.revision.images.map((i) => [i.sha256, i.alt])).toEqual(SHAS.map((s, i) => [s, newAlts[i]]));
    expect(after.revision.variants).toEqual(before.revision.variants);
    expect(after.post.status).toBe('pending');
    card = h!.card(card.ts);
    expect(shownText(card)).toContain('Waiting for approval');
    expect(shownText(card)).toContain(`Alt text: “${newAlts[1]}”`);

    // Approving what was shown before the edit approves nothing.
    since = h!.fake.calls.length;
    await h!.clickMessage(BOB, revisionOneCard, ACTION.approve);
    const stale = await h!.next('chat.postEphemeral', (c) => c.args.user === BOB, since);
    expect(String(stale.args.text)).toContain(`older version of post #${postId}`);
    // A scheduler round of its own (not a wait that may end before one): it must find nothing to send.
    await h!.app.scheduler.kick();
    await h!.app.settled();
    expect((await h!.app.greenlight.ctx.store.getPost(postId))!.post.status).toBe('pending');
    expect(nets!.anythingSent()).toBe(0);

    // Approving the new revision publishes it, once, with the new alt text.
    await approveAndWaitForAll(card);
    nets!.expectPublishedExactly(newAlts);
    await expectPublicationsDone();
    // A scheduler round of its own (not a wait that may end before one): it must find nothing to send.
    await h!.app.scheduler.kick();
    await h!.app.settled();
    expect(nets!.postRequests()).toEqual({ tweets: 1, statuses: 1, igPublishes: 1 });
  });
});

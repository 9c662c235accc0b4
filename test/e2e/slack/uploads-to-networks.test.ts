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
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../../src/bots/slack/ids.js';
import type { FakeMessage } from '../../fakes/slack/index.js';
import { startMastodonFake, type MastodonFake } from '../../fakes/mastodon/server.js';
import { FAKE_GRAPH_VERSION, startMetaGraphFake, type MetaGraphFake } from '../../fakes/meta-graph/server.js';
import { startXFake, type XFake } from '../../fakes/x/server.js';
import { freePort } from '../../support/free-port.js';
import { jpeg } from '../../support/image-fixtures.js';
import { APPROVALS, AUTHOR, BOB, draftValues, shownText, slackHarness, type SlackHarness } from '../../support/slack-harness.js';
import { altValues, pushedView, withFiles } from '../../support/slack-uploads.js';
import { tempDir } from '../../support/temp-db.js';

const IG_USER = '17841400000000001';
const IG_TOKEN = 'EAAGreenlightInstagramToken0123456789';
const MASTODON_TOKEN = 'mastodon-e2e-token-0123456789';

const MAIN_TEXT = 'Our spring sale starts Monday! Everything in the shop is 20% off for a week, online and in store.';
const X_TEXT = 'Sale Monday ☀️ 20% off everything';
/** JPEG only for Instagram, each within 4:5 to 1.91:1, and each file different. */
const BYTES = [jpeg(1200, 800), jpeg(1080, 1350), jpeg(1080, 1080)];
const NAMES = ['beach.jpg', 'shop.jpg', 'team.jpg'];
const ALTS = ['Sunny beach with umbrellas', 'The shop window with sale posters', 'Our team waving'];

let h: SlackHarness | undefined;
let media: ReturnType<typeof tempDir> | undefined;
let x: XFake | undefined;
let graph: MetaGraphFake | undefined;
let mastodon: MastodonFake | undefined;
let publicUrl: string;

afterEach(async () => {
  await h?.close();
  await Promise.all([x?.close(), graph?.close(), mastodon?.close()]);
  media?.cleanup();
  h = media = x = graph = mastodon = undefined;
});

async function start(): Promise<void> {
  media = tempDir('greenlight-media-');
  x = await startXFake();
  graph = await startMetaGraphFake({ igUsers: [{ id: IG_USER, token: IG_TOKEN }] });
  mastodon = await startMastodonFake({ accessToken: MASTODON_TOKEN });
  // Instagram downloads uploaded images from PUBLIC_URL/media/…: the app's own address, so its port is chosen first.
  const port = await freePort();
  publicUrl = `http://127.0.0.1:${port}`;
  h = await slackHarness(
    {
      MEDIA_DIR: media.dir,
      // The Slack fake serves files over plain http on 127.0.0.1.
      ALLOW_HTTP_MEDIA: 'true',
      PUBLIC_URL: publicUrl,
      X_ACCESS_TOKEN: x.token,
      X_API_URL: x.url,
      INSTAGRAM_USER_ID: IG_USER,
      INSTAGRAM_ACCESS_TOKEN: IG_TOKEN,
      FACEBOOK_GRAPH_URL: graph.url,
      MASTODON_URL: mastodon.url,
      MASTODON_ACCESS_TOKEN: MASTODON_TOKEN,
    },
    { port },
  );
  expect(h.app.port).toBe(port);
  expect(h.app.greenlight.ctx.catalog.available()).toEqual(expect.arrayContaining(['x', 'instagram', 'mastodon']));
}

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const SHAS = BYTES.map(sha);


async function waitUntil(check: () => boolean, what: string, ms = 15_000) {
  const until = Date.now() + ms;
  while (!check() && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
  expect(check(), what).toBe(true);
}

/** Everything the three networks were asked to post (not uploads: posts). */
const postRequests = () => ({
  tweets: x!.requestsTo('POST', '/2/tweets').length,
  statuses: mastodon!.server.requestsTo('POST', '/api/v1/statuses').length,
  igPublishes: graph!.server.requestsTo('POST', `/${FAKE_GRAPH_VERSION}/${IG_USER}/media_publish`).length,
});
/** Anything at all sent to the networks' write endpoints (uploads, containers, posts). */
const anythingSent = () =>
  x!.server.requests.filter((r) => r.method === 'POST').length +
  mastodon!.server.requests.filter((r) => r.method === 'POST').length +
  graph!.server.requests.filter((r) => r.method === 'POST').length;

/** Drafts the post in the dialog (three files, X text), gives the alt texts, and returns the approval card. */
async function draftWithImages(alts: string[]): Promise<FakeMessage> {
  const files = BYTES.map((bytes, i) => h!.fake.userFile(AUTHOR, { name: NAMES[i]!, mimetype: 'image/jpeg', bytes }));
  const dialog = await h!.openDraft(AUTHOR);
  expect(JSON.stringify(dialog.blocks)).toContain('"type":"file_input"');
  const first = await h!.submit(AUTHOR, dialog, withFiles({ text: MAIN_TEXT, networks: ['x', 'instagram', 'mastodon'] }, files, { x: X_TEXT }));
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
  await waitUntil(() => x!.tweets.length >= 1 && mastodon!.statuses.size >= 1 && graph!.media.size >= 1, 'X, Mastodon and Instagram each have a post');
  await h!.app.settled();
}

/** What each network received, checked against the approved images and texts. */
function expectPublishedExactly(alts: string[]): void {
  // Each network was asked to post once, and holds one post.
  expect(postRequests()).toEqual({ tweets: 1, statuses: 1, igPublishes: 1 });

  // X: three uploads of exactly the approved bytes, alt text set through media metadata,
  // then one tweet with the X text and those media ids, in order.
  expect(x!.requestsTo('POST', '/2/media/upload')).toHaveLength(3);
  expect(x!.media.size).toBe(3);
  expect(x!.tweets).toHaveLength(1);
  const tweet = x!.tweets[0]!;
  expect(tweet.text).toBe(X_TEXT);
  expect(tweet.mediaIds).toEqual([...x!.media.keys()]);
  expect(tweet.mediaIds.map((id) => sha(x!.media.get(id)!.bytes))).toEqual(SHAS);
  expect(tweet.mediaIds.map((id) => x!.media.get(id)!.altText)).toEqual(alts);
  expect(tweet.mediaIds.map((id) => x!.media.get(id)!.contentType)).toEqual(['image/jpeg', 'image/jpeg', 'image/jpeg']);

  // Mastodon: three media with their descriptions, then one status with the main text.
  expect(mastodon!.media.size).toBe(3);
  expect(mastodon!.statuses.size).toBe(1);
  const status = [...mastodon!.statuses.values()][0]!;
  expect(status.text).toBe(MAIN_TEXT);
  expect(status.mediaIds).toHaveLength(3);
  expect(status.mediaIds.map((id) => sha(mastodon!.media.get(id)!.bytes))).toEqual(SHAS);
  expect(status.mediaIds.map((id) => mastodon!.media.get(id)!.description)).toEqual(alts);

  // Instagram: one item container per image, each downloaded from Greenlight's signed link,
  // then the carousel container (the main text as caption), published once.
  const containers = [...graph!.containers.values()];
  const items = containers.filter((c) => c.isCarouselItem);
  const carousels = containers.filter((c) => c.children);
  expect(containers).toHaveLength(4);
  expect(items).toHaveLength(3);
  expect(carousels).toHaveLength(1);
  const carousel = carousels[0]!;
  expect(carousel.caption).toBe(MAIN_TEXT);
  expect(carousel.status).toBe('PUBLISHED');
  expect(carousel.children).toEqual(items.map((i) => i.id));
  const children = carousel.children!.map((id) => graph!.containers.get(id)!);
  expect(children.map((c) => sha(c.imageBytes!))).toEqual(SHAS);
  for (const child of children) expect(child.imageUrl.startsWith(`${publicUrl}/media/`), child.imageUrl).toBe(true);
  expect(new Set(children.map((c) => c.imageUrl)).size).toBe(3);
  expect(graph!.media.size).toBe(1);
  const igPost = [...graph!.media.values()][0]!;
  expect(igPost.containerId).toBe(carousel.id);
  expect(igPost.caption).toBe(MAIN_TEXT);
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
    const sizes = ['1200×800', '1080×1350', '1080×1080'];
    for (const [i, alt] of ALTS.entries()) {
      expect(imageLines[i]).toMatch(new RegExp(`^🖼 \\*Image ${i + 1}\\* · JPEG · ${sizes[i]}\\b`));
      expect(imageLines[i]).toContain(`Alt text: “${alt}”`);
    }
    expect(text).not.toContain('no alt text');
    // With PUBLIC_URL the card shows the images themselves, from signed links Slack can fetch.
    const shownImages = (card.blocks ?? []).filter((b): b is { type: 'image'; image_url: string; alt_text: string } => (b as { type?: string }).type === 'image');
    expect(shownImages.map((b) => b.alt_text)).toEqual(ALTS);
    for (const [i, block] of shownImages.entries()) {
      expect(block.image_url.startsWith(`${publicUrl}/media/`)).toBe(true);
      const fetched = Buffer.from(await (await fetch(block.image_url)).arrayBuffer());
      expect(sha(fetched)).toBe(SHAS[i]);
    }
    // Nothing reaches a network before the approval.
    expect(anythingSent()).toBe(0);

    await approveAndWaitForAll(card);
    expectPublishedExactly(ALTS);
    await expectPublicationsDone();

    // Once means once: later rounds of the scheduler send nothing more.
    await new Promise((r) => setTimeout(r, 300));
    await h!.app.settled();
    expect(postRequests()).toEqual({ tweets: 1, statuses: 1, igPublishes: 1 });
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
    await h!.submit(BOB, h!.view((commentCall.response.view as { id: string }).id), { comment: { value: 'Describe the second picture better please' } });
    const dm = await h!.next('chat.postMessage', (c) => c.args.channel === h!.fake.state.dms.get(AUTHOR) && String(c.args.text).includes('asked for changes'), since);
    since = h!.fake.calls.length;
    await h!.clickMessage(AUTHOR, h!.fake.state.message(String(dm.args.channel), String(dm.response.ts))!, ACTION.editDraft);
    const editCall = await h!.next('views.open', () => true, since);
    const edit = h!.view((editCall.response.view as { id: string }).id);
    expect(shownText(edit)).toContain('This post has 3 images');
    const editStep2 = pushedView(await h!.submit(AUTHOR, edit, { ...draftValues({ text: MAIN_TEXT, networks: ['x', 'instagram', 'mastodon'] }), variant_x: { value: X_TEXT } }));
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
    await new Promise((r) => setTimeout(r, 300));
    await h!.app.settled();
    expect((await h!.app.greenlight.ctx.store.getPost(postId))!.post.status).toBe('pending');
    expect(anythingSent()).toBe(0);

    // Approving the new revision publishes it, once, with the new alt text.
    await approveAndWaitForAll(card);
    expectPublishedExactly(newAlts);
    await expectPublicationsDone();
    await new Promise((r) => setTimeout(r, 300));
    await h!.app.settled();
    expect(postRequests()).toEqual({ tweets: 1, statuses: 1, igPublishes: 1 });
  });
});

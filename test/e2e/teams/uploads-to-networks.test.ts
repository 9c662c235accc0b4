/**
 * Issue 13 end to end from Teams to the networks: three JPEGs pasted into the chat with
 * Greenlight, alt text and an X text given on the draft form, approved on the card in the
 * approvals channel, then published by the real X, Instagram and Mastodon publishers to their
 * local fakes (Instagram fetching each image from Greenlight's own signed PUBLIC_URL link).
 * The same checks as the Slack test: what each network received, once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { adaptiveCardOf } from '../../fakes/teams/index.js';
import { ALTS, BYTES, MAIN_TEXT, SHAS, SIZES, X_TEXT, sha, startImageNetworks, type ImageNetworks } from '../../support/image-networks.js';
import {
  adaptiveCardAction,
  channelMention,
  composeFetchTask,
  composeSubmitAction,
  personalMessage,
  type TeamsActivity,
} from '../../support/teams-activities.js';
import { ALICE, ANN, APPROVALS_CHANNEL, shownInTeams, teamsHarness, type TeamsHarness } from '../../support/teams-harness.js';

let h: TeamsHarness | undefined;
let nets: ImageNetworks | undefined;
afterEach(async () => {
  await h?.close();
  await nets?.close();
  h = nets = undefined;
});

type Invoke = { task?: { type: string; value: unknown } };

/** Every Image element of an Adaptive Card, wherever it sits. */
function cardImages(node: unknown, found: Array<{ url: string; altText?: string }> = []) {
  if (Array.isArray(node)) node.forEach((n) => cardImages(n, found));
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o.type === 'Image' && typeof o.url === 'string') found.push({ url: o.url, altText: o.altText as string | undefined });
    Object.values(o).forEach((v) => cardImages(v, found));
  }
  return found;
}

describe('Teams pasted images, published by the X, Instagram and Mastodon publishers to their fakes', () => {
  it('three JPEGs with alt text and an X text: the card shows them; once approved each network gets exactly them, in order, once', async () => {
    nets = await startImageNetworks();
    h = await teamsHarness(nets.env, { port: nets.port });
    expect(h.app.greenlight.ctx.catalog.available()).toEqual(expect.arrayContaining(['x', 'instagram', 'mastodon']));
    await h.send(channelMention(h.env, { from: ALICE, channel: APPROVALS_CHANNEL, text: 'use this channel for approvals' }));
    await h.fake.waitFor('replyToActivity', (c) => JSON.stringify(c.body).includes('approval cards'));

    // Pasted into the 1:1 chat, as Teams sends them: downloaded with the bot's token.
    const message = personalMessage(h.env, { from: ANN, text: '' });
    await h.send({ ...message, attachments: BYTES.map((bytes) => h!.fake.pastedImage(bytes, 'image/jpeg')) } as TeamsActivity);
    await h.app.settled();
    expect(h.fake.callsTo('getAttachment').map((c) => c.auth.valid)).toEqual([true, true, true]);

    const form = JSON.stringify(((await h.send(composeFetchTask(h.env, { from: ANN }))).json as Invoke).task?.value);
    expect(form).toContain(SHAS.join(','));
    const submitted = await h.send(
      composeSubmitAction(h.env, {
        from: ANN,
        data: {
          action: 'submit',
          text: MAIN_TEXT,
          networks: 'x,instagram,mastodon',
          date: '',
          time: '',
          mediaUrl: '',
          images: SHAS.join(','),
          ...Object.fromEntries(
            ALTS.flatMap((alt, i) => [
              [`alt_${i}`, alt],
              [`keep_${i}`, 'true'],
            ]),
          ),
          variant_x: X_TEXT,
        },
      }),
    );
    expect((submitted.json as Invoke).task?.type).toBe('message');
    await h.app.settled();

    // The card: main text, X's own text, each image with its facts and alt text, and the
    // images themselves from signed links every Teams client can fetch.
    const card = h.cards().at(-1)!;
    const shown = shownInTeams(card);
    expect(shown).toContain(MAIN_TEXT);
    expect(shown).toContain('X gets its own text:');
    expect(shown).toContain(X_TEXT);
    for (const [i, alt] of ALTS.entries()) {
      expect(shown).toContain(`**Image ${i + 1}** · JPEG · ${SIZES[i]}`);
      expect(shown).toContain(alt);
    }
    expect(shown).not.toContain('no alt text');
    const images = cardImages(adaptiveCardOf(card));
    expect(images.slice(0, 3).map((i) => i.altText)).toEqual(ALTS);
    for (const [i, image] of images.slice(0, 3).entries()) {
      expect(image.url.startsWith(`${nets.publicUrl}/media/`)).toBe(true);
      expect(sha(Buffer.from(await (await fetch(image.url)).arrayBuffer()))).toBe(SHAS[i]);
    }
    expect(nets.anythingSent()).toBe(0);

    const post = (await h.app.greenlight.getPost(1))!;
    await h.send(adaptiveCardAction(h.env, { from: ALICE, on: card, verb: 'approve', data: { postId: 1, revisionId: post.revision.id } }));
    await nets.eachHasAPost();
    await h.app.settled();
    nets.expectPublishedExactly(ALTS);
    const done = (await h.app.greenlight.getPost(1))!;
    expect(done.post.status).toBe('published');
    expect(done.publications.map((p) => [p.network, p.status, p.attempts]).sort()).toEqual([
      ['instagram', 'published', 1],
      ['mastodon', 'published', 1],
      ['x', 'published', 1],
    ]);

    // Once means once: later rounds of the scheduler send nothing more.
    // A scheduler round of its own (not a wait that may end before one): it must find nothing to send.
    await h.app.scheduler.kick();
    await h.app.settled();
    expect(nets.postRequests()).toEqual({ tweets: 1, statuses: 1, igPublishes: 1 });
  });
});

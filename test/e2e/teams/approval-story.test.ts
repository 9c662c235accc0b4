/**
 * The approval day in Teams, through the real botbuilder CloudAdapter: activities posted to
 * /api/messages as Teams posts them (signed by the fake channel's key), replies and proactive
 * messages landing in the fake Bot Connector.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SandboxPublisher } from '../../../src/platforms/sandbox/publisher.js';
import { adaptiveCardOf, type FakeTeamsMessage } from '../../fakes/teams/index.js';
import { checkAdaptiveCard } from '../../support/adaptive-cards.js';
import {
  adaptiveCardAction,
  channelMention,
  composeFetchTask,
  composeSubmitAction,
  personalMessage,
} from '../../support/teams-activities.js';
import { ALICE, ANN, APPROVALS_CHANNEL, MALLORY, shownInTeams, teamsHarness, type TeamsHarness } from '../../support/teams-harness.js';

let h: TeamsHarness;
afterEach(async () => h?.close());

type Invoke = { composeExtension?: unknown; task?: { type: string; value: unknown } };
type CardResponse = { statusCode: number; type: string; value: unknown };

const taskCard = (json: unknown) =>
  ((json as Invoke).task?.value as { card?: { content?: unknown } } | undefined)?.card?.content as Record<string, unknown> | undefined;
const cardTexts = (card: unknown) => {
  const out: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (typeof o.text === 'string') out.push(o.text);
      if (typeof o.title === 'string') out.push(`[${o.title}]`);
      for (const v of Object.values(o)) if (typeof v === 'object') walk(v);
    }
  };
  walk(card);
  return out.join('\n');
};

async function useApprovalsChannel(): Promise<void> {
  const response = await h.send(channelMention(h.env, { from: ALICE, channel: APPROVALS_CHANNEL, text: 'use this channel for approvals' }));
  expect(response.status).toBe(200);
  const reply = await h.fake.waitFor('replyToActivity', (c) =>
    JSON.stringify(c.body).includes('approval cards for new drafts come to this channel'),
  );
  expect(reply).toBeDefined();
}

async function draft(values: Record<string, unknown>, from = ANN) {
  return h.send(
    composeSubmitAction(h.env, { from, data: { action: 'submit', networks: 'sandbox', date: '', time: '', mediaUrl: '', ...values } }),
  );
}

async function theCard(): Promise<FakeTeamsMessage> {
  await h.app.settled();
  const cards = h.cards();
  expect(cards).toHaveLength(1);
  return cards[0]!;
}

describe('Teams: the approval day', () => {
  it('drafts from the message extension, refuses bad input on the form, and puts the card in the approvals channel', async () => {
    h = await teamsHarness({}, { publishers: [new SandboxPublisher()] });
    // Before an approvals channel is set, drafting says so and who can set it.
    const early = await h.send(composeFetchTask(h.env, { from: ANN }));
    expect(early.status).toBe(200);
    expect(JSON.stringify(early.json)).toContain('No approvals channel is set yet');

    await useApprovalsChannel();
    const opened = await h.send(composeFetchTask(h.env, { from: ANN }));
    const form = taskCard(opened.json);
    expect(form).toBeDefined();
    expect(checkAdaptiveCard(form).errors).toEqual([]);
    expect(JSON.stringify(form)).toContain('Publish date (Europe/Berlin)');

    const empty = await draft({ text: '   ' });
    expect((empty.json as Invoke).task?.type).toBe('continue');
    expect(cardTexts(taskCard(empty.json))).toContain('Write the text of the post.');
    expect(await h.app.greenlight.ctx.store.countPosts({})).toBe(0);

    const saved = await draft({ text: 'Our spring sale starts Monday!' });
    expect((saved.json as Invoke).task).toMatchObject({
      type: 'message',
      value: expect.stringContaining('Post #1 is waiting for approval'),
    });
    const card = await theCard();
    const content = adaptiveCardOf(card);
    expect(checkAdaptiveCard(content).errors).toEqual([]);
    expect(shownInTeams(card)).toContain('Post #1 · Waiting for approval');
    expect(shownInTeams(card)).toContain('Our spring sale starts Monday!');
    // The status view in the channel has no buttons; approvers get them through the refresh.
    expect(JSON.stringify(content)).not.toContain('"verb":"approve"');
    expect((content as { refresh?: { action?: { verb?: string } } }).refresh?.action?.verb).toBe('refreshCard');
    expect(h.dmTexts(ANN).join('\n')).toContain('Post #1 is waiting for approval');
  });

  it('an approver approves: the card updates for everyone, the thread and the author hear, the post is published once', async () => {
    h = await teamsHarness({}, { publishers: [new SandboxPublisher()] });
    await useApprovalsChannel();
    await draft({ text: 'Launch day' });
    const card = await theCard();
    const data = { postId: 1, revisionId: 1 };

    // Teams refreshes the card for an approver: their view has the buttons.
    const refreshed = await h.send(adaptiveCardAction(h.env, { from: ALICE, on: card, verb: 'refreshCard', data, trigger: 'automatic' }));
    const view = refreshed.json as CardResponse;
    expect(view.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(view.value)).toContain('"verb":"approve"');
    expect(checkAdaptiveCard(view.value).errors).toEqual([]);

    // Someone who is not an approver: a message says why, nothing changes.
    const refused = (await h.send(adaptiveCardAction(h.env, { from: MALLORY, on: card, verb: 'approve', data }))).json as CardResponse;
    expect(refused).toMatchObject({ type: 'application/vnd.microsoft.activity.message', value: expect.stringMatching(/approver/i) });
    expect((await h.app.greenlight.getPost(1))!.decisions).toEqual([]);

    const approved = (await h.send(adaptiveCardAction(h.env, { from: ALICE, on: card, verb: 'approve', data }))).json as CardResponse;
    expect(approved.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(cardTexts(approved.value)).toContain('Approved');
    await h.app.settled();

    const updated = h.cards()[0]!;
    expect(updated.history.length).toBeGreaterThan(0);
    expect(shownInTeams(updated)).toContain('Post #1 · Published');
    const thread = h.threadTexts(updated).join('\n');
    expect(thread).toContain('Alice Approver approved revision 1');
    expect(thread).toContain('Published on Sandbox');
    const dms = h.dmTexts(ANN).join('\n');
    expect(dms).toContain('Alice Approver approved post #1');
    expect(dms).toContain('Post #1 is live on Sandbox');
    expect((await h.app.greenlight.getPost(1))!.publications.map((p) => p.status)).toEqual(['published']);

    // The same click again, from a card that is out of date now: refused, nothing stored twice.
    const again = (await h.send(adaptiveCardAction(h.env, { from: ALICE, on: card, verb: 'approve', data }))).json as CardResponse;
    expect(again.type).toBe('application/vnd.microsoft.activity.message');
    expect((await h.app.greenlight.getPost(1))!.decisions).toHaveLength(1);
  });

  it('answers queue, help and unknown commands in a 1:1 chat', async () => {
    h = await teamsHarness({}, { publishers: [new SandboxPublisher()] });
    await useApprovalsChannel();
    await draft({ text: 'Queued post' });
    await h.app.settled();
    await h.send(personalMessage(h.env, { from: ANN, text: 'queue' }));
    await h.send(personalMessage(h.env, { from: ANN, text: 'what is this' }));
    const texts = h.dmTexts(ANN).join('\n');
    expect(texts).toContain('Your posts');
    expect(texts).toContain('Queued post');
    expect(texts).toContain('I did not understand “what is this”');
  });
});

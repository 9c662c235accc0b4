/**
 * Teams beyond the happy path: forged activities, refusals, changes requested and the edit
 * that follows, rejection, the author without the app, the digest with its chart, time zones,
 * and local mode.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SandboxPublisher } from '../../../src/platforms/sandbox/publisher.js';
import { adaptiveCardOf, type FakeTeamsMessage } from '../../fakes/teams/index.js';
import { checkAdaptiveCard } from '../../support/adaptive-cards.js';
import { startFakeOpenAI } from '../../fakes/openai/server.js';
import { adaptiveCardAction, channelMention, composeSubmitAction, personalMessage } from '../../support/teams-activities.js';
import {
  ALICE,
  ANN,
  APPROVALS_CHANNEL,
  BOB,
  DIGEST_CHANNEL,
  shownInTeams,
  teamsHarness,
  type TeamsHarness,
} from '../../support/teams-harness.js';

let h: TeamsHarness;
afterEach(async () => h?.close());

type CardResponse = { statusCode: number; type: string; value: unknown };
type Invoke = { task?: { type: string; value: unknown } };

async function setUp(options: Parameters<typeof teamsHarness>[1] = {}): Promise<void> {
  h = await teamsHarness({}, { publishers: [new SandboxPublisher()], ...options });
  await h.send(channelMention(h.env, { from: ALICE, channel: APPROVALS_CHANNEL, text: 'use this channel for approvals' }));
  await h.fake.waitFor('replyToActivity', (c) => JSON.stringify(c.body).includes('approval cards'));
}

async function draftAndCard(text: string, from = ANN, extra: Record<string, unknown> = {}): Promise<FakeTeamsMessage> {
  const before = h.cards().length;
  const response = await h.send(
    composeSubmitAction(h.env, { from, data: { action: 'submit', text, networks: 'sandbox', date: '', time: '', mediaUrl: '', ...extra } }),
  );
  expect((response.json as Invoke).task?.type).toBe('message');
  await h.app.settled();
  expect(h.cards()).toHaveLength(before + 1);
  return h.cards().at(-1)!;
}

const click = async (from: string, card: FakeTeamsMessage, verb: string, data: Record<string, unknown>) =>
  (await h.send(adaptiveCardAction(h.env, { from, on: card, verb, data }))).json as CardResponse;

describe('Teams: what is refused', () => {
  it('answers 401 to an activity without a token or signed by an unknown key, and does nothing', async () => {
    await setUp();
    const card = await draftAndCard('Guarded');
    const forged = adaptiveCardAction(h.env, { from: ALICE, on: card, verb: 'approve', data: { postId: 1, revisionId: 1 } });
    expect((await h.send(forged, { token: null })).status).toBe(401);
    expect((await h.send(forged, { token: h.fake.mintActivityToken({ signedBy: 'unknown-key' }) })).status).toBe(401);
    expect((await h.app.greenlight.getPost(1))!.decisions).toEqual([]);
  });

  it('refuses self-approval and a click on an older revision, each with a message, changing nothing', async () => {
    await setUp();
    const own = await draftAndCard('Mine to approve?', ALICE);
    const self = await click(ALICE, own, 'approve', { postId: 1, revisionId: 1 });
    expect(self).toMatchObject({ type: 'application/vnd.microsoft.activity.message', value: expect.stringMatching(/own post|wrote/i) });
    const stale = await click(BOB, own, 'approve', { postId: 1, revisionId: 99 });
    expect(stale.type).toBe('application/vnd.microsoft.activity.message');
    expect((await h.app.greenlight.getPost(1))!.decisions).toEqual([]);
  });
});

describe('Teams: the bot token', () => {
  it('a connector client kept between turns still asks AAD for a new token once the old one expires', async () => {
    await setUp({ tokenLifetimeSeconds: 2 });
    await draftAndCard('Before the token expires');
    const tokensBefore = h.fake.callsTo('token').length;
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    await draftAndCard('After it expired');
    expect(h.fake.callsTo('token').length).toBeGreaterThan(tokensBefore);
    const connectorCalls = h.fake.calls.filter((c) => c.operation !== 'token' && c.path.startsWith('/teams/'));
    expect(connectorCalls.length).toBeGreaterThan(2);
    expect(connectorCalls.filter((c) => !c.auth.valid).map((c) => `${c.operation} ${c.status}`)).toEqual([]);
  });
});

describe('Teams: decisions', () => {
  it('Request changes needs a comment; the author gets it with Edit draft, and the edit goes back for approval', async () => {
    await setUp();
    const card = await draftAndCard('First try');
    const data = { postId: 1, revisionId: 1 };
    const noComment = await click(ALICE, card, 'requestChanges', { ...data, changes: '  ' });
    expect(noComment.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(noComment.value)).toContain('Say what should change');
    expect((await h.app.greenlight.getPost(1))!.decisions).toEqual([]);

    expect((await click(ALICE, card, 'requestChanges', { ...data, changes: 'Shorter, please' })).type).toBe(
      'application/vnd.microsoft.card.adaptive',
    );
    await h.app.settled();
    const note = h.dmJson(ANN);
    expect(note).toContain('asked for changes to post #1');
    expect(note).toContain('Shorter, please');
    expect(note).toContain('"commandId":"editDraft"');

    // Edit draft opens the form with the text; the edit is revision 2, waiting again.
    const opened = await h.send({
      ...personalMessage(h.env, { from: ANN, text: '' }),
      type: 'invoke',
      name: 'task/fetch',
      value: { data: { commandId: 'editDraft', postId: 1, revisionId: 1 } },
    });
    expect(JSON.stringify(opened.json)).toContain('First try');
    const resubmitted = await h.send({
      ...personalMessage(h.env, { from: ANN, text: '' }),
      type: 'invoke',
      name: 'task/submit',
      value: {
        data: { action: 'submit', postId: 1, revisionId: 1, text: 'Second try', networks: 'sandbox', date: '', time: '', mediaUrl: '' },
      },
    });
    expect((resubmitted.json as Invoke).task?.type).toBe('message');
    await h.app.settled();
    const post = (await h.app.greenlight.getPost(1))!;
    expect(post.revision).toMatchObject({ number: 2, text: 'Second try' });
    expect(post.post.status).toBe('pending');
    expect(shownInTeams(h.cards()[0])).toContain('Second try');
    expect(h.threadTexts(h.cards()[0]!).join('\n')).toContain('Revised by Ann Author (now revision 2)');
  });

  it('Reject (behind its confirming step) ends the post and tells the author, with the reason', async () => {
    await setUp();
    const card = await draftAndCard('Off-brand');
    const view = await click(ALICE, card, 'refreshCard', { postId: 1, revisionId: 1 });
    // The confirming step is in the card: a Reject button that opens a card with the real one.
    expect(JSON.stringify(view.value)).toMatch(/"type":"Action.ShowCard","title":"Reject".*"verb":"reject"/);
    expect((await click(BOB, card, 'reject', { postId: 1, revisionId: 1, reason: 'Not our voice' })).type).toBe(
      'application/vnd.microsoft.card.adaptive',
    );
    await h.app.settled();
    expect(shownInTeams(h.cards()[0])).toContain('Post #1 · Rejected');
    expect(h.dmTexts(ANN).join('\n')).toContain('Bob Approver rejected post #1: “Not our voice”');
  });

  it('an approver listed by email (the UPN Teams gives) decides too', async () => {
    await setUp();
    const card = await draftAndCard('By email');
    expect((await click(BOB, card, 'approve', { postId: 1, revisionId: 1 })).type).toBe('application/vnd.microsoft.card.adaptive');
    expect((await h.app.greenlight.getPost(1))!.post.status).not.toBe('pending');
  });

  it('where Teams refuses a 1:1 with the author (the app is not installed for them), the thread mentions them', async () => {
    await setUp({ notInstalledFor: [ANN] });
    const card = await draftAndCard('Find me');
    await click(ALICE, card, 'approve', { postId: 1, revisionId: 1 });
    await h.app.settled();
    const mentions = h.fake.state
      .thread(card.conversationId, card.id)
      .filter((m) => String(m.activity.text ?? '').startsWith('<at>Ann Author</at>'));
    expect(mentions.length).toBeGreaterThan(0);
    expect(JSON.stringify(mentions[0]!.activity.entities)).toContain('"type":"mention"');
  });
});

describe('Teams: caption suggestions', () => {
  it('Suggest captions re-renders the form with suggestions; Use this puts one in the text and marks the post AI-assisted', async () => {
    const ai = await startFakeOpenAI({ apiKey: 'sk-test-greenlight-0123456789abcdef' });
    try {
      h = await teamsHarness(
        { OPENAI_API_KEY: 'sk-test-greenlight-0123456789abcdef', OPENAI_BASE_URL: ai.baseUrl },
        { publishers: [new SandboxPublisher()] },
      );
      await h.send(channelMention(h.env, { from: ALICE, channel: APPROVALS_CHANNEL, text: 'use this channel for approvals' }));
      const form = { text: 'Spring sale Monday', networks: 'sandbox', date: '', time: '', mediaUrl: '', tone: 'playful' };
      const suggested = await h.send(composeSubmitAction(h.env, { from: ANN, data: { ...form, action: 'suggest' } }));
      const card = ((suggested.json as Invoke).task!.value as { card: { content: unknown } }).card.content;
      expect(checkAdaptiveCard(card).errors).toEqual([]);
      const use = JSON.stringify(card).match(/"action":"use","suggestionId":"([^"]+)"/);
      expect(use).not.toBeNull();
      const used = await h.send(composeSubmitAction(h.env, { from: ANN, data: { ...form, action: 'use', suggestionId: use![1] } }));
      const withText = (
        (used.json as Invoke).task!.value as {
          card: { content: { body: Array<{ id?: string; value?: string }>; actions: Array<{ data: Record<string, unknown> }> } };
        }
      ).card.content;
      const text = withText.body.find((b) => b.id === 'text')!.value!;
      expect(text).not.toBe('Spring sale Monday');
      expect(withText.actions.every((a) => a.data.aiAssisted === true)).toBe(true);
      const submit = withText.actions.find((a) => a.data.action === 'submit')!.data;
      await h.send(composeSubmitAction(h.env, { from: ANN, data: { ...form, ...submit, text } }));
      await h.app.settled();
      expect((await h.app.greenlight.getPost(1))!.revision).toMatchObject({ text, aiAssisted: true });
    } finally {
      await ai.close();
    }
  });
});

describe('Teams: digest, time zones, local mode', () => {
  it('digest by an approver posts the digest card with the chart in the digest channel; cards stay under 28 KB', async () => {
    await setUp();
    await h.send(channelMention(h.env, { from: ALICE, channel: DIGEST_CHANNEL, text: 'use this channel for the digest' }));
    const card = await draftAndCard('Digest me');
    await click(ALICE, card, 'approve', { postId: 1, revisionId: 1 });
    await h.send(personalMessage(h.env, { from: ALICE, text: 'digest' }));
    await h.app.settled();
    const posted = h.fake.state.messagesIn(DIGEST_CHANNEL).map(adaptiveCardOf).filter(Boolean);
    expect(posted).toHaveLength(1);
    const check = checkAdaptiveCard(posted[0]);
    expect(check.errors).toEqual([]);
    expect(check.bytesWithoutDataUris).toBeLessThan(28_000);
    expect(JSON.stringify(posted[0])).toMatch(/"url":"data:image\/png;base64,[A-Za-z0-9+/]+=*"/);
    expect(JSON.stringify(posted[0])).toContain('Engagement, last 24 hours');
  });

  it('timezone sets the zone the form uses; an unknown zone is explained', async () => {
    await setUp();
    await h.send(personalMessage(h.env, { from: ANN, text: 'timezone Mars/Olympus' }));
    await h.send(personalMessage(h.env, { from: ANN, text: 'timezone Asia/Tokyo' }));
    const texts = h.dmTexts(ANN).join('\n');
    expect(texts).toContain('is not a time zone');
    expect(texts).toContain('now in Asia/Tokyo');
  });

  it('local mode (no MICROSOFT_APP_ID) works without tokens, and says so at start-up', async () => {
    h = await teamsHarness({}, { publishers: [new SandboxPublisher()], local: true });
    expect(h.logs.some((l) => l.includes('teams') && l.includes('local mode'))).toBe(true);
    const response = await h.send(
      channelMention(h.env, { from: ALICE, channel: APPROVALS_CHANNEL, text: 'use this channel for approvals' }),
    );
    expect(response.status).toBe(200);
    const card = await draftAndCard('Playground post');
    expect(shownInTeams(card)).toContain('Post #1 · Waiting for approval');
  });
});

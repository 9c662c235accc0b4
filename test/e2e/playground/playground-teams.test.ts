/**
 * The playground's Teams view over HTTP: Greenlight's own Teams front end in local mode, with
 * the in-process Teams emulator. Draft from the compose box's dialog, the card in the Social
 * approvals channel, Teams' automatic refresh giving the approver the buttons, Approve, the
 * author's 1:1 chat.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TeamsScreen } from '../../../src/playground/teams-side.js';
import { startPlaygroundApp, until, type PlaygroundApp } from '../../support/playground-client.js';

let pg: PlaygroundApp | undefined;
afterEach(async () => {
  await pg?.stop();
  pg = undefined;
});

const APPROVALS = '19:8e2a4c6d0b1f4a3c9e7d5b3a1c9e7f20@thread.tacv2';
const post = (path: string, body: unknown) => pg!.post(`teams/${path}`, body);
const screen = async (user: string, conversation = APPROVALS) =>
  (await (await fetch(`${pg!.app.url}/playground/api/teams/screen?${new URLSearchParams({ user, conversation })}`)).json()) as TeamsScreen;
const json = (v: unknown) => JSON.stringify(v);

describe('the playground’s Teams', () => {
  it('is Greenlight’s Teams front end in local mode: draft, card, refresh for approvers, approve, the author hears', async () => {
    pg = await startPlaygroundApp();
    expect(pg.app.chats.map((c) => c.platform).sort()).toEqual(['slack', 'teams']);
    // Set up on first start: the approvals channel was chosen.
    let s = await until(
      'the approvals channel is set',
      () => screen('U0ANN'),
      (x) => x.messages.some((m) => m.replies > 0),
    );
    expect(s.messages[0]).toMatchObject({ author: 'Alice Approver', text: 'use this channel for approvals', fromBot: false });
    expect(s.conversations.map((c) => c.name)).toEqual(['General', 'Social approvals', 'Social digest', 'Greenlight']);

    // The compose box's "Draft a post" dialog, then its submit.
    await post('draft', { user: 'U0ANN', conversation: APPROVALS });
    s = await screen('U0ANN');
    expect(s.dialog?.kind).toBe('compose');
    expect(json(s.dialog?.card)).toContain('"id":"text"');
    await post('task', {
      user: 'U0ANN',
      conversation: APPROVALS,
      name: 'task/submit',
      kind: 'compose',
      data: { action: 'submit', text: 'From Teams, with love', networks: 'sandbox', date: '', time: '', mediaUrl: '' },
    });
    s = await until(
      'the card is posted',
      () => screen('U0ALICE'),
      (x) => x.messages.some((m) => json(m.card).includes('From Teams, with love')),
    );
    expect((await screen('U0ANN')).dialog).toBeNull();
    const card = s.messages.find((m) => json(m.card).includes('From Teams, with love'))!;
    // Alice is listed for Teams' automatic refresh; Colin is not.
    expect(card.refreshFor).toBe(true);
    expect((await screen('U0COLIN')).messages.find((m) => m.id === card.id)!.refreshFor).toBe(false);

    // Teams refreshes Alice's card: she now sees Approve, only she.
    const data = { postId: 1, revisionId: 1 };
    await post('execute', {
      user: 'U0ALICE',
      conversation: APPROVALS,
      messageId: card.id,
      verb: 'refreshCard',
      data,
      trigger: 'automatic',
    });
    s = await screen('U0ALICE');
    expect(json(s.messages.find((m) => m.id === card.id)!.card)).toContain('"verb":"approve"');
    expect(json((await screen('U0COLIN')).messages.find((m) => m.id === card.id)!.card)).not.toContain('"verb":"approve"');

    await post('execute', { user: 'U0ALICE', conversation: APPROVALS, messageId: card.id, verb: 'approve', data });
    // No publish time: approved, then published at once; the card updates in place for everyone.
    await until(
      'the card says published',
      () => screen('U0COLIN'),
      (x) => /Published/.test(json(x.messages.find((m) => m.id === card.id)!.card)),
    );
    expect((await screen('U0COLIN')).messages.filter((m) => json(m.card).includes('From Teams, with love'))).toHaveLength(1);
    const chat = (await screen('U0ANN')).conversations.find((c) => c.kind === 'chat')!.id;
    await until(
      'Ann hears in her chat',
      () => screen('U0ANN', chat),
      (x) => x.messages.some((m) => /approved/i.test(m.text + json(m.card))),
    );
  });
});

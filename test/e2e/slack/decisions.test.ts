import { afterEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../../src/bots/slack/ids.js';
import {
  ALICE,
  APPROVALS,
  AUTHOR,
  BOB,
  buttonsOf,
  CAROL,
  MALLORY,
  shownText,
  slackHarness,
  type SlackHarness,
} from '../../support/slack-harness.js';

let h: SlackHarness;
afterEach(async () => h?.close());

const dmOf = (user: string) => h.fake.state.dms.get(user)!;
const ephemeralTo = (user: string, since: number) => h.next('chat.postEphemeral', (c) => c.args.user === user, since);

describe('Slack decisions', () => {
  it('refuses an approver approving their own post, privately, and changes nothing', async () => {
    h = await slackHarness();
    const card = await h.draftPost(ALICE, { text: 'Written by an approver' });
    const since = h.fake.calls.length;
    await h.clickMessage(ALICE, card, ACTION.approve);
    const refusal = await ephemeralTo(ALICE, since);
    expect(refusal.args.channel).toBe(APPROVALS);
    expect(String(refusal.args.text)).toBe('You wrote post #1, so another approver has to approve it.');
    expect((await h.app.greenlight.getPost(1))!.decisions).toEqual([]);
    expect(h.fake.callsTo('chat.update')).toHaveLength(0);
  });

  it('lets an approver approve their own post with ALLOW_SELF_APPROVAL=true', async () => {
    h = await slackHarness({ ALLOW_SELF_APPROVAL: 'true' });
    const card = await h.draftPost(ALICE, { text: 'Self-approved' });
    const since = h.fake.calls.length;
    await h.clickMessage(ALICE, card, ACTION.approve);
    await h.next('chat.update', () => true, since);
    expect(shownText(h.card(card.ts))).toContain('Post #1 · Approved');
  });

  it('rejects after the confirm dialog, with an optional reason, and tells the author', async () => {
    h = await slackHarness();
    const card = await h.draftPost(AUTHOR, { text: 'Off-brand post' });
    const rejectButton = JSON.stringify(card.blocks).match(/"action_id":"gl_reject".*?"confirm":\{.*?"text":"Reject post #1\?"/);
    expect(rejectButton, 'Reject asks for confirmation first').not.toBeNull();

    let since = h.fake.calls.length;
    await h.clickMessage(BOB, card, ACTION.reject);
    const opened = await h.next('views.open', () => true, since);
    const dialog = h.view((opened.response.view as { id: string }).id);
    expect(shownText(dialog)).toContain('Tell the author why (optional).');
    since = h.fake.calls.length;
    const response = await h.submit(BOB, dialog, { comment: { value: null } });
    expect(response.text).toBe('');
    const dm = await h.next('chat.postMessage', (c) => c.args.channel === dmOf(AUTHOR), since);
    expect(String(dm.args.text)).toBe(`⛔ <@${BOB}> rejected post #1`);
    expect(shownText(h.card(card.ts))).toContain(`*Rejected* by <@${BOB}>`);
    expect(buttonsOf(h.card(card.ts))).toEqual([]);
    expect((await h.app.greenlight.getPost(1))!.post.status).toBe('rejected');
  });

  it('with REQUIRED_APPROVALS=2 the first approval keeps the buttons and the second (a user-group member) approves', async () => {
    h = await slackHarness({ REQUIRED_APPROVALS: '2' });
    const card = await h.draftPost(AUTHOR, { text: 'Needs two' });
    expect(shownText(card)).toContain('(2 approvals needed)');

    let since = h.fake.calls.length;
    await h.clickMessage(ALICE, card, ACTION.approve);
    await h.next('chat.postMessage', (c) => c.args.thread_ts === card.ts, since);
    let updated = h.card(card.ts);
    expect(shownText(updated)).toContain(`*Approved by <@${ALICE}>*: needs 1 more approval`);
    expect(buttonsOf(updated)).toEqual([ACTION.approve, ACTION.requestChanges, ACTION.reject]);

    // Alice again: refused, the second approval must come from someone else.
    since = h.fake.calls.length;
    await h.clickMessage(ALICE, updated, ACTION.approve);
    expect(String((await ephemeralTo(ALICE, since)).args.text)).toContain(
      'You already approved this version of post #1. It still needs 1 more approval',
    );

    // Carol is an approver through the S0MANAGERS user group.
    since = h.fake.calls.length;
    await h.clickMessage(CAROL, updated, ACTION.approve);
    await h.next('chat.postMessage', (c) => c.args.channel === dmOf(AUTHOR) && String(c.args.text).includes('approved post #1 ('), since);
    updated = h.card(card.ts);
    expect(shownText(updated)).toContain(`*Approved* by <@${ALICE}> and <@${CAROL}>`);
    expect(buttonsOf(updated)).toEqual([]);
    expect(h.fake.callsTo('usergroups.users.list')).toHaveLength(1);
  });

  it('a double click (two requests at the same moment) records one decision', async () => {
    h = await slackHarness({ REQUIRED_APPROVALS: '2' });
    const card = await h.draftPost(AUTHOR, { text: 'Double click' });
    const since = h.fake.calls.length;
    const responses = await Promise.all([h.clickMessage(BOB, card, ACTION.approve), h.clickMessage(BOB, card, ACTION.approve)]);
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    const refusal = await ephemeralTo(BOB, since);
    expect(String(refusal.args.text)).toContain('You already approved this version');
    await h.next('chat.update', () => true, since);
    const post = await h.app.greenlight.getPost(1);
    expect(post!.decisions).toHaveLength(1);
    expect(post!.post.status).toBe('pending');
  });

  it('refuses Request changes by a non-approver before any dialog opens', async () => {
    h = await slackHarness();
    const card = await h.draftPost(AUTHOR, { text: 'Hands off' });
    const since = h.fake.calls.length;
    await h.clickMessage(MALLORY, card, ACTION.requestChanges);
    expect(String((await ephemeralTo(MALLORY, since)).args.text)).toContain('Only approvers');
    expect(h.fake.callsTo('views.open').filter((c) => h.fake.calls.indexOf(c) >= since)).toEqual([]);
  });

  it('tells the author when the approvals channel cannot be reached, and the post is still saved', async () => {
    h = await slackHarness();
    const dialog = await h.openDraft(AUTHOR);
    h.fake.failNext('chat.postMessage', { error: 'not_in_channel' });
    const since = h.fake.calls.length;
    await h.submit(AUTHOR, dialog, {
      text: { value: 'Hello' },
      networks: { value: ['sandbox'] },
      publish_at: { value: null },
      media_url: { value: null },
    });
    const dm = await h.next('chat.postMessage', (c) => c.args.channel === dmOf(AUTHOR), since);
    expect(String(dm.args.text)).toContain(
      'Post #1 is saved and waiting for approval, but I could not show it in the approvals channel (not_in_channel)',
    );
    expect((await h.app.greenlight.getPost(1))!.post.status).toBe('pending');
  });

  it('posts the card without its image when Slack cannot fetch the image', async () => {
    h = await slackHarness();
    const dialog = await h.openDraft(AUTHOR);
    h.fake.failNext('chat.postMessage', { error: 'invalid_blocks' });
    const since = h.fake.calls.length;
    await h.submit(AUTHOR, dialog, {
      text: { value: 'With a picture' },
      networks: { value: ['sandbox'] },
      publish_at: { value: null },
      media_url: { value: 'https://cdn.example.com/spring.jpg' },
    });
    const posted = await h.next('chat.postMessage', (c) => c.args.channel === APPROVALS && c.response.ok === true, since);
    const blocks = JSON.stringify(posted.args.blocks);
    expect(blocks).not.toContain('"type":"image"');
    expect(blocks).toContain('https://cdn.example.com/spring.jpg');
  });

  it('keeps going when Slack rate-limits a call: the client waits Retry-After and retries', async () => {
    h = await slackHarness();
    const dialog = await h.openDraft(AUTHOR);
    h.fake.failNext('chat.postMessage', { error: 'ratelimited', retryAfterSeconds: 1 });
    const since = h.fake.calls.length;
    await h.submit(AUTHOR, dialog, {
      text: { value: 'Busy day' },
      networks: { value: ['sandbox'] },
      publish_at: { value: null },
      media_url: { value: null },
    });
    const posted = await h.next('chat.postMessage', (c) => c.args.channel === APPROVALS && c.response.ok === true, since);
    const attempts = h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === APPROVALS);
    expect(attempts.map((c) => c.status)).toEqual([429, 200]);
    expect(posted.at - attempts[0]!.at).toBeGreaterThanOrEqual(900);
  });
});

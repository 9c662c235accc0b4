import { afterEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../../src/bots/slack/ids.js';
import {
  ALICE,
  APPROVALS,
  AUTHOR,
  BOB,
  buttonsOf,
  draftValues,
  MALLORY,
  shownText,
  slackHarness,
  type SlackHarness,
} from '../../support/slack-harness.js';

let h: SlackHarness;
afterEach(async () => h?.close());

const dmOf = (h: SlackHarness, user: string) => h.fake.state.dms.get(user)!;

describe('Slack: the whole approval story, through the real Bolt receiver', () => {
  it('draft → card → refused stranger → refused self-approval → changes → edit → approve → card updated → author told', async () => {
    h = await slackHarness();
    // Whole seconds: the datetimepicker sends unix seconds.
    const publishAt = new Date(Math.floor(h.clock.now().getTime() / 1000 + 26 * 3600) * 1000);

    // /draft opens the dialog prefilled with the command's text, times in the author's zone.
    const dialog = await h.openDraft(AUTHOR, 'Spring sale!');
    expect(dialog.callback_id).toBe('gl_draft');
    expect(shownText(dialog)).toContain('Shown in your time zone (Europe/Berlin)');
    expect(JSON.stringify(dialog.blocks)).toContain('"initial_value":"Spring sale!"');

    // Submitting puts a card in the approvals channel and tells the author where it is.
    let since = h.fake.calls.length;
    const submitted = await h.submit(
      AUTHOR,
      dialog,
      draftValues({ text: 'Our spring sale starts Monday!', networks: ['sandbox'], publishAt }),
    );
    expect(submitted).toMatchObject({ status: 200, text: '' });
    const posted = await h.next('chat.postMessage', (c) => c.args.channel === APPROVALS, since);
    const receipt = await h.next('chat.postMessage', (c) => c.args.channel === dmOf(h, AUTHOR), since);
    let card = h.card(String(posted.response.ts));
    expect(shownText(card)).toContain('Post #1 · Waiting for approval');
    expect(shownText(card)).toContain('Our spring sale starts Monday!');
    expect(shownText(card)).toContain('✓ Sandbox 30/63,206');
    expect(shownText(card)).toContain('(Europe/Berlin, the author’s zone)');
    expect(buttonsOf(card)).toEqual([ACTION.approve, ACTION.requestChanges, ACTION.reject]);
    const permalink = await h.next('chat.getPermalink', () => true, since);
    expect(String(receipt.args.text)).toContain(String(permalink.response.permalink));

    // A stranger's click is refused privately and changes nothing.
    since = h.fake.calls.length;
    await h.clickMessage(MALLORY, card, ACTION.approve);
    const refusal = await h.next('chat.postEphemeral', (c) => c.args.user === MALLORY, since);
    expect(String(refusal.args.text)).toContain('Only approvers can approve');
    expect(h.fake.callsTo('chat.update')).toHaveLength(0);

    // Request changes: the dialog asks for a comment, which is required.
    since = h.fake.calls.length;
    await h.clickMessage(ALICE, card, ACTION.requestChanges);
    const commentDialogCall = await h.next('views.open', () => true, since);
    const commentDialog = h.view((commentDialogCall.response.view as { id: string }).id);
    const empty = await h.submit(ALICE, commentDialog, { comment: { value: null } });
    expect(empty.json).toEqual({ response_action: 'errors', errors: { comment: 'Say what the author should change.' } });
    since = h.fake.calls.length;
    await h.submit(ALICE, commentDialog, { comment: { value: 'Please add the date.' } });
    const changesDm = await h.next('chat.postMessage', (c) => c.args.channel === dmOf(h, AUTHOR), since);
    expect(String(changesDm.args.text)).toContain('asked for changes to post #1: “Please add the date.”');
    expect(buttonsOf(changesDm.args as { blocks?: unknown[] })).toEqual([ACTION.editDraft]);
    card = h.card(card.ts);
    expect(shownText(card)).toContain('Changes requested');
    expect(buttonsOf(card)).toEqual([]);
    const thread = h.fake.state.thread(APPROVALS, card.ts);
    expect(shownText(thread.at(-1))).toContain('asked for changes to revision 1: “Please add the date.”');

    // The author edits from the DM: the dialog reopens prefilled; resubmitting makes revision 2 on the same card.
    since = h.fake.calls.length;
    const dmMessage = h.fake.state.message(dmOf(h, AUTHOR), String(changesDm.response.ts))!;
    await h.clickMessage(AUTHOR, dmMessage, ACTION.editDraft);
    const editCall = await h.next('views.open', () => true, since);
    const editDialog = h.view((editCall.response.view as { id: string }).id);
    expect(JSON.stringify(editDialog.blocks)).toContain('"initial_value":"Our spring sale starts Monday!"');
    since = h.fake.calls.length;
    await h.submit(AUTHOR, editDialog, draftValues({ text: 'Our spring sale starts Monday 9 March!', networks: ['sandbox'], publishAt }));
    await h.next('chat.postMessage', (c) => c.args.thread_ts === card.ts && String(c.args.text).includes('Revised'), since);
    card = h.card(card.ts);
    expect(shownText(card)).toContain('revision 2');
    expect(shownText(card)).toContain('Waiting for approval');
    expect(shownText(card)).toContain('Our spring sale starts Monday 9 March!');
    expect(h.cards()).toHaveLength(1);

    // A copy of the card as it was at revision 1 (a client that had not refreshed): its click is refused.
    since = h.fake.calls.length;
    const revisionOneCopy = { ...card, blocks: JSON.parse(JSON.stringify(card.blocks).replace(/"value":"1:\d+"/g, '"value":"1:1"')) };
    await h.clickMessage(BOB, revisionOneCopy, ACTION.approve);
    const stale = await h.next('chat.postEphemeral', (c) => c.args.user === BOB, since);
    expect(String(stale.args.text)).toContain('older version of post #1');

    // Approve: the card updates in place without buttons, the thread records it, the author hears.
    const pendingCopy = structuredClone(card);
    since = h.fake.calls.length;
    await h.clickMessage(BOB, card, ACTION.approve);
    const approvedDm = await h.next('chat.postMessage', (c) => c.args.channel === dmOf(h, AUTHOR), since);
    expect(String(approvedDm.args.text)).toContain(`<@${BOB}> approved post #1`);
    card = h.card(card.ts);
    expect(shownText(card)).toContain('Post #1 · Approved');
    expect(shownText(card)).toContain(`*Approved* by <@${BOB}>`);
    expect(buttonsOf(card)).toEqual([]);
    expect(shownText(h.fake.state.thread(APPROVALS, card.ts).at(-1))).toContain(`<@${BOB}> approved revision 2`);

    // A click from a copy that still shows the buttons is refused and changes nothing.
    since = h.fake.calls.length;
    await h.clickMessage(ALICE, pendingCopy, ACTION.approve);
    const late = await h.next('chat.postEphemeral', (c) => c.args.user === ALICE, since);
    expect(String(late.args.text)).toContain('Nothing to decide: post #1 is approved');

    const post = await h.app.greenlight.getPost(1);
    expect(post!.post.status).toBe('approved');
    expect(post!.decisions.map((d) => [d.kind, d.approver.platformUserId, d.revisionId])).toEqual([
      ['request_changes', ALICE, post!.decisions[0]!.revisionId],
      ['approve', BOB, post!.revision.id],
    ]);
    expect(post!.publications).toEqual([expect.objectContaining({ network: 'sandbox', status: 'scheduled', dueAt: publishAt })]);
  });
});

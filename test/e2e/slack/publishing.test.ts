/**
 * Scheduled publishing as a Slack workspace sees it: the real app behind the real Bolt
 * receiver, the fake Slack Web API, a ScriptedPublisher for X, and ManualTimers on the app's
 * clock, so "an hour later" is a function call. What is asserted is what people see: the card,
 * its thread, the author's DMs, private refusals; and how often the network was called.
 * (The same flows without Slack, and their edge cases, are in test/scheduling.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../../src/bots/slack/ids.js';
import type { Env } from '../../../src/config.js';
import { formatInstant } from '../../../src/domain/time.js';
import { PublishError } from '../../../src/platforms/publisher.js';
import { SandboxPublisher } from '../../../src/platforms/sandbox/publisher.js';
import type { FakeMessage, RecordedCall } from '../../fakes/slack/index.js';
import { ScriptedPublisher } from '../../support/scripted-publisher.js';
import {
  ALICE,
  APPROVALS,
  AUTHOR,
  BOB,
  buttonsOf,
  MALLORY,
  shownText,
  slackHarness,
  type SlackHarness,
} from '../../support/slack-harness.js';
import type { DomainEvent } from '../../../src/workflows/events.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Mon 2 Mar 2026, 09:00 in Berlin (the author's zone, CET = UTC+1). */
const START = '2026-03-02T08:00:00Z';
const at = (iso: string) => new Date(iso);

let h: SlackHarness;
let x: ScriptedPublisher;
afterEach(async () => h?.close());

async function start(env: Env = {}): Promise<void> {
  x = new ScriptedPublisher('x');
  h = await slackHarness(env, { publishers: [new SandboxPublisher(), x], manualTimers: true, startAt: START });
  await h.app.settled();
}

const timers = () => h.timers!;
const dmOf = (user: string) => h.fake.state.dms.get(user);
const dmTexts = (user: string) => (h.fake.state.channels.get(dmOf(user) ?? '') ?? []).map((m) => m.text ?? '');
const thread = (card: FakeMessage) => h.fake.state.thread(APPROVALS, card.ts);
const threadTexts = (card: FakeMessage) => thread(card).map(shownText);
/** The thread message that says `words` (the newest, if several do). */
const threadLine = (card: FakeMessage, words: string) => {
  const found = thread(card)
    .filter((m) => shownText(m).includes(words))
    .at(-1);
  if (!found) throw new Error(`no thread line with “${words}” in:\n${threadTexts(card).join('\n---\n')}`);
  return found;
};
const inThread = (card: FakeMessage, words: string, since: number) =>
  h.next('chat.postMessage', (c) => c.args.thread_ts === card.ts && String(c.args.text).includes(words), since);
const ephemeralTo = (user: string, since: number) => h.next('chat.postEphemeral', (c) => c.args.user === user, since);
const postOf = async (id: number) => (await h.app.greenlight.getPost(id))!;
const viewPost = (id: number) => `https://x.example/p/${id}`;

/** An approver approves the card; resolves when the author has heard and the scheduler is quiet. */
async function approve(card: FakeMessage, author = AUTHOR, by = BOB): Promise<void> {
  const since = h.fake.calls.length;
  await h.clickMessage(by, card, ACTION.approve);
  await h.next('chat.postMessage', (c) => c.args.channel === dmOf(author) && /approved post #\d+ \(/.test(String(c.args.text)), since);
  await h.app.settled();
}

/** A click on a button in a thread message, then waits for `until` (a matching Slack call). */
async function click(
  user: string,
  message: FakeMessage,
  actionId: string,
  until: (since: number) => Promise<RecordedCall>,
): Promise<RecordedCall> {
  const since = h.fake.calls.length;
  const response = await h.clickMessage(user, message, actionId);
  expect(response.status).toBe(200);
  const call = await until(since);
  await h.app.settled();
  return call;
}

/** The confirm dialog of a button, by action id (Slack shows it before sending the click). */
function confirmOf(message: FakeMessage, actionId: string): { title?: { text: string }; text?: { text: string } } | undefined {
  for (const block of (message.blocks ?? []) as Array<{ elements?: Array<{ action_id?: string; confirm?: never }> }>) {
    for (const e of block.elements ?? []) if (e.action_id === actionId) return e.confirm;
  }
  return undefined;
}

describe('Slack: scheduled publishing, with a manual clock', () => {
  it('publishes an approved post at its time, exactly once: ✓ with the link on the card, a thread line, the author told', async () => {
    await start();
    const card = await h.draftPost(AUTHOR, { text: 'Spring sale starts at ten!', networks: ['x'], publishAt: at('2026-03-02T09:00:00Z') });
    await approve(card);
    expect(shownText(h.card(card.ts))).toContain('🕒 *X* Mon 2 Mar 2026, 10:00 CET');

    await timers().advance(HOUR - 1000);
    expect(x.calls).toHaveLength(0);
    expect(threadTexts(card).join('\n')).not.toContain('Published on');

    await timers().advance(1000);
    await h.app.settled();
    expect(x.calls).toHaveLength(1);
    expect(x.calls[0]).toMatchObject({ text: 'Spring sale starts at ten!', mediaUrl: null });

    const shown = shownText(h.card(card.ts));
    expect(shown).toContain('Post #1 · Published');
    expect(shown).toContain('🚀 *Published*');
    expect(shown).toContain(`✓ *X* <${viewPost(1)}|view post>`);
    expect(buttonsOf(h.card(card.ts))).toEqual([]);
    expect(shownText(thread(card).at(-1))).toBe(`✓ Published on X: <${viewPost(1)}|view post>`);
    expect(dmTexts(AUTHOR).at(-1)).toBe(`🚀 Post #1 is live on X: <${viewPost(1)}|view post>`);

    const post = await postOf(1);
    expect(post.post.status).toBe('published');
    expect(post.publications).toEqual([
      expect.objectContaining({ network: 'x', status: 'published', attempts: 1, publishedAt: at('2026-03-02T09:00:00Z') }),
    ]);

    // Refills and timers keep running; nothing goes out a second time.
    const messages = h.fake.callsTo('chat.postMessage').length;
    await timers().advance(2 * HOUR);
    await h.app.settled();
    expect(x.calls).toHaveLength(1);
    expect(h.fake.callsTo('chat.postMessage')).toHaveLength(messages);
  });

  it('a retryable failure says when it tries again, does not bother the author, and publishes after the wait', async () => {
    await start();
    x.next({
      error: new PublishError({ kind: 'retryable', network: 'x', message: 'X is busy right now (HTTP 503)', retryAfterMs: 5 * MINUTE }),
    });
    const card = await h.draftPost(AUTHOR, { text: 'As soon as approved', networks: ['x'], publishAt: null });
    const dmsBefore = dmTexts(AUTHOR).length;
    await approve(card);

    expect(x.calls).toHaveLength(1);
    const retryAt = (await postOf(1)).publications[0]!.nextAttemptAt!;
    expect(retryAt).toEqual(new Date(Date.parse(START) + 5 * MINUTE));
    const waiting = shownText(thread(card).at(-1));
    expect(waiting).toBe(
      `⚠️ X did not take post #1 yet: X is busy right now (HTTP 503). Trying again at ${formatInstant(retryAt, 'Europe/Berlin')}.`,
    );
    expect(waiting).toContain('Trying again at Mon 2 Mar 2026, 09:05 CET');
    expect(buttonsOf(thread(card).at(-1))).toEqual([]);
    // Still scheduled on the card (it shows the original due time, not the retry's: see the report).
    expect(shownText(h.card(card.ts))).toContain('🕒 *X*');
    expect(shownText(h.card(card.ts))).not.toContain('✗');
    // The author heard of the approval only: a failure that is being retried is not news yet.
    expect(dmTexts(AUTHOR)).toHaveLength(dmsBefore + 1);
    expect(dmTexts(AUTHOR).join('\n')).not.toMatch(/could not|did not take/);

    await timers().advance(5 * MINUTE - 1000);
    expect(x.calls).toHaveLength(1);
    await timers().advance(1000);
    await h.app.settled();
    expect(x.calls).toHaveLength(2);
    expect(shownText(thread(card).at(-1))).toBe(`✓ Published on X: <${viewPost(1)}|view post>`);
    expect(shownText(h.card(card.ts))).toContain(`✓ *X* <${viewPost(1)}|view post>`);
    expect(dmTexts(AUTHOR).at(-1)).toBe(`🚀 Post #1 is live on X: <${viewPost(1)}|view post>`);
    expect((await postOf(1)).publications[0]).toMatchObject({ status: 'published', attempts: 2 });
  });

  it('a permanent failure shows ✗ with the network’s words and a Retry button; only an approver’s Retry sends it again', async () => {
    await start();
    const words = 'X refused this post as duplicate content.';
    x.next({ error: new PublishError({ kind: 'permanent', network: 'x', message: words }) });
    const card = await h.draftPost(AUTHOR, { text: 'Same as yesterday', networks: ['x'], publishAt: null });
    await approve(card);

    expect(x.calls).toHaveLength(1);
    expect(shownText(h.card(card.ts))).toContain(`✗ *X* ${words}`);
    const failed = threadLine(card, 'failed for post #1');
    expect(shownText(failed)).toContain(`✗ X failed for post #1: ${words}`);
    expect(buttonsOf(failed)).toEqual([ACTION.retry]);
    expect(dmTexts(AUTHOR).at(-1)).toBe(`✗ Post #1 could not be published on X: ${words} Approvers can retry it from the card’s thread.`);

    // Someone who is not an approver: a private refusal, and nothing changes.
    const threadLength = thread(card).length;
    const refusal = await click(MALLORY, failed, ACTION.retry, (since) => ephemeralTo(MALLORY, since));
    expect(refusal.args.channel).toBe(APPROVALS);
    expect(String(refusal.args.text)).toBe('Only approvers can retry, reschedule or publish posts.');
    expect(x.calls).toHaveLength(1);
    expect((await postOf(1)).publications[0]!.status).toBe('failed');
    expect(thread(card)).toHaveLength(threadLength);

    // An approver: the thread says who retried, then it is published.
    await click(ALICE, failed, ACTION.retry, (since) => inThread(card, 'Published on X', since));
    expect(x.calls).toHaveLength(2);
    expect(threadTexts(card).slice(threadLength)).toEqual([`🔁 <@${ALICE}> retried X.`, `✓ Published on X: <${viewPost(1)}|view post>`]);
    expect(shownText(h.card(card.ts))).toContain(`✓ *X* <${viewPost(1)}|view post>`);
    expect(shownText(h.card(card.ts))).not.toContain('✗');
    expect(dmTexts(AUTHOR).at(-1)).toBe(`🚀 Post #1 is live on X: <${viewPost(1)}|view post>`);

    // The old Retry button again: refused, not sent a third time.
    const stale = await click(BOB, failed, ACTION.retry, (since) => ephemeralTo(BOB, since));
    expect(String(stale.args.text)).toContain('Nothing to retry');
    expect(x.calls).toHaveLength(2);
  });

  it('an unknown outcome asks to check the account, offers Mark as published and Retry behind confirm dialogs, and is never re-sent by itself', async () => {
    await start();
    x.next({ error: new PublishError({ kind: 'unknown', network: 'x', message: 'X did not answer within 30 seconds.' }) });
    const card = await h.draftPost(AUTHOR, { text: 'Did it go out?', networks: ['x'], publishAt: null });
    await approve(card);

    expect(x.calls).toHaveLength(1);
    const attention = threadLine(card, 'Check the account before retrying');
    expect(shownText(attention)).toContain(
      '⚠️ X: the outcome for post #1 is unknown, so it is not retried by itself. Check the account before retrying.',
    );
    expect(shownText(attention)).toContain('X did not answer within 30 seconds.');
    expect(buttonsOf(attention)).toEqual([ACTION.markPublished, ACTION.retry]);
    expect(confirmOf(attention, ACTION.markPublished)).toMatchObject({
      title: { text: 'Mark as published?' },
      text: { text: 'Only if the post is on X: it will not be sent again.' },
    });
    expect(confirmOf(attention, ACTION.retry)).toMatchObject({
      title: { text: 'Send it again?' },
      text: { text: 'Only if the post is NOT on X: otherwise it will appear twice.' },
    });
    expect(shownText(h.card(card.ts))).toContain('⚠️ *X* outcome unknown: check the account before retrying');
    // The author hears it may be live, not that it failed: nobody resends it blindly.
    expect(dmTexts(AUTHOR).at(-1)).toBe(
      '⚠️ Post #1 may already be live on X: the network did not confirm it. An approver will check the account before anything is sent again.',
    );

    // Hours pass: it is not retried by itself.
    await timers().advance(3 * HOUR);
    await h.app.settled();
    expect(x.calls).toHaveLength(1);
    expect((await postOf(1)).publications[0]!.status).toBe('needs_attention');

    // Mallory cannot settle it.
    const refusal = await click(MALLORY, attention, ACTION.markPublished, (since) => ephemeralTo(MALLORY, since));
    expect(String(refusal.args.text)).toBe('Only approvers can retry, reschedule or publish posts.');
    expect((await postOf(1)).publications[0]!.status).toBe('needs_attention');

    // An approver checked the account: it is there.
    await click(BOB, attention, ACTION.markPublished, (since) => inThread(card, 'marked X as published', since));
    expect(shownText(thread(card).at(-1))).toBe(`✓ <@${BOB}> marked X as published.`);
    const shown = shownText(h.card(card.ts));
    expect(shown).toContain('Post #1 · Published');
    expect(shown).toContain('✓ *X* published');
    expect(shown).not.toContain('outcome unknown');
    const post = await postOf(1);
    expect(post.post.status).toBe('published');
    expect(post.publications[0]).toMatchObject({ status: 'published', url: null });

    // The confirm-guarded Retry on the same message is now refused: never sent twice.
    const stale = await click(ALICE, attention, ACTION.retry, (since) => ephemeralTo(ALICE, since));
    expect(String(stale.args.text)).toContain('Nothing to retry');
    await timers().advance(HOUR);
    await h.app.settled();
    expect(x.calls).toHaveLength(1);
  });

  it('a pending post whose time passes expires: card, thread with Approve and publish now / Reschedule, author told; the author cannot approve it, another approver can', async () => {
    await start();
    // Alice is an approver, and the author here: she may not approve her own post, even now.
    const card = await h.draftPost(ALICE, { text: 'Nobody looked in time', networks: ['x'], publishAt: at('2026-03-02T08:30:00Z') });
    await timers().advance(30 * MINUTE - 1000);
    expect((await postOf(1)).post.status).toBe('pending');
    await timers().advance(1000);
    await h.app.settled();

    const shown = shownText(h.card(card.ts));
    expect(shown).toContain('Post #1 · Expired');
    expect(shown).toContain('⌛ *Expired*: its publish time passed before it was approved');
    expect(buttonsOf(h.card(card.ts))).toEqual([]);
    const expired = threadLine(card, 'was not approved in time');
    // Alice's zone is New York (03:30 there): the post's times are in the zone it was entered in.
    expect(shownText(expired)).toContain(
      `⌛ Post #1 was due at ${formatInstant(at('2026-03-02T08:30:00Z'), 'America/New_York')} but was not approved in time, so it was not published. Approvers decide:`,
    );
    expect(buttonsOf(expired)).toEqual([ACTION.approveNow, ACTION.reschedule]);
    expect(dmTexts(ALICE).at(-1)).toBe(
      '⌛ Post #1 was not approved before its publish time, so it was not published. An approver can still publish it now or reschedule it.',
    );
    expect(x.calls).toHaveLength(0);

    // The author: refused privately, nothing changes.
    const own = await click(ALICE, expired, ACTION.approveNow, (since) => ephemeralTo(ALICE, since));
    expect(own.args.channel).toBe(APPROVALS);
    expect(String(own.args.text)).toBe('You wrote post #1, so another approver has to approve it.');
    // Nor someone who is not an approver.
    const stranger = await click(MALLORY, expired, ACTION.approveNow, (since) => ephemeralTo(MALLORY, since));
    expect(String(stranger.args.text)).toContain('Only approvers');
    expect((await postOf(1)).post.status).toBe('expired');
    expect((await postOf(1)).decisions).toEqual([]);
    expect(x.calls).toHaveLength(0);

    // Another approver: approved for right now, and published.
    await click(BOB, expired, ACTION.approveNow, (since) => inThread(card, 'Published on X', since));
    expect(x.calls).toHaveLength(1);
    expect(threadTexts(card).join('\n')).toContain(`✅ <@${BOB}> approved revision 1. Publishes as soon as it is approved.`);
    expect(shownText(h.card(card.ts))).toContain('Post #1 · Published');
    expect(shownText(h.card(card.ts))).toContain(`✓ *X* <${viewPost(1)}|view post>`);
    expect(dmTexts(ALICE).at(-1)).toBe(`🚀 Post #1 is live on X: <${viewPost(1)}|view post>`);
    const post = await postOf(1);
    expect(post.decisions.map((d) => [d.kind, d.approver.platformUserId])).toEqual([['approve', BOB]]);

    // A second click on the same button is refused; nothing is sent again.
    const again = await click(BOB, expired, ACTION.approveNow, (since) => ephemeralTo(BOB, since));
    expect(String(again.args.text)).toContain('has not expired');
    expect(x.calls).toHaveLength(1);
  });

  it('Reschedule on an expired post opens a dialog with a date-time picker; a past time is refused next to the field, a future one puts it back for approval', async () => {
    await start();
    const card = await h.draftPost(AUTHOR, { text: 'Try again tomorrow', networks: ['x'], publishAt: at('2026-03-02T08:30:00Z') });
    await timers().advance(30 * MINUTE);
    await h.app.settled();
    const expired = threadLine(card, 'was not approved in time');

    // Not an approver: no dialog.
    const refused = await click(MALLORY, expired, ACTION.reschedule, (since) => ephemeralTo(MALLORY, since));
    expect(String(refused.args.text)).toBe('Only approvers can reschedule a post.');
    expect(h.fake.callsTo('views.open')).toHaveLength(1); // the draft dialog only

    const opened = await click(BOB, expired, ACTION.reschedule, (since) => h.next('views.open', (c) => c.response.ok === true, since));
    const dialog = h.view((opened.response.view as { id: string }).id);
    expect(dialog.callback_id).toBe('gl_reschedule');
    expect(shownText(dialog)).toContain('Pick the new publish time (shown in your time zone, UTC).');
    const picker = JSON.stringify(dialog.blocks);
    expect(picker).toContain('"type":"datetimepicker"');
    expect(picker).toContain(`"initial_date_time":${Date.parse('2026-03-02T08:30:00Z') / 1000}`);

    // A past time: the error is shown next to the field and nothing changes.
    let since = h.fake.calls.length;
    const past = await h.submit(BOB, dialog, { reschedule_at: { value: at('2026-03-02T08:00:00Z') } });
    expect(past.json).toEqual({ response_action: 'errors', errors: { reschedule_at: 'That time is in the past. Choose a later time.' } });
    expect((await postOf(1)).post.status).toBe('expired');
    expect(h.fake.calls.slice(since).filter((c) => c.method === 'chat.update')).toEqual([]);

    // 10:00 UTC: back in front of approvers at that time.
    since = h.fake.calls.length;
    const ok = await h.submit(BOB, dialog, { reschedule_at: { value: at('2026-03-02T10:00:00Z') } });
    expect(ok).toMatchObject({ status: 200, text: '' });
    await inThread(card, 'put it back for approval', since);
    await h.app.settled();
    expect(shownText(threadLine(card, 'put it back for approval'))).toBe(
      `🗓 <@${BOB}> put it back for approval. Publishes *Mon 2 Mar 2026, 10:00 UTC*.`,
    );
    let shown = shownText(h.card(card.ts));
    expect(shown).toContain('Post #1 · Waiting for approval');
    expect(shown).toContain('🗓 Publishes *Mon 2 Mar 2026, 10:00 UTC*');
    expect(shown).not.toContain('Expired');
    expect(buttonsOf(h.card(card.ts))).toEqual([ACTION.approve, ACTION.requestChanges, ACTION.reject]);
    const post = await postOf(1);
    expect(post.post).toMatchObject({ status: 'pending', publishAt: at('2026-03-02T10:00:00Z'), publishZone: 'UTC' });

    // Approved from the card as usual, it goes out at the new time.
    await approve(h.card(card.ts));
    await timers().advance(at('2026-03-02T10:00:00Z').getTime() - h.clock.now().getTime());
    await h.app.settled();
    expect(x.calls).toHaveLength(1);
    shown = shownText(h.card(card.ts));
    expect(shown).toContain(`✓ *X* <${viewPost(1)}|view post>`);
    expect((await postOf(1)).publications[0]!.publishedAt).toEqual(at('2026-03-02T10:00:00Z'));
  });

  it('reminds the approvers once, in the card’s thread, 2 hours before a pending post’s time', async () => {
    await start();
    const card = await h.draftPost(AUTHOR, { text: 'Needs a look soon', networks: ['x'], publishAt: at('2026-03-02T11:00:00Z') });
    const reminders = () => threadTexts(card).filter((t) => t.startsWith('⏰'));

    await timers().advance(HOUR - 1000);
    expect(reminders()).toEqual([]);
    await timers().advance(1000);
    await h.app.settled();
    expect(reminders()).toEqual([`⏰ <@${ALICE}> <@${BOB}> <!subteam^S0MANAGERS> post #1 publishes in 2 h and still needs approval.`]);

    // Once: refills, restarts of the window and the next hour do not repeat it.
    await timers().advance(HOUR);
    await h.app.settled();
    expect(reminders()).toHaveLength(1);
    expect(shownText(h.card(card.ts))).toContain('Waiting for approval');
    // An approved post gets no reminder.
    const other = await h.draftPost(AUTHOR, { text: 'Already approved', networks: ['x'], publishAt: at('2026-03-02T12:30:00Z') });
    await approve(other);
    await timers().advance(30 * MINUTE);
    await h.app.settled();
    expect(threadTexts(other).filter((t) => t.startsWith('⏰'))).toEqual([]);
  });

  it('after downtime: a post within PUBLISH_GRACE_MINUTES goes out at start; an older one waits in the thread with Publish now / Reschedule', async () => {
    await start({ PUBLISH_GRACE_MINUTES: '30' });
    const missed = await h.draftPost(AUTHOR, { text: 'Due at ten', networks: ['x'], publishAt: at('2026-03-02T09:00:00Z') });
    await approve(missed);
    const late = await h.draftPost(AUTHOR, { text: 'Due at half past ten', networks: ['x'], publishAt: at('2026-03-02T09:30:00Z') });
    await approve(late);

    // Down from 09:00 (Berlin) to 10:45: one is 45 minutes late (beyond 30), the other 15.
    await h.restart(() => h.clock.set('2026-03-02T09:45:00Z'));
    await h.app.settled();

    expect(x.calls.map((c) => c.text)).toEqual(['Due at half past ten']);
    expect(shownText(h.card(late.ts))).toContain(`✓ *X* <${viewPost(2)}|view post>`);

    const waiting = threadLine(missed, 'while Greenlight was not running');
    expect(shownText(waiting)).toContain(
      '⏸ X: post #1 was due at Mon 2 Mar 2026, 10:00 CET while Greenlight was not running, so it was not published late. Approvers decide:',
    );
    expect(buttonsOf(waiting)).toEqual([ACTION.publishNow, ACTION.reschedule]);
    expect(shownText(h.card(missed.ts))).toContain('⏸ *X* missed while Greenlight was down: waiting for a decision');
    expect((await postOf(1)).publications[0]!.status).toBe('missed');

    // Time passes: it stays missed until someone decides.
    await timers().advance(HOUR);
    await h.app.settled();
    expect(x.calls).toHaveLength(1);

    const refusal = await click(MALLORY, waiting, ACTION.publishNow, (since) => ephemeralTo(MALLORY, since));
    expect(String(refusal.args.text)).toBe('Only approvers can retry, reschedule or publish posts.');
    expect(x.calls).toHaveLength(1);

    await click(BOB, waiting, ACTION.publishNow, (since) => inThread(missed, 'Published on X', since));
    expect(x.calls.map((c) => c.text)).toEqual(['Due at half past ten', 'Due at ten']);
    expect(shownText(h.card(missed.ts))).toContain(`✓ *X* <${viewPost(1)}|view post>`);
    expect(shownText(h.card(missed.ts))).toContain('Post #1 · Published');
    expect(dmTexts(AUTHOR).at(-1)).toBe(`🚀 Post #1 is live on X: <${viewPost(1)}|view post>`);

    const again = await click(BOB, waiting, ACTION.publishNow, (since) => ephemeralTo(BOB, since));
    expect(String(again.args.text)).toBe('Post #1 has nothing waiting to be published now.');
    expect(x.calls).toHaveLength(2);
  });
});

describe('Slack: a burst of news about one post', () => {
  it('events that arrive while one is being shown go out together: one card update, one thread message, one note', async () => {
    await start();
    const card = await h.draftPost(AUTHOR, { text: 'Two networks', networks: ['x', 'sandbox'], publishAt: at('2026-03-02T12:00:00Z') });
    await approve(card);
    const post = await postOf(1);
    const [first, second] = post.publications.map((p) => ({ ...p, status: 'published' as const, url: viewPost(p.id) }));
    const since = h.fake.calls.length;
    const threadBefore = thread(card).length;
    const dmsBefore = dmTexts(AUTHOR).length;

    // Three events waiting in the post's lane of the outbox at once (as after a burst, or an
    // outage) go out together.
    const { ctx } = h.app.greenlight;
    const events: DomainEvent[] = [
      { type: 'post.reminder', post },
      { type: 'publication.published', post, publication: first! },
      { type: 'publication.published', post, publication: second! },
    ];
    await ctx.store.enqueueNews(
      events.flatMap((e) => ctx.news.forEvent(e)),
      h.clock.now(),
    );
    await h.app.settled();

    const added = thread(card).slice(threadBefore);
    expect(added.length).toBeLessThan(3);
    expect(added.map(shownText).join('\n').split('\n')).toEqual([
      expect.stringContaining('still needs approval'),
      `✓ Published on X: <${viewPost(first!.id)}|view post>`,
      `✓ Published on Sandbox: <${viewPost(second!.id)}|view post>`,
    ]);
    expect((added.at(-1)!.blocks as Array<{ type: string }>).some((b) => b.type === 'divider')).toBe(true);
    expect(h.fake.callsTo('chat.update').filter((c) => h.fake.calls.indexOf(c) >= since).length).toBeLessThan(3);
    const notes = dmTexts(AUTHOR).slice(dmsBefore);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain('is live on X');
    expect(notes[0]).toContain('is live on Sandbox');
  });
});

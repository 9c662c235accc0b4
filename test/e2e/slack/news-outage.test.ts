/**
 * Chat news is never lost (rule 10 in docs/architecture.md), observed the way the outside probe found it lost:
 * Slack's Web API fails for a minute, in each of the ways it fails, while drafts are submitted,
 * decided and published. After Slack recovers, every card exists and shows the current state,
 * and every thread line and note to the author arrives exactly once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../../src/bots/slack/ids.js';
import { SandboxPublisher } from '../../../src/platforms/sandbox/publisher.js';
import type { FakeMessage, OutageMode } from '../../fakes/slack/index.js';
import { APPROVALS, AUTHOR, BOB, draftValues, shownText, slackHarness, type SlackHarness } from '../../support/slack-harness.js';

const START = '2026-03-02T08:00:00Z';
const SECOND = 1000;

let h: SlackHarness;
afterEach(async () => h?.close());

const dmTexts = (user: string) => (h.fake.state.channels.get(h.fake.state.dms.get(user) ?? '') ?? []).map((m) => m.text ?? '');
/** How often `words` appears in all of `texts` (joined notes count once per note). */
const occurrences = (texts: string[], words: string) => texts.join('\n').split(words).length - 1;
const cardShowing = (words: string): FakeMessage => {
  const found = h.cards().filter((c) => shownText(c).includes(words));
  expect(found, `cards showing “${words}”`).toHaveLength(1);
  return found[0]!;
};
const threadOf = (card: FakeMessage) => h.fake.state.thread(APPROVALS, card.ts).map(shownText);

/** Moves time on while the courier retries; Slack calls in flight finish in real time. */
async function passTime(ms: number, settle: boolean, step = 5 * SECOND): Promise<void> {
  for (let passed = 0; passed < ms; passed += step) {
    await h.timers!.advance(step);
    if (settle) await h.app.settled();
    else await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * One post approved and published, two submitted, all while Slack is down; a minute later
 * Slack is back. Returns the card of the post that existed before.
 */
async function outageStory(mode: OutageMode): Promise<FakeMessage> {
  h = await slackHarness({}, { publishers: [new SandboxPublisher()], manualTimers: true, startAt: START });
  const before = await h.draftPost(AUTHOR, { text: 'Written before the outage' });
  // Dialogs open before Slack goes down; the people are known (their names are cached).
  const first = await h.openDraft(AUTHOR);
  const second = await h.openDraft(AUTHOR);
  await h.openHome(BOB);
  await h.app.settled();

  h.fake.outage(mode, { retryAfterSeconds: 20 });
  expect((await h.submit(AUTHOR, first, draftValues({ text: 'Submitted during the outage' }))).status).toBe(200);
  expect((await h.clickMessage(BOB, before, ACTION.approve)).status).toBe(200);
  const later = new Date(new Date(START).getTime() + 3 * 3600_000);
  expect((await h.submit(AUTHOR, second, draftValues({ text: 'Also during the outage', publishAt: later }))).status).toBe(200);
  await h.app.scheduler.idle();
  await passTime(60 * SECOND, false);
  expect(h.fake.outageHits).toBeGreaterThan(0);

  h.fake.endOutage();
  await passTime(3 * 60 * SECOND, true);
  return before;
}

function expectEverythingOnce(before: FakeMessage): void {
  expect(h.cards()).toHaveLength(3);
  const published = cardShowing('Written before the outage');
  expect(published.ts).toBe(before.ts);
  expect(shownText(published)).toContain('Post #1 · Published');
  expect(shownText(cardShowing('Submitted during the outage'))).toContain('Waiting for approval');
  expect(shownText(cardShowing('Also during the outage'))).toContain('Waiting for approval');

  const thread = threadOf(published);
  expect(occurrences(thread, 'approved revision 1')).toBe(1);
  expect(occurrences(thread, 'Published on Sandbox')).toBe(1);

  const notes = dmTexts(AUTHOR);
  for (const id of [1, 2, 3]) expect(occurrences(notes, `Post #${id} is waiting for approval`), `receipt for #${id}`).toBe(1);
  expect(occurrences(notes, 'approved post #1')).toBe(1);
  expect(occurrences(notes, 'Post #1 is live on Sandbox')).toBe(1);
}

describe('Slack news survives a Slack outage', () => {
  for (const mode of ['500', 'ratelimited', 'hang', 'reset', 'lost_answer'] as const) {
    it(`after a minute of ${mode}, every card shows the current state and every line and note arrives once`, async () => {
      const before = await outageStory(mode);
      expectEverythingOnce(before);
      // Nothing is left waiting in the outbox, and nothing was given up.
      const health = await h.app.store.newsHealth(new Date(0));
      expect(health).toMatchObject({ pending: 0, failed: 0 });
    });
  }

  it('news written while Slack is down survives a restart and is delivered by the next process', async () => {
    h = await slackHarness({}, { publishers: [new SandboxPublisher()], manualTimers: true, startAt: START });
    const dialog = await h.openDraft(AUTHOR);
    h.fake.outage('500');
    await h.submit(AUTHOR, dialog, draftValues({ text: 'Saved while Slack was down' }));
    await h.app.settled();
    expect(h.cards()).toHaveLength(0);

    await h.restart(() => h.fake.endOutage());
    await h.app.settled();
    await passTime(2 * 60 * SECOND, true);
    expect(shownText(cardShowing('Saved while Slack was down'))).toContain('Waiting for approval');
    expect(occurrences(dmTexts(AUTHOR), 'Post #1 is waiting for approval')).toBe(1);
  });

  it('a retry after a definite refusal repeats none of the steps that went through', async () => {
    h = await slackHarness({}, { publishers: [new SandboxPublisher()], manualTimers: true, startAt: START });
    const card = await h.draftPost(AUTHOR, { text: 'Half delivered', publishAt: new Date(new Date(START).getTime() + 3 * 3600_000) });
    await h.openHome(BOB);
    await h.app.settled();
    // The thread line goes through; the note to the author is refused (nothing posted), once.
    h.fake.failNext('chat.postMessage', {});
    h.fake.failNext('chat.postMessage', { error: 'ratelimited', retryAfterSeconds: 1 });
    await h.clickMessage(BOB, card, ACTION.approve);
    await h.fake.waitFor('chat.postMessage', (c) => c.status === 429);
    expect(occurrences(dmTexts(AUTHOR), 'approved post #1')).toBe(0);
    await passTime(30 * SECOND, true);
    expect(occurrences(threadOf(card), 'approved revision 1')).toBe(1);
    expect(occurrences(dmTexts(AUTHOR), 'approved post #1')).toBe(1);
    // It knew the thread line was done: no look at the thread was needed either.
    expect(h.fake.callsTo('conversations.replies')).toHaveLength(0);
  });

  it('/healthz fails while news waits more than ten minutes, and recovers with Slack', async () => {
    h = await slackHarness({}, { publishers: [new SandboxPublisher()], manualTimers: true, startAt: START });
    const dialog = await h.openDraft(AUTHOR);
    h.fake.outage('500');
    await h.submit(AUTHOR, dialog, draftValues({ text: 'Waiting for Slack' }));
    await passTime(5 * 60 * SECOND, true);
    expect((await fetch(`${h.app.url}/healthz`)).status).toBe(200);
    await passTime(6 * 60 * SECOND, true);
    const failing = await fetch(`${h.app.url}/healthz`);
    expect(failing.status).toBe(503);
    const body = (await failing.json()) as { problems: string[] };
    expect(body.problems).toEqual([expect.stringMatching(/^chat outbox: 1 chat update waiting, the oldest for 11 min/)]);

    h.fake.endOutage();
    await passTime(60 * SECOND, true);
    const healthy = await fetch(`${h.app.url}/healthz`);
    expect(healthy.status).toBe(200);
    expect(((await healthy.json()) as { checks: Array<{ detail: string }> }).checks[0]!.detail).toBe('no chat updates waiting');
  });

  it('gives news up after its attempts run out, and says so in the log and the outbox health', async () => {
    h = await slackHarness(
      { SLACK_APPROVAL_CHANNEL: 'C0NOWHERE' },
      { publishers: [new SandboxPublisher()], manualTimers: true, startAt: START },
    );
    const dialog = await h.openDraft(AUTHOR);
    h.fake.outage('500');
    await h.submit(AUTHOR, dialog, draftValues({ text: 'Never shown' }));
    await passTime(4 * 3600 * SECOND, true, 60 * SECOND);
    const health = await h.app.store.newsHealth(new Date(0));
    expect(health.failed).toBe(1);
    expect(health.lastFailure?.error).toContain('gave up after 200 attempts');
    expect(h.logs.some((l) => l.includes('chat news could not be delivered and was given up'))).toBe(true);
    const report = (await (await fetch(`${h.app.url}/healthz`)).json()) as { checks: Array<{ name: string; detail: string }> };
    expect(report.checks.find((c) => c.name === 'chat outbox')?.detail).toContain(
      '1 given up in the last 24 hours, the last (post.submitted): gave up after 200 attempts',
    );
  });
});

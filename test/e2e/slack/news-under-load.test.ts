/**
 * A burst of approvals as Slack sees it. The news they cause (card updates, thread messages,
 * DMs) goes out a few Web API calls at a time, so replies to it cannot crowd out other
 * clicks; everything is still shown; and a person opening a dialog meanwhile is not kept
 * waiting behind the news.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../../src/bots/slack/ids.js';
import type { FakeMessage } from '../../fakes/slack/index.js';
import { eventually } from '../../support/greenlight-process.js';
import { ALICE, AUTHOR, shownText, slackHarness, type SlackHarness } from '../../support/slack-harness.js';

/** The most news calls Greenlight keeps in flight (NEWS_IN_FLIGHT in slack-bot.ts). */
const NEWS_IN_FLIGHT = 8;
const POSTS = 20;

let h: SlackHarness;
afterEach(async () => h?.close());

/** `POSTS` pending posts, each with its card; Alice (an approver) already known to Greenlight. */
async function pendingCards(): Promise<FakeMessage[]> {
  h = await slackHarness();
  const cards: FakeMessage[] = [];
  for (let i = 0; i < POSTS; i++) cards.push(await h.draftPost(AUTHOR, { text: `Post number ${i + 1}` }));
  // Alice's first click looks her up (users.info); later ones use what Greenlight remembers.
  await h.command(ALICE, '/queue');
  await h.next('response_url');
  return cards;
}

const published = (card: FakeMessage) => shownText(h.card(card.ts)).includes('*Published*');
const threadOf = (card: FakeMessage) => h.fake.state.thread(card.channel, card.ts).map(shownText).join('\n');
const notesTo = (user: string) => (h.fake.state.channels.get(h.fake.state.dms.get(user) ?? '') ?? []).map((m) => m.text ?? '').join('\n');
/** The last news of an approval on the sandbox is the author's note that it is live. */
const allNewsShown = (cards: FakeMessage[]) => cards.every(published) && notesTo(AUTHOR).split('is live on Sandbox').length > POSTS;

describe('Slack: news in a burst of approvals', () => {
  it(`keeps at most ${NEWS_IN_FLIGHT} news calls in flight, and every card, thread and note still comes`, async () => {
    const cards = await pendingCards();
    // A slow Slack, so that calls would pile up if nothing held them back.
    for (let i = 0; i < POSTS * 2; i++) h.fake.failNext('chat.update', { delayMs: 40 });
    h.fake.inFlight.resetPeak();
    const updatesBefore = h.fake.callsTo('chat.update').length;

    const answers = await Promise.all(cards.map((card) => h.clickMessage(ALICE, card, ACTION.approve)));
    expect(answers.map((a) => a.status)).toEqual(cards.map(() => 200));
    await eventually(() => allNewsShown(cards), 15_000, 'every card to show its post published and the author to hear');

    expect(h.fake.inFlight.peak).toBeLessThanOrEqual(NEWS_IN_FLIGHT);
    // …and they did go several at a time, not one by one.
    expect(h.fake.inFlight.peak).toBeGreaterThan(1);
    // Posts that waited for their turn were shown approved and published in one card update.
    expect(h.fake.callsTo('chat.update').length - updatesBefore).toBeLessThan(2 * POSTS);
    for (const card of cards) {
      expect(threadOf(card)).toContain(`<@${ALICE}> approved revision 1`);
      expect(threadOf(card)).toContain('Published on Sandbox');
    }
    for (let id = 1; id <= POSTS; id++) expect(notesTo(AUTHOR)).toMatch(new RegExp(`approved post #${id} \\(`));
  });

  it('opens a dialog at once while news waits on a slow Slack', async () => {
    const cards = await pendingCards();
    for (let i = 0; i < POSTS; i++) h.fake.failNext('chat.update', { delayMs: 800 });
    const before = h.fake.callsTo('chat.update').length;

    await Promise.all(cards.map((card) => h.clickMessage(ALICE, card, ACTION.approve)));
    await h.openDraft(AUTHOR);

    // The card updates ahead of the dialog are still being answered: the dialog did not queue
    // behind them (in one queue it would come after at least one round of held updates).
    expect(h.fake.callsTo('chat.update').length - before).toBeLessThan(NEWS_IN_FLIGHT);
    await eventually(() => allNewsShown(cards), 15_000, 'every card to show its post published and the author to hear');
  });
});

/**
 * The database refuses writes while an author submits a draft: their text must not be lost.
 * The database is made to refuse for real (SQLite's query_only mode on Greenlight's own
 * connection answers every write SQLITE_READONLY, as a read-only file does); nothing of
 * Greenlight's is mocked.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../../src/bots/slack/ids.js';
import { AUTHOR, BOB, draftValues, shownText, slackHarness, type SlackHarness } from '../../support/slack-harness.js';
import type { SqliteStore } from '../../../db/sqlite/store.js';

let h: SlackHarness;
afterEach(async () => h?.close());

const TEXT = 'Our spring sale starts Monday!\nThree days, every store. 🌷';
const refuseWrites = (on: boolean) => (h.app.store as SqliteStore).sqlite.pragma(`query_only = ${on ? 'ON' : 'OFF'}`);

describe('a draft whose write fails', () => {
  it('keeps its dialog open with the text in it, says so next to the text, and can be submitted again', async () => {
    h = await slackHarness();
    const dialog = await h.openDraft(AUTHOR);
    refuseWrites(true);
    const refused = await h.submit(AUTHOR, dialog, draftValues({ text: TEXT }));
    expect(refused.json).toEqual({
      response_action: 'errors',
      errors: { text: 'Greenlight could not save your post just now. Your text is still here: try again in a moment.' },
    });
    expect(h.logs.some((l) => l.includes('could not save a draft; the dialog stays open'))).toBe(true);
    refuseWrites(false);
    expect(await h.app.store.listPosts({})).toEqual([]);
    expect(h.fake.callsTo('chat.postMessage')).toEqual([]);

    // The same dialog, submitted again once the database writes again, is not taken for a replay.
    const since = h.fake.calls.length;
    expect((await h.submit(AUTHOR, dialog, draftValues({ text: TEXT }))).text).toBe('');
    await h.next('chat.postMessage', (c) => String(c.args.text).includes('is waiting for approval'), since);
    const posts = await h.app.store.listPosts({});
    expect(posts.map((p) => p.revision.text)).toEqual([TEXT]);
  });

  it('that fails after the dialog had to close sends the author their text in a direct message', async () => {
    h = await slackHarness();
    const dialog = await h.openDraft(AUTHOR);
    // A fresh process knows nobody: looking the author up in Slack takes longer than the
    // dialog may wait, so it closes before the write is tried.
    await h.restart();
    h.fake.failNext('users.info', { delayMs: 2_500 });
    refuseWrites(true);
    const since = h.fake.calls.length;
    const response = await h.submit(AUTHOR, dialog, draftValues({ text: TEXT }));
    expect(response.text).toBe('');
    const dm = await h.next('chat.postMessage', (c) => c.args.channel === h.fake.state.dms.get(AUTHOR), since);
    refuseWrites(false);
    const message = h.fake.state.message(String(dm.args.channel), String(dm.response.ts))!;
    expect(shownText(message)).toContain(
      'Your post could not be saved, so it was not submitted. Here is what you wrote, so it is not lost:',
    );
    expect(shownText(message)).toContain(TEXT);
    expect(await h.app.store.listPosts({})).toEqual([]);
  });
});

describe('a decision whose write fails after its dialog closed', () => {
  it('sends the approver their comment back in a direct message', async () => {
    h = await slackHarness();
    const card = await h.draftPost(AUTHOR, { text: 'Needs work' });
    let since = h.fake.calls.length;
    await h.clickMessage(BOB, card, ACTION.requestChanges);
    const opened = await h.next('views.open', () => true, since);
    const comment = 'Please add the store hours & the date <b>Monday</b>.';
    refuseWrites(true);
    since = h.fake.calls.length;
    expect((await h.submit(BOB, h.view((opened.response.view as { id: string }).id), { comment: { value: comment } })).text).toBe('');
    const dm = await h.next('chat.postMessage', (c) => c.args.channel === h.fake.state.dms.get(BOB), since);
    refuseWrites(false);
    const message = h.fake.state.message(String(dm.args.channel), String(dm.response.ts))!;
    expect(shownText(message)).toContain('Your decision could not be recorded, so nothing changed.');
    expect(shownText(message)).toContain(comment);
    expect((await h.app.greenlight.getPost(1))!.decisions).toEqual([]);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../../src/bots/slack/ids.js';
import { SandboxPublisher } from '../../../src/platforms/sandbox/publisher.js';
import { RecordingPublisher } from '../../support/rules-publisher.js';
import { AUTHOR, BOB, buttonsOf, draftValues, shownText, slackHarness, type SlackHarness } from '../../support/slack-harness.js';

let h: SlackHarness;
afterEach(async () => h?.close());

const withNetworks = () =>
  slackHarness(
    {},
    {
      publishers: [
        new SandboxPublisher(),
        new RecordingPublisher('x'),
        new RecordingPublisher('instagram'),
        new RecordingPublisher('bluesky'),
      ],
    },
  );

describe('Slack draft dialog', () => {
  it('offers the configured networks (sandbox always) and shows their limits as the author types', async () => {
    h = await withNetworks();
    const dialog = await h.openDraft(AUTHOR, 'Hello');
    const networks = JSON.stringify(dialog.blocks);
    for (const label of ['Sandbox (publishes nowhere)', '"X"', 'Instagram', 'Bluesky']) expect(networks).toContain(label);
    expect(networks).not.toContain('LinkedIn');
    expect(shownText(dialog)).toContain('Choose networks below to see their limits.');

    // Ticking networks and typing sends the dialog's state; the hint is re-rendered with counts.
    const since = h.fake.calls.length;
    await h.clickView(AUTHOR, dialog, 'value', 'text', draftValues({ text: 'Hello 👋 https://example.com', networks: ['x', 'bluesky'] }));
    const update = await h.next('views.update', () => true, since);
    expect(update.args.hash).toBe(dialog.hash);
    const refreshed = h.view(dialog.id);
    // X counts the URL as 23 and the emoji as 2; Bluesky counts graphemes.
    expect(shownText(refreshed)).toContain('X 32/280 · Bluesky 27/300');
  });

  it.each([
    ['empty text', { text: '' }, { text: 'Write the text of the post.' }],
    [
      'text of zero-width characters only',
      { text: '\u200B\u200C\u200D\u2060\uFEFF' },
      { text: 'The text has no visible characters. Write the text of the post.' },
    ],
    [
      'text of NUL characters only',
      { text: '\u0000\u0000\u0000' },
      { text: 'The text has no visible characters. Write the text of the post.' },
    ],
    ['no network', { networks: [] }, { networks: 'Choose at least one network.' }],
    ['a past time', { publishAt: new Date(Date.now() - 3600_000) }, { publish_at: expect.stringContaining('is in the past') }],
    [
      'a link that is not https',
      { mediaUrl: 'ftp://files.example.com/a.png' },
      { media_url: 'The image link must be a web address starting with https://.' },
    ],
    [
      'a plain http link (ALLOW_HTTP_MEDIA is off)',
      { mediaUrl: 'http://cdn.example.com/a.png' },
      { media_url: 'The image link must be a web address starting with https://.' },
    ],
    [
      'a link with a password in it',
      { mediaUrl: 'https://admin:hunter2@cdn.example.com/a.png' },
      { media_url: 'The image link must not contain a user name or password.' },
    ],
    [
      'a link to the cloud metadata address',
      { mediaUrl: 'https://169.254.169.254/latest/meta-data/' },
      { media_url: 'The image link must point to the public internet, not to a private or local address.' },
    ],
    [
      'a link to this machine',
      { mediaUrl: 'https://localhost:8080/admin.png' },
      { media_url: 'The image link must point to the public internet, not to a private or local address.' },
    ],
    ['text over X’s limit', { text: 'a'.repeat(312), networks: ['x'] }, { text: 'X: 312 of 280 characters' }],
    ['Instagram without an image', { networks: ['instagram'] }, { media_url: 'Instagram needs an image' }],
  ])('shows %s next to its field and stores nothing', async (_name, values, errors) => {
    h = await withNetworks();
    const dialog = await h.openDraft(AUTHOR);
    const response = await h.submit(AUTHOR, dialog, draftValues(values));
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ response_action: 'errors', errors });
    expect(await h.app.greenlight.ctx.store.listPosts({})).toEqual([]);
    expect(h.fake.callsTo('chat.postMessage')).toEqual([]);
  });

  it('shows a long draft truncated on the card, with the full text one click away', async () => {
    h = await slackHarness();
    const long = Array.from({ length: 60 }, (_, i) => `Paragraph ${i + 1}: ${'spring '.repeat(7)}`).join('\n');
    expect(long.length).toBeGreaterThan(2400);
    const card = await h.draftPost(AUTHOR, { text: long });
    expect(shownText(card)).toContain('Paragraph 1:');
    expect(shownText(card)).not.toContain('Paragraph 60:');
    expect(buttonsOf(card)).toContain(ACTION.fullText);

    const since = h.fake.calls.length;
    await h.clickMessage(BOB, card, ACTION.fullText);
    const opened = await h.next('views.open', () => true, since);
    const modal = h.view((opened.response.view as { id: string }).id);
    expect(shownText(modal)).toContain('Paragraph 60:');
  });

  it('refuses a resubmission from a stale edit dialog, next to the text', async () => {
    h = await slackHarness();
    const card = await h.draftPost(AUTHOR, { text: 'First' });
    let since = h.fake.calls.length;
    await h.clickMessage(BOB, card, ACTION.requestChanges);
    const opened = await h.next('views.open', () => true, since);
    since = h.fake.calls.length;
    await h.submit(BOB, h.view((opened.response.view as { id: string }).id), { comment: { value: 'Shorter please' } });
    const dm = await h.next(
      'chat.postMessage',
      (c) => c.args.channel === h.fake.state.dms.get(AUTHOR) && String(c.args.text).includes('asked for changes'),
      since,
    );
    const dmMessage = h.fake.state.message(String(dm.args.channel), String(dm.response.ts))!;

    // Two edit dialogs: the first resubmission wins, the second is out of date.
    const dialogs = [];
    for (let i = 0; i < 2; i++) {
      since = h.fake.calls.length;
      await h.clickMessage(AUTHOR, dmMessage, ACTION.editDraft);
      const call = await h.next('views.open', () => true, since);
      dialogs.push(h.view((call.response.view as { id: string }).id));
    }
    expect((await h.submit(AUTHOR, dialogs[0]!, draftValues({ text: 'Second' }))).text).toBe('');
    await h.next('chat.postMessage', (c) => String(c.args.text).includes('Revised'));
    const stale = await h.submit(AUTHOR, dialogs[1]!, draftValues({ text: 'Third' }));
    expect(stale.json).toEqual({
      response_action: 'errors',
      errors: { text: expect.stringContaining('You were editing an older version of post #1') },
    });
    // An accepted dialog closes, so "nothing changed" comes from a third dialog (a view of its own).
    const unchanged = await h.submit(
      AUTHOR,
      {
        ...dialogs[0]!,
        id: 'V0THIRDEDIT',
        private_metadata: dialogs[0]!.private_metadata.replace(/"r":\d+/, `"r":${(await h.app.greenlight.getPost(1))!.revision.id}`),
      },
      draftValues({ text: 'Second' }),
    );
    expect(unchanged.json).toEqual({
      response_action: 'errors',
      errors: { text: 'Nothing changed in post #1, so there is nothing new to approve.' },
    });
    expect((await h.app.greenlight.getPost(1))!.revision.text).toBe('Second');
  });
});

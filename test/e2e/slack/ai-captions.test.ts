import { afterEach, describe, expect, it } from 'vitest';
import { CAPTION_ACTION } from '../../../src/bots/slack/blocks/draft-modal.js';
import { SandboxPublisher } from '../../../src/platforms/sandbox/publisher.js';
import type { Env } from '../../../src/config.js';
import { draftOf, RATE_LIMITED, startFakeOpenAI, type FakeAnswer, type OpenAIFake } from '../../fakes/openai/server.js';
import type { Fault } from '../../fakes/network/server.js';
import type { FakeView } from '../../fakes/slack/index.js';
import { RecordingPublisher } from '../../support/rules-publisher.js';
import { APPROVALS, AUTHOR, buttonsOf, draftValues, shownText, slackHarness, type SlackHarness } from '../../support/slack-harness.js';
import type { InputValues } from '../../support/slack-requests.js';

const API_KEY = 'sk-e2e-greenlight-0123456789abcdef';
const DRAFT = 'Our spring sale starts Monday: 20% off all tulips and roses';

let h: SlackHarness | undefined;
let ai: OpenAIFake | undefined;
afterEach(async () => {
  await h?.close();
  await ai?.close();
  h = undefined;
  ai = undefined;
});

async function start(env: Env = {}): Promise<SlackHarness> {
  ai = await startFakeOpenAI({ apiKey: API_KEY });
  h = await slackHarness(
    { OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: ai.baseUrl, AI_TIMEOUT_SECONDS: '0.3', ...env },
    { publishers: [new SandboxPublisher(), new RecordingPublisher('x'), new RecordingPublisher('bluesky')] },
  );
  return h;
}

interface Block {
  type: string;
  block_id?: string;
  element?: { type: string; initial_value?: string };
  text?: { text: string };
  accessory?: { action_id?: string; value?: string };
}
const blocksOf = (view: { blocks?: unknown[] }) => (view.blocks ?? []) as Block[];
const textInput = (view: FakeView) => blocksOf(view).find((b) => b.type === 'input' && b.element?.type === 'plain_text_input')!;
const suggestionsIn = (view: FakeView) => blocksOf(view).filter((b) => b.accessory?.action_id === CAPTION_ACTION.use);

const formValues = (text: string, networks = ['x', 'bluesky'], tone = 'playful'): InputValues => ({
  ...draftValues({ text, networks }),
  caption_tone: { value: tone },
});

/** Clicks "Suggest captions" and returns the two updates: "Writing suggestions…" and the outcome. */
async function suggest(harness: SlackHarness, dialog: FakeView, values: InputValues) {
  const since = harness.fake.calls.length;
  const response = await harness.clickView(AUTHOR, dialog, CAPTION_ACTION.suggest, undefined, values);
  expect(response.status).toBe(200);
  const writing = await harness.next('views.update', () => true, since);
  const outcome = await harness.next('views.update', (c) => c !== writing, since);
  return { writing, outcome: outcome.args.view as FakeView };
}

describe('Slack: AI caption suggestions in the draft dialog', () => {
  it('suggests, fills the text field with "Use this", and flags the post AI-assisted on the card and in the audit log', async () => {
    const harness = await start();
    const dialog = await harness.openDraft(AUTHOR, DRAFT);
    expect(buttonsOf(dialog)).toContain(CAPTION_ACTION.suggest);
    expect(shownText(dialog)).not.toContain('AI caption suggestions are off');

    const { writing, outcome } = await suggest(harness, dialog, formValues(DRAFT));
    // Acknowledged, then "Writing suggestions…" guarded by the view's hash.
    expect(writing.args.hash).toBe(dialog.hash);
    expect(shownText(writing.args.view as FakeView)).toContain('Writing suggestions…');
    expect(textInput(writing.args.view as FakeView).block_id).toBe('text');

    // Three per network, each counted against that network's limit; the text is untouched.
    const shown = harness.view(dialog.id);
    expect(shown.blocks).toEqual(outcome.blocks);
    const suggestions = suggestionsIn(shown);
    expect(suggestions).toHaveLength(6);
    expect(suggestions.map((s) => s.text!.text)).toEqual(
      [1, 2, 3]
        .map((i) => expect.stringContaining(`(take ${i} for x)`))
        .concat([1, 2, 3].map((i) => expect.stringContaining(`(take ${i} for bluesky)`))),
    );
    expect(shownText(shown)).toContain('*X* · up to 280 characters');
    expect(shownText(shown)).toContain('*Bluesky* · up to 300 characters');
    expect(shownText(shown)).toMatch(/\d+\/280 characters/);
    expect(textInput(shown)).toMatchObject({ block_id: 'text', element: { initial_value: DRAFT } });
    expect(buttonsOf(shown)).toContain(CAPTION_ACTION.suggest);

    // Only the draft's text (with networks and tone) went to the model: nothing about the author.
    expect(ai!.requests).toHaveLength(1);
    const sent = ai!.requests[0]!;
    expect(draftOf(sent)).toBe(DRAFT);
    expect(sent.messages.at(-1)!.content).toContain('Tone: playful');
    expect(sent.networks).toEqual(['x', 'bluesky']);
    for (const personal of [AUTHOR, 'Ann Author', 'ann', 'Europe/Berlin', APPROVALS]) expect(sent.raw.text).not.toContain(personal);

    // "Use this" on the second X suggestion: the text field now holds it (a new block id, so
    // Slack applies initial_value), and the dialog remembers that the text is AI-assisted.
    const chosen = suggestions[1]!;
    let since = harness.fake.calls.length;
    await harness.clickView(AUTHOR, shown, CAPTION_ACTION.use, chosen.block_id, formValues(DRAFT));
    await harness.next('views.update', () => true, since);
    const filled = harness.view(dialog.id);
    const input = textInput(filled);
    expect(input.block_id).toMatch(/^text_[0-9a-f]{6}$/);
    expect(input.element!.initial_value).toBe(chosen.text!.text);
    expect(JSON.parse(filled.private_metadata)).toMatchObject({ ai: 1 });
    expect(suggestionsIn(filled)).toHaveLength(6);

    // The author edits the suggestion a little and submits: the text is read from the new block.
    const edited = `${chosen.text!.text} See you there!`;
    since = harness.fake.calls.length;
    const submitted = await harness.submit(AUTHOR, filled, {
      [input.block_id!]: { value: edited },
      networks: { value: ['x', 'bluesky'] },
      publish_at: { value: null },
      media_url: { value: null },
    });
    expect(submitted.text).toBe('');
    const posted = await harness.next('chat.postMessage', (c) => c.args.channel === APPROVALS && !c.args.thread_ts, since);
    const card = harness.card(String(posted.response.ts));
    expect(shownText(card)).toContain('✨ AI-assisted text');
    expect(shownText(card)).toContain(edited);
    const post = (await harness.app.greenlight.getPost(1))!;
    expect(post.revision).toMatchObject({ text: edited, aiAssisted: true });
    const audit = await harness.app.store.listAudit({});
    expect(audit.find((e) => e.action === 'post.submitted')?.details).toMatchObject({ aiAssisted: true });

    // The key never reaches a log or anything shown in Slack.
    expect(harness.logs.join('\n')).not.toContain(API_KEY);
    expect(JSON.stringify(harness.fake.calls)).not.toContain(API_KEY);
  });

  it('keeps live limits and errors on whichever version of the text block the dialog holds', async () => {
    const harness = await start();
    const dialog = await harness.openDraft(AUTHOR, DRAFT);
    ai!.answerNext({ captions: { x: ['x'.repeat(40), 'Short', 'Shorter'] } });
    await suggest(harness, dialog, formValues(DRAFT, ['x']));
    const since = harness.fake.calls.length;
    await harness.clickView(AUTHOR, harness.view(dialog.id), CAPTION_ACTION.use, 'caption_0', formValues(DRAFT, ['x']));
    await harness.next('views.update', () => true, since);
    let filled = harness.view(dialog.id);
    const block = textInput(filled).block_id!;

    // Typing in the new block still refreshes the live limits (same hash rules as before).
    const typing = harness.fake.calls.length;
    const { text: _old, ...others } = formValues(DRAFT, ['x']);
    await harness.clickView(AUTHOR, filled, 'value', block, { ...others, [block]: { value: 'a'.repeat(300) } });
    const refresh = await harness.next('views.update', () => true, typing);
    expect(refresh.args.hash).toBe(filled.hash);
    filled = harness.view(dialog.id);
    expect(shownText(filled)).toContain('X 300/280 ✗ too long');
    expect(textInput(filled).block_id).toBe(block);

    const response = await harness.submit(AUTHOR, filled, {
      [block]: { value: 'a'.repeat(300) },
      networks: { value: ['x'] },
      publish_at: { value: null },
      media_url: { value: null },
    });
    expect(response.json).toEqual({ response_action: 'errors', errors: { [block]: 'X: 300 of 280 characters' } });
  });

  it.each<[string, (fake: OpenAIFake) => void, string]>([
    [
      '429',
      (f) => f.failNext(RATE_LIMITED),
      'Suggestions unavailable: the AI service is busy (too many requests). Try again in 20 seconds.',
    ],
    [
      'a 5xx',
      (f) => f.failNext({ kind: 'status', status: 502, text: 'Bad Gateway' } satisfies Fault),
      'Suggestions unavailable: the AI service had a problem (HTTP 502). Try again in a moment.',
    ],
    [
      'a slow answer past the timeout',
      (f) => f.failNext({ kind: 'delay', ms: 900 }),
      'Suggestions unavailable: the AI service took longer than 0.3 seconds. Try again in a moment.',
    ],
    [
      'invalid JSON',
      (f) => f.answerNext({ content: 'Sure! Here are some captions: …' } satisfies FakeAnswer),
      'Suggestions unavailable: the AI model’s answer was not in the expected format. Try again.',
    ],
    [
      'a refusal',
      (f) => f.answerNext({ refusal: 'I can’t help with that.' }),
      'Suggestions unavailable: the AI model declined to write captions for this text.',
    ],
  ])('says why after %s, and leaves the draft text as it was', async (_name, misbehave, message) => {
    const harness = await start();
    const dialog = await harness.openDraft(AUTHOR, DRAFT);
    misbehave(ai!);
    const { outcome } = await suggest(harness, dialog, formValues(DRAFT));
    expect(shownText(outcome)).toContain(message);
    expect(suggestionsIn(outcome)).toEqual([]);
    // Same block id and value: Slack keeps whatever the author typed meanwhile, too.
    expect(textInput(outcome)).toMatchObject({ block_id: 'text', element: { initial_value: DRAFT } });
    expect(JSON.parse(outcome.private_metadata)).not.toHaveProperty('ai');
    expect(harness.logs.join('\n')).not.toContain(API_KEY);
  });

  it('answers at once, without the model, when there is no text or no network', async () => {
    const harness = await start();
    const dialog = await harness.openDraft(AUTHOR);
    const since = harness.fake.calls.length;
    await harness.clickView(AUTHOR, dialog, CAPTION_ACTION.suggest, undefined, formValues(''));
    await harness.next('views.update', () => true, since);
    expect(shownText(harness.view(dialog.id))).toContain('Write a first version of the text, then ask for suggestions');
    expect(shownText(harness.view(dialog.id))).not.toContain('Writing suggestions…');
    expect(ai!.server.requests).toEqual([]);
  });

  it('keeps each person to AI_SUGGESTIONS_PER_HOUR', async () => {
    const harness = await start({ AI_SUGGESTIONS_PER_HOUR: '1' });
    const dialog = await harness.openDraft(AUTHOR, DRAFT);
    await suggest(harness, dialog, formValues(DRAFT));
    const { outcome } = await suggest(harness, harness.view(dialog.id), formValues(DRAFT));
    expect(shownText(outcome)).toContain(
      'Suggestions unavailable: you have asked for suggestions once in the last hour, the most allowed. Try again in 60 minutes.',
    );
    expect(ai!.requests).toHaveLength(1);
    harness.clock.advance(3600_000);
    const { outcome: again } = await suggest(harness, harness.view(dialog.id), formValues(DRAFT));
    expect(suggestionsIn(again)).toHaveLength(6);
  });

  it('without OPENAI_API_KEY the dialog says how to switch suggestions on and offers no button', async () => {
    h = await slackHarness();
    const dialog = await h.openDraft(AUTHOR, DRAFT);
    expect(shownText(dialog)).toContain('AI caption suggestions are off (an admin can turn them on with OPENAI_API_KEY).');
    expect(buttonsOf(dialog)).not.toContain(CAPTION_ACTION.suggest);
  });
});

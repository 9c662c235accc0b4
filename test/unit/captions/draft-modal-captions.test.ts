import { describe, expect, it } from 'vitest';
import { buildDraftModal, CAPTION_ACTION, decodeDraftState, type DraftModalInput } from '../../../src/bots/slack/blocks/draft-modal.js';
import { errorsByBlock, readCaptionTone, readDraftForm } from '../../../src/bots/slack/draft-form.js';
import { NETWORK_IDS } from '../../../src/domain/network.js';
import type { CaptionSuggestion } from '../../../src/workflows/captions/types.js';
import { checkView } from '../../../src/playground/slack-emulator/block-kit-limits.js';

const base: DraftModalInput = {
  mode: 'create',
  timezone: 'Europe/Berlin',
  text: 'Spring sale',
  available: [...NETWORK_IDS],
  selected: [...NETWORK_IDS],
  publishAt: null,
  mediaUrl: null,
  usage: [],
};

const suggestion = (i: number, network: CaptionSuggestion['network'], text: string): CaptionSuggestion => ({
  id: `batch.${i}`,
  network,
  text,
  used: Array.from(text).length,
  limit: 3000,
  unit: 'characters',
  shortened: i % 2 === 0,
});

describe('draft dialog with caption suggestions', () => {
  it('stays within Slack’s limits with three 3,000-character suggestions for every network', () => {
    const suggestions = NETWORK_IDS.flatMap((n, k) => [0, 1, 2].map((j) => suggestion(k * 3 + j, n, `${'🌷 & <b>'.repeat(375)}`)));
    const modal = buildDraftModal({
      ...base,
      captions: { status: 'failed', reason: 'x'.repeat(5000) },
      ai: { tone: 'playful', panel: { status: 'ready', suggestions } },
    });
    expect(checkView(modal, 'modal')).toEqual([]);
    expect(modal.blocks.length).toBeLessThanOrEqual(100);
    const buttons = modal.blocks.filter((b) => b.type === 'section' && JSON.stringify(b).includes(CAPTION_ACTION.use));
    expect(buttons).toHaveLength(NETWORK_IDS.length * 3);
    // Shown as plain text: & and < stay what they are, never markup.
    expect(JSON.stringify(buttons[0])).toContain('"type":"plain_text","text":"🌷 & <b>');
    expect(JSON.stringify(modal)).toContain('✂️ shortened to fit');
  });

  it('round-trips the text version and the suggestions state through private_metadata', () => {
    for (const captions of [
      { status: 'writing' },
      { status: 'ready', batchId: 'abc' },
      { status: 'failed', reason: 'busy' },
      { status: 'notice', message: 'write first' },
    ] as const) {
      const modal = buildDraftModal({ ...base, textVersion: 'a1b2c3', aiAssisted: true, captions });
      expect(decodeDraftState(modal.private_metadata!)).toEqual({
        mode: 'create',
        timezone: 'Europe/Berlin',
        aiAssisted: true,
        textVersion: 'a1b2c3',
        captions,
      });
      expect(modal.blocks[0]).toMatchObject({ type: 'input', block_id: 'text_a1b2c3' });
    }
    // A text version that could not be a block id is ignored.
    expect(decodeDraftState('{"m":"create","tz":"UTC","tv":"../x"}')?.textVersion).toBeUndefined();
  });

  it('offers the tone and the button only when AI captions are on, and the hint when they are off', () => {
    const on = JSON.stringify(buildDraftModal({ ...base, ai: { tone: 'friendly', panel: { status: 'writing' } } }));
    expect(on).toContain(CAPTION_ACTION.suggest);
    expect(on).toContain('"initial_option":{"text":{"type":"plain_text","text":"Friendly","emoji":true},"value":"friendly"}');
    expect(on).toContain('Writing suggestions…');
    const off = JSON.stringify(buildDraftModal({ ...base, aiHint: 'AI caption suggestions are off.' }));
    expect(off).not.toContain(CAPTION_ACTION.suggest);
    expect(off).toContain('AI caption suggestions are off.');
  });

  it('reads the text from whichever version of its block is present, and puts errors there', () => {
    const state = { mode: 'create', timezone: 'UTC', textVersion: 'ff00aa' } as const;
    const values = {
      text_ff00aa: { value: { type: 'plain_text_input', value: 'From a suggestion' } },
      networks: { value: { type: 'checkboxes', selected_options: [{ value: 'x' }] } },
      caption_tone: { value: { type: 'static_select', selected_option: { value: 'playful' } } },
    };
    expect(readDraftForm(values, state)).toMatchObject({ text: 'From a suggestion', networks: ['x'] });
    // A dialog whose metadata lost the version still finds the text.
    expect(readDraftForm(values, { mode: 'create', timezone: 'UTC' }).text).toBe('From a suggestion');
    expect(readCaptionTone(values)).toBe('playful');
    expect(errorsByBlock({ text: 'Too long', networks: 'Choose one' }, 'text_ff00aa')).toEqual({
      text_ff00aa: 'Too long',
      networks: 'Choose one',
    });
  });
});

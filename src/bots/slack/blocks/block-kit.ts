/**
 * Small, typed Block Kit primitives and Slack's hard limits. Every builder in this folder
 * is a pure function (data in, JSON out) that stays inside these limits whatever it is given.
 */
import type { Block, Button, ContextBlock, KnownBlock, MrkdwnElement, PlainTextElement, SectionBlock } from '@slack/types';

export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  buttonText: 75,
  buttonValue: 2000,
  modalTitle: 24,
  privateMetadata: 3000,
  plainTextInput: 3000,
  contextElements: 10,
  headerText: 150,
  actionsElements: 25,
  /** Top-level message text: Slack truncates beyond this. */
  messageText: 40_000,
} as const;

export type AnyBlock = KnownBlock | Block;

/** Cuts `text` to at most `max` characters (code points), ending with "…" when cut. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** Slack mrkdwn treats &, < and > as control characters; user text must not become markup or mentions. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export const plain = (text: string, max: number = LIMITS.sectionText): PlainTextElement => ({
  type: 'plain_text',
  text: truncate(text, max),
  emoji: true,
});

export const mrkdwn = (text: string): MrkdwnElement => ({ type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) });

export const section = (text: string, extra: Partial<SectionBlock> = {}): SectionBlock => ({
  type: 'section',
  text: mrkdwn(text),
  ...extra,
});

export const context = (...texts: string[]): ContextBlock => ({
  type: 'context',
  elements: texts.slice(0, LIMITS.contextElements).map(mrkdwn),
});

export const divider = (): KnownBlock => ({ type: 'divider' });

export const header = (text: string): KnownBlock => ({ type: 'header', text: plain(text, LIMITS.headerText) });

export function button(options: {
  text: string;
  actionId: string;
  value?: string;
  style?: 'primary' | 'danger';
  url?: string;
  confirm?: { title: string; text: string; confirm: string; deny: string; style?: 'primary' | 'danger' };
}): Button {
  return {
    type: 'button',
    text: plain(options.text, LIMITS.buttonText),
    action_id: options.actionId,
    ...(options.value !== undefined ? { value: options.value.slice(0, LIMITS.buttonValue) } : {}),
    ...(options.style ? { style: options.style } : {}),
    ...(options.url ? { url: options.url } : {}),
    ...(options.confirm
      ? {
          confirm: {
            title: plain(options.confirm.title, 100),
            text: plain(options.confirm.text, 300),
            confirm: plain(options.confirm.confirm, 30),
            deny: plain(options.confirm.deny, 30),
            ...(options.confirm.style ? { style: options.confirm.style } : {}),
          },
        }
      : {}),
  };
}

export const actions = (blockId: string | undefined, elements: Button[]): KnownBlock => ({
  type: 'actions',
  ...(blockId ? { block_id: blockId } : {}),
  elements: elements.slice(0, LIMITS.actionsElements),
});

/** Splits long text into section-sized pieces, preferring to break at a newline or space. */
export function splitForSections(text: string, size: number = LIMITS.sectionText): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > size) {
    let cut = rest.lastIndexOf('\n', size);
    if (cut < size / 2) cut = rest.lastIndexOf(' ', size);
    if (cut < size / 2) cut = size;
    // Never split a surrogate pair.
    if (/[\uD800-\uDBFF]/.test(rest[cut - 1] ?? '')) cut -= 1;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^[ \n]/, '');
  }
  if (rest) pieces.push(rest);
  return pieces;
}

/** Keeps a message within its block budget, replacing what does not fit with one line saying so. */
export function capBlocks(blocks: AnyBlock[], max: number, overflow: (hidden: number) => AnyBlock): AnyBlock[] {
  if (blocks.length <= max) return blocks;
  const kept = blocks.slice(0, max - 1);
  return [...kept, overflow(blocks.length - kept.length)];
}

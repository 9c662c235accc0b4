import type { KnownBlock } from '@slack/types';
import { escapeMrkdwn, plain, section, splitForSections } from './block-kit.js';
import type { Message } from './messages.js';

/**
 * Someone's own text (a draft, a comment), sent back when its dialog had already closed and
 * what they wrote could not be saved: nothing they typed is lost. Shown as plain text, exactly as typed (no markup,
 * no mentions), split into sections when long.
 */
export function unsavedTextNotice(why: string, text: string): Message {
  const intro = `${why} Here is what you wrote, so it is not lost:`;
  const pieces = splitForSections(text);
  const blocks: KnownBlock[] = [
    section(escapeMrkdwn(intro)),
    ...pieces.map((piece): KnownBlock => ({ type: 'section', text: plain(piece) })),
  ];
  return { text: `${intro}\n\n${text}`, blocks };
}

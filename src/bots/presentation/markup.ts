/**
 * How a chat marks up text. The wording of every card line, thread line and note is written
 * once (in this room) against this interface; Slack renders mrkdwn, Teams Adaptive Card
 * markdown. Every function returns text already marked up for its chat.
 */
import type { Person } from '../../domain/post.js';

export type PersonRef = Pick<Person, 'platform' | 'platformUserId' | 'displayName'>;

export interface Markup {
  /** Text shown exactly as written (the chat's own markup characters escaped). */
  text(plain: string): string;
  /** `marked` is already marked up. */
  bold(marked: string): string;
  link(url: string, label: string): string;
  /** A person: mentioned where the chat can (Slack renders the current name), else named. */
  person(person: PersonRef): string;
}

/** "A", "A and B", "A, B and C" */
export function listOf(names: string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/** Cut `text` to `max` characters (code points), ending in an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

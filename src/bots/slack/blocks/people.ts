import type { Person } from '../../../domain/post.js';
import { escapeMrkdwn } from './block-kit.js';

/** A Slack user is mentioned (Slack renders their current name); anyone else is named. */
export function who(person: Pick<Person, 'platform' | 'platformUserId' | 'displayName'>): string {
  return person.platform === 'slack' ? `<@${person.platformUserId}>` : escapeMrkdwn(person.displayName);
}

/** "A", "A and B", "A, B and C" */
export function listOf(names: string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

import type { PersonRef } from '../../presentation/markup.js';
import { SLACK_MARKUP } from './slack-markup.js';

export { listOf } from '../../presentation/markup.js';

/** A Slack user is mentioned (Slack renders their current name); anyone else is named. */
export const who = (person: PersonRef): string => SLACK_MARKUP.person(person);

/**
 * What people type to Greenlight in Teams (in a 1:1 chat, or @mentioning it in a channel):
 * `draft [text]`, `queue`, `digest`, `help`, `timezone <zone>`, and in a channel `use this
 * channel for approvals` / `… for the digest`. Anything else gets `help`.
 */
import { CardFactory, TurnContext, type Activity } from 'botbuilder';
import { isValidTimeZone } from '../../domain/time.js';
import type { AdaptiveCard } from './cards/adaptive.js';
import { card, submit, text } from './cards/adaptive.js';
import { buildDigestCard } from './cards/digest-card.js';
import { buildHelpCard } from './cards/help-card.js';
import { buildQueueCard } from './cards/queue-card.js';
import { escapeCardMarkdown } from './cards/teams-markup.js';
import { zoneOf } from './draft-task.js';
import type { TeamsDeps } from './teams-deps.js';

import { DRAFT_COMMAND } from './cards/draft-form.js';

export { DRAFT_COMMAND };

export type TeamsCommand =
  | { name: 'draft'; text: string }
  | { name: 'queue' | 'digest' | 'help' }
  | { name: 'timezone'; zone: string }
  | { name: 'use_channel'; purpose: 'approvals' | 'digest' }
  | { name: 'unknown'; text: string };

/** Parses what was typed, the bot's own @mention removed. Pure. */
export function parseCommand(typed: string): TeamsCommand {
  const text = typed
    .replace(/<at>[^<]*<\/at>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const lower = text.toLowerCase();
  const use = /^use this channel for (?:the )?(approvals|digest)\.?$/.exec(lower);
  if (use) return { name: 'use_channel', purpose: use[1] as 'approvals' | 'digest' };
  const [word = '', ...rest] = text.split(' ');
  switch (word.toLowerCase()) {
    case 'draft':
      return { name: 'draft', text: rest.join(' ') };
    case 'queue':
    case 'digest':
    case 'help':
      return { name: word.toLowerCase() as 'queue' | 'digest' | 'help' };
    case 'timezone':
      return { name: 'timezone', zone: rest.join(' ').trim() };
    default:
      return text ? { name: 'unknown', text } : { name: 'help' };
  }
}

const cardActivity = (c: AdaptiveCard, summary: string): Partial<Activity> => ({
  type: 'message',
  summary,
  attachments: [CardFactory.adaptiveCard(c)],
});

export class TeamsCommands {
  constructor(private readonly deps: TeamsDeps) {}

  async handle(context: TurnContext): Promise<void> {
    const { gl } = this.deps;
    const command = parseCommand(context.activity.text ?? '');
    const person = await this.deps.people.identify(context);
    const reply = (activity: Partial<Activity> | string) => context.sendActivity(activity);
    switch (command.name) {
      case 'draft': {
        const opener = card([text('Open the form to write the post, choose the networks and the time, and submit it for approval.')], {
          actions: [submit('Draft a post', { msteams: { type: 'task/fetch' }, commandId: DRAFT_COMMAND, text: command.text })],
        });
        await reply(cardActivity(opener, 'Draft a post'));
        return;
      }
      case 'queue': {
        const queue = await gl.queue(person);
        const { zone } = zoneOf(context, person);
        const model = {
          isApprover: queue.isApprover,
          mine: queue.mine.map((p) => gl.describe(p)),
          pending: queue.pending.map((p) => gl.describe(p)),
          scheduled: queue.scheduled.map((p) => gl.describe(p)),
          totals: queue.totals,
          now: gl.now(),
          zone,
        };
        await reply(cardActivity(buildQueueCard(model), 'Your queue'));
        return;
      }
      case 'digest': {
        if (await gl.isApprover(person)) {
          await gl.postDigest({ kind: 'recent', zone: this.deps.digestZone }, ['teams']);
          await reply('Posting the digest of the last 24 hours in the digest channel.');
          return;
        }
        const digest = await gl.buildDigest({ kind: 'recent', zone: zoneOf(context, person).zone });
        await reply(cardActivity(buildDigestCard(digest, gl.digestChart(digest)), digest.title));
        return;
      }
      case 'timezone': {
        if (!isValidTimeZone(command.zone)) {
          await reply(
            `“${escapeCardMarkdown(command.zone || '(nothing)')}” is not a time zone. Send it as a name like **timezone Europe/Berlin** or **timezone America/New_York**.`,
          );
          return;
        }
        await gl.identify({
          platform: 'teams',
          platformUserId: person.platformUserId,
          displayName: person.displayName,
          timezone: command.zone,
        });
        await reply(`Done: the publish times you enter are now in ${command.zone}. (Teams’ own time zone wins when it sends one.)`);
        return;
      }
      case 'use_channel': {
        if (context.activity.conversation.conversationType !== 'channel') {
          await reply('Send this in the channel you mean, mentioning me: “@Greenlight use this channel for approvals”.');
          return;
        }
        const reference = { ...TurnContext.getConversationReference(context.activity) };
        const channel = (context.activity.channelData as { channel?: { name?: string } } | undefined)?.channel?.name ?? 'this channel';
        const result = await gl.chooseChannel(person, 'teams', command.purpose, reference, channel);
        if (!result.ok) {
          await reply(result.refusal.refused);
          return;
        }
        await reply(
          command.purpose === 'approvals'
            ? 'From now on, approval cards for new drafts come to this channel.'
            : 'From now on, the daily digest is posted in this channel.',
        );
        return;
      }
      case 'help':
      case 'unknown': {
        const help = buildHelpCard({
          isApprover: await gl.isApprover(person),
          approvalsChannelSet: !!(await gl.findConversation('teams', 'channel', 'approvals')),
          ...(command.name === 'unknown' ? { unknown: command.text } : {}),
        });
        await reply(cardActivity(help, 'What Greenlight can do'));
        return;
      }
    }
  }
}

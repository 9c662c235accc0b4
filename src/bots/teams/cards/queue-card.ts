/** `queue` in Teams: the same lists as Slack's /queue, as one card that stays well under 28 KB. */
import { formatDuration, formatInstant } from '../../../domain/time.js';
import type { PostView } from '../../../workflows/post-view.js';
import { truncate } from '../../presentation/markup.js';
import { card, heading, subtle, text, type AdaptiveCard, type CardElement } from './adaptive.js';
import { escapeCardMarkdown, TEAMS_MARKUP as m } from './teams-markup.js';

export interface TeamsQueueModel {
  isApprover: boolean;
  mine: PostView[];
  pending: PostView[];
  scheduled: PostView[];
  totals: { mine: number; pending: number; scheduled: number };
  now: Date;
  zone: string;
}

const PER_LIST = 10;
const EXCERPT = 140;

function item(view: PostView, extra: string): CardElement[] {
  return [
    text(`**#${view.id}** · ${view.statusLabel} · ${extra}`, { spacing: 'Small' }),
    subtle(escapeCardMarkdown(truncate(view.text.replace(/\s+/g, ' '), EXCERPT))),
  ];
}

const when = (view: PostView, zone: string) => (view.publishAt ? formatInstant(view.publishAt, zone) : 'as soon as approved');

function list(title: string, views: PostView[], total: number, empty: string, line: (v: PostView) => CardElement[]): CardElement[] {
  const out: CardElement[] = [text(`**${title}**`, { separator: true, spacing: 'Medium' })];
  if (!views.length) out.push(subtle(empty));
  for (const v of views.slice(0, PER_LIST)) out.push(...line(v));
  if (total > Math.min(views.length, PER_LIST)) out.push(subtle(`…and ${total - Math.min(views.length, PER_LIST)} more.`));
  return out;
}

export function buildQueueCard(q: TeamsQueueModel): AdaptiveCard {
  const body: CardElement[] = [heading('Your queue'), subtle(`Times in ${escapeCardMarkdown(q.zone)}`)];
  body.push(
    ...list('Your posts', q.mine, q.totals.mine, 'You have no open posts. Draft one with “draft”.', (v) =>
      item(v, `publishes ${when(v, q.zone)}`),
    ),
  );
  if (q.isApprover) {
    body.push(
      ...list('Waiting for a decision', q.pending, q.totals.pending, 'Nothing is waiting for a decision.', (v) =>
        item(v, `by ${m.person(v.author)}, waiting ${formatDuration(q.now.getTime() - v.submittedAt.getTime())}`),
      ),
    );
  }
  body.push(
    ...list('Scheduled next', q.scheduled, q.totals.scheduled, 'Nothing is scheduled.', (v) => item(v, `publishes ${when(v, q.zone)}`)),
  );
  return card(body);
}

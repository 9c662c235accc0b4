/**
 * The queue as the caller sees it, for `/queue` (an ephemeral message) and App Home (a
 * view): my posts, what waits for a decision (approvers), what is scheduled next.
 */
import { decisionButtons } from './decision-buttons.js';
import type { HomeView, KnownBlock } from '@slack/types';
import { formatDuration, formatInstant } from '../../../domain/time.js';
import type { PostView } from '../../../workflows/post-view.js';
import { ACTION } from '../ids.js';
import { actions, button, capBlocks, context, divider, escapeMrkdwn, header, LIMITS, section, truncate } from './block-kit.js';
import { who } from './people.js';

export interface QueueModel {
  isApprover: boolean;
  mine: PostView[];
  pending: PostView[];
  scheduled: PostView[];
  totals: { mine: number; pending: number; scheduled: number };
  /** Card links by post id, where a card exists. */
  permalinks: ReadonlyMap<number, string>;
  now: Date;
  /** The viewer's zone, for times. */
  timezone: string;
}

const EXCERPT = 140;
const PER_LIST = 10;

function when(view: PostView, zone: string): string {
  return view.publishAt ? formatInstant(view.publishAt, zone) : 'as soon as approved';
}

function line(view: PostView, extra: string): string {
  return `*#${view.id}* · ${view.statusLabel} · ${extra}\n` + `> ${escapeMrkdwn(truncate(view.text.replace(/\s+/g, ' '), EXCERPT))}`;
}

function item(view: PostView, model: QueueModel, extra: string): KnownBlock {
  const link = model.permalinks.get(view.id);
  return section(line(view, extra), link ? { accessory: button({ text: 'Open card', actionId: ACTION.openLink, url: link }) } : {});
}

function list(title: string, views: PostView[], total: number, render: (v: PostView) => KnownBlock[], empty: string): KnownBlock[] {
  const blocks: KnownBlock[] = [section(`*${title}*`)];
  if (!views.length) return [...blocks, context(empty)];
  const shown = views.slice(0, PER_LIST);
  for (const v of shown) blocks.push(...render(v));
  if (total > shown.length) blocks.push(context(`…and ${total - shown.length} more.`));
  return blocks;
}

const decisionRow = (view: PostView): KnownBlock => actions(`home_decide_${view.id}`, decisionButtons(view));

function sections(model: QueueModel, withDecisionButtons: boolean): KnownBlock[] {
  const zone = model.timezone;
  const blocks: KnownBlock[] = [
    ...list(
      'Your posts',
      model.mine,
      model.totals.mine,
      (v) => [item(v, model, `publishes ${when(v, zone)}`)],
      'Nothing in progress. Start one with `/draft`.',
    ),
  ];
  if (model.isApprover) {
    blocks.push(divider());
    blocks.push(
      ...list(
        'Waiting for approval',
        model.pending,
        model.totals.pending,
        (v) => [
          item(v, model, `by ${who(v.author)}, waiting ${formatDuration(model.now.getTime() - v.submittedAt.getTime())}`),
          ...(withDecisionButtons && v.decidable ? [decisionRow(v)] : []),
        ],
        'Nothing is waiting for a decision.',
      ),
    );
  }
  blocks.push(divider());
  blocks.push(
    ...list(
      'Scheduled next',
      model.scheduled,
      model.totals.scheduled,
      (v) => [item(v, model, `publishes ${when(v, zone)}`)],
      'Nothing is scheduled.',
    ),
  );
  return blocks;
}

/** `/queue`: an ephemeral message, within the 50-block budget however long the lists are. */
export function buildQueueMessage(model: QueueModel): { text: string; blocks: KnownBlock[] } {
  const blocks = [header('Your queue'), ...sections(model, false)];
  return {
    text: `Your queue: ${model.mine.length} of yours${model.isApprover ? `, ${model.pending.length} waiting for approval` : ''}, ${model.scheduled.length} scheduled`,
    blocks: capBlocks(blocks, LIMITS.messageBlocks, (hidden) =>
      context(`${hidden} more lines: open Greenlight’s App Home.`),
    ) as KnownBlock[],
  };
}

/** App Home: the same lists, and approvers can decide right there. */
export function buildAppHome(model: QueueModel): HomeView {
  const blocks = [header('Greenlight'), context('Draft a post with `/draft`, see your queue with `/queue`.'), ...sections(model, true)];
  return {
    type: 'home',
    blocks: capBlocks(blocks, LIMITS.viewBlocks, (hidden) => context(`${hidden} more lines not shown: use \`/queue\`.`)) as KnownBlock[],
  };
}

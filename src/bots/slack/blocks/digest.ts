import type { KnownBlock } from '@slack/types';
import type { Digest } from '../../../workflows/digest/build-digest.js';
import {
  digestPeriod,
  digestSubtitle,
  digestSummary,
  postLine,
  todayLine,
  totalLine,
  waitingLine,
} from '../../presentation/digest-lines.js';
import { capBlocks, context, divider, header, LIMITS, section } from './block-kit.js';
import { SLACK_MARKUP as m } from './slack-markup.js';

const MAX_POSTS = 20;
const MAX_WAITING = 8;
const MAX_TODAY = 8;

/**
 * The digest as a Slack message, within the 50-block budget however many posts there are:
 * what does not fit is summarised, with `/queue` for the rest.
 */
export function buildDigestMessage(digest: Digest): { text: string; blocks: KnownBlock[] } {
  const zone = digest.zone;
  const blocks: KnownBlock[] = [header(`📊 ${digest.title}`)];
  const period = digestPeriod(digest);
  blocks.push(context(digestSubtitle(m, digest)));

  if (digest.totals.length) {
    const lines = digest.totals.map((t) => totalLine(m, t));
    blocks.push(section(`*Totals per network* (against the day before)\n${lines.join('\n')}`));
  }
  if (digest.top) blocks.push(section(`🏆 *Top post*: ${postLine(m, digest.top)}`));

  if (digest.posts.length) {
    blocks.push(divider(), section(`*Published ${period}*`));
    for (const p of digest.posts.slice(0, MAX_POSTS)) blocks.push(section(postLine(m, p)));
    if (digest.posts.length > MAX_POSTS) blocks.push(context(`…and ${digest.posts.length - MAX_POSTS} more posts.`));
  } else {
    blocks.push(section(`Nothing was published ${period}.`));
  }

  blocks.push(divider(), section('*Waiting for approval* (oldest first)'));
  if (!digest.waiting.length) blocks.push(context('Nothing is waiting.'));
  for (const w of digest.waiting.slice(0, MAX_WAITING)) blocks.push(context(waitingLine(m, w, zone)));
  if (digest.waitingTotal > Math.min(digest.waiting.length, MAX_WAITING)) {
    blocks.push(context(`…and ${digest.waitingTotal - Math.min(digest.waiting.length, MAX_WAITING)} more: see \`/queue\`.`));
  }

  blocks.push(divider(), section('*Scheduled for today*'));
  if (!digest.today.length) blocks.push(context('Nothing else is scheduled today.'));
  for (const t of digest.today.slice(0, MAX_TODAY)) blocks.push(context(todayLine(m, t, zone)));
  if (digest.today.length > MAX_TODAY) blocks.push(context(`…and ${digest.today.length - MAX_TODAY} more: see \`/queue\`.`));

  const text = digestSummary(digest);
  return {
    text,
    blocks: capBlocks(blocks, LIMITS.messageBlocks, (hidden) => context(`${hidden} more lines: see \`/queue\`.`)) as KnownBlock[],
  };
}

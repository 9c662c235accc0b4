import type { KnownBlock } from '@slack/types';
import { formatDuration, formatInstant } from '../../../domain/time.js';
import type { Digest, DigestFigures, DigestPost } from '../../../workflows/digest/build-digest.js';
import { capBlocks, context, divider, escapeMrkdwn, header, LIMITS, section } from './block-kit.js';
import { who } from './people.js';

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const n = (value: number | null) => (value === null ? 'n/a' : compact.format(value));
const signed = (value: number | null) => (value === null ? '' : value === 0 ? ' (±0)' : ` (${value > 0 ? '+' : '−'}${compact.format(Math.abs(value))})`);

/** "❤️ 45 (+12) · 💬 3 (+1) · 🔁 2 · 👁 1.2K": "n/a" where a network gives no figure. */
export function figuresLine(f: DigestFigures, change?: DigestFigures): string {
  return [
    `❤️ ${n(f.likes)}${change ? signed(change.likes) : ''}`,
    `💬 ${n(f.comments)}${change ? signed(change.comments) : ''}`,
    `🔁 ${n(f.shares)}${change ? signed(change.shares) : ''}`,
    `👁 ${n(f.impressions)}${change ? signed(change.impressions) : ''}`,
  ].join(' · ');
}

const percent = (now: number | null, before: number | null) => {
  if (now === null || before === null) return '';
  if (before === 0) return now === 0 ? ' (same)' : ' (new)';
  const p = Math.round(((now - before) / before) * 100);
  return ` (${p >= 0 ? '▲' : '▼'} ${Math.abs(p)}%)`;
};

function postLine(p: DigestPost): string {
  const title = `“${escapeMrkdwn(p.excerpt)}”`;
  return `*${p.label}* ${p.url ? `<${p.url}|${title}>` : title}\n${figuresLine(p.figures, p.change)}`;
}

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
  const period = digest.kind === 'daily' ? 'yesterday' : 'in the last 24 hours';
  blocks.push(context(`${digest.posts.length} post${digest.posts.length === 1 ? '' : 's'} published ${period} · times in ${escapeMrkdwn(zone)}`));

  if (digest.totals.length) {
    const lines = digest.totals.map(
      (t) =>
        `*${t.label}* (${t.posts} post${t.posts === 1 ? '' : 's'}): ❤️ ${n(t.current.likes)}${percent(t.current.likes, t.previous.likes)} · 💬 ${n(t.current.comments)}${percent(t.current.comments, t.previous.comments)} · 🔁 ${n(t.current.shares)}${percent(t.current.shares, t.previous.shares)} · 👁 ${n(t.current.impressions)}${percent(t.current.impressions, t.previous.impressions)}`,
    );
    blocks.push(section(`*Totals per network* (against the day before)\n${lines.join('\n')}`));
  }
  if (digest.top) blocks.push(section(`🏆 *Top post*: ${postLine(digest.top)}`));

  if (digest.posts.length) {
    blocks.push(divider(), section(`*Published ${period}*`));
    for (const p of digest.posts.slice(0, MAX_POSTS)) blocks.push(section(postLine(p)));
    if (digest.posts.length > MAX_POSTS) blocks.push(context(`…and ${digest.posts.length - MAX_POSTS} more posts.`));
  } else {
    blocks.push(section(`Nothing was published ${period}.`));
  }

  blocks.push(divider(), section('*Waiting for approval* (oldest first)'));
  if (!digest.waiting.length) blocks.push(context('Nothing is waiting.'));
  for (const w of digest.waiting.slice(0, MAX_WAITING)) {
    const due = w.publishAt ? `, due ${formatInstant(w.publishAt, zone)}` : '';
    blocks.push(context(`*#${w.postId}* “${escapeMrkdwn(w.excerpt)}” by ${who(w.author)} · waiting ${formatDuration(w.waitingMs)}${due}`));
  }
  if (digest.waitingTotal > Math.min(digest.waiting.length, MAX_WAITING)) {
    blocks.push(context(`…and ${digest.waitingTotal - Math.min(digest.waiting.length, MAX_WAITING)} more: see \`/queue\`.`));
  }

  blocks.push(divider(), section('*Scheduled for today*'));
  if (!digest.today.length) blocks.push(context('Nothing else is scheduled today.'));
  for (const t of digest.today.slice(0, MAX_TODAY)) {
    blocks.push(context(`${formatInstant(t.dueAt, zone).split(', ')[1]} · *${t.label}* · #${t.postId} “${escapeMrkdwn(t.excerpt)}”`));
  }
  if (digest.today.length > MAX_TODAY) blocks.push(context(`…and ${digest.today.length - MAX_TODAY} more: see \`/queue\`.`));

  const text = `${digest.title}: ${digest.posts.length} published, ${digest.waitingTotal} waiting for approval, ${digest.today.length} scheduled today`;
  return { text, blocks: capBlocks(blocks, LIMITS.messageBlocks, (hidden) => context(`${hidden} more lines: see \`/queue\`.`)) as KnownBlock[] };
}

/** The digest's lines, written once for every chat (the markup is the chat's). */
import { formatDuration, formatInstant } from '../../domain/time.js';
import type { Digest, DigestFigures, DigestNetworkTotal, DigestPost } from '../../workflows/digest/build-digest.js';
import type { Markup } from './markup.js';

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const n = (value: number | null) => (value === null ? 'n/a' : compact.format(value));
const signed = (value: number | null) =>
  value === null ? '' : value === 0 ? ' (±0)' : ` (${value > 0 ? '+' : '−'}${compact.format(Math.abs(value))})`;

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

export const digestPeriod = (digest: Digest) => (digest.kind === 'daily' ? 'yesterday' : 'in the last 24 hours');

export function digestSubtitle(m: Markup, digest: Digest): string {
  return `${digest.posts.length} post${digest.posts.length === 1 ? '' : 's'} published ${digestPeriod(digest)} · times in ${m.text(digest.zone)}`;
}

export function totalLine(m: Markup, t: DigestNetworkTotal): string {
  const c = t.current;
  const p = t.previous;
  return `${m.bold(t.label)} (${t.posts} post${t.posts === 1 ? '' : 's'}): ❤️ ${n(c.likes)}${percent(c.likes, p.likes)} · 💬 ${n(c.comments)}${percent(c.comments, p.comments)} · 🔁 ${n(c.shares)}${percent(c.shares, p.shares)} · 👁 ${n(c.impressions)}${percent(c.impressions, p.impressions)}`;
}

export function postLine(m: Markup, p: DigestPost): string {
  const title = `“${m.text(p.excerpt)}”`;
  return `${m.bold(p.label)} ${p.url ? m.link(p.url, title) : title}\n${figuresLine(p.figures, p.change)}`;
}

export function waitingLine(m: Markup, w: Digest['waiting'][number], zone: string): string {
  const due = w.publishAt ? `, due ${formatInstant(w.publishAt, zone)}` : '';
  return `${m.bold(`#${w.postId}`)} “${m.text(w.excerpt)}” by ${m.person(w.author)} · waiting ${formatDuration(w.waitingMs)}${due}`;
}

export function todayLine(m: Markup, t: Digest['today'][number], zone: string): string {
  return `${formatInstant(t.dueAt, zone).split(', ')[1]} · ${m.bold(t.label)} · #${t.postId} “${m.text(t.excerpt)}”`;
}

/** The notification text that comes with the digest. */
export function digestSummary(digest: Digest): string {
  return `${digest.title}: ${digest.posts.length} published, ${digest.waitingTotal} waiting for approval, ${digest.today.length} scheduled today`;
}

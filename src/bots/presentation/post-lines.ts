/**
 * The lines that describe a post wherever it is shown (the approval card, the queue, App
 * Home), written once for every chat.
 */
import { formatInstant } from '../../domain/time.js';
import type { PostView, PublicationView } from '../../workflows/post-view.js';
import { listOf, truncate, type Markup } from './markup.js';

const STATUS_ICON: Record<PostView['status'], string> = {
  draft: '📝',
  pending: '⏳',
  changes_requested: '✋',
  approved: '✅',
  rejected: '⛔',
  cancelled: '🚫',
  expired: '⌛',
  published: '🚀',
};

/** A comment as it follows a decision: `: “…”`, or nothing. */
export function quote(m: Markup, comment: string | null): string {
  return comment ? `: “${m.text(truncate(comment, 500))}”` : '';
}

/** When the post goes out: in the zone it was entered in, and UTC. */
export function publishTimeLine(m: Markup, view: Pick<PostView, 'publishAt' | 'publishZone' | 'author'>): string {
  if (!view.publishAt) return '🗓 Publishes as soon as it is approved';
  const local = formatInstant(view.publishAt, view.publishZone);
  const utc = formatInstant(view.publishAt, 'UTC');
  // After an approver reschedules, the time was entered in their zone, not the author's.
  const whose = view.publishZone === view.author.timezone ? 'the author’s zone' : 'as scheduled';
  return view.publishZone === 'UTC'
    ? `🗓 Publishes ${m.bold(local)}`
    : `🗓 Publishes ${m.bold(local)} (${m.text(view.publishZone)}, ${whose}) · ${utc}`;
}

/** `publishTimeLine` as the end of a sentence ("Publishes …" without the icon). */
export function publishTimeClause(m: Markup, view: Pick<PostView, 'publishAt' | 'publishZone' | 'author'>): string {
  return publishTimeLine(m, view).replace('🗓 ', '');
}

/** The one line that says where the post stands, with who decided. */
export function statusLine(m: Markup, view: PostView): string {
  const icon = STATUS_ICON[view.status];
  const approvers = listOf(view.approvals.map((d) => m.person(d.approver)));
  switch (view.status) {
    case 'pending':
      if (!view.approvals.length) {
        return `${icon} ${m.bold('Waiting for approval')}${view.requiredApprovals > 1 ? ` (${view.requiredApprovals} approvals needed)` : ''}`;
      }
      return `${icon} ${m.bold(`Approved by ${approvers}`)}: needs ${view.remainingApprovals} more approval${view.remainingApprovals === 1 ? '' : 's'}`;
    case 'approved':
      return `${icon} ${m.bold('Approved')} by ${approvers}`;
    case 'changes_requested':
      return view.verdict
        ? `${icon} ${m.bold('Changes requested')} by ${m.person(view.verdict.approver)}${quote(m, view.verdict.comment)}`
        : `${icon} ${m.bold('Changes requested')}`;
    case 'rejected':
      return view.verdict
        ? `${icon} ${m.bold('Rejected')} by ${m.person(view.verdict.approver)}${quote(m, view.verdict.comment)}`
        : `${icon} ${m.bold('Rejected')}`;
    case 'cancelled':
      return `${icon} ${m.bold('Cancelled')}`;
    case 'expired':
      return `${icon} ${m.bold('Expired')}: its publish time passed before it was approved`;
    case 'published':
      return `${icon} ${m.bold('Published')}`;
    case 'draft':
      return `${icon} ${m.bold('Draft')}`;
  }
}

/** Where one network's publication stands. */
export function publicationLine(m: Markup, p: PublicationView, zone: string): string {
  const label = m.bold(p.label);
  switch (p.status) {
    case 'published':
      return p.url ? `✓ ${label} ${m.link(p.url, 'view post')}` : `✓ ${label} published`;
    case 'scheduled':
      return `🕒 ${label} ${formatInstant(p.dueAt, zone)}`;
    case 'publishing':
      return `… ${label} publishing`;
    case 'held':
      return `⏳ ${label} uploaded, private until ${formatInstant(p.dueAt, zone)}; ${p.label} publishes it then${p.url ? ` (${m.link(p.url, 'open')})` : ''}`;
    case 'failed':
      return `✗ ${label} ${m.text(truncate(p.error ?? 'failed', 300))}`;
    case 'needs_attention':
      return `⚠️ ${label} outcome unknown: check the account before retrying`;
    case 'missed':
      return `⏸ ${label} missed while Greenlight was down: waiting for a decision`;
    case 'cancelled':
      return `${label} cancelled`;
  }
}

/** Each chosen network's count against its limit: `✓ X 120/280   ✗ Bluesky 320/300`. */
export function usageLine(view: PostView): string {
  return view.networks
    .map((n) => `${n.ok ? '✓' : '✗'} ${n.label} ${n.used.toLocaleString('en-US')}/${n.limit.toLocaleString('en-US')}`)
    .join('   ');
}

/** The notification text (shown in notifications and where a card cannot be). */
export function cardSummary(view: PostView): string {
  return `Post #${view.id} by ${view.author.displayName}: ${view.statusLabel}`;
}

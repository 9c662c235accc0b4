import type { KnownBlock } from '@slack/types';
import { formatInstant } from '../../../domain/time.js';
import type { PostView, PublicationView } from '../../../workflows/post-view.js';
import { ACTION, BLOCK, encodeRef } from '../ids.js';
import { actions, button, context, escapeMrkdwn, header, section, truncate } from './block-kit.js';
import { listOf, who } from './people.js';

/** Card text is cut here (leaving room for escaping); the full text is one click away. */
export const CARD_TEXT_CHARS = 2400;

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

export function quote(comment: string | null): string {
  return comment ? `: “${escapeMrkdwn(truncate(comment, 500))}”` : '';
}

export function publishTimeLine(view: Pick<PostView, 'publishAt' | 'publishZone' | 'author'>): string {
  if (!view.publishAt) return '🗓 Publishes as soon as it is approved';
  const local = formatInstant(view.publishAt, view.publishZone);
  const utc = formatInstant(view.publishAt, 'UTC');
  // After an approver reschedules, the time was entered in their zone, not the author's.
  const whose = view.publishZone === view.author.timezone ? 'the author’s zone' : 'as scheduled';
  return view.publishZone === 'UTC' ? `🗓 Publishes *${local}*` : `🗓 Publishes *${local}* (${escapeMrkdwn(view.publishZone)}, ${whose}) · ${utc}`;
}

/** The one line that says where the post stands, with who decided. */
export function statusLine(view: PostView): string {
  const icon = STATUS_ICON[view.status];
  const approvers = listOf(view.approvals.map((d) => who(d.approver)));
  switch (view.status) {
    case 'pending':
      if (!view.approvals.length) {
        return `${icon} *Waiting for approval*${view.requiredApprovals > 1 ? ` (${view.requiredApprovals} approvals needed)` : ''}`;
      }
      return `${icon} *Approved by ${approvers}*: needs ${view.remainingApprovals} more approval${view.remainingApprovals === 1 ? '' : 's'}`;
    case 'approved':
      return `${icon} *Approved* by ${approvers}`;
    case 'changes_requested':
      return view.verdict ? `${icon} *Changes requested* by ${who(view.verdict.approver)}${quote(view.verdict.comment)}` : `${icon} *Changes requested*`;
    case 'rejected':
      return view.verdict ? `${icon} *Rejected* by ${who(view.verdict.approver)}${quote(view.verdict.comment)}` : `${icon} *Rejected*`;
    case 'cancelled':
      return `${icon} *Cancelled*`;
    case 'expired':
      return `${icon} *Expired*: its publish time passed before it was approved`;
    case 'published':
      return `${icon} *Published*`;
    case 'draft':
      return `${icon} *Draft*`;
  }
}

function publicationLine(p: PublicationView, zone: string): string {
  switch (p.status) {
    case 'published':
      return p.url ? `✓ *${p.label}* <${p.url}|view post>` : `✓ *${p.label}* published`;
    case 'scheduled':
      return `🕒 *${p.label}* ${formatInstant(p.dueAt, zone)}`;
    case 'publishing':
      return `… *${p.label}* publishing`;
    case 'failed':
      return `✗ *${p.label}* ${escapeMrkdwn(truncate(p.error ?? 'failed', 300))}`;
    case 'needs_attention':
      return `⚠️ *${p.label}* outcome unknown: check the account before retrying`;
    case 'missed':
      return `⏸ *${p.label}* missed while Greenlight was down: waiting for a decision`;
    case 'cancelled':
      return `*${p.label}* cancelled`;
  }
}

/** The notification text (shown in notifications and where blocks cannot be). */
export function cardFallbackText(view: PostView): string {
  return `Post #${view.id} by ${view.author.displayName}: ${view.statusLabel}`;
}

/**
 * The approval card in the approvals channel. Pure: the same post gives the same card,
 * and it is rebuilt from the post's current state on every change (chat.update).
 */
export function buildApprovalCard(view: PostView, options: { includeImage?: boolean } = {}): KnownBlock[] {
  const truncated = Array.from(view.text).length > CARD_TEXT_CHARS;
  const meta = [
    `by ${who(view.author)}`,
    `revision ${view.revisionNumber}`,
    `submitted ${formatInstant(view.submittedAt, view.author.timezone ?? view.publishZone)}`,
    ...(view.aiAssisted ? ['✨ AI-assisted text'] : []),
  ];
  const usage = view.networks
    .map((n) => `${n.ok ? '✓' : '✗'} ${n.label} ${n.used.toLocaleString('en-US')}/${n.limit.toLocaleString('en-US')}`)
    .join('   ');

  const blocks: KnownBlock[] = [
    header(`Post #${view.id} · ${view.statusLabel}`),
    context(meta.join(' · ')),
    section(escapeMrkdwn(truncate(view.text, CARD_TEXT_CHARS)) || ' '),
    context(usage || 'No networks'),
  ];
  if (view.mediaUrl) {
    blocks.push(
      options.includeImage === false
        ? context(`🖼 Image: <${view.mediaUrl}|${escapeMrkdwn(truncate(view.mediaUrl, 80))}>`)
        : { type: 'image', image_url: view.mediaUrl, alt_text: `Image for post #${view.id}` },
    );
  }
  blocks.push(section(publishTimeLine(view)));
  blocks.push(section(statusLine(view)));
  if (view.publications.length) {
    blocks.push(context(...view.publications.map((p) => publicationLine(p, view.publishZone))));
  }

  const ref = encodeRef({ postId: view.id, revisionId: view.revisionId });
  const buttons = [];
  if (view.decidable) {
    buttons.push(
      button({ text: 'Approve', actionId: ACTION.approve, value: ref, style: 'primary' }),
      button({ text: 'Request changes', actionId: ACTION.requestChanges, value: ref }),
      button({
        text: 'Reject',
        actionId: ACTION.reject,
        value: ref,
        style: 'danger',
        confirm: {
          title: `Reject post #${view.id}?`,
          text: 'The author will be told. A rejected post cannot be resubmitted.',
          confirm: 'Reject',
          deny: 'Keep it',
          style: 'danger',
        },
      }),
    );
  }
  if (truncated) buttons.push(button({ text: 'Show full text', actionId: ACTION.fullText, value: ref }));
  if (buttons.length) blocks.push(actions(BLOCK.cardActions, buttons));
  return blocks;
}

/**
 * What each event adds to a post's thread and tells its author, written once for every chat
 * (the markup is the chat's). Lines describe the post as the event saw it.
 */
import { NETWORK_LABELS } from '../../domain/network.js';
import type { Decision, Person } from '../../domain/post.js';
import type { Publication } from '../../domain/publication.js';
import { formatDuration, formatInstant } from '../../domain/time.js';
import { formatMegabytes } from '../../domain/megabytes.js';
import type { DecisionOutcome } from '../../workflows/approval-policy.js';
import type { DomainEvent, PublishProgress } from '../../workflows/events.js';
import type { PostView } from '../../workflows/post-view.js';
import type { Line, LineAction } from './line.js';
import type { Markup } from './markup.js';
import { publishTimeClause, quote } from './post-lines.js';

/** Ends `text` with a full stop unless it already ends in punctuation (networks' messages often do). */
const sentence = (text: string) => (/[.!?…]["”')]*$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);
const cardLink = (m: Markup, permalink: string | undefined, label = 'the card') => (permalink ? m.link(permalink, label) : label);

/** What one event adds to the card's thread and tells the author. */
export interface EventLines {
  thread?: Line;
  author?: Line;
}

export type LaterEvent = Exclude<DomainEvent, { type: 'post.submitted' }>;

export interface LineContext {
  m: Markup;
  describe: (post: DomainEvent['post']) => PostView;
  now: Date;
  /** Where the card is, for links in notes (absent when it cannot be linked). */
  permalink: string | undefined;
  /** Who a reminder calls on: the approvers, marked up for the chat. */
  approverMentions: string;
}

export function eventLines(event: LaterEvent, c: LineContext): EventLines {
  const { m } = c;
  switch (event.type) {
    case 'post.decided': {
      const view = c.describe(event.post);
      return {
        thread: decisionThreadLine(m, event.decision, event.outcome, view),
        author: decisionNotice(m, view, event.decision, event.outcome, c.permalink),
      };
    }
    case 'post.revised':
      return {
        thread: {
          text: `✏️ Revised by ${m.person(event.actor)} (now revision ${c.describe(event.post).revisionNumber}); earlier approvals no longer count.`,
        },
      };
    case 'post.cancelled':
      return { thread: { text: `🚫 Cancelled by ${m.person(event.actor)}.` } };
    case 'post.expired': {
      const view = c.describe(event.post);
      return {
        thread: expiredLine(m, view),
        author: {
          text: `⌛ Post #${view.id} was not approved before its publish time, so it was not published. An approver can still publish it now or reschedule it.`,
        },
      };
    }
    case 'post.reminder': {
      const view = c.describe(event.post);
      const left = view.publishAt ? formatDuration(view.publishAt.getTime() - c.now.getTime()) : '';
      return {
        thread: { text: `⏰ ${c.approverMentions} post #${view.id} publishes in ${left} and still needs approval.`.replace(/\s+/g, ' ') },
      };
    }
    case 'post.rescheduled':
      return { thread: rescheduledLine(m, c.describe(event.post), event.actor, event.action) };
    case 'publication.published':
      return { thread: publishedLine(m, event.publication), author: publishedNotice(m, c.describe(event.post), event.publication) };
    case 'publication.progress':
      return { thread: progressLine(event.publication, event.progress) };
    case 'publication.held':
      return { thread: heldLine(m, c.describe(event.post), event.publication) };
    case 'publication.failed': {
      const view = c.describe(event.post);
      return {
        thread: failedLine(m, view, event.publication, event.willRetry),
        author: event.willRetry ? undefined : failedNotice(m, view, event.publication),
      };
    }
    case 'publication.needs_attention': {
      const view = c.describe(event.post);
      return { thread: needsAttentionLine(m, view, event.publication), author: needsAttentionNotice(view, event.publication) };
    }
    case 'publication.missed':
      return { thread: missedLine(m, c.describe(event.post), event.publication) };
    case 'publication.resolved':
      return { thread: resolvedLine(m, event.publication, event.actor, event.action) };
  }
}

/** To the author, right after submitting: what happens next and where. */
export function submittedReceipt(m: Markup, view: PostView, permalink: string | undefined): Line {
  const approvals = view.requiredApprovals > 1 ? `${view.requiredApprovals} approvers` : 'an approver';
  return {
    text:
      `📨 Post #${view.id} is waiting for approval: ${cardLink(m, permalink, 'see the card')}. ` +
      `You will hear here when ${approvals} decide${view.requiredApprovals > 1 ? '' : 's'}. ${publishTimeClause(m, view)}.`,
  };
}

/** To the author when the approvals channel refused the card: the post is safe, here is why. */
export function cardNotShownNotice(m: Markup, postId: number, reason: string, fix: string): Line {
  return {
    text: m.text(`Post #${postId} is saved and waiting for approval, but I could not show it in the approvals channel (${reason}). ${fix}`),
  };
}

/** To the author, after each decision; "changes requested" comes with an Edit button. */
export function decisionNotice(
  m: Markup,
  view: PostView,
  decision: Decision,
  outcome: DecisionOutcome,
  permalink: string | undefined,
): Line {
  const by = m.person(decision.approver);
  const post = `post #${view.id}`;
  switch (outcome) {
    case 'approved':
      return { text: `✅ ${by} approved ${post} (${cardLink(m, permalink)}). ${publishTimeClause(m, view)}.` };
    case 'approval_recorded':
      return {
        text: `👍 ${by} approved ${post} (${cardLink(m, permalink)}). It needs ${view.remainingApprovals} more approval${view.remainingApprovals === 1 ? '' : 's'}.`,
      };
    case 'rejected':
      return { text: `⛔ ${by} rejected ${post}${quote(m, decision.comment)}` };
    case 'changes_requested':
      return {
        text: `✋ ${by} asked for changes to ${post}${quote(m, decision.comment)}`,
        actions: [{ kind: 'edit_draft', label: 'Edit draft', style: 'primary', postId: view.id, revisionId: view.revisionId }],
      };
  }
}

/** One line of history in the card's thread. */
export function decisionThreadLine(m: Markup, decision: Decision, outcome: DecisionOutcome, view: PostView): Line {
  const by = m.person(decision.approver);
  const rev = `revision ${view.revisionNumber}`;
  switch (outcome) {
    case 'approved':
      return { text: `✅ ${by} approved ${rev}${quote(m, decision.comment)}. ${publishTimeClause(m, view)}.` };
    case 'approval_recorded':
      return { text: `👍 ${by} approved ${rev}; ${view.remainingApprovals} more needed.` };
    case 'rejected':
      return { text: `⛔ ${by} rejected ${rev}${quote(m, decision.comment)}` };
    case 'changes_requested':
      return { text: `✋ ${by} asked for changes to ${rev}${quote(m, decision.comment)}` };
  }
}

// Publishing ---------------------------------------------------------------------------------

const retry = (view: PostView, publication: Publication, extra: Partial<LineAction> = {}): LineAction => ({
  kind: 'retry',
  label: 'Retry',
  style: 'primary',
  postId: view.id,
  publicationId: publication.id,
  ...extra,
});

function rescheduleActions(view: PostView, first: LineAction): LineAction[] {
  return [first, { kind: 'reschedule', label: 'Reschedule', postId: view.id, revisionId: view.revisionId }];
}

export function publishedLine(m: Markup, publication: Publication): Line {
  const where = NETWORK_LABELS[publication.network];
  return { text: publication.url ? `✓ Published on ${where}: ${m.link(publication.url, 'view post')}` : `✓ Published on ${where}.` };
}

/** "⬆️ Uploading the video to YouTube: 45% (9 of 20.1 MB sent)", then processing, then processed. */
export function progressLine(publication: Publication, progress: PublishProgress): Line {
  const where = NETWORK_LABELS[publication.network];
  switch (progress.stage) {
    case 'uploading': {
      const percent = progress.totalBytes ? Math.floor((progress.bytesSent / progress.totalBytes) * 100) : 0;
      return {
        text: `⬆️ Uploading the video to ${where}: ${percent}% (${formatMegabytes(progress.bytesSent, 'down')} of ${formatMegabytes(progress.totalBytes, 'up')} sent).`,
      };
    }
    case 'processing':
      return { text: `⚙️ The video is on ${where}, which is processing it.` };
    case 'processed':
      return { text: `🎬 ${where} has finished processing the video.` };
  }
}

/** Uploaded ahead of its time: private on the network, which publishes it at the approved time even if Greenlight is down. */
export function heldLine(m: Markup, view: PostView, publication: Publication): Line {
  const where = NETWORK_LABELS[publication.network];
  const link = publication.url ? ` (${m.link(publication.url, 'open')})` : '';
  return {
    text: `⏳ Uploaded to ${where}${link}: private until ${formatInstant(publication.dueAt, view.publishZone)}, when ${where} publishes it by itself. Cancelling the post before then keeps it private.`,
  };
}

export function publishedNotice(m: Markup, view: PostView, publication: Publication): Line {
  const where = NETWORK_LABELS[publication.network];
  return { text: `🚀 Post #${view.id} is live on ${where}${publication.url ? `: ${m.link(publication.url, 'view post')}` : '.'}` };
}

/** A failed attempt: with a retry coming, a note; when it has failed for good, a Retry button for approvers. */
export function failedLine(m: Markup, view: PostView, publication: Publication, willRetry: boolean): Line {
  const where = NETWORK_LABELS[publication.network];
  const reason = m.text(publication.lastError ?? 'unknown error');
  if (willRetry) {
    const at = publication.nextAttemptAt ? ` Trying again at ${formatInstant(publication.nextAttemptAt, view.publishZone)}.` : '';
    return { text: `⚠️ ${where} did not take post #${view.id} yet: ${sentence(reason)}${at}` };
  }
  return { text: `✗ ${where} failed for post #${view.id}: ${reason}`, actions: [retry(view, publication)] };
}

export function failedNotice(m: Markup, view: PostView, publication: Publication): Line {
  return {
    text: `✗ Post #${view.id} could not be published on ${NETWORK_LABELS[publication.network]}: ${sentence(m.text(publication.lastError ?? 'unknown error'))} Approvers can retry it from the card’s thread.`,
  };
}

/** The author of a post whose outcome is unknown: it may be live; nobody resends it blindly. */
export function needsAttentionNotice(view: PostView, publication: Publication): Line {
  return {
    text: `⚠️ Post #${view.id} may already be live on ${NETWORK_LABELS[publication.network]}: the network did not confirm it. An approver will check the account before anything is sent again.`,
  };
}

/** The outcome is unknown: a person checks the account, then says what happened. */
export function needsAttentionLine(m: Markup, view: PostView, publication: Publication): Line {
  const where = NETWORK_LABELS[publication.network];
  const text =
    `⚠️ ${where}: the outcome for post #${view.id} is unknown, so it is not retried by itself. Check the account before retrying. ${publication.lastError ? sentence(m.text(publication.lastError)) : ''}`.trim();
  return {
    text,
    actions: [
      {
        kind: 'mark_published',
        label: 'Mark as published',
        postId: view.id,
        publicationId: publication.id,
        confirm: {
          title: 'Mark as published?',
          text: `Only if the post is on ${where}: it will not be sent again.`,
          confirm: 'It is published',
          deny: 'Back',
        },
      },
      retry(view, publication, {
        style: undefined,
        confirm: {
          title: 'Send it again?',
          text: `Only if the post is NOT on ${where}: otherwise it will appear twice.`,
          confirm: 'Send again',
          deny: 'Back',
          danger: true,
        },
      }),
    ],
  };
}

export function missedLine(_m: Markup, view: PostView, publication: Publication): Line {
  const where = NETWORK_LABELS[publication.network];
  return {
    text: `⏸ ${where}: post #${view.id} was due at ${formatInstant(publication.dueAt, view.publishZone)} while Greenlight was not running, so it was not published late. Approvers decide:`,
    actions: rescheduleActions(view, {
      kind: 'publish_now',
      label: 'Publish now',
      style: 'primary',
      postId: view.id,
      revisionId: view.revisionId,
    }),
  };
}

export function expiredLine(_m: Markup, view: PostView): Line {
  const due = view.publishAt ? formatInstant(view.publishAt, view.publishZone) : 'its publish time';
  return {
    text: `⌛ Post #${view.id} was due at ${due} but was not approved in time, so it was not published. Approvers decide:`,
    actions: rescheduleActions(view, {
      kind: 'approve_now',
      label: 'Approve and publish now',
      style: 'primary',
      postId: view.id,
      revisionId: view.revisionId,
    }),
  };
}

export function rescheduledLine(m: Markup, view: PostView, actor: Person, action: 'reschedule' | 'publish_now'): Line {
  if (action === 'publish_now') return { text: `▶️ ${m.person(actor)} chose to publish it now.` };
  return {
    text: `🗓 ${m.person(actor)} ${view.status === 'pending' ? 'put it back for approval. ' : 'rescheduled it. '}${publishTimeClause(m, view)}.`,
  };
}

export function resolvedLine(m: Markup, publication: Publication, actor: Person, action: 'retry' | 'mark_published'): Line {
  const where = NETWORK_LABELS[publication.network];
  return { text: action === 'retry' ? `🔁 ${m.person(actor)} retried ${where}.` : `✓ ${m.person(actor)} marked ${where} as published.` };
}

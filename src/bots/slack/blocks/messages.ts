/**
 * The short messages around a card: what the author is told privately, and the history
 * line posted in the card's thread. Each returns `{ text, blocks }` for chat.postMessage.
 */
import type { Button, KnownBlock } from '@slack/types';
import { NETWORK_LABELS } from '../../../domain/network.js';
import type { Decision, Person } from '../../../domain/post.js';
import type { Publication } from '../../../domain/publication.js';
import { formatDuration, formatInstant } from '../../../domain/time.js';
import type { DecisionOutcome } from '../../../workflows/approval-policy.js';
import type { PostView } from '../../../workflows/post-view.js';
import { ACTION, encodeRef } from '../ids.js';
import { quote, publishTimeLine } from './approval-card.js';
import { actions, button, escapeMrkdwn, section } from './block-kit.js';
import { who } from './people.js';

export interface Message {
  text: string;
  blocks: KnownBlock[];
}

const simple = (text: string): Message => ({ text, blocks: [section(text)] });

/** Slack renders at most 50 blocks in a message. */
const MAX_BLOCKS = 50;

/**
 * Several messages as few as possible: each result holds as many of them, in order and with
 * a divider between, as fit in one Slack message.
 */
export function joinMessages(messages: readonly Message[]): Message[] {
  return joinStamped(messages.map((message) => ({ message, ids: [] }))).map((j) => j.message);
}

/** Messages with the outbox rows they report; joined, each keeps the ids of all it holds. */
export interface Stamped {
  message: Message;
  ids: number[];
}

export function joinStamped(entries: readonly Stamped[]): Stamped[] {
  const joined: Stamped[] = [];
  for (const { message, ids } of entries) {
    const last = joined.at(-1);
    if (last && last.message.blocks.length + 1 + message.blocks.length <= MAX_BLOCKS) {
      last.message.text += `\n${message.text}`;
      last.message.blocks.push({ type: 'divider' }, ...message.blocks);
      last.ids.push(...ids);
    } else {
      joined.push({ message: { text: message.text, blocks: [...message.blocks] }, ids: [...ids] });
    }
  }
  return joined;
}
/** Ends `text` with a full stop unless it already ends in punctuation (networks' messages often do). */
const sentence = (text: string) => (/[.!?…]["”')]*$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);
const cardLink = (permalink: string | undefined, label = 'the card') => (permalink ? `<${permalink}|${label}>` : label);

/** To the author, right after submitting: what happens next and where. */
export function submittedReceipt(view: PostView, permalink: string | undefined): Message {
  const approvals = view.requiredApprovals > 1 ? `${view.requiredApprovals} approvers` : 'an approver';
  return simple(
    `📨 Post #${view.id} is waiting for approval: ${cardLink(permalink, 'see the card')}. ` +
      `You will hear here when ${approvals} decide${view.requiredApprovals > 1 ? '' : 's'}. ${publishTimeLine(view).replace('🗓 ', '')}.`,
  );
}

/** To the author, after each decision; "changes requested" comes with an Edit button. */
export function decisionNotice(view: PostView, decision: Decision, outcome: DecisionOutcome, permalink: string | undefined): Message {
  const by = who(decision.approver);
  const post = `post #${view.id}`;
  switch (outcome) {
    case 'approved':
      return simple(`✅ ${by} approved ${post} (${cardLink(permalink)}). ${publishTimeLine(view).replace('🗓 ', '')}.`);
    case 'approval_recorded':
      return simple(
        `👍 ${by} approved ${post} (${cardLink(permalink)}). It needs ${view.remainingApprovals} more approval${view.remainingApprovals === 1 ? '' : 's'}.`,
      );
    case 'rejected':
      return simple(`⛔ ${by} rejected ${post}${quote(decision.comment)}`);
    case 'changes_requested': {
      const text = `✋ ${by} asked for changes to ${post}${quote(decision.comment)}`;
      return {
        text,
        blocks: [
          section(text),
          actions(undefined, [
            button({ text: 'Edit draft', actionId: ACTION.editDraft, value: encodeRef({ postId: view.id, revisionId: view.revisionId }), style: 'primary' }),
          ]),
        ],
      };
    }
  }
}

/** One line of history in the card's thread. */
export function decisionThreadLine(decision: Decision, outcome: DecisionOutcome, view: PostView): Message {
  const by = who(decision.approver);
  const rev = `revision ${view.revisionNumber}`;
  switch (outcome) {
    case 'approved':
      return simple(`✅ ${by} approved ${rev}${quote(decision.comment)}. ${publishTimeLine(view).replace('🗓 ', '')}.`);
    case 'approval_recorded':
      return simple(`👍 ${by} approved ${rev}; ${view.remainingApprovals} more needed.`);
    case 'rejected':
      return simple(`⛔ ${by} rejected ${rev}${quote(decision.comment)}`);
    case 'changes_requested':
      return simple(`✋ ${by} asked for changes to ${rev}${quote(decision.comment)}`);
  }
}

export function revisedThreadLine(view: PostView, author: Person): Message {
  return simple(`✏️ Revised by ${who(author)} (now revision ${view.revisionNumber}); earlier approvals no longer count.`);
}

export function cancelledThreadLine(actor: Person): Message {
  return simple(`🚫 Cancelled by ${who(actor)}.`);
}

/** A refusal or problem, shown privately to the person who clicked. */
export function privateNotice(text: string): Message {
  return simple(escapeMrkdwn(text));
}

// Publishing ---------------------------------------------------------------------------------

const publicationRef = (postId: number, publicationId: number) => `${postId}:${publicationId}`;

function retryButton(view: PostView, publication: Publication): Button {
  return button({ text: 'Retry', actionId: ACTION.retry, value: publicationRef(view.id, publication.id), style: 'primary' });
}

function rescheduleButtons(view: PostView, first: Button): KnownBlock {
  const ref = encodeRef({ postId: view.id, revisionId: view.revisionId });
  return actions(undefined, [first, button({ text: 'Reschedule', actionId: ACTION.reschedule, value: ref })]);
}

export function publishedLine(publication: Publication): Message {
  const where = NETWORK_LABELS[publication.network];
  return simple(publication.url ? `✓ Published on ${where}: <${publication.url}|view post>` : `✓ Published on ${where}.`);
}

export function publishedNotice(view: PostView, publication: Publication): Message {
  const where = NETWORK_LABELS[publication.network];
  return simple(`🚀 Post #${view.id} is live on ${where}${publication.url ? `: <${publication.url}|view post>` : '.'}`);
}

/** A failed attempt: with a retry coming, a note; when it has failed for good, a Retry button for approvers. */
export function failedLine(view: PostView, publication: Publication, willRetry: boolean): Message {
  const where = NETWORK_LABELS[publication.network];
  const reason = escapeMrkdwn(publication.lastError ?? 'unknown error');
  if (willRetry) {
    const at = publication.nextAttemptAt ? ` Trying again at ${formatInstant(publication.nextAttemptAt, view.publishZone)}.` : '';
    return simple(`⚠️ ${where} did not take post #${view.id} yet: ${sentence(reason)}${at}`);
  }
  const text = `✗ ${where} failed for post #${view.id}: ${reason}`;
  return { text, blocks: [section(text), actions(undefined, [retryButton(view, publication)])] };
}

export function failedNotice(view: PostView, publication: Publication): Message {
  return simple(
    `✗ Post #${view.id} could not be published on ${NETWORK_LABELS[publication.network]}: ${sentence(escapeMrkdwn(publication.lastError ?? 'unknown error'))} Approvers can retry it from the card’s thread.`,
  );
}

/** The author of a post whose outcome is unknown: it may be live; nobody resends it blindly. */
export function needsAttentionNotice(view: PostView, publication: Publication): Message {
  return simple(
    `⚠️ Post #${view.id} may already be live on ${NETWORK_LABELS[publication.network]}: the network did not confirm it. An approver will check the account before anything is sent again.`,
  );
}

/** The outcome is unknown: a person checks the account, then says what happened. */
export function needsAttentionLine(view: PostView, publication: Publication): Message {
  const where = NETWORK_LABELS[publication.network];
  const text = `⚠️ ${where}: the outcome for post #${view.id} is unknown, so it is not retried by itself. Check the account before retrying. ${publication.lastError ? sentence(escapeMrkdwn(publication.lastError)) : ''}`.trim();
  return {
    text,
    blocks: [
      section(text),
      actions(undefined, [
        button({
          text: 'Mark as published',
          actionId: ACTION.markPublished,
          value: publicationRef(view.id, publication.id),
          confirm: { title: 'Mark as published?', text: `Only if the post is on ${where}: it will not be sent again.`, confirm: 'It is published', deny: 'Back' },
        }),
        button({
          text: 'Retry',
          actionId: ACTION.retry,
          value: publicationRef(view.id, publication.id),
          confirm: { title: 'Send it again?', text: `Only if the post is NOT on ${where}: otherwise it will appear twice.`, confirm: 'Send again', deny: 'Back', style: 'danger' },
        }),
      ]),
    ],
  };
}

export function missedLine(view: PostView, publication: Publication): Message {
  const where = NETWORK_LABELS[publication.network];
  const text = `⏸ ${where}: post #${view.id} was due at ${formatInstant(publication.dueAt, view.publishZone)} while Greenlight was not running, so it was not published late. Approvers decide:`;
  const ref = encodeRef({ postId: view.id, revisionId: view.revisionId });
  return { text, blocks: [section(text), rescheduleButtons(view, button({ text: 'Publish now', actionId: ACTION.publishNow, value: ref, style: 'primary' }))] };
}

export function expiredLine(view: PostView): Message {
  const due = view.publishAt ? formatInstant(view.publishAt, view.publishZone) : 'its publish time';
  const text = `⌛ Post #${view.id} was due at ${due} but was not approved in time, so it was not published. Approvers decide:`;
  const ref = encodeRef({ postId: view.id, revisionId: view.revisionId });
  return { text, blocks: [section(text), rescheduleButtons(view, button({ text: 'Approve and publish now', actionId: ACTION.approveNow, value: ref, style: 'primary' }))] };
}

export function expiredNotice(view: PostView): Message {
  return simple(`⌛ Post #${view.id} was not approved before its publish time, so it was not published. An approver can still publish it now or reschedule it.`);
}

export function reminderLine(view: PostView, approverMentions: string, now: Date): Message {
  const left = view.publishAt ? formatDuration(view.publishAt.getTime() - now.getTime()) : '';
  return simple(`⏰ ${approverMentions} post #${view.id} publishes in ${left} and still needs approval.`.replace(/\s+/g, ' '));
}

export function rescheduledLine(view: PostView, actor: Person, action: 'reschedule' | 'publish_now'): Message {
  if (action === 'publish_now') return simple(`▶️ ${who(actor)} chose to publish it now.`);
  return simple(`🗓 ${who(actor)} ${view.status === 'pending' ? 'put it back for approval. ' : 'rescheduled it. '}${publishTimeLine(view).replace('🗓 ', '')}.`);
}

export function resolvedLine(publication: Publication, actor: Person, action: 'retry' | 'mark_published'): Message {
  const where = NETWORK_LABELS[publication.network];
  return simple(action === 'retry' ? `🔁 ${who(actor)} retried ${where}.` : `✓ ${who(actor)} marked ${where} as published.`);
}

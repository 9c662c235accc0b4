/**
 * The short messages around a card: what the author is told privately, and the history
 * line posted in the card's thread. Each returns `{ text, blocks }` for chat.postMessage.
 */
import type { KnownBlock } from '@slack/types';
import type { Decision, Person } from '../../../domain/post.js';
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

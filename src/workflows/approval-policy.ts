import { actorLabel } from '../domain/audit.js';
import type { ChatPlatform, DecisionKind, Person, PostAggregate } from '../domain/post.js';
import type { NetworkId } from '../domain/network.js';
import { formatInstant } from '../domain/time.js';
import type { NewAuditEntry, PostChange, Refusal } from '../../db/store.js';
import { STATUS_PHRASES } from './post-lifecycle.js';
import { visibleOrNull } from '../domain/visible-text.js';

export interface ApprovalPolicy {
  /** Distinct approvers needed on one revision (REQUIRED_APPROVALS). */
  requiredApprovals: number;
  /** May an approver approve a post they wrote (ALLOW_SELF_APPROVAL)? */
  allowSelfApproval: boolean;
}

export interface DecisionCommand {
  kind: DecisionKind;
  /** The revision the approver was looking at: decisions bind to it (rule 1 in docs/architecture.md). */
  revisionId: number;
  comment: string | null;
  actor: Person;
  actorIsApprover: boolean;
  platform: ChatPlatform;
  now: Date;
  /**
   * Networks that take this post as soon as it is approved and hold it until its time by
   * themselves (YouTube's publishAt): their publications are due at approval.
   */
  heldByNetwork?: readonly NetworkId[];
}

export type DecisionOutcome = 'approved' | 'approval_recorded' | 'changes_requested' | 'rejected';

export function approvalsOnCurrentRevision(post: PostAggregate) {
  return post.decisions.filter((d) => d.revisionId === post.revision.id && d.kind === 'approve');
}

export function remainingApprovals(post: PostAggregate, policy: ApprovalPolicy): number {
  return Math.max(0, policy.requiredApprovals - approvalsOnCurrentRevision(post).length);
}

const refuse = (code: string, refused: string): Refusal => ({ code, refused });

const VERB: Record<DecisionKind, string> = {
  approve: 'approved',
  reject: 'rejected',
  request_changes: 'asked for changes to',
};

/**
 * Decides whether `command` may be applied to `post` as it is right now, and if so what it
 * writes. Pure: the store calls it inside the write transaction, so its view of the post
 * is the committed truth even when two approvers click at the same moment.
 */
export function evaluateDecision(
  post: PostAggregate,
  command: DecisionCommand,
  policy: ApprovalPolicy,
): { change: PostChange; outcome: DecisionOutcome } | Refusal {
  const ref = `post #${post.post.id}`;
  const { actor } = command;

  if (!command.actorIsApprover) {
    return refuse(
      'not_approver',
      `Only approvers can approve, reject or ask for changes, so your click changed nothing. Ask an approver to review ${ref}.`,
    );
  }
  // Each post is reviewed in the chat it was drafted in (where its card and its approvers are).
  const origin = post.post.originPlatform;
  if ((origin === 'slack' || origin === 'teams') && command.platform !== origin) {
    return refuse(
      'other_chat',
      `${ref} is reviewed in ${origin === 'slack' ? 'Slack' : 'Microsoft Teams'}, where it was drafted: decide it there.`,
    );
  }
  if (post.post.status !== 'pending') {
    const last = post.decisions.at(-1);
    const by =
      last &&
      last.revisionId === post.revision.id &&
      (post.post.status === 'approved' || post.post.status === 'rejected' || post.post.status === 'changes_requested')
        ? ` (${VERB[last.kind]} by ${last.approver.displayName})`
        : '';
    return refuse('not_pending', `Nothing to decide: ${ref} is ${STATUS_PHRASES[post.post.status]}${by}.`);
  }
  if (command.revisionId !== post.revision.id) {
    return refuse(
      'outdated_revision',
      `You were looking at an older version of ${ref}. The author has changed it since (now revision ${post.revision.number}); review the latest version.`,
    );
  }
  if (actor.id === post.post.authorId && !(command.kind === 'approve' && policy.allowSelfApproval)) {
    return refuse(
      'own_post',
      command.kind === 'approve'
        ? `You wrote ${ref}, so another approver has to approve it.`
        : `You wrote ${ref}, so another approver has to review it. To withdraw it, cancel it instead.`,
    );
  }
  const mine = post.decisions.find((d) => d.revisionId === post.revision.id && d.approver.id === actor.id);
  if (mine) {
    const left = remainingApprovals(post, policy);
    const still = left > 0 ? ` It still needs ${left} more approval${left === 1 ? '' : 's'} from other approvers.` : '';
    return refuse('already_decided', `You already ${VERB[mine.kind]} this version of ${ref}.${still}`);
  }
  if (post.post.publishAt && post.post.publishAt.getTime() <= command.now.getTime()) {
    return refuse(
      'time_passed',
      `${ref} was due at ${formatInstant(post.post.publishAt, post.post.publishZone)}, before it was approved. It will not be published late without a fresh decision: reschedule it or approve it to publish now.`,
    );
  }
  const comment = visibleOrNull(command.comment);
  if (command.kind === 'request_changes' && !comment) {
    return refuse('comment_required', 'Say what should change: a comment is required when asking for changes.');
  }

  const decision = {
    revisionId: post.revision.id,
    approver: actor,
    kind: command.kind,
    comment,
    platform: command.platform,
  };
  // Built whole rather than spread from a shared base: this runs inside the write transaction.
  const audit = (action: string, details?: Record<string, unknown>): NewAuditEntry => ({
    platform: command.platform,
    actorId: actor.id,
    actorLabel: actorLabel(actor),
    action,
    details,
  });
  const decisionAudit = audit(`decision.${command.kind}`, {
    comment,
    revision: post.revision.number,
    contentHash: post.revision.contentHash,
  });

  if (command.kind === 'reject') {
    return {
      outcome: 'rejected',
      change: {
        at: command.now,
        status: 'rejected',
        decision,
        audit: [decisionAudit, audit('post.rejected')],
      },
    };
  }
  if (command.kind === 'request_changes') {
    return {
      outcome: 'changes_requested',
      change: {
        at: command.now,
        status: 'changes_requested',
        decision,
        audit: [decisionAudit, audit('post.changes_requested')],
      },
    };
  }

  const approvals = approvalsOnCurrentRevision(post).length + 1;
  if (approvals < policy.requiredApprovals) {
    return { outcome: 'approval_recorded', change: { at: command.now, decision, audit: [decisionAudit] } };
  }
  const dueAt = post.post.publishAt ?? command.now;
  return {
    outcome: 'approved',
    change: {
      at: command.now,
      status: 'approved',
      decision,
      createPublications: post.revision.networks.map((network) => ({
        network,
        revisionId: post.revision.id,
        // Due now: the network holds it until `dueAt`, which the held publication takes once uploaded.
        dueAt: post.post.publishAt && command.heldByNetwork?.includes(network) ? command.now : dueAt,
      })),
      audit: [
        decisionAudit,
        audit('post.approved', {
          approvals,
          networks: post.revision.networks,
          dueAt: dueAt.toISOString(),
          contentHash: post.revision.contentHash,
        }),
      ],
    },
  };
}

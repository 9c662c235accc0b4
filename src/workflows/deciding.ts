import type { Refusal } from '../../db/store.js';
import type { ChatPlatform, DecisionKind, Person, PostAggregate } from '../domain/post.js';
import type { NetworkId } from '../domain/network.js';
import { evaluateDecision, remainingApprovals, type ApprovalPolicy, type DecisionOutcome } from './approval-policy.js';
import type { WorkflowContext } from './context.js';
import type { DomainEvent } from './events.js';
import { changeAndAnnounce } from './news/announce.js';

export interface DecideRequest {
  postId: number;
  /** The revision shown on the card the approver clicked. */
  revisionId: number;
  kind: DecisionKind;
  comment?: string | null;
  platform?: ChatPlatform;
}

export type DecideResult =
  | { ok: true; post: PostAggregate; outcome: DecisionOutcome; remainingApprovals: number }
  | { ok: false; refusal: Refusal; post?: PostAggregate };

/**
 * Would `request` be accepted right now? Runs the same policy without writing, so a chat
 * can refuse a click at once instead of opening a comment dialog that cannot succeed.
 */
export async function checkDecision(ctx: WorkflowContext, actor: Person, request: DecideRequest): Promise<Refusal | null> {
  const post = await ctx.store.getPost(request.postId);
  if (!post) return { code: 'not_found', refused: `There is no post #${request.postId}.` };
  const evaluated = evaluateDecision(
    post,
    {
      kind: request.kind,
      revisionId: request.revisionId,
      // The comment is asked for next; only the rest of the policy is checked here.
      comment: request.kind === 'request_changes' ? (request.comment ?? 'pending comment') : (request.comment ?? null),
      actor,
      actorIsApprover: await ctx.approvers.isApprover(actor),
      platform: request.platform ?? actor.platform,
      now: ctx.clock.now(),
    },
    ctx.policy,
  );
  return 'refused' in evaluated ? evaluated : null;
}

/**
 * An approver approves, rejects or asks for changes. The policy runs inside the store's
 * write transaction; a refused decision changes nothing and says why.
 */
export async function decide(ctx: WorkflowContext, actor: Person, request: DecideRequest): Promise<DecideResult> {
  const actorIsApprover = await ctx.approvers.isApprover(actor);
  let outcome: DecisionOutcome | undefined;
  const now = ctx.clock.now();
  const result = await changeAndAnnounce(
    ctx,
    request.postId,
    (post) => {
      const evaluated = evaluateDecision(
        post,
        {
          kind: request.kind,
          revisionId: request.revisionId,
          comment: request.comment ?? null,
          actor,
          actorIsApprover,
          platform: request.platform ?? actor.platform,
          now,
          heldByNetwork: heldByNetwork(ctx, post),
        },
        ctx.policy,
      );
      if ('refused' in evaluated) return evaluated;
      outcome = evaluated.outcome;
      return evaluated.change;
    },
    (after) => decidedEvent(after, outcome!, ctx.policy),
  );
  if (!result.ok) return { ok: false, refusal: result.refusal, post: result.post };
  const remaining = outcome === 'approval_recorded' ? remainingApprovals(result.after, ctx.policy) : 0;
  return { ok: true, post: result.after, outcome: outcome!, remainingApprovals: remaining };
}

/** The event for a decision just recorded (the post's newest). */
export function decidedEvent(after: PostAggregate, outcome: DecisionOutcome, policy: ApprovalPolicy): DomainEvent {
  const remaining = outcome === 'approval_recorded' ? remainingApprovals(after, policy) : 0;
  return { type: 'post.decided', post: after, decision: after.decisions.at(-1)!, outcome, remainingApprovals: remaining };
}

/** The post's networks whose publisher takes it at approval and holds it until its time (YouTube's publishAt). */
function heldByNetwork(ctx: WorkflowContext, post: PostAggregate): NetworkId[] {
  return post.revision.networks.filter(
    (n) => ctx.catalog.has(n) && ctx.catalog.publisher(n).schedulesOnNetwork?.({ youtube: post.revision.youtube }) === true,
  );
}

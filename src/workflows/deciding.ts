import type { Refusal } from '../../db/store.js';
import type { ChatPlatform, DecisionKind, Person, PostAggregate } from '../domain/post.js';
import { evaluateDecision, remainingApprovals, type DecisionOutcome } from './approval-policy.js';
import type { WorkflowContext } from './context.js';

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
  const result = await ctx.store.updatePost(request.postId, (post) => {
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
      },
      ctx.policy,
    );
    if ('refused' in evaluated) return evaluated;
    outcome = evaluated.outcome;
    return evaluated.change;
  });
  if (!result.ok) return { ok: false, refusal: result.refusal, post: result.post };

  const decision = result.after.decisions.at(-1)!;
  const remaining = outcome === 'approval_recorded' ? remainingApprovals(result.after, ctx.policy) : 0;
  await ctx.events.notify({ type: 'post.decided', post: result.after, decision, outcome: outcome!, remainingApprovals: remaining });
  return { ok: true, post: result.after, outcome: outcome!, remainingApprovals: remaining };
}

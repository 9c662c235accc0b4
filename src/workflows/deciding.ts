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

import type { Person, PostAggregate } from '../domain/post.js';
import type { WorkflowContext } from './context.js';

export interface Queue {
  isApprover: boolean;
  /** The person's own posts that still need something, newest first. */
  mine: PostAggregate[];
  /** Waiting for a decision (approvers only), oldest first: the longest wait comes first. */
  pending: PostAggregate[];
  /** Approved and not yet out, soonest first (approvers see all, others their own). */
  scheduled: PostAggregate[];
}

const nextDue = (p: PostAggregate) =>
  Math.min(...p.publications.filter((x) => x.status === 'scheduled').map((x) => x.dueAt.getTime()), Infinity);

export async function queueFor(ctx: WorkflowContext, person: Person, limit = 20): Promise<Queue> {
  const isApprover = await ctx.approvers.isApprover(person);
  const mine = await ctx.store.listPosts({
    authorId: person.id,
    statuses: ['draft', 'pending', 'changes_requested', 'approved', 'expired'],
    limit,
  });
  const pending = isApprover
    ? await ctx.store.listPosts({ statuses: ['pending', 'expired'], oldestFirst: true, limit })
    : [];
  const approved = isApprover ? await ctx.store.listPosts({ statuses: ['approved'], limit: 500 }) : mine;
  const scheduled = approved
    .filter((p) => p.post.status === 'approved' && Number.isFinite(nextDue(p)))
    .sort((a, b) => nextDue(a) - nextDue(b))
    .slice(0, limit);
  return { isApprover, mine, pending, scheduled };
}

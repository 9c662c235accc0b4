import type { Person, PostAggregate, PostStatus } from '../domain/post.js';
import type { WorkflowContext } from './context.js';

export interface Queue {
  isApprover: boolean;
  /** The person's own posts that still need something, newest first. */
  mine: PostAggregate[];
  /** Waiting for a decision (approvers only), oldest first: the longest wait comes first. */
  pending: PostAggregate[];
  /** Approved and not yet out, soonest first (approvers see all, others their own). */
  scheduled: PostAggregate[];
  /** How many there are in all (the lists are cut at `limit`). */
  totals: { mine: number; pending: number; scheduled: number };
}

const nextDue = (p: PostAggregate) =>
  Math.min(...p.publications.filter((x) => x.status === 'scheduled').map((x) => x.dueAt.getTime()), Infinity);

export async function queueFor(ctx: WorkflowContext, person: Person, limit = 20): Promise<Queue> {
  const isApprover = await ctx.approvers.isApprover(person);
  const open = { authorId: person.id, statuses: ['draft', 'pending', 'changes_requested', 'approved', 'expired'] as PostStatus[] };
  const waiting = { statuses: ['pending', 'expired'] as PostStatus[] };
  const mine = await ctx.store.listPosts({ ...open, limit });
  const pending = isApprover ? await ctx.store.listPosts({ ...waiting, oldestFirst: true, limit }) : [];
  const approved = isApprover ? await ctx.store.listPosts({ statuses: ['approved'], limit: 500 }) : mine;
  const due = approved.filter((p) => p.post.status === 'approved' && Number.isFinite(nextDue(p))).sort((a, b) => nextDue(a) - nextDue(b));
  return {
    isApprover,
    mine,
    pending,
    scheduled: due.slice(0, limit),
    totals: {
      mine: await ctx.store.countPosts(open),
      pending: isApprover ? await ctx.store.countPosts(waiting) : 0,
      scheduled: due.length,
    },
  };
}

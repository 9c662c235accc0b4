import type { PostChange, Refusal } from '../../../db/store.js';
import type { PostAggregate } from '../../domain/post.js';
import type { WorkflowContext } from '../context.js';
import { changeAndAnnounce } from '../news/announce.js';

const SYSTEM = { platform: 'system' as const, actorId: null, actorLabel: 'Greenlight' };
const notYet = (why: string): Refusal => ({ code: 'not_due', refused: why });

/** A pending post whose publish time has come is not published late without a decision (rule 3). */
export function evaluateExpiry(post: PostAggregate, now: Date): PostChange | Refusal {
  if (post.post.status !== 'pending') return notYet('not pending');
  if (!post.post.publishAt || post.post.publishAt.getTime() > now.getTime()) return notYet('not due');
  return {
    at: now,
    status: 'expired',
    audit: [{ ...SYSTEM, action: 'post.expired', details: { publishAt: post.post.publishAt.toISOString() } }],
  };
}

/** Approvers are reminded once per publish time, `leadMs` before it, while the post still waits. */
export function evaluateReminder(post: PostAggregate, now: Date, leadMs: number): PostChange | Refusal {
  const at = post.post.publishAt;
  if (post.post.status !== 'pending' || !at) return notYet('not pending');
  if (at.getTime() - leadMs > now.getTime()) return notYet('not yet');
  if (post.post.remindedFor?.getTime() === at.getTime()) return notYet('already reminded');
  // Its time has come: it expires instead; a reminder now would only be noise.
  if (at.getTime() <= now.getTime()) return notYet('already due');
  return { at: now, remindedFor: at, audit: [{ ...SYSTEM, action: 'post.reminder_sent', details: { publishAt: at.toISOString() } }] };
}

/** Returns whether the post expired now. */
export async function expirePost(ctx: WorkflowContext, postId: number): Promise<boolean> {
  const result = await changeAndAnnounce(
    ctx,
    postId,
    (post) => evaluateExpiry(post, ctx.clock.now()),
    (after) => ({ type: 'post.expired', post: after }),
  );
  return result.ok;
}

/** Returns whether a reminder went out now. */
export async function remindApprovers(ctx: WorkflowContext, postId: number, leadMs: number): Promise<boolean> {
  const result = await changeAndAnnounce(
    ctx,
    postId,
    (post) => evaluateReminder(post, ctx.clock.now(), leadMs),
    (after) => ({ type: 'post.reminder', post: after }),
  );
  return result.ok;
}

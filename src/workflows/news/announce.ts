import type { PostChange, Refusal, UpdateResult } from '../../../db/store.js';
import type { PostAggregate } from '../../domain/post.js';
import type { WorkflowContext } from '../context.js';
import type { DomainEvent } from '../events.js';

/**
 * Changes a post and announces it: the chat news is written in the change's own transaction
 * (so it can never be lost between the two), then the event is told to the in-process
 * listeners (the scheduler, the chats' couriers) after the commit. `event` is pure and may run
 * twice (the store may re-run a unit), so it builds the event from the post it is given.
 */
export async function changeAndAnnounce(
  ctx: WorkflowContext,
  postId: number,
  decide: (post: PostAggregate) => PostChange | Refusal,
  event: (after: PostAggregate, before: PostAggregate) => DomainEvent,
): Promise<UpdateResult> {
  const result = await ctx.store.updatePost(postId, (post) => {
    const change = decide(post);
    if ('refused' in change) return change;
    // Set on the fresh change object rather than spread into a copy (the decision hot path).
    change.news = (after, before) => ctx.news.forEvent(event(after, before));
    return change;
  });
  if (result.ok) await ctx.events.notify(event(result.after, result.before));
  return result;
}

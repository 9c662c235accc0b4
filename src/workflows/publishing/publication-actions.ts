/**
 * What approvers decide about publishing itself: retry a failure, confirm an unknown
 * outcome was published after all, publish a post that was missed during downtime now, or
 * reschedule. Each is a pure evaluation run inside the store's write transaction, like a
 * decision, so a stale button can never undo what someone else just did.
 */
import type { PostChange, PublicationChange, Refusal } from '../../../db/store.js';
import { actorLabel } from '../../domain/audit.js';
import { NETWORK_LABELS } from '../../domain/network.js';
import type { Person, PostAggregate } from '../../domain/post.js';
import type { Publication, PublicationStatus } from '../../domain/publication.js';
import { formatInstant, isValidTimeZone } from '../../domain/time.js';
import { evaluateDecision, type DecisionOutcome } from '../approval-policy.js';
import { decidedEvent } from '../deciding.js';
import type { WorkflowContext } from '../context.js';
import type { DomainEvent } from '../events.js';
import { changeAndAnnounce } from '../news/announce.js';

export type ActionResult = { ok: true; post: PostAggregate } | { ok: false; refusal: Refusal };

const refuse = (code: string, refused: string): Refusal => ({ code, refused });
const audit = (actor: Person, action: string, details: Record<string, unknown> = {}) => ({
  platform: actor.platform,
  actorId: actor.id,
  actorLabel: actorLabel(actor),
  action,
  details,
});

function findPublication(post: PostAggregate, publicationId: number): Publication | undefined {
  return post.publications.find((p) => p.id === publicationId);
}

/** The post becomes published when every publication still meant to go out has. */
function allPublishedAfter(post: PostAggregate, changes: PublicationChange[]): boolean {
  const statusOf = (p: Publication): PublicationStatus => changes.find((c) => c.id === p.id)?.status ?? p.status;
  const live = post.publications.filter((p) => statusOf(p) !== 'cancelled');
  return live.length > 0 && live.every((p) => statusOf(p) === 'published');
}

export function evaluateRetry(post: PostAggregate, actor: Person, publicationId: number, now: Date): PostChange | Refusal {
  const publication = findPublication(post, publicationId);
  if (!publication) return refuse('not_found', `Post #${post.post.id} has no such publication.`);
  if (publication.status !== 'failed' && publication.status !== 'needs_attention') {
    return refuse(
      'not_retryable',
      `Nothing to retry: ${NETWORK_LABELS[publication.network]} for post #${post.post.id} is ${publication.status.replace('_', ' ')}.`,
    );
  }
  const change: PublicationChange = {
    id: publication.id,
    from: [publication.status],
    status: 'scheduled',
    dueAt: now,
    resetAttempts: true,
    lastError: null,
  };
  return {
    at: now,
    publicationChanges: [change],
    audit: [audit(actor, 'publication.retry', { network: publication.network, publicationId, was: publication.status })],
  };
}

export function evaluateMarkPublished(
  post: PostAggregate,
  actor: Person,
  publicationId: number,
  url: string | null,
  now: Date,
): PostChange | Refusal {
  const publication = findPublication(post, publicationId);
  if (!publication) return refuse('not_found', `Post #${post.post.id} has no such publication.`);
  if (publication.status !== 'needs_attention' && publication.status !== 'failed') {
    return refuse(
      'not_unknown',
      `Only a publication whose outcome is unknown can be marked as published; this one is ${publication.status.replace('_', ' ')}.`,
    );
  }
  const change: PublicationChange = {
    id: publication.id,
    from: [publication.status],
    status: 'published',
    publishedAt: now,
    url,
    lastError: null,
  };
  const done = allPublishedAfter(post, [change]);
  return {
    at: now,
    ...(done ? { status: 'published' as const } : {}),
    publicationChanges: [change],
    audit: [
      audit(actor, 'publication.marked_published', { network: publication.network, publicationId, url }),
      ...(done ? [audit(actor, 'post.published')] : []),
    ],
  };
}

export function evaluatePublishMissedNow(post: PostAggregate, actor: Person, now: Date): PostChange | Refusal {
  const missed = post.publications.filter((p) => p.status === 'missed');
  if (post.post.status !== 'approved' || !missed.length)
    return refuse('nothing_missed', `Post #${post.post.id} has nothing waiting to be published now.`);
  return {
    at: now,
    publicationChanges: missed.map((p) => ({
      id: p.id,
      from: ['missed'] as const,
      status: 'scheduled' as const,
      dueAt: now,
      lastError: null,
    })),
    audit: [audit(actor, 'post.publish_now', { networks: missed.map((p) => p.network) })],
  };
}

export function evaluateReschedule(post: PostAggregate, actor: Person, publishAt: Date, zone: string, now: Date): PostChange | Refusal {
  const ref = `post #${post.post.id}`;
  if (!isValidTimeZone(zone)) return refuse('bad_zone', `“${zone}” is not a time zone.`);
  if (publishAt.getTime() <= now.getTime()) return refuse('past', `${formatInstant(publishAt, zone)} is in the past. Choose a later time.`);
  const details = { publishAt: publishAt.toISOString(), zone, previous: post.post.publishAt?.toISOString() ?? null };
  if (post.post.status === 'expired') {
    // Back in front of approvers at the new time; approvals of this revision still count.
    return { at: now, status: 'pending', publishAt, publishZone: zone, audit: [audit(actor, 'post.rescheduled', details)] };
  }
  const held = post.publications.find((p) => p.status === 'held');
  if (held) {
    // The network would still publish it at the old time: moving only Greenlight's part would split the post.
    const where = NETWORK_LABELS[held.network];
    return refuse(
      'held_on_network',
      `Post #${post.post.id} is already on ${where}, waiting to go public at ${formatInstant(held.dueAt, zone)}. To change its time, cancel it (${where} keeps it private) and submit it again.`,
    );
  }
  const movable = post.publications.filter((p) => p.status === 'missed' || p.status === 'scheduled');
  if (post.post.status !== 'approved' || !movable.length) {
    return refuse('not_reschedulable', `${ref} cannot be rescheduled now.`);
  }
  return {
    at: now,
    publishAt,
    publishZone: zone,
    publicationChanges: movable.map((p) => ({
      id: p.id,
      from: [p.status],
      status: 'scheduled' as const,
      dueAt: publishAt,
      lastError: null,
    })),
    audit: [audit(actor, 'post.rescheduled', details)],
  };
}

/**
 * "Approve and publish now" on an expired post: a fresh decision, for right now. The post is
 * treated as waiting with no publish time, so the usual policy applies (an approver, not the
 * author, enough distinct approvals); with approvals still missing it waits, as soon as approved.
 */
export function evaluateApproveNow(
  post: PostAggregate,
  actor: Person,
  actorIsApprover: boolean,
  revisionId: number,
  policy: { requiredApprovals: number; allowSelfApproval: boolean },
  now: Date,
): { change: PostChange; outcome: DecisionOutcome } | Refusal {
  if (post.post.status !== 'expired') {
    return refuse('not_expired', `Post #${post.post.id} has not expired; use the card’s Approve button.`);
  }
  const asPending: PostAggregate = { ...post, post: { ...post.post, status: 'pending', publishAt: null } };
  const evaluated = evaluateDecision(
    asPending,
    { kind: 'approve', revisionId, comment: null, actor, actorIsApprover, platform: actor.platform, now },
    policy,
  );
  if ('refused' in evaluated) return evaluated;
  const change: PostChange = {
    ...evaluated.change,
    status: evaluated.outcome === 'approved' ? 'approved' : 'pending',
    publishAt: null,
    audit: [...evaluated.change.audit, audit(actor, 'post.approve_now')],
  };
  return { change, outcome: evaluated.outcome };
}

/** An approver's action on a post, announced in its chat. */
async function run(
  ctx: WorkflowContext,
  actor: Person,
  postId: number,
  evaluate: (post: PostAggregate, now: Date) => PostChange | Refusal,
  event: (after: PostAggregate) => DomainEvent,
): Promise<ActionResult> {
  if (!(await ctx.approvers.isApprover(actor))) {
    return { ok: false, refusal: refuse('not_approver', 'Only approvers can retry, reschedule or publish posts.') };
  }
  const now = ctx.clock.now();
  const result = await changeAndAnnounce(ctx, postId, (post) => evaluate(post, now), event);
  return result.ok ? { ok: true, post: result.after } : { ok: false, refusal: result.refusal };
}

export function retryPublication(ctx: WorkflowContext, actor: Person, postId: number, publicationId: number): Promise<ActionResult> {
  return run(
    ctx,
    actor,
    postId,
    (post, now) => evaluateRetry(post, actor, publicationId, now),
    (after) => ({ type: 'publication.resolved', post: after, publication: findPublication(after, publicationId)!, actor, action: 'retry' }),
  );
}

export function markPublished(
  ctx: WorkflowContext,
  actor: Person,
  postId: number,
  publicationId: number,
  url: string | null,
): Promise<ActionResult> {
  return run(
    ctx,
    actor,
    postId,
    (post, now) => evaluateMarkPublished(post, actor, publicationId, url, now),
    (after) => ({
      type: 'publication.resolved',
      post: after,
      publication: findPublication(after, publicationId)!,
      actor,
      action: 'mark_published',
    }),
  );
}

export function publishMissedNow(ctx: WorkflowContext, actor: Person, postId: number): Promise<ActionResult> {
  return run(
    ctx,
    actor,
    postId,
    (post, now) => evaluatePublishMissedNow(post, actor, now),
    (after) => ({ type: 'post.rescheduled', post: after, actor, action: 'publish_now' }),
  );
}

export function reschedulePost(ctx: WorkflowContext, actor: Person, postId: number, publishAt: Date, zone: string): Promise<ActionResult> {
  return run(
    ctx,
    actor,
    postId,
    (post, now) => evaluateReschedule(post, actor, publishAt, zone, now),
    (after) => ({ type: 'post.rescheduled', post: after, actor, action: 'reschedule' }),
  );
}

export async function approveAndPublishNow(
  ctx: WorkflowContext,
  actor: Person,
  postId: number,
  revisionId: number,
): Promise<ActionResult & { outcome?: DecisionOutcome }> {
  const actorIsApprover = await ctx.approvers.isApprover(actor);
  let outcome: DecisionOutcome | undefined;
  const result = await changeAndAnnounce(
    ctx,
    postId,
    (post) => {
      const evaluated = evaluateApproveNow(post, actor, actorIsApprover, revisionId, ctx.policy, ctx.clock.now());
      if ('refused' in evaluated) return evaluated;
      outcome = evaluated.outcome;
      return evaluated.change;
    },
    (after) => decidedEvent(after, outcome!, ctx.policy),
  );
  if (!result.ok) return { ok: false, refusal: result.refusal };
  return { ok: true, post: result.after, outcome };
}

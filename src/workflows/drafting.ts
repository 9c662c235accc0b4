import type { PostChange, Refusal } from '../../db/store.js';
import { actorLabel } from '../domain/audit.js';
import { UserFacingError } from '../domain/errors.js';
import { NETWORK_LABELS } from '../domain/network.js';
import type { Publication } from '../domain/publication.js';
import type { Person, PostAggregate } from '../domain/post.js';
import { contentHash } from './content-hash.js';
import type { WorkflowContext } from './context.js';
import { validateDraft, type DraftErrors, type DraftInput, type ValidDraft } from './draft-validation.js';
import { changeAndAnnounce } from './news/announce.js';
import { canMove, EDITABLE, STATUS_PHRASES } from './post-lifecycle.js';

export type DraftResult = { ok: true; post: PostAggregate } | { ok: false; errors: DraftErrors } | { ok: false; refusal: Refusal };

/**
 * Creates a post from a draft and puts it in front of approvers: the approval card and the
 * author's receipt are written to the outbox with the post, so a dialog waits only for the
 * write. Invalid input stores nothing.
 */
export async function submitDraft(ctx: WorkflowContext, author: Person, input: DraftInput): Promise<DraftResult> {
  const now = ctx.clock.now();
  const validation = validateDraft(input, ctx.catalog, now, ctx.media, ctx.draftRules);
  if (!validation.ok) return validation;
  const { draft } = validation;
  const hash = contentHash(draft);
  const audit = { platform: author.platform, actorId: author.id, actorLabel: actorLabel(author) };
  const post = await ctx.store.createPost({
    at: now,
    author,
    status: 'pending',
    publishAt: draft.publishAt,
    publishZone: draft.timezone,
    originPlatform: author.platform,
    revision: {
      text: draft.text,
      networks: draft.networks,
      mediaUrl: draft.mediaUrl,
      images: draft.images,
      variants: draft.variants,
      video: draft.video,
      youtube: draft.youtube,
      contentHash: hash,
      aiAssisted: draft.aiAssisted,
    },
    audit: [
      {
        ...audit,
        action: 'post.submitted',
        details: {
          networks: draft.networks,
          publishAt: draft.publishAt?.toISOString() ?? null,
          zone: draft.timezone,
          contentHash: hash,
          aiAssisted: draft.aiAssisted,
        },
      },
    ],
    news: (created) => ctx.news.forEvent({ type: 'post.submitted', post: created, actor: author }),
  });
  await ctx.events.notify({ type: 'post.submitted', post, actor: author });
  return { ok: true, post };
}

/**
 * May `author` turn `post` into a new revision with `draft` now? Pure: the store runs it
 * inside the write transaction, and a dialog can run it first to show a refusal in place.
 */
export function evaluateRevision(
  post: PostAggregate,
  author: Person,
  basedOnRevisionId: number | null,
  draft: ValidDraft,
  hash: string,
  now: Date,
  /** Held publications already kept from going public (see withdrawHeld); others block the edit. */
  withdrawn: ReadonlySet<number> = new Set(),
): PostChange | Refusal {
  const ref = `post #${post.post.id}`;
  if (post.post.authorId !== author.id) return { code: 'not_author', refused: `Only the author can edit ${ref}.` };
  if (!EDITABLE.includes(post.post.status)) {
    return { code: 'not_editable', refused: `${ref} can no longer be edited: it is ${STATUS_PHRASES[post.post.status]}.` };
  }
  if (post.publications.some((p) => !stoppable(p, withdrawn))) {
    return { code: 'publishing', refused: `${ref} is already being published, so it can no longer be edited.` };
  }
  if (basedOnRevisionId !== null && basedOnRevisionId !== post.revision.id) {
    return {
      code: 'outdated_revision',
      refused: `You were editing an older version of ${ref}; it is now at revision ${post.revision.number}. Open the latest version and edit that.`,
    };
  }
  const unchanged =
    hash === post.revision.contentHash &&
    (draft.publishAt?.getTime() ?? null) === (post.post.publishAt?.getTime() ?? null) &&
    draft.timezone === post.post.publishZone;
  if (unchanged) return { code: 'unchanged', refused: `Nothing changed in ${ref}, so there is nothing new to approve.` };

  const status = post.post.status === 'draft' ? 'draft' : 'pending';
  if (!canMove(post.post.status, status)) return { code: 'not_editable', refused: `${ref} can no longer be edited.` };
  return {
    at: now,
    status,
    publishAt: draft.publishAt,
    publishZone: draft.timezone,
    revision: {
      text: draft.text,
      networks: draft.networks,
      mediaUrl: draft.mediaUrl,
      images: draft.images,
      variants: draft.variants,
      video: draft.video,
      youtube: draft.youtube,
      contentHash: hash,
      authorId: author.id,
      aiAssisted: draft.aiAssisted,
    },
    cancelScheduledPublications: true,
    audit: [
      {
        platform: author.platform,
        actorId: author.id,
        actorLabel: actorLabel(author),
        action: 'post.revised',
        details: {
          fromRevision: post.revision.number,
          previousStatus: post.post.status,
          networks: draft.networks,
          publishAt: draft.publishAt?.toISOString() ?? null,
          zone: draft.timezone,
          contentHash: hash,
          aiAssisted: draft.aiAssisted,
        },
      },
    ],
  };
}

/**
 * The author edits a post: a new revision, approvals reset (they bound to the old one),
 * back in front of approvers. `basedOnRevisionId` is the revision the author was editing,
 * so two open edit dialogs cannot silently overwrite each other.
 */
export async function reviseDraft(
  ctx: WorkflowContext,
  author: Person,
  postId: number,
  basedOnRevisionId: number | null,
  input: DraftInput,
): Promise<DraftResult> {
  const now = ctx.clock.now();
  const validation = validateDraft(input, ctx.catalog, now, ctx.media, ctx.draftRules);
  if (!validation.ok) return validation;
  const { draft } = validation;
  const hash = contentHash(draft);
  // Held publications are withdrawn only for an edit that would otherwise be accepted.
  const current = await ctx.store.getPost(postId);
  const acceptable = current && !('refused' in evaluateRevision(current, author, basedOnRevisionId, draft, hash, now, heldIds(current)));
  const held = acceptable ? await withdrawHeld(ctx, current) : { withdrawn: new Set<number>() };
  if ('refused' in held) return { ok: false, refusal: held };
  const result = await changeAndAnnounce(
    ctx,
    postId,
    (post) => evaluateRevision(post, author, basedOnRevisionId, draft, hash, now, held.withdrawn),
    (after, before) => ({ type: 'post.revised', post: after, previous: before, actor: author }),
  );
  if (!result.ok) return { ok: false, refusal: result.refusal };
  return { ok: true, post: result.after };
}

/** Would this edit be accepted right now? (Nothing is written.) */
export async function checkRevision(
  ctx: WorkflowContext,
  author: Person,
  postId: number,
  basedOnRevisionId: number | null,
  input: DraftInput,
): Promise<DraftErrors | Refusal | null> {
  const now = ctx.clock.now();
  const validation = validateDraft(input, ctx.catalog, now, ctx.media, ctx.draftRules);
  if (!validation.ok) return validation.errors;
  const post = await ctx.store.getPost(postId);
  if (!post) return { code: 'not_found', refused: `There is no post #${postId}.` };
  // Held publications would be withdrawn on saving: not a reason to refuse here.
  const evaluated = evaluateRevision(post, author, basedOnRevisionId, validation.draft, contentHash(validation.draft), now, heldIds(post));
  return 'refused' in evaluated ? evaluated : null;
}

export type CancelResult = { ok: true; post: PostAggregate } | { ok: false; refusal: Refusal };

/** The author or an approver withdraws a post that has not started publishing. */
export async function cancelPost(ctx: WorkflowContext, actor: Person, postId: number): Promise<CancelResult> {
  const isApprover = await ctx.approvers.isApprover(actor);
  const now = ctx.clock.now();
  const current = await ctx.store.getPost(postId);
  const mayCancel = current && (current.post.authorId === actor.id || isApprover) && canMove(current.post.status, 'cancelled');
  const held = mayCancel ? await withdrawHeld(ctx, current) : { withdrawn: new Set<number>() };
  if ('refused' in held) return { ok: false, refusal: held };
  const { withdrawn } = held;
  const result = await changeAndAnnounce(
    ctx,
    postId,
    (post) => {
      const ref = `post #${post.post.id}`;
      if (post.post.authorId !== actor.id && !isApprover) {
        return { code: 'not_allowed', refused: `Only the author or an approver can cancel ${ref}.` };
      }
      if (!canMove(post.post.status, 'cancelled')) {
        return { code: 'not_cancellable', refused: `${ref} cannot be cancelled: it is ${STATUS_PHRASES[post.post.status]}.` };
      }
      if (post.publications.some((p) => !stoppable(p, withdrawn))) {
        return { code: 'publishing', refused: `${ref} is already being published, so it can no longer be cancelled.` };
      }
      return {
        at: now,
        status: 'cancelled',
        cancelScheduledPublications: true,
        audit: [{ platform: actor.platform, actorId: actor.id, actorLabel: actorLabel(actor), action: 'post.cancelled' }],
      };
    },
    (after) => ({ type: 'post.cancelled', post: after, actor }),
  );
  if (!result.ok) return { ok: false, refusal: result.refusal };
  return { ok: true, post: result.after };
}

/** A publication that a cancel or an edit can still stop: not yet due, or held on its network and already withdrawn there. */
const stoppable = (p: Publication, withdrawn: ReadonlySet<number>): boolean =>
  p.status === 'scheduled' || p.status === 'cancelled' || (p.status === 'held' && withdrawn.has(p.id));

const heldIds = (post: PostAggregate): Set<number> => new Set(post.publications.filter((p) => p.status === 'held').map((p) => p.id));

/**
 * Publications held on their network until their time (YouTube's publishAt) go public by
 * themselves, so before a cancel or an edit stops them, each network is told to keep its copy
 * private. If one cannot confirm that, nothing changes and the person is told: the post must
 * never go out after it was cancelled. The ids withdrawn are what the change may then cancel.
 */
async function withdrawHeld(ctx: WorkflowContext, post: PostAggregate): Promise<{ withdrawn: Set<number> } | Refusal> {
  const withdrawn = new Set<number>();
  for (const publication of post.publications.filter((p) => p.status === 'held')) {
    const label = NETWORK_LABELS[publication.network];
    const publisher = ctx.catalog.has(publication.network) ? ctx.catalog.publisher(publication.network) : undefined;
    try {
      if (!publisher?.withdraw || !publication.externalId) throw new Error(`${label} is no longer connected`);
      await publisher.withdraw(publication.externalId);
      withdrawn.add(publication.id);
      ctx.logger.info('a held publication was withdrawn on its network', { post: post.post.id, network: publication.network });
    } catch (error) {
      ctx.logger.warn('could not withdraw a held publication', { post: post.post.id, network: publication.network, error });
      const why = error instanceof UserFacingError ? ` (${error.userMessage})` : '';
      return {
        code: 'withdraw_failed',
        refused: `Post #${post.post.id} is already on ${label}, waiting to go public at its time, and Greenlight could not make sure it stays private${why}. Nothing was changed: try again, or make it private on ${label} yourself.`,
      };
    }
  }
  return { withdrawn };
}

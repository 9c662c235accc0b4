/**
 * Writing posts: a new post with its first revision, and `updatePost`, where a decision, a
 * new revision, the publications an approval schedules, their audit and their news are
 * written as one change.
 */
import type { PostAggregate, Revision } from '../../src/domain/post.js';
import type { Publication } from '../../src/domain/publication.js';
import {
  isRefusal,
  type NewPost,
  type NewPublication,
  type NewRevision,
  type PostChange,
  type Refusal,
  type UpdateResult,
} from '../store.js';
import { insertAudit, SYSTEM } from './audit.js';
import type { SqliteContext } from './context.js';
import type { News } from './news.js';
import { loadPost, postPublications } from './post-loader.js';
import { applyPublicationChange } from './publication-queries.js';
import { maybeMs, ms, read, toPublication } from './rows.js';

export class Posts {
  constructor(
    private readonly ctx: SqliteContext,
    private readonly news: News,
  ) {}

  create(input: NewPost): Promise<PostAggregate> {
    const { q } = this.ctx;
    return this.ctx.write(() => {
      const at = ms(input.at);
      const [[postId, revisionId]] = q.nextIds.rows({}) as [[number, number]];
      q.insertPost.run({
        id: postId,
        currentRevisionId: revisionId,
        status: input.status,
        authorId: input.author.id,
        publishAt: maybeMs(input.publishAt),
        publishZone: input.publishZone,
        originPlatform: input.originPlatform,
        at,
      });
      const revision = this.#insertRevision({ ...input.revision, authorId: input.author.id }, postId, 1, input.at, revisionId);
      insertAudit(q, input.audit, input.at, postId, revisionId);
      // Everything in the new post is known here; reading it back would only cost time.
      const created: PostAggregate = {
        post: {
          id: postId,
          status: input.status,
          authorId: input.author.id,
          currentRevisionId: revisionId,
          publishAt: input.publishAt,
          publishZone: input.publishZone,
          originPlatform: input.originPlatform,
          remindedFor: null,
          createdAt: input.at,
          updatedAt: input.at,
        },
        revision,
        author: input.author,
        decisions: [],
        publications: [],
      };
      if (input.news) this.news.insert(input.news(created), input.at);
      return created;
    });
  }

  /**
   * Writes a revision (with the id given, or the next one) and returns it. Objects are
   * spelled out rather than spread: a spread followed by a key it already has costs V8 a
   * slow copy, and this runs for every draft.
   */
  #insertRevision(r: NewRevision, postId: number, number: number, createdAt: Date, id?: number): Revision {
    const { q } = this.ctx;
    const values = {
      id,
      postId,
      number,
      text: r.text,
      networks: JSON.stringify(r.networks),
      mediaUrl: r.mediaUrl,
      images: JSON.stringify(r.images ?? []),
      variants: JSON.stringify(r.variants ?? {}),
      video: r.video ? JSON.stringify(r.video) : null,
      youtube: r.youtube ? JSON.stringify(r.youtube) : null,
      contentHash: r.contentHash,
      authorId: r.authorId,
      aiAssisted: r.aiAssisted,
      at: ms(createdAt),
    };
    const revisionId = id === undefined ? q.insertRevision.id(values) : (q.firstRevision.run(values), id);
    return {
      id: revisionId,
      postId,
      number,
      text: r.text,
      networks: [...r.networks],
      mediaUrl: r.mediaUrl,
      images: (r.images ?? []).map((i) => ({ ...i })),
      variants: { ...r.variants },
      video: r.video ? { ...r.video } : null,
      youtube: r.youtube
        ? { ...r.youtube, tags: [...r.youtube.tags], thumbnail: r.youtube.thumbnail ? { ...r.youtube.thumbnail } : null }
        : null,
      contentHash: r.contentHash,
      authorId: r.authorId,
      aiAssisted: r.aiAssisted,
      createdAt,
    };
  }

  update(postId: number, decide: (post: PostAggregate) => PostChange | Refusal): Promise<UpdateResult> {
    return this.ctx.write((): UpdateResult => {
      const before = loadPost(this.ctx.q, postId);
      if (!before) return { ok: false, refusal: { code: 'not_found', refused: `There is no post #${postId}.` } };
      const change = decide(before);
      if (isRefusal(change)) return { ok: false, refusal: change, post: before };
      return { ok: true, before, after: this.#apply(before, change) };
    });
  }

  /** Writes `change` and returns the post as it now is, without reading back what it just wrote. */
  #apply(before: PostAggregate, change: PostChange): PostAggregate {
    const { db, q } = this.ctx;
    const postId = before.post.id;
    const at = ms(change.at);
    const revision = change.revision
      ? this.#insertRevision(change.revision, postId, before.revision.number + 1, change.at)
      : before.revision;
    const was = before.post;
    const post = {
      id: postId,
      status: change.status ?? was.status,
      authorId: was.authorId,
      currentRevisionId: revision.id,
      publishAt: change.publishAt === undefined ? was.publishAt : change.publishAt,
      publishZone: change.publishZone ?? was.publishZone,
      originPlatform: was.originPlatform,
      remindedFor: change.remindedFor === undefined ? was.remindedFor : change.remindedFor,
      createdAt: was.createdAt,
      updatedAt: change.at,
    };
    q.updatePost.run({
      id: postId,
      status: post.status,
      currentRevisionId: post.currentRevisionId,
      publishAt: maybeMs(post.publishAt),
      publishZone: post.publishZone,
      remindedFor: maybeMs(post.remindedFor),
      at,
    });
    let decisions = before.decisions;
    if (change.decision) {
      const { revisionId, approver, kind, comment, platform } = change.decision;
      const id = Number(q.insertDecision.run({ postId, revisionId, approverId: approver.id, kind, comment, platform, at }).lastInsertRowid);
      decisions = [...decisions, { id, postId, revisionId, approver, kind, comment, platform, createdAt: change.at }];
    }
    let publications = before.publications;
    const cancelled = change.cancelScheduledPublications
      ? (q.cancelScheduledPublications.rows({ postId, at }) as [number, string, number][])
      : [];
    const created = (change.createPublications ?? []).map((publication) => this.#createPublication(before, publication, change.at));
    for (const pc of change.publicationChanges ?? []) applyPublicationChange(db, postId, pc, change.at);
    if (change.cancelScheduledPublications || change.publicationChanges?.length) {
      publications = postPublications(q, postId);
    } else if (created.length) {
      // Each created row is known as it now is (a revived one keeps its id).
      const revived = new Set(created.map((p) => p.id));
      publications = [...publications.filter((p) => !revived.has(p.id)), ...created].sort((a, b) => a.id - b.id);
    }
    insertAudit(q, change.audit, change.at, postId, revision.id);
    if (cancelled.length) {
      // Whoever made the change cancelled them; each is audited so the log accounts for
      // every approved (post, network).
      const by = change.audit[0] ?? SYSTEM;
      const actor = { platform: by.platform, actorId: by.actorId, actorLabel: by.actorLabel };
      const entries = cancelled.map(([id, network, revisionId]) => ({
        ...actor,
        action: 'publication.cancelled',
        revisionId,
        details: { network, publicationId: id },
      }));
      insertAudit(q, entries, change.at, postId, null);
    }
    const after = { post, revision, author: before.author, decisions, publications };
    if (change.news) this.news.insert(change.news(after, before), change.at);
    return after;
  }

  /**
   * Schedules one network of an approved post. A network's row from an earlier, cancelled
   * approval is revived (so (post, network) stays unique for ever); otherwise it is a plain
   * insert whose row is known without reading it back: a third of the upsert's time.
   */
  #createPublication(before: PostAggregate, publication: NewPublication, createdAt: Date): Publication {
    const { q } = this.ctx;
    const postId = before.post.id;
    const { network, revisionId } = publication;
    const values = { postId, revisionId, network, dueAt: ms(publication.dueAt), at: ms(createdAt) };
    if (!before.publications.some((p) => p.network === network)) {
      const id = Number(q.insertPublication.run(values).lastInsertRowid);
      return {
        id,
        postId,
        revisionId,
        network,
        status: 'scheduled',
        dueAt: publication.dueAt,
        claimOwner: null,
        leaseUntil: null,
        attempts: 0,
        nextAttemptAt: null,
        externalId: null,
        url: null,
        lastError: null,
        sendingAt: null,
        publishedAt: null,
        createdAt,
        updatedAt: createdAt,
      };
    }
    const row = q.upsertPublication.rows(values)[0];
    // The existing row is live: something asked to publish twice, which must never happen,
    // so the whole change is undone.
    if (!row) throw new Error(`post ${postId} already has a live ${network} publication`);
    return toPublication(read.publication(row));
  }
}

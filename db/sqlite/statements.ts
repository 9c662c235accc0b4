/**
 * The store's hot-path queries, built with drizzle and compiled once per connection.
 * Building a query and preparing its statement on every call cost more than running it; with
 * compiled statements a decision costs a few statement executions and its share of a commit.
 */
import type Database from 'better-sqlite3';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { compile, type Compiled } from './compiled.js';
import * as schema from './schema.js';

const p = sql.placeholder;
/** A placeholder where drizzle's types want a value (update sets); bound as given, unencoded. */
const v = (name: string) => sql`${sql.placeholder(name)}`;

export function prepareStatements(db: BetterSQLite3Database<typeof schema>, sqlite: Database.Database) {
  const { people, posts, revisions, decisions, publications, auditLog, chatMessages } = schema;
  const revisionValues = {
    postId: p('postId'),
    number: p('number'),
    text: p('text'),
    networks: p('networks'),
    mediaUrl: p('mediaUrl'),
    images: p('images'),
    variants: p('variants'),
    video: p('video'),
    youtube: p('youtube'),
    contentHash: p('contentHash'),
    authorId: p('authorId'),
    aiAssisted: p('aiAssisted'),
    createdAt: p('at'),
  };
  const publicationValues = {
    postId: p('postId'),
    revisionId: p('revisionId'),
    network: p('network'),
    status: 'scheduled',
    dueAt: p('dueAt'),
    createdAt: p('at'),
    updatedAt: p('at'),
  };
  const queries = {
    postHead: db
      .select({ post: posts, revision: revisions, author: people })
      .from(posts)
      .innerJoin(revisions, eq(revisions.id, posts.currentRevisionId))
      .innerJoin(people, eq(people.id, posts.authorId))
      .where(eq(posts.id, p('id'))),
    postDecisions: db
      .select({ decision: decisions, approver: people })
      .from(decisions)
      .innerJoin(people, eq(people.id, decisions.approverId))
      .where(eq(decisions.postId, p('postId')))
      .orderBy(asc(decisions.id)),
    postPublications: db
      .select()
      .from(publications)
      .where(eq(publications.postId, p('postId')))
      .orderBy(asc(publications.id)),
    // A new post's id and its first revision's, chosen before either is written: the write
    // transaction holds the database's write lock, so nothing else can take them, and each
    // row is written once (no insert-then-point-at-the-revision update, no RETURNING).
    nextIds: db
      .select({
        post: sql<number>`coalesce(max(${posts.id}), 0) + 1`,
        revision: sql<number>`(select coalesce(max(${revisions.id}), 0) + 1 from ${revisions})`,
      })
      .from(posts),
    insertPost: db.insert(posts).values({
      id: p('id'),
      status: p('status'),
      authorId: p('authorId'),
      currentRevisionId: p('currentRevisionId'),
      publishAt: p('publishAt'),
      publishZone: p('publishZone'),
      originPlatform: p('originPlatform'),
      createdAt: p('at'),
      updatedAt: p('at'),
    }),
    insertRevision: db.insert(revisions).values(revisionValues).returning({ id: revisions.id }),
    // A post's first revision, with the id chosen by `nextIds`.
    firstRevision: db.insert(revisions).values({ id: p('id'), ...revisionValues }),
    updatePost: db
      .update(posts)
      .set({
        status: v('status'),
        currentRevisionId: v('currentRevisionId'),
        publishAt: v('publishAt'),
        publishZone: v('publishZone'),
        remindedFor: v('remindedFor'),
        updatedAt: v('at'),
      })
      .where(eq(posts.id, p('id'))),
    insertDecision: db.insert(decisions).values({
      postId: p('postId'),
      revisionId: p('revisionId'),
      approverId: p('approverId'),
      kind: p('kind'),
      comment: p('comment'),
      platform: p('platform'),
      createdAt: p('at'),
    }),
    // Returns what it cancelled, so each cancellation is audited.
    cancelScheduledPublications: db
      .update(publications)
      .set({ status: 'cancelled', updatedAt: v('at') })
      // Held ones too: the workflow withdrew them on their network first (drafting.ts).
      .where(and(eq(publications.postId, p('postId')), inArray(publications.status, ['scheduled', 'held'])))
      .returning({ id: publications.id, network: publications.network, revisionId: publications.revisionId }),
    insertPublication: db.insert(publications).values(publicationValues),
    // A network's row from an earlier, cancelled approval is revived rather than duplicated,
    // so (post, network) stays unique for ever.
    upsertPublication: db
      .insert(publications)
      .values(publicationValues)
      .onConflictDoUpdate({
        target: [publications.postId, publications.network],
        set: {
          revisionId: v('revisionId'),
          dueAt: v('dueAt'),
          status: 'scheduled',
          attempts: 0,
          claimOwner: null,
          leaseUntil: null,
          nextAttemptAt: null,
          lastError: null,
          checkpoint: null,
          sendingAt: null,
          updatedAt: v('at'),
        },
        setWhere: eq(publications.status, 'cancelled'),
      })
      .returning(),
    insertAudit: db.insert(auditLog).values({
      at: p('at'),
      platform: p('platform'),
      actorId: p('actorId'),
      actorLabel: p('actorLabel'),
      action: p('action'),
      postId: p('postId'),
      revisionId: p('revisionId'),
      details: p('details'),
    }),
    revisionContent: db
      .select({
        text: revisions.text,
        mediaUrl: revisions.mediaUrl,
        images: revisions.images,
        variants: revisions.variants,
        video: revisions.video,
        youtube: revisions.youtube,
      })
      .from(revisions)
      .where(eq(revisions.id, p('id'))),
    postPublishAt: db
      .select({ publishAt: schema.posts.publishAt })
      .from(schema.posts)
      .where(eq(schema.posts.id, p('id'))),
    personById: db
      .select()
      .from(people)
      .where(eq(people.id, p('id'))),
    personByPlatformId: db
      .select()
      .from(people)
      .where(and(eq(people.platform, p('platform')), eq(people.platformUserId, p('platformUserId')))),
    chatMessage: db
      .select()
      .from(chatMessages)
      .where(and(eq(chatMessages.postId, p('postId')), eq(chatMessages.platform, p('platform')), eq(chatMessages.purpose, p('purpose')))),
  };
  return Object.fromEntries(Object.entries(queries).map(([name, query]) => [name, compile(sqlite, query)])) as Record<
    keyof typeof queries,
    Compiled
  >;
}

export type Statements = ReturnType<typeof prepareStatements>;

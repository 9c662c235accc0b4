/**
 * The store's hot-path queries, built and prepared once per connection. Building a drizzle
 * query and preparing its SQLite statement on every call cost more than running it; with
 * prepared statements a decision costs a few statement executions and one commit.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import * as schema from './schema.js';

const p = sql.placeholder;
/** A placeholder where drizzle's types want a value (update sets); bound as given, unencoded. */
const v = (name: string) => sql`${sql.placeholder(name)}`;

export function prepareStatements(db: BetterSQLite3Database<typeof schema>) {
  const { people, posts, revisions, decisions, publications, auditLog, chatMessages } = schema;
  return {
    postHead: db
      .select({ post: posts, revision: revisions, author: people })
      .from(posts)
      .innerJoin(revisions, eq(revisions.id, posts.currentRevisionId))
      .innerJoin(people, eq(people.id, posts.authorId))
      .where(eq(posts.id, p('id')))
      .prepare(),
    postDecisions: db
      .select({ decision: decisions, approver: people })
      .from(decisions)
      .innerJoin(people, eq(people.id, decisions.approverId))
      .where(eq(decisions.postId, p('postId')))
      .orderBy(asc(decisions.id))
      .prepare(),
    postPublications: db
      .select()
      .from(publications)
      .where(eq(publications.postId, p('postId')))
      .orderBy(asc(publications.id))
      .prepare(),
    insertPost: db
      .insert(posts)
      .values({
        status: p('status'),
        authorId: p('authorId'),
        publishAt: p('publishAt'),
        publishZone: p('publishZone'),
        originPlatform: p('originPlatform'),
        createdAt: p('at'),
        updatedAt: p('at'),
      })
      .returning({ id: posts.id })
      .prepare(),
    insertRevision: db
      .insert(revisions)
      .values({
        postId: p('postId'),
        number: p('number'),
        text: p('text'),
        networks: p('networks'),
        mediaUrl: p('mediaUrl'),
        contentHash: p('contentHash'),
        authorId: p('authorId'),
        aiAssisted: p('aiAssisted'),
        createdAt: p('at'),
      })
      .returning({ id: revisions.id })
      .prepare(),
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
      .where(eq(posts.id, p('id')))
      .prepare(),
    insertDecision: db
      .insert(decisions)
      .values({
        postId: p('postId'),
        revisionId: p('revisionId'),
        approverId: p('approverId'),
        kind: p('kind'),
        comment: p('comment'),
        platform: p('platform'),
        createdAt: p('at'),
      })
      .returning({ id: decisions.id })
      .prepare(),
    cancelScheduledPublications: db
      .update(publications)
      .set({ status: 'cancelled', updatedAt: v('at') })
      .where(and(eq(publications.postId, p('postId')), eq(publications.status, 'scheduled')))
      .prepare(),
    // A network's row from an earlier, cancelled approval is revived rather than duplicated,
    // so (post, network) stays unique for ever.
    upsertPublication: db
      .insert(publications)
      .values({
        postId: p('postId'),
        revisionId: p('revisionId'),
        network: p('network'),
        status: 'scheduled',
        dueAt: p('dueAt'),
        createdAt: p('at'),
        updatedAt: p('at'),
      })
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
          updatedAt: v('at'),
        },
        setWhere: eq(publications.status, 'cancelled'),
      })
      .prepare(),
    insertAudit: db
      .insert(auditLog)
      .values({
        at: p('at'),
        platform: p('platform'),
        actorId: p('actorId'),
        actorLabel: p('actorLabel'),
        action: p('action'),
        postId: p('postId'),
        revisionId: p('revisionId'),
        details: p('details'),
      })
      .prepare(),
    revisionContent: db
      .select({ text: revisions.text, mediaUrl: revisions.mediaUrl })
      .from(revisions)
      .where(eq(revisions.id, p('id')))
      .prepare(),
    personById: db.select().from(people).where(eq(people.id, p('id'))).prepare(),
    personByPlatformId: db
      .select()
      .from(people)
      .where(and(eq(people.platform, p('platform')), eq(people.platformUserId, p('platformUserId'))))
      .prepare(),
    chatMessage: db
      .select()
      .from(chatMessages)
      .where(
        and(eq(chatMessages.postId, p('postId')), eq(chatMessages.platform, p('platform')), eq(chatMessages.purpose, p('purpose'))),
      )
      .prepare(),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;

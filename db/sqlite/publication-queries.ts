/**
 * The scheduler's writes to publications. Each is a compare-and-set on the publication's
 * status (and claim owner), so two processes sharing one database can never both send,
 * settle or abandon the same publication. Callers run them inside a write transaction.
 */
import { and, asc, eq, gte, inArray, isNotNull, isNull, lt, lte, ne, or, sql } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { DueItem, PublicationChange, PublishOutcome } from '../store.js';
import { json, ms } from './rows.js';
import * as schema from './schema.js';

type Db = BetterSQLite3Database<typeof schema>;
const { publications, posts } = schema;

/** Applies a person's decision about one publication; undoes everything if its status moved on. */
export function applyPublicationChange(db: Db, postId: number, change: PublicationChange, at: Date): void {
  const set: Partial<typeof publications.$inferInsert> = { status: change.status, updatedAt: ms(at), claimOwner: null, leaseUntil: null };
  if (change.dueAt) {
    set.dueAt = ms(change.dueAt);
    set.nextAttemptAt = null;
  }
  if (change.resetAttempts) set.attempts = 0;
  if (change.url !== undefined) set.url = change.url;
  if (change.externalId !== undefined) set.externalId = change.externalId;
  if (change.publishedAt !== undefined) set.publishedAt = change.publishedAt ? ms(change.publishedAt) : null;
  if (change.lastError !== undefined) set.lastError = change.lastError;
  const result = db
    .update(publications)
    .set(set)
    .where(and(eq(publications.id, change.id), eq(publications.postId, postId), inArray(publications.status, [...change.from])))
    .run();
  if (result.changes !== 1) throw new Error(`publication ${change.id} is no longer ${change.from.join(' or ')}`);
}

export const publicationQueries = {
  dueItems(db: Db, until: Date, limit: number, reminderLeadMs: number): DueItem[] {
    const u = ms(until);
    // Effective time of a scheduled publication: its retry time if it has one, else its due time.
    const effective = sql<number>`coalesce(${publications.nextAttemptAt}, ${publications.dueAt})`;
    const pubs = db
      .select({ id: publications.id, at: effective })
      .from(publications)
      .where(and(eq(publications.status, 'scheduled'), lte(publications.dueAt, u), lte(effective, u)))
      .orderBy(asc(effective))
      .limit(limit)
      .all()
      .map((r): DueItem => ({ kind: 'publication', id: r.id, at: new Date(r.at) }));
    const expiring = db
      .select({ id: posts.id, at: posts.publishAt })
      .from(posts)
      .where(and(eq(posts.status, 'pending'), isNotNull(posts.publishAt), lte(posts.publishAt, u)))
      .orderBy(asc(posts.publishAt))
      .limit(limit)
      .all()
      .map((r): DueItem => ({ kind: 'expiry', id: r.id, at: new Date(r.at!) }));
    const reminders = db
      .select({ id: posts.id, at: posts.publishAt })
      .from(posts)
      .where(
        and(
          eq(posts.status, 'pending'),
          isNotNull(posts.publishAt),
          lte(posts.publishAt, u + reminderLeadMs),
          or(isNull(posts.remindedFor), ne(posts.remindedFor, posts.publishAt)),
        ),
      )
      .orderBy(asc(posts.publishAt))
      .limit(limit)
      .all()
      .map((r): DueItem => ({ kind: 'reminder', id: r.id, at: new Date(r.at! - reminderLeadMs) }));
    const stale = db
      .select({ id: publications.id, at: publications.leaseUntil })
      .from(publications)
      .where(and(eq(publications.status, 'publishing'), lte(publications.leaseUntil, u)))
      .limit(limit)
      .all()
      .map((r): DueItem => ({ kind: 'stale', id: r.id, at: new Date(r.at!) }));
    return [...pubs, ...expiring, ...reminders, ...stale].sort((a, b) => a.at.getTime() - b.at.getTime()).slice(0, limit);
  },

  claim(db: Db, id: number, owner: string, now: Date, leaseUntil: Date) {
    const n = ms(now);
    return db
      .update(publications)
      .set({ status: 'publishing', claimOwner: owner, leaseUntil: ms(leaseUntil), attempts: sql`${publications.attempts} + 1`, updatedAt: n })
      .where(
        and(
          eq(publications.id, id),
          eq(publications.status, 'scheduled'),
          lte(publications.dueAt, n),
          or(isNull(publications.nextAttemptAt), lte(publications.nextAttemptAt, n)),
          // Only what was approved: the post is approved and this is its current revision.
          sql`exists (select 1 from ${posts} where ${posts.id} = ${publications.postId} and ${posts.status} = 'approved' and ${posts.currentRevisionId} = ${publications.revisionId})`,
        ),
      )
      .returning()
      .get();
  },

  renew(db: Db, id: number, owner: string, leaseUntil: Date): boolean {
    return (
      db
        .update(publications)
        .set({ leaseUntil: ms(leaseUntil) })
        .where(and(eq(publications.id, id), eq(publications.status, 'publishing'), eq(publications.claimOwner, owner)))
        .run().changes === 1
    );
  },

  saveCheckpoint(db: Db, id: number, owner: string, checkpoint: Record<string, unknown>): void {
    const result = db
      .update(publications)
      .set({ checkpoint: json(checkpoint) })
      .where(and(eq(publications.id, id), eq(publications.status, 'publishing'), eq(publications.claimOwner, owner)))
      .run();
    if (result.changes !== 1) throw new Error(`publication ${id} is not claimed by ${owner}`);
  },

  settle(db: Db, id: number, owner: string, outcome: PublishOutcome, at: Date) {
    const base = { claimOwner: null, leaseUntil: null, updatedAt: ms(at) };
    const set: Partial<typeof publications.$inferInsert> =
      outcome.status === 'published'
        ? { ...base, status: 'published', externalId: outcome.externalId, url: outcome.url, publishedAt: ms(at), lastError: null, nextAttemptAt: null }
        : outcome.status === 'scheduled'
          ? { ...base, status: 'scheduled', nextAttemptAt: ms(outcome.retryAt), lastError: outcome.error }
          : { ...base, status: outcome.status, lastError: outcome.error };
    return db
      .update(publications)
      .set(set)
      .where(and(eq(publications.id, id), eq(publications.status, 'publishing'), eq(publications.claimOwner, owner)))
      .returning()
      .get();
  },

  /** Marks a post published once every publication that is still meant to go out has. */
  completePostIfDone(db: Db, postId: number, at: Date): boolean {
    const open = db
      .select({ id: publications.id })
      .from(publications)
      .where(and(eq(publications.postId, postId), ne(publications.status, 'published'), ne(publications.status, 'cancelled')))
      .limit(1)
      .all();
    if (open.length) return false;
    return db.update(posts).set({ status: 'published', updatedAt: ms(at) }).where(and(eq(posts.id, postId), eq(posts.status, 'approved'))).run().changes === 1;
  },

  abandonStale(db: Db, now: Date, error: string) {
    return db
      .update(publications)
      .set({ status: 'needs_attention', lastError: error, claimOwner: null, leaseUntil: null, updatedAt: ms(now) })
      .where(and(eq(publications.status, 'publishing'), lte(publications.leaseUntil, ms(now))))
      .returning()
      .all();
  },

  markMissed(db: Db, cutoff: Date, at: Date, error: string) {
    const effective = sql<number>`coalesce(${publications.nextAttemptAt}, ${publications.dueAt})`;
    return db
      .update(publications)
      .set({ status: 'missed', lastError: error, updatedAt: ms(at) })
      .where(and(eq(publications.status, 'scheduled'), lt(publications.dueAt, ms(cutoff)), lt(effective, ms(cutoff))))
      .returning()
      .all();
  },

  publishedSince(db: Db, since: Date) {
    return db
      .select({
        publicationId: publications.id,
        postId: publications.postId,
        network: publications.network,
        externalId: publications.externalId,
        url: publications.url,
        publishedAt: publications.publishedAt,
      })
      .from(publications)
      .where(and(eq(publications.status, 'published'), gte(publications.publishedAt, ms(since))))
      .orderBy(asc(publications.publishedAt))
      .all();
  },
};

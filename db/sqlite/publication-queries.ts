/**
 * The scheduler's reads and writes of publications. Every write is a compare-and-set on the
 * publication's status (and claim owner), so two processes sharing one database can never
 * both send, settle or abandon the same publication. The hot ones are prepared once: a burst
 * of a thousand posts due at 09:00 is a thousand claims and settles within a second.
 * Callers run the writes inside a write transaction.
 */
import { and, asc, eq, gte, inArray, isNotNull, isNull, lt, lte, ne, or, sql } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { DueItem, PublicationChange, PublishOutcome } from '../store.js';
import { json, ms } from './rows.js';
import * as schema from './schema.js';

type Db = BetterSQLite3Database<typeof schema>;
const { publications, posts } = schema;
const p = sql.placeholder;
/** A placeholder where drizzle's types want a value (update sets); bound as given. */
const v = (name: string) => sql`${sql.placeholder(name)}`;
/** A scheduled publication is due at its retry time if it has one, else at its due time. */
const effective = sql<number>`coalesce(${publications.nextAttemptAt}, ${publications.dueAt})`;

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

export class PublicationQueries {
  readonly #duePublications;
  readonly #dueExpiries;
  readonly #dueReminders;
  readonly #dueStale;
  readonly #claim;
  readonly #renew;
  readonly #settlePublished;
  readonly #settleRetry;
  readonly #settleFinal;
  readonly #openCount;
  readonly #markPostPublished;

  constructor(private readonly db: Db) {
    this.#duePublications = db
      .select({ id: publications.id, at: effective })
      .from(publications)
      .where(and(eq(publications.status, 'scheduled'), lte(publications.dueAt, p('until')), lte(effective, p('until'))))
      .orderBy(asc(effective))
      .limit(p('limit'))
      .prepare();
    this.#dueExpiries = db
      .select({ id: posts.id, at: posts.publishAt })
      .from(posts)
      .where(and(eq(posts.status, 'pending'), isNotNull(posts.publishAt), lte(posts.publishAt, p('until'))))
      .orderBy(asc(posts.publishAt))
      .limit(p('limit'))
      .prepare();
    this.#dueReminders = db
      .select({ id: posts.id, at: posts.publishAt })
      .from(posts)
      .where(
        and(
          eq(posts.status, 'pending'),
          isNotNull(posts.publishAt),
          lte(posts.publishAt, p('untilPlusLead')),
          or(isNull(posts.remindedFor), ne(posts.remindedFor, posts.publishAt)),
        ),
      )
      .orderBy(asc(posts.publishAt))
      .limit(p('limit'))
      .prepare();
    this.#dueStale = db
      .select({ id: publications.id, at: publications.leaseUntil })
      .from(publications)
      .where(and(eq(publications.status, 'publishing'), lte(publications.leaseUntil, p('until'))))
      .limit(p('limit'))
      .prepare();
    this.#claim = db
      .update(publications)
      .set({ status: 'publishing', claimOwner: v('owner'), leaseUntil: v('leaseUntil'), attempts: sql`${publications.attempts} + 1`, updatedAt: v('now') })
      .where(
        and(
          eq(publications.id, p('id')),
          eq(publications.status, 'scheduled'),
          lte(publications.dueAt, p('now')),
          or(isNull(publications.nextAttemptAt), lte(publications.nextAttemptAt, p('now'))),
          // Only what was approved: the post is approved and this is its current revision.
          sql`exists (select 1 from ${posts} where ${posts.id} = ${publications.postId} and ${posts.status} = 'approved' and ${posts.currentRevisionId} = ${publications.revisionId})`,
        ),
      )
      .returning()
      .prepare();
    const mine = and(eq(publications.id, p('id')), eq(publications.status, 'publishing'), eq(publications.claimOwner, p('owner')));
    this.#renew = db.update(publications).set({ leaseUntil: v('leaseUntil') }).where(mine).prepare();
    const released = { claimOwner: null, leaseUntil: null, updatedAt: v('at') };
    this.#settlePublished = db
      .update(publications)
      .set({ ...released, status: 'published', externalId: v('externalId'), url: v('url'), publishedAt: v('at'), lastError: null, nextAttemptAt: null })
      .where(mine)
      .returning()
      .prepare();
    this.#settleRetry = db
      .update(publications)
      .set({ ...released, status: 'scheduled', nextAttemptAt: v('retryAt'), lastError: v('error') })
      .where(mine)
      .returning()
      .prepare();
    this.#settleFinal = db
      .update(publications)
      .set({ ...released, status: v('status'), lastError: v('error') })
      .where(mine)
      .returning()
      .prepare();
    this.#openCount = db
      .select({ n: sql<number>`count(*)` })
      .from(publications)
      .where(and(eq(publications.postId, p('postId')), ne(publications.status, 'published'), ne(publications.status, 'cancelled')))
      .prepare();
    this.#markPostPublished = db
      .update(posts)
      .set({ status: 'published', updatedAt: v('at') })
      .where(and(eq(posts.id, p('postId')), eq(posts.status, 'approved')))
      .prepare();
  }

  dueItems(until: Date, limit: number, reminderLeadMs: number): DueItem[] {
    const u = ms(until);
    const items = [
      ...this.#duePublications.all({ until: u, limit }).map((r): DueItem => ({ kind: 'publication', id: r.id, at: new Date(r.at) })),
      ...this.#dueExpiries.all({ until: u, limit }).map((r): DueItem => ({ kind: 'expiry', id: r.id, at: new Date(r.at!) })),
      ...this.#dueReminders.all({ untilPlusLead: u + reminderLeadMs, limit }).map((r): DueItem => ({ kind: 'reminder', id: r.id, at: new Date(r.at! - reminderLeadMs) })),
      ...this.#dueStale.all({ until: u, limit }).map((r): DueItem => ({ kind: 'stale', id: r.id, at: new Date(r.at!) })),
    ];
    return items.sort((a, b) => a.at.getTime() - b.at.getTime()).slice(0, limit);
  }

  claim(id: number, owner: string, now: Date, leaseUntil: Date) {
    return this.#claim.get({ id, owner, now: ms(now), leaseUntil: ms(leaseUntil) });
  }

  renew(id: number, owner: string, leaseUntil: Date): boolean {
    return this.#renew.run({ id, owner, leaseUntil: ms(leaseUntil) }).changes === 1;
  }

  saveCheckpoint(id: number, owner: string, checkpoint: Record<string, unknown>): void {
    const result = this.db
      .update(publications)
      .set({ checkpoint: json(checkpoint) })
      .where(and(eq(publications.id, id), eq(publications.status, 'publishing'), eq(publications.claimOwner, owner)))
      .run();
    if (result.changes !== 1) throw new Error(`publication ${id} is not claimed by ${owner}`);
  }

  settle(id: number, owner: string, outcome: PublishOutcome, at: Date) {
    const base = { id, owner, at: ms(at) };
    if (outcome.status === 'published') return this.#settlePublished.get({ ...base, externalId: outcome.externalId, url: outcome.url });
    if (outcome.status === 'scheduled') return this.#settleRetry.get({ ...base, retryAt: ms(outcome.retryAt), error: outcome.error });
    return this.#settleFinal.get({ ...base, status: outcome.status, error: outcome.error });
  }

  /** Marks a post published once every publication that is still meant to go out has. */
  completePostIfDone(postId: number, at: Date): boolean {
    if ((this.#openCount.get({ postId })?.n ?? 0) > 0) return false;
    return this.#markPostPublished.run({ postId, at: ms(at) }).changes === 1;
  }

  abandonStale(now: Date, error: string) {
    return this.db
      .update(publications)
      .set({ status: 'needs_attention', lastError: error, claimOwner: null, leaseUntil: null, updatedAt: ms(now) })
      .where(and(eq(publications.status, 'publishing'), lte(publications.leaseUntil, ms(now))))
      .returning()
      .all();
  }

  markMissed(cutoff: Date, at: Date, error: string) {
    return this.db
      .update(publications)
      .set({ status: 'missed', lastError: error, updatedAt: ms(at) })
      .where(and(eq(publications.status, 'scheduled'), lt(publications.dueAt, ms(cutoff)), lt(effective, ms(cutoff))))
      .returning()
      .all();
  }

  publishedSince(since: Date) {
    return this.db
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
  }
}

/**
 * The scheduler's reads and writes of publications. Every write is a compare-and-set on the
 * publication's status (and claim owner, and for recoveries the lapsed lease and the sending
 * mark), so two processes sharing one database can never both send, settle, take back or
 * abandon the same publication. The hot ones are prepared once: a burst of a thousand posts
 * due at 09:00 is a thousand claims and settles within a second.
 * Callers run the writes inside a write transaction.
 */
import type { Database, Statement } from 'better-sqlite3';
import { and, asc, eq, gte, inArray, isNotNull, isNull, lt, lte, ne, or, sql } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { NetworkId } from '../../src/domain/network.js';
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
  // A person decided (having checked the account where it was in doubt): no mark survives.
  const set: Partial<typeof publications.$inferInsert> = {
    status: change.status,
    updatedAt: ms(at),
    claimOwner: null,
    leaseUntil: null,
    sendingAt: null,
  };
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
  readonly #duePublications: Statement<[{ until: number; limit: number }], { id: number; at: number; network: string }>;
  readonly #dueExpiries;
  readonly #dueReminders;
  readonly #dueStale;
  readonly #claim;
  readonly #renew;
  readonly #markSending;
  readonly #release;
  readonly #releaseStale;
  readonly #settlePublished;
  readonly #settleHeld;
  readonly #settleRetry;
  readonly #settleFinal;
  readonly #openCount;
  readonly #markPostPublished;

  constructor(
    private readonly db: Db,
    sqlite: Database,
  ) {
    // Soonest first per network (ties in id order, the order they were approved in), at most
    // `limit` of each: a thousand posts waiting on a rate-limited network must not hide the
    // one post due on another.
    this.#duePublications = sqlite.prepare(
      `SELECT id, at, network FROM (
         SELECT id, network, coalesce(next_attempt_at, due_at) AS at,
                row_number() OVER (PARTITION BY network ORDER BY coalesce(next_attempt_at, due_at), id) AS n
         FROM publications
         WHERE status IN ('scheduled', 'held') AND due_at <= @until AND coalesce(next_attempt_at, due_at) <= @until
       ) WHERE n <= @limit ORDER BY at, id`,
    );
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
      .orderBy(asc(publications.leaseUntil), asc(publications.id))
      .limit(p('limit'))
      .prepare();
    this.#claim = db
      .update(publications)
      .set({
        status: 'publishing',
        claimOwner: v('owner'),
        leaseUntil: v('leaseUntil'),
        attempts: sql`${publications.attempts} + 1`,
        updatedAt: v('now'),
      })
      .where(
        and(
          eq(publications.id, p('id')),
          // A held one is claimed at its time to confirm the network made it public.
          inArray(publications.status, ['scheduled', 'held']),
          lte(publications.dueAt, p('now')),
          or(isNull(publications.nextAttemptAt), lte(publications.nextAttemptAt, p('now'))),
          // Only what was approved: the post is approved and this is its current revision.
          sql`exists (select 1 from ${posts} where ${posts.id} = ${publications.postId} and ${posts.status} = 'approved' and ${posts.currentRevisionId} = ${publications.revisionId})`,
        ),
      )
      .returning()
      .prepare();
    const mine = and(eq(publications.id, p('id')), eq(publications.status, 'publishing'), eq(publications.claimOwner, p('owner')));
    this.#renew = db
      .update(publications)
      .set({ leaseUntil: v('leaseUntil') })
      .where(mine)
      .prepare();
    // The first mark stands: a resumed send's idempotency window counts from the first request.
    this.#markSending = db
      .update(publications)
      .set({ sendingAt: sql`coalesce(${publications.sendingAt}, ${sql.placeholder('at')})` })
      .where(mine)
      .prepare();
    // A claim that never sent goes back as it was: due when it was due, the attempt uncounted.
    const giveBack = {
      status: 'scheduled',
      claimOwner: null,
      leaseUntil: null,
      attempts: sql`max(${publications.attempts} - 1, 0)`,
      updatedAt: v('at'),
    };
    this.#release = db
      .update(publications)
      .set(giveBack)
      .where(and(mine, isNull(publications.sendingAt)))
      .prepare();
    this.#releaseStale = db
      .update(publications)
      .set(giveBack)
      .where(and(mine, isNull(publications.sendingAt), lte(publications.leaseUntil, p('staleBy'))))
      .prepare();
    // An attempt that settled answered for its own request, so its sending mark goes, except
    // when the outcome stays unknown: then it records that a request really was in flight.
    const released = { claimOwner: null, leaseUntil: null, updatedAt: v('at') };
    this.#settlePublished = db
      .update(publications)
      .set({
        ...released,
        status: 'published',
        externalId: v('externalId'),
        url: v('url'),
        publishedAt: v('at'),
        lastError: null,
        nextAttemptAt: null,
        sendingAt: null,
      })
      .where(mine)
      .returning()
      .prepare();
    // Held on the network until its due time: the claim goes, the link stays, and at the due time it is claimed again to confirm.
    this.#settleHeld = db
      .update(publications)
      .set({
        ...released,
        status: 'held',
        externalId: v('externalId'),
        url: v('url'),
        dueAt: v('until'),
        lastError: null,
        nextAttemptAt: null,
        sendingAt: null,
      })
      .where(mine)
      .returning()
      .prepare();
    this.#settleRetry = db
      .update(publications)
      .set({ ...released, status: 'scheduled', nextAttemptAt: v('retryAt'), lastError: v('error'), sendingAt: null })
      .where(mine)
      .returning()
      .prepare();
    this.#settleFinal = db
      .update(publications)
      .set({
        ...released,
        status: v('status'),
        lastError: v('error'),
        sendingAt: sql`case when ${sql.placeholder('status')} = 'needs_attention' then ${publications.sendingAt} else null end`,
      })
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
      ...this.#duePublications
        .all({ until: u, limit })
        .map((r): DueItem => ({ kind: 'publication', id: r.id, at: new Date(r.at), network: r.network as NetworkId })),
      ...this.#dueExpiries.all({ until: u, limit }).map((r): DueItem => ({ kind: 'expiry', id: r.id, at: new Date(r.at!) })),
      ...this.#dueReminders
        .all({ untilPlusLead: u + reminderLeadMs, limit })
        .map((r): DueItem => ({ kind: 'reminder', id: r.id, at: new Date(r.at! - reminderLeadMs) })),
      ...this.#dueStale.all({ until: u, limit }).map((r): DueItem => ({ kind: 'stale', id: r.id, at: new Date(r.at!) })),
    ];
    return items.sort((a, b) => a.at.getTime() - b.at.getTime() || a.id - b.id);
  }

  claim(id: number, owner: string, now: Date, leaseUntil: Date) {
    return this.#claim.get({ id, owner, now: ms(now), leaseUntil: ms(leaseUntil) });
  }

  renew(id: number, owner: string, leaseUntil: Date): boolean {
    return this.#renew.run({ id, owner, leaseUntil: ms(leaseUntil) }).changes === 1;
  }

  markSending(id: number, owner: string, at: Date): boolean {
    return this.#markSending.run({ id, owner, at: ms(at) }).changes === 1;
  }

  release(id: number, owner: string, at: Date, staleBy?: Date): boolean {
    const result =
      staleBy === undefined
        ? this.#release.run({ id, owner, at: ms(at) })
        : this.#releaseStale.run({ id, owner, at: ms(at), staleBy: ms(staleBy) });
    return result.changes === 1;
  }

  staleClaims(now: Date, limit: number) {
    return this.db
      .select()
      .from(publications)
      .where(and(eq(publications.status, 'publishing'), lte(publications.leaseUntil, ms(now))))
      .orderBy(asc(publications.leaseUntil), asc(publications.id))
      .limit(limit)
      .all();
  }

  /** Takes over a stale claim whose request had left; its sending mark stays (see `markSending`). */
  resumeStale(id: number, staleOwner: string, staleBy: Date, owner: string, leaseUntil: Date, at: Date) {
    return this.db
      .update(publications)
      .set({ claimOwner: owner, leaseUntil: ms(leaseUntil), attempts: sql`${publications.attempts} + 1`, updatedAt: ms(at) })
      .where(
        and(
          eq(publications.id, id),
          eq(publications.status, 'publishing'),
          eq(publications.claimOwner, staleOwner),
          lte(publications.leaseUntil, ms(staleBy)),
          isNotNull(publications.sendingAt),
        ),
      )
      .returning()
      .get();
  }

  abandonStale(id: number, staleOwner: string, staleBy: Date, error: string, at: Date) {
    return this.db
      .update(publications)
      .set({ status: 'needs_attention', lastError: error, claimOwner: null, leaseUntil: null, updatedAt: ms(at) })
      .where(
        and(
          eq(publications.id, id),
          eq(publications.status, 'publishing'),
          eq(publications.claimOwner, staleOwner),
          lte(publications.leaseUntil, ms(staleBy)),
        ),
      )
      .returning()
      .get();
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
    if (outcome.status === 'held')
      return this.#settleHeld.get({ ...base, externalId: outcome.externalId, url: outcome.url, until: ms(outcome.until) });
    if (outcome.status === 'scheduled') return this.#settleRetry.get({ ...base, retryAt: ms(outcome.retryAt), error: outcome.error });
    return this.#settleFinal.get({ ...base, status: outcome.status, error: outcome.error });
  }

  /** Marks a post published once every publication that is still meant to go out has. */
  completePostIfDone(postId: number, at: Date): boolean {
    if ((this.#openCount.get({ postId })?.n ?? 0) > 0) return false;
    return this.#markPostPublished.run({ postId, at: ms(at) }).changes === 1;
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

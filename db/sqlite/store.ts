import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { and, asc, count, desc, eq, gt, gte, inArray, lt, type SQL } from 'drizzle-orm';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { AuditEntry } from '../../src/domain/audit.js';
import type { NetworkId } from '../../src/domain/network.js';
import {
  textFor,
  type ChatPlatform,
  type Person,
  type PostAggregate,
  type PostImage,
  type PostVideo,
  type Revision,
  type TextVariants,
  type YouTubeDetails,
} from '../../src/domain/post.js';
import type { EngagementMetrics, Publication, PublicationStatus } from '../../src/domain/publication.js';
import {
  isRefusal,
  type AuditQuery,
  type ChatConversation,
  type ChatMessageRef,
  type ClaimedPublication,
  type DigestPublication,
  type ScheduledPublication,
  type DueItem,
  type NewsClaim,
  type NewsHealth,
  type NewsInput,
  type NewsItem,
  type NewsSettlement,
  type SettledNews,
  type MetricSnapshotInput,
  type PublishOutcome,
  type PublishedTarget,
  type SettledPublication,
  type StaleClaimRef,
  type NewAuditEntry,
  type NewPost,
  type NewPublication,
  type NewRevision,
  type PersonInput,
  type PostChange,
  type PostQuery,
  type Refusal,
  SEEN_REQUEST_MEMORY_MS,
  type Store,
  type StoreHealth,
  type UpcomingPublication,
  type UpdateResult,
} from '../store.js';
import { migrateSqlite, openSqlite } from './connection.js';
import {
  columnReader,
  json,
  maybeMs,
  ms,
  parseReference,
  width,
  toAuditEntry,
  toDecision,
  toPerson,
  toPost,
  toPublication,
  toRevision,
} from './rows.js';
import * as schema from './schema.js';
import { compareAndSetCredential, readCredential } from './credential-queries.js';
import { startCheckpointer, type Checkpointer } from './checkpointer.js';
import { SqliteHealth } from './health.js';
import { DigestQueries } from './digest-queries.js';
import { OutboxQueries } from './outbox-queries.js';
import { applyPublicationChange, PublicationQueries } from './publication-queries.js';
import { prepareStatements, type Statements } from './statements.js';
import { SeenRequestQueries } from './seen-request-queries.js';

type Db = BetterSQLite3Database<typeof schema>;

/** Most units of work one commit may carry; keeps a burst from holding the write lock long. */
const MAX_GROUP = 256;

/** Raw-row readers for the post loader (see `columnReader`). */
const read = {
  post: columnReader(schema.posts),
  revision: columnReader(schema.revisions),
  person: columnReader(schema.people),
  decision: columnReader(schema.decisions),
  publication: columnReader(schema.publications),
  chatMessage: columnReader(schema.chatMessages),
};

const POST_WIDTH = width(schema.posts);
const REVISION_WIDTH = width(schema.revisions);
const DECISION_WIDTH = width(schema.decisions);

/** Greenlight itself, as the actor of what the scheduler does. */
const SYSTEM = { platform: 'system' as const, actorId: null, actorLabel: 'Greenlight' };

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

interface QueuedWrite {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * The Store over better-sqlite3.
 *
 * Writes use group commit: every write asked for while the event loop is busy joins one
 * `BEGIN IMMEDIATE … COMMIT`, in the order they were asked for. A unit that throws is undone
 * alone (see `#commitGroup`); a caller's promise settles only after the commit, so nothing
 * is reported done before it is durable. One commit per burst instead of one per click is
 * what lets many approvers click at once; a lone write still commits on the next turn of
 * the event loop. `BEGIN IMMEDIATE` makes a second process wait for the write lock (busy
 * timeout) instead of deciding on stale state.
 */
export class SqliteStore implements Store {
  readonly db: Db;
  readonly sqlite: Database.Database;
  readonly #q: Statements;
  readonly #digest: DigestQueries;
  readonly #pubs: PublicationQueries;
  readonly #outbox: OutboxQueries;
  readonly #newsListeners = new Set<() => void>();
  /** A unit of the group being committed wrote news (listeners are told after the commit). */
  #newsWritten = false;
  readonly #seen: SeenRequestQueries;
  #conversationStatement: Database.Statement | undefined;
  #mediaLinkSecret: string | undefined;
  #checkpointer: Checkpointer | undefined;
  readonly #queue: QueuedWrite[] = [];
  #flushScheduled = false;
  #inGroup = false;
  readonly #tx: Record<'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollbackTo', Database.Statement>;
  readonly #health: SqliteHealth;

  /** `file` is the path it was opened from (null or absent: in memory), watched by `health()`. */
  constructor(sqlite: Database.Database, file: string | null = null, options: { minFreeBytes?: number } = {}) {
    this.sqlite = sqlite;
    this.#health = new SqliteHealth(sqlite, file === ':memory:' ? null : file, options.minFreeBytes);
    this.db = drizzle(sqlite, { schema });
    this.#q = prepareStatements(this.db, sqlite);
    this.#digest = new DigestQueries(this.db, sqlite);
    this.#pubs = new PublicationQueries(this.db, sqlite);
    this.#outbox = new OutboxQueries(sqlite);
    this.#seen = new SeenRequestQueries(sqlite);
    this.#tx = {
      begin: sqlite.prepare('BEGIN IMMEDIATE'),
      commit: sqlite.prepare('COMMIT'),
      rollback: sqlite.prepare('ROLLBACK'),
      savepoint: sqlite.prepare('SAVEPOINT unit'),
      release: sqlite.prepare('RELEASE unit'),
      rollbackTo: sqlite.prepare('ROLLBACK TO unit'),
    };
  }

  /** `inspect` sees the database as found, before anything is written (see `openSqlite`). */
  static open(file: string, options: { minFreeBytes?: number; inspect?: (sqlite: Database.Database) => void } = {}): SqliteStore {
    const sqlite = openSqlite(file, options.inspect);
    try {
      migrateSqlite(sqlite);
    } catch (error) {
      sqlite.close();
      throw error;
    }
    const store = new SqliteStore(sqlite, file, options);
    if (file !== ':memory:') {
      sqlite.pragma('wal_autocheckpoint = 0');
      store.#checkpointer = startCheckpointer(file);
    }
    return store;
  }

  /** Runs `work` (synchronous) atomically in the next group commit. */
  #write<T>(work: () => T): Promise<T> {
    if (this.#inGroup) return Promise.resolve(this.#unit(work)); // called from inside a unit: join it
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #unit<T>(work: () => T): T {
    this.#tx.savepoint.run();
    try {
      const value = work();
      this.#tx.release.run();
      return value;
    } catch (error) {
      // On some errors (a full disk, I/O) SQLite has already rolled the whole transaction
      // back: there is no savepoint left to return to, and the caller must hear the cause.
      if (this.sqlite.inTransaction) {
        this.#tx.rollbackTo.run();
        this.#tx.release.run();
      }
      throw error;
    }
  }

  #flush(): void {
    this.#flushScheduled = false;
    const group = this.#queue.splice(0, MAX_GROUP);
    if (this.#queue.length) {
      this.#flushScheduled = true;
      setImmediate(() => this.#flush());
    }
    if (!group.length) return;
    if (!this.sqlite.open) {
      for (const item of group) item.reject(new Error('the database is closed'));
      return;
    }
    let outcomes: Outcome[];
    this.#newsWritten = false;
    try {
      outcomes = this.#commitGroup(group);
    } catch (error) {
      // BEGIN or COMMIT failed (lock timeout, disk full): nothing in the group happened.
      if (this.sqlite.inTransaction) this.#tx.rollback.run();
      this.#health.writeFailed(error);
      for (const item of group) item.reject(error);
      return;
    } finally {
      this.#inGroup = false;
    }
    for (const outcome of outcomes) if (!outcome.ok) this.#health.writeFailed(outcome.error);
    group.forEach((item, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    });
    if (this.#newsWritten) {
      this.#newsWritten = false;
      for (const listener of this.#newsListeners) listener();
    }
  }

  /**
   * Runs the group's units in one transaction. Units almost never throw (a refusal is a
   * return value), so they first run back to back without savepoints, which measured about
   * a third of a decision's SQL time. If one does throw, the whole transaction is rolled
   * back and the group runs again with a savepoint per unit, so only that unit is undone. Running
   * a unit twice is safe: its work only reads and writes the database (and `updatePost`'s
   * `decide` is pure), and the rollback puts the database back as the first run found it.
   */
  #commitGroup(group: readonly QueuedWrite[]): Outcome[] {
    this.#tx.begin.run();
    this.#inGroup = true;
    const values: unknown[] = [];
    try {
      for (const item of group) values.push(item.work());
      this.#tx.commit.run();
      return values.map((value) => ({ ok: true, value }));
    } catch {
      if (this.sqlite.inTransaction) this.#tx.rollback.run();
    }
    this.#tx.begin.run();
    const outcomes: Outcome[] = group.map((item) => {
      try {
        return { ok: true, value: this.#unit(item.work) };
      } catch (error) {
        // The transaction is gone with every unit's work in it: the whole group failed.
        if (!this.sqlite.inTransaction) throw error;
        return { ok: false, error };
      }
    });
    this.#tx.commit.run();
    return outcomes;
  }

  async ping(): Promise<boolean> {
    try {
      return this.sqlite.prepare('SELECT 1 AS ok').get() !== undefined;
    } catch {
      return false;
    }
  }

  async health(): Promise<StoreHealth> {
    return this.#health.check();
  }

  async close(): Promise<void> {
    // Let writes already asked for commit first.
    while (this.#queue.length) this.#flush();
    await this.#checkpointer?.stop();
    this.#checkpointer = undefined;
    if (this.sqlite.open) {
      // Leave a tidy file: everything in the database, the WAL empty.
      this.sqlite.pragma('wal_checkpoint(TRUNCATE)');
      this.sqlite.close();
    }
  }

  // People -------------------------------------------------------------------------------

  async upsertPerson(input: PersonInput, at: Date): Promise<Person> {
    const set: Partial<typeof schema.people.$inferInsert> = { displayName: input.displayName, updatedAt: ms(at) };
    if (input.timezone !== undefined) set.timezone = input.timezone;
    if (input.email !== undefined) set.email = input.email;
    const found = this.#q.personByPlatformId.rows({ platform: input.platform, platformUserId: input.platformUserId })[0];
    const existing = found && read.person(found);
    // Most calls are the same person clicking again: skip the write when nothing changed.
    if (
      existing &&
      existing.displayName === input.displayName &&
      (input.timezone === undefined || input.timezone === existing.timezone) &&
      (input.email === undefined || input.email === existing.email)
    ) {
      return toPerson(existing);
    }
    return this.#write(() => {
      const row = this.db
        .insert(schema.people)
        .values({
          platform: input.platform,
          platformUserId: input.platformUserId,
          displayName: input.displayName,
          timezone: input.timezone ?? null,
          email: input.email ?? null,
          createdAt: ms(at),
          updatedAt: ms(at),
        })
        .onConflictDoUpdate({ target: [schema.people.platform, schema.people.platformUserId], set })
        .returning()
        .get();
      return toPerson(row);
    });
  }

  async getPerson(id: number): Promise<Person | undefined> {
    const row = this.#q.personById.rows({ id })[0];
    return row && toPerson(read.person(row));
  }

  async findPerson(platform: ChatPlatform, platformUserId: string): Promise<Person | undefined> {
    const row = this.#q.personByPlatformId.rows({ platform, platformUserId })[0];
    return row && toPerson(read.person(row));
  }

  // Posts --------------------------------------------------------------------------------

  async createPost(input: NewPost): Promise<PostAggregate> {
    return this.#write(() => {
      const at = ms(input.at);
      const [[postId, revisionId]] = this.#q.nextIds.rows({}) as [[number, number]];
      this.#q.insertPost.run({
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
      this.#insertAudit(input.audit, input.at, postId, revisionId);
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
      if (input.news) this.#insertNews(input.news(created), input.at);
      return created;
    });
  }

  /**
   * Writes a revision (with the id given, or the next one) and returns it. Objects are
   * spelled out rather than spread: a spread followed by a key it already has costs V8 a
   * slow copy, and this runs for every draft.
   */
  #insertRevision(r: NewRevision, postId: number, number: number, createdAt: Date, id?: number): Revision {
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
    const revisionId = id === undefined ? this.#q.insertRevision.id(values) : (this.#q.firstRevision.run(values), id);
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

  async getPost(id: number): Promise<PostAggregate | undefined> {
    return this.#load(id);
  }

  async listPosts(query: PostQuery): Promise<PostAggregate[]> {
    const conditions: SQL[] = [];
    if (query.statuses?.length) conditions.push(inArray(schema.posts.status, query.statuses));
    if (query.authorId !== undefined) conditions.push(eq(schema.posts.authorId, query.authorId));
    // One read transaction, so the list is a consistent snapshot.
    return this.sqlite.transaction(() => {
      const rows = this.db
        .select({ id: schema.posts.id })
        .from(schema.posts)
        .where(conditions.length ? and(...conditions) : undefined)
        .orderBy(query.oldestFirst ? asc(schema.posts.id) : desc(schema.posts.id))
        .limit(query.limit ?? 100)
        .all();
      return rows.map((r) => this.#load(r.id)!);
    })();
  }

  async countPosts(query: Omit<PostQuery, 'limit' | 'oldestFirst'>): Promise<number> {
    const conditions: SQL[] = [];
    if (query.statuses?.length) conditions.push(inArray(schema.posts.status, query.statuses));
    if (query.authorId !== undefined) conditions.push(eq(schema.posts.authorId, query.authorId));
    const row = this.db
      .select({ n: count() })
      .from(schema.posts)
      .where(conditions.length ? and(...conditions) : undefined)
      .get();
    return row?.n ?? 0;
  }

  async countPublications(statuses: readonly PublicationStatus[]): Promise<number> {
    if (!statuses.length) return 0;
    const row = this.db
      .select({ n: count() })
      .from(schema.publications)
      .where(inArray(schema.publications.status, [...statuses]))
      .get();
    return row?.n ?? 0;
  }

  async updatePost(postId: number, decide: (post: PostAggregate) => PostChange | Refusal): Promise<UpdateResult> {
    return this.#write((): UpdateResult => {
      const before = this.#load(postId);
      if (!before) return { ok: false, refusal: { code: 'not_found', refused: `There is no post #${postId}.` } };
      const change = decide(before);
      if (isRefusal(change)) return { ok: false, refusal: change, post: before };
      return { ok: true, before, after: this.#apply(before, change) };
    });
  }

  /** Writes `change` and returns the post as it now is, without reading back what it just wrote. */
  #apply(before: PostAggregate, change: PostChange): PostAggregate {
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
    this.#q.updatePost.run({
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
      const id = Number(
        this.#q.insertDecision.run({ postId, revisionId, approverId: approver.id, kind, comment, platform, at }).lastInsertRowid,
      );
      decisions = [...decisions, { id, postId, revisionId, approver, kind, comment, platform, createdAt: change.at }];
    }
    let publications = before.publications;
    const cancelled = change.cancelScheduledPublications
      ? (this.#q.cancelScheduledPublications.rows({ postId, at }) as [number, string, number][])
      : [];
    const created = (change.createPublications ?? []).map((publication) => this.#createPublication(before, publication, change.at));
    for (const pc of change.publicationChanges ?? []) applyPublicationChange(this.db, postId, pc, change.at);
    if (change.cancelScheduledPublications || change.publicationChanges?.length) {
      publications = this.#publications(postId);
    } else if (created.length) {
      // Each created row is known as it now is (a revived one keeps its id).
      const revived = new Set(created.map((p) => p.id));
      publications = [...publications.filter((p) => !revived.has(p.id)), ...created].sort((a, b) => a.id - b.id);
    }
    this.#insertAudit(change.audit, change.at, postId, revision.id);
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
      this.#insertAudit(entries, change.at, postId, null);
    }
    const after = { post, revision, author: before.author, decisions, publications };
    if (change.news) this.#insertNews(change.news(after, before), change.at);
    return after;
  }

  /**
   * Schedules one network of an approved post. A network's row from an earlier, cancelled
   * approval is revived (so (post, network) stays unique for ever); otherwise it is a plain
   * insert whose row is known without reading it back: a third of the upsert's time.
   */
  #createPublication(before: PostAggregate, publication: NewPublication, createdAt: Date): Publication {
    const postId = before.post.id;
    const { network, revisionId } = publication;
    const values = { postId, revisionId, network, dueAt: ms(publication.dueAt), at: ms(createdAt) };
    if (!before.publications.some((p) => p.network === network)) {
      const id = Number(this.#q.insertPublication.run(values).lastInsertRowid);
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
    const row = this.#q.upsertPublication.rows(values)[0];
    // The existing row is live: something asked to publish twice, which must never happen,
    // so the whole change is undone.
    if (!row) throw new Error(`post ${postId} already has a live ${network} publication`);
    return toPublication(read.publication(row));
  }

  #insertAudit(entries: NewAuditEntry[], at: Date, postId: number | null, revisionId: number | null): void {
    for (const e of entries) {
      this.#q.insertAudit.run({
        at: ms(at),
        platform: e.platform,
        actorId: e.actorId,
        actorLabel: e.actorLabel,
        action: e.action,
        postId: e.postId === undefined ? postId : e.postId,
        revisionId: e.revisionId === undefined ? revisionId : e.revisionId,
        details: e.details ? JSON.stringify(e.details) : '{}',
      });
    }
  }

  #load(postId: number): PostAggregate | undefined {
    const head = this.#q.postHead.rows({ id: postId })[0];
    if (!head) return undefined;
    return {
      post: toPost(read.post(head)),
      revision: toRevision(read.revision(head, POST_WIDTH)),
      author: toPerson(read.person(head, POST_WIDTH + REVISION_WIDTH)),
      decisions: this.#q.postDecisions.rows({ postId }).map((r) => toDecision(read.decision(r), toPerson(read.person(r, DECISION_WIDTH)))),
      publications: this.#publications(postId),
    };
  }

  #publications(postId: number): Publication[] {
    return this.#q.postPublications.rows({ postId }).map((r) => toPublication(read.publication(r)));
  }

  async nextDuePublication(): Promise<UpcomingPublication | undefined> {
    const row = this.db
      .select({
        postId: schema.publications.postId,
        network: schema.publications.network,
        dueAt: schema.publications.dueAt,
        status: schema.publications.status,
      })
      .from(schema.publications)
      .where(eq(schema.publications.status, 'scheduled'))
      .orderBy(asc(schema.publications.dueAt))
      .limit(1)
      .get();
    return (
      row && { postId: row.postId, network: row.network as NetworkId, dueAt: new Date(row.dueAt), status: row.status as PublicationStatus }
    );
  }

  // Scheduling -----------------------------------------------------------------------------

  async dueItems(until: Date, limit: number, reminderLeadMs: number): Promise<DueItem[]> {
    return this.#pubs.dueItems(until, limit, reminderLeadMs);
  }

  async claimPublications(ids: readonly number[], claim: { owner: string; now: Date; leaseUntil: Date }): Promise<ClaimedPublication[]> {
    return this.#write(() =>
      ids.flatMap((id) => {
        const row = this.#pubs.claim(id, claim.owner, claim.now, claim.leaseUntil);
        return row ? [this.#claimed(row)] : [];
      }),
    );
  }

  /** A claimed row with what to send: its own revision's content (the one that was approved). */
  #claimed(row: typeof schema.publications.$inferSelect): ClaimedPublication {
    const [text, mediaUrl, images, variants, video, youtube] = this.#q.revisionContent.rows({ id: row.revisionId })[0] as [
      string,
      string | null,
      string,
      string,
      string | null,
      string | null,
    ];
    const publication = toPublication(row);
    const content = {
      text: textFor({ text, variants: JSON.parse(variants) as TextVariants }, publication.network),
      mediaUrl,
      images: JSON.parse(images) as PostImage[],
      video: video ? (JSON.parse(video) as PostVideo) : null,
      youtube: youtube ? (JSON.parse(youtube) as YouTubeDetails) : null,
    };
    const [publishAt] = this.#q.postPublishAt.rows({ id: row.postId })[0] as [number | null];
    return { publication, content, publishAt: publishAt === null ? null : new Date(publishAt), checkpoint: parseReference(row.checkpoint) };
  }

  async renewLease(id: number, owner: string, leaseUntil: Date): Promise<boolean> {
    return this.#write(() => this.#pubs.renew(id, owner, leaseUntil));
  }

  async markSending(id: number, owner: string, at: Date): Promise<boolean> {
    return this.#write(() => this.#pubs.markSending(id, owner, at));
  }

  async releaseClaim(id: number, owner: string, at: Date, staleBy?: Date): Promise<boolean> {
    return this.#write(() => this.#pubs.release(id, owner, at, staleBy));
  }

  async saveCheckpoint(id: number, owner: string, checkpoint: Record<string, unknown>): Promise<void> {
    await this.#write(() => this.#pubs.saveCheckpoint(id, owner, checkpoint));
  }

  async settlePublication(
    id: number,
    owner: string,
    outcome: PublishOutcome,
    at: Date,
    news?: SettledNews,
  ): Promise<SettledPublication | undefined> {
    return this.#write(() => {
      const row = this.#pubs.settle(id, owner, outcome, at);
      if (!row) {
        this.#auditLateOutcome(id, outcome, at);
        return undefined;
      }
      const details: Record<string, unknown> = { network: row.network, publicationId: row.id, attempts: row.attempts };
      if (outcome.status === 'published' || outcome.status === 'held')
        Object.assign(details, { url: outcome.url, externalId: outcome.externalId });
      else
        Object.assign(details, {
          error: outcome.error,
          ...(outcome.status === 'scheduled' ? { retryAt: outcome.retryAt.toISOString() } : {}),
        });
      const action = outcome.status === 'scheduled' ? 'publication.retry_scheduled' : `publication.${outcome.status}`;
      const done = this.#pubs.completePostIfDone(row.postId, at);
      this.#insertAudit(
        [{ ...SYSTEM, action, details }, ...(done ? [{ ...SYSTEM, action: 'post.published' }] : [])],
        at,
        row.postId,
        row.revisionId,
      );
      return this.#settled(row, at, news);
    });
  }

  /** The publication as settled, with its post, and the news about it written in the same transaction. */
  #settled(row: typeof schema.publications.$inferSelect, at: Date, news: SettledNews | undefined): SettledPublication {
    const settled = { publication: toPublication(row), post: this.#load(row.postId)! };
    if (news) this.#insertNews(news(settled), at);
    return settled;
  }

  /**
   * The claim was lost before the network answered (its lease ran out and it was flagged):
   * the record stays as it is, but what the network said, a link above all, is audited so
   * whoever resolves it (and the exported log) can see the post did go out, and where.
   */
  #auditLateOutcome(id: number, outcome: PublishOutcome, at: Date): void {
    const publication = this.db.select().from(schema.publications).where(eq(schema.publications.id, id)).get();
    if (!publication) return;
    const said =
      outcome.status === 'published' || outcome.status === 'held'
        ? { url: outcome.url, externalId: outcome.externalId }
        : { error: outcome.error };
    const details = { network: publication.network, publicationId: id, outcome: outcome.status, ...said, status: publication.status };
    this.#insertAudit([{ ...SYSTEM, action: 'publication.late_outcome', details }], at, publication.postId, publication.revisionId);
  }

  async staleClaims(now: Date, limit: number): Promise<Publication[]> {
    return this.#pubs.staleClaims(now, limit).map(toPublication);
  }

  async resumeStaleClaim(stale: StaleClaimRef, claim: { owner: string; leaseUntil: Date }): Promise<ClaimedPublication | undefined> {
    return this.#write(() => {
      const row = this.#pubs.resumeStale(stale.id, stale.owner, stale.now, claim.owner, claim.leaseUntil, stale.now);
      if (!row) return undefined;
      this.#insertAudit(
        [
          {
            ...SYSTEM,
            action: 'publication.resumed',
            details: {
              network: row.network,
              publicationId: row.id,
              sendingAt: new Date(row.sendingAt!).toISOString(),
              reason: 'claim expired',
            },
          },
        ],
        stale.now,
        row.postId,
        row.revisionId,
      );
      return this.#claimed(row);
    });
  }

  async abandonStaleClaim(stale: StaleClaimRef, error: string, news?: SettledNews): Promise<SettledPublication | undefined> {
    return this.#write(() => {
      const row = this.#pubs.abandonStale(stale.id, stale.owner, stale.now, error, stale.now);
      if (!row) return undefined;
      this.#insertAudit(
        [
          {
            ...SYSTEM,
            action: 'publication.needs_attention',
            details: { network: row.network, publicationId: row.id, reason: 'claim expired' },
          },
        ],
        stale.now,
        row.postId,
        row.revisionId,
      );
      return this.#settled(row, stale.now, news);
    });
  }

  async markMissed(cutoff: Date, at: Date, news?: SettledNews): Promise<SettledPublication[]> {
    return this.#write(() =>
      this.#pubs.markMissed(cutoff, at, 'It fell due while Greenlight was not running, later than the grace period allows.').map((row) => {
        this.#insertAudit(
          [
            {
              ...SYSTEM,
              action: 'publication.missed',
              details: { network: row.network, publicationId: row.id, dueAt: new Date(row.dueAt).toISOString() },
            },
          ],
          at,
          row.postId,
          row.revisionId,
        );
        return this.#settled(row, at, news);
      }),
    );
  }

  // Chat news ------------------------------------------------------------------------------

  onNewsWritten(listener: () => void): () => void {
    this.#newsListeners.add(listener);
    return () => this.#newsListeners.delete(listener);
  }

  #insertNews(items: readonly NewsInput[], at: Date): void {
    if (!items.length) return;
    this.#outbox.insert(items, at);
    this.#newsWritten = true;
  }

  async enqueueNews(items: NewsInput[], at: Date): Promise<void> {
    if (items.length) await this.#write(() => this.#insertNews(items, at));
  }

  async claimNews(claim: NewsClaim): Promise<NewsItem[][]> {
    return this.#write(() => this.#outbox.claim(claim));
  }

  async settleNews(ids: readonly number[], owner: string, settlement: NewsSettlement, at: Date): Promise<void> {
    await this.#write(() => this.#outbox.settle(ids, owner, settlement, at));
  }

  async hurryNews(platform: ChatPlatform, now: Date): Promise<void> {
    await this.#write(() => this.#outbox.hurry(platform, now));
  }

  async renewNewsLease(ids: readonly number[], owner: string, leaseUntil: Date): Promise<void> {
    await this.#write(() => this.#outbox.renew(ids, owner, leaseUntil));
  }

  async releaseNews(owner: string, at: Date): Promise<void> {
    await this.#write(() => this.#outbox.release(owner, at));
  }

  async nextNewsDue(platform: ChatPlatform): Promise<Date | undefined> {
    return this.#outbox.nextDue(platform);
  }

  async newsHealth(failedSince: Date): Promise<NewsHealth> {
    return this.#outbox.health(failedSince);
  }

  async pruneNews(before: Date, limit: number): Promise<number> {
    return this.#write(() => this.#outbox.prune(before, limit));
  }

  // Media --------------------------------------------------------------------------------

  async mediaLinkSecret(): Promise<string> {
    if (this.#mediaLinkSecret) return this.#mediaLinkSecret;
    // Insert-if-absent then read, in one write: two processes starting together agree on one key.
    this.#mediaLinkSecret = await this.#write(() => {
      this.sqlite
        .prepare("INSERT OR IGNORE INTO greenlight_meta (key, value) VALUES ('media_link_secret', ?)")
        .run(randomBytes(32).toString('hex'));
      return (this.sqlite.prepare("SELECT value FROM greenlight_meta WHERE key = 'media_link_secret'").get() as { value: string }).value;
    });
    return this.#mediaLinkSecret;
  }

  async mediaInUse(changedSince: Date): Promise<Set<string>> {
    // A daily read: prepared when asked. The uploads filter skips the revisions without any cheaply.
    // Every file a revision refers to: its images, its video, and YouTube's thumbnail.
    const rows = this.sqlite
      .prepare(
        `WITH kept AS (
           SELECT r.images, r.video, r.youtube FROM revisions r
           WHERE (r.images <> '[]' OR r.video IS NOT NULL OR r.youtube IS NOT NULL) AND (
             r.id IN (SELECT current_revision_id FROM posts WHERE status NOT IN ('rejected', 'cancelled', 'expired', 'published'))
             OR r.id IN (SELECT revision_id FROM publications WHERE status NOT IN ('published', 'cancelled'))
             OR r.post_id IN (SELECT id FROM posts WHERE updated_at >= @since)
           )
         )
         SELECT json_extract(j.value, '$.sha256') AS sha256 FROM kept, json_each(kept.images) j
         UNION SELECT json_extract(video, '$.sha256') FROM kept
         UNION SELECT json_extract(youtube, '$.thumbnail.sha256') FROM kept`,
      )
      .all({ since: changedSince.getTime() }) as Array<{ sha256: string | null }>;
    return new Set(rows.flatMap((r) => (r.sha256 ? [r.sha256] : [])));
  }

  // Metrics ------------------------------------------------------------------------------

  async countNetworkPosts(network: NetworkId, since: Date, until: Date): Promise<number> {
    // Asked when a dialog shows a quota: prepared when asked.
    const row = this.sqlite
      .prepare(
        `SELECT count(*) AS n FROM publications
         WHERE network = @network AND (
           (status IN ('publishing', 'held', 'published', 'failed', 'needs_attention') AND updated_at >= @since)
           OR (status = 'scheduled' AND coalesce(next_attempt_at, due_at) < @until)
         )`,
      )
      .get({ network, since: since.getTime(), until: until.getTime() }) as { n: number };
    return row.n;
  }

  async publishedSince(since: Date): Promise<PublishedTarget[]> {
    return this.#pubs.publishedSince(since).map((r) => ({
      publicationId: r.publicationId,
      postId: r.postId,
      network: r.network as NetworkId,
      externalId: r.externalId ?? '',
      url: r.url,
      publishedAt: new Date(r.publishedAt!),
    }));
  }

  async saveMetricSnapshots(rows: MetricSnapshotInput[]): Promise<void> {
    if (!rows.length) return;
    await this.#write(() => {
      for (let i = 0; i < rows.length; i += 500) {
        this.db
          .insert(schema.metricSnapshots)
          .values(rows.slice(i, i + 500).map((r) => ({ publicationId: r.publicationId, takenAt: ms(r.takenAt), ...r.metrics })))
          .run();
      }
    });
  }

  async pruneMetricSnapshots(before: Date, limit: number): Promise<number> {
    return this.#write(() => this.#digest.prune(before, limit));
  }

  // Digest ---------------------------------------------------------------------------------

  async publishedBetween(from: Date, to: Date): Promise<DigestPublication[]> {
    return this.#digest.publishedBetween(from, to);
  }

  async latestMetrics(publicationIds: readonly number[], at: Date): Promise<Map<number, EngagementMetrics>> {
    return this.#digest.latestMetrics(publicationIds, at);
  }

  async engagementByNetwork(at: Date, publishedSince: Date): Promise<Map<NetworkId, number>> {
    return this.#digest.engagementByNetwork(at, publishedSince);
  }

  async scheduledBetween(from: Date, to: Date, limit: number): Promise<ScheduledPublication[]> {
    return this.#digest.scheduledBetween(from, to, limit);
  }

  // Credentials ----------------------------------------------------------------------------

  async getCredential(key: string): Promise<string | undefined> {
    return readCredential(this.db, key);
  }

  async saveCredential(key: string, value: string, expectedPrevious: string | undefined, at: Date): Promise<boolean> {
    return this.#write(() => compareAndSetCredential(this.db, key, value, expectedPrevious, at));
  }

  // Chat requests already acted on ---------------------------------------------------------

  async rememberRequest(key: string, at: Date): Promise<boolean> {
    return this.#write(() => this.#seen.remember(key, ms(at), ms(at) - SEEN_REQUEST_MEMORY_MS));
  }

  async forgetRequest(key: string): Promise<void> {
    await this.#write(() => this.#seen.forget(key));
  }

  // Chat message references ----------------------------------------------------------------

  async saveChatMessage(ref: ChatMessageRef, at: Date): Promise<void> {
    const reference = json(ref.reference);
    await this.#write(() =>
      this.db
        .insert(schema.chatMessages)
        .values({ ...ref, reference, createdAt: ms(at), updatedAt: ms(at) })
        .onConflictDoUpdate({
          target: [schema.chatMessages.postId, schema.chatMessages.platform, schema.chatMessages.purpose],
          set: { channelId: ref.channelId, messageId: ref.messageId, reference, updatedAt: ms(at) },
        })
        .run(),
    );
  }

  async saveConversation(c: ChatConversation, at: Date): Promise<void> {
    const reference = JSON.stringify(c.reference);
    await this.#write(() =>
      this.db
        .insert(schema.chatConversations)
        .values({ platform: c.platform, kind: c.kind, key: c.key, reference, setBy: c.setBy ?? null, createdAt: ms(at), updatedAt: ms(at) })
        .onConflictDoUpdate({
          target: [schema.chatConversations.platform, schema.chatConversations.kind, schema.chatConversations.key],
          set: { reference, setBy: c.setBy ?? null, updatedAt: ms(at) },
        })
        .run(),
    );
  }

  async getConversation(platform: ChatPlatform, kind: ChatConversation['kind'], key: string): Promise<ChatConversation | undefined> {
    // Read for every piece of Teams news and every click: a statement prepared once.
    this.#conversationStatement ??= this.sqlite.prepare(
      'SELECT reference, set_by AS setBy FROM chat_conversations WHERE platform = ? AND kind = ? AND key = ?',
    );
    const row = this.#conversationStatement.get(platform, kind, key) as { reference: string; setBy: number | null } | undefined;
    return row && { platform, kind, key, reference: JSON.parse(row.reference) as Record<string, unknown>, setBy: row.setBy };
  }

  async getChatMessage(postId: number, platform: ChatPlatform, purpose: string): Promise<ChatMessageRef | undefined> {
    const found = this.#q.chatMessage.rows({ postId, platform, purpose })[0];
    if (!found) return undefined;
    const row = read.chatMessage(found);
    return {
      postId: row.postId,
      platform: row.platform as ChatPlatform,
      purpose: row.purpose,
      channelId: row.channelId,
      messageId: row.messageId,
      reference: parseReference(row.reference),
    };
  }

  // Audit ----------------------------------------------------------------------------------

  async appendAudit(entries: NewAuditEntry[], at: Date): Promise<void> {
    await this.#write(() => this.#insertAudit(entries, at, null, null));
  }

  async listAudit(query: AuditQuery): Promise<AuditEntry[]> {
    const conditions = [];
    if (query.since) conditions.push(gte(schema.auditLog.at, ms(query.since)));
    if (query.until) conditions.push(lt(schema.auditLog.at, ms(query.until)));
    if (query.afterId !== undefined) conditions.push(gt(schema.auditLog.id, query.afterId));
    return this.db
      .select()
      .from(schema.auditLog)
      .where(conditions.length ? and(...conditions) : undefined)
      .orderBy(asc(schema.auditLog.id))
      .limit(query.limit ?? 1000)
      .all()
      .map(toAuditEntry);
  }
}

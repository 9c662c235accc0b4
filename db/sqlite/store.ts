import type Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import type { AuditEntry } from '../../src/domain/audit.js';
import type { NetworkId } from '../../src/domain/network.js';
import type { ChatPlatform, Person, PostAggregate } from '../../src/domain/post.js';
import type { EngagementMetrics, Publication, PublicationStatus } from '../../src/domain/publication.js';
import type * as S from '../store.js';
import { SEEN_REQUEST_MEMORY_MS, type Store } from '../store.js';
import { insertAudit, listAudit } from './audit.js';
import { ChatReferences } from './chat-references.js';
import { startCheckpointer, type Checkpointer } from './checkpointer.js';
import { migrateSqlite, openSqlite } from './connection.js';
import type { Db, SqliteContext } from './context.js';
import { compareAndSetCredential, readCredential } from './credential-queries.js';
import { DigestQueries } from './digest-queries.js';
import { GroupCommit } from './group-commit.js';
import { SqliteHealth } from './health.js';
import { MediaReferences } from './media.js';
import { countNetworkPosts, publishedSince, saveMetricSnapshots } from './metrics.js';
import { News } from './news.js';
import { findPerson, getPerson, upsertPerson } from './people.js';
import { countPosts, listPosts, loadPost } from './post-loader.js';
import { Posts } from './posts.js';
import { PublicationClaims } from './publication-claims.js';
import { PublicationOutcomes } from './publication-outcomes.js';
import { PublicationQueries } from './publication-queries.js';
import { ms } from './rows.js';
import * as schema from './schema.js';
import { SeenRequestQueries } from './seen-request-queries.js';
import { prepareStatements } from './statements.js';

/**
 * The Store over better-sqlite3: this class opens and closes the database and hands each
 * method to the part that owns its concept (people.ts, posts.ts, post-loader.ts,
 * publication-claims.ts, publication-outcomes.ts, news.ts, …).
 *
 * Every write goes through one group commit (group-commit.ts): writes asked for while the
 * event loop is busy share one transaction, and a caller hears back only after the commit.
 * Each method's writes are one unit of work, so a method that writes a change, its audit and
 * its news writes them atomically.
 */
export class SqliteStore implements Store {
  readonly db: Db;
  readonly sqlite: Database.Database;
  readonly #ctx: SqliteContext;
  readonly #commits: GroupCommit;
  readonly #health: SqliteHealth;
  readonly #news: News;
  readonly #posts: Posts;
  readonly #claims: PublicationClaims;
  readonly #outcomes: PublicationOutcomes;
  readonly #pubs: PublicationQueries;
  readonly #digest: DigestQueries;
  readonly #seen: SeenRequestQueries;
  readonly #media: MediaReferences;
  readonly #chat: ChatReferences;
  #checkpointer: Checkpointer | undefined;

  /** `file` is the path it was opened from (null or absent: in memory), watched by `health()`. */
  constructor(sqlite: Database.Database, file: string | null = null, options: { minFreeBytes?: number } = {}) {
    this.sqlite = sqlite;
    this.#health = new SqliteHealth(sqlite, file === ':memory:' ? null : file, options.minFreeBytes);
    this.db = drizzle(sqlite, { schema });
    const commits = new GroupCommit(sqlite, (error) => this.#health.writeFailed(error));
    this.#commits = commits;
    this.#ctx = { db: this.db, sqlite, q: prepareStatements(this.db, sqlite), write: (work) => commits.write(work) };
    this.#news = new News(this.#ctx, (callback) => commits.afterCommit(callback));
    this.#pubs = new PublicationQueries(this.db, sqlite);
    this.#posts = new Posts(this.#ctx, this.#news);
    this.#claims = new PublicationClaims(this.#ctx, this.#pubs);
    this.#outcomes = new PublicationOutcomes(this.#ctx, this.#pubs, this.#news);
    this.#digest = new DigestQueries(this.db, sqlite);
    this.#seen = new SeenRequestQueries(sqlite);
    this.#media = new MediaReferences(this.#ctx);
    this.#chat = new ChatReferences(this.#ctx);
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

  async ping(): Promise<boolean> {
    try {
      return this.sqlite.prepare('SELECT 1 AS ok').get() !== undefined;
    } catch {
      return false;
    }
  }

  async health(): Promise<S.StoreHealth> {
    return this.#health.check();
  }

  async close(): Promise<void> {
    // Let writes already asked for commit first.
    this.#commits.drain();
    await this.#checkpointer?.stop();
    this.#checkpointer = undefined;
    if (this.sqlite.open) {
      // Leave a tidy file: everything in the database, the WAL empty.
      this.sqlite.pragma('wal_checkpoint(TRUNCATE)');
      this.sqlite.close();
    }
  }

  // People (people.ts) ---------------------------------------------------------------------
  async upsertPerson(input: S.PersonInput, at: Date): Promise<Person> {
    return upsertPerson(this.#ctx, input, at);
  }
  async getPerson(id: number): Promise<Person | undefined> {
    return getPerson(this.#ctx.q, id);
  }
  async findPerson(platform: ChatPlatform, platformUserId: string): Promise<Person | undefined> {
    return findPerson(this.#ctx.q, platform, platformUserId);
  }

  // Posts (posts.ts writes them, post-loader.ts reads them) --------------------------------
  async createPost(input: S.NewPost): Promise<PostAggregate> {
    return this.#posts.create(input);
  }
  async getPost(id: number): Promise<PostAggregate | undefined> {
    return loadPost(this.#ctx.q, id);
  }
  async listPosts(query: S.PostQuery): Promise<PostAggregate[]> {
    return listPosts(this.#ctx, query);
  }
  async countPosts(query: Omit<S.PostQuery, 'limit' | 'oldestFirst'>): Promise<number> {
    return countPosts(this.db, query);
  }
  async countPublications(statuses: readonly PublicationStatus[]): Promise<number> {
    return this.#claims.count(statuses);
  }
  async updatePost(postId: number, decide: (post: PostAggregate) => S.PostChange | S.Refusal): Promise<S.UpdateResult> {
    return this.#posts.update(postId, decide);
  }
  async nextDuePublication(): Promise<S.UpcomingPublication | undefined> {
    return this.#claims.nextDue();
  }

  // Scheduling (publication-claims.ts, publication-outcomes.ts) -----------------------------
  async dueItems(until: Date, limit: number, reminderLeadMs: number): Promise<S.DueItem[]> {
    return this.#claims.dueItems(until, limit, reminderLeadMs);
  }
  async claimPublications(ids: readonly number[], claim: { owner: string; now: Date; leaseUntil: Date }): Promise<S.ClaimedPublication[]> {
    return this.#claims.claim(ids, claim);
  }
  async renewLease(id: number, owner: string, leaseUntil: Date): Promise<boolean> {
    return this.#claims.renewLease(id, owner, leaseUntil);
  }
  async markSending(id: number, owner: string, at: Date): Promise<boolean> {
    return this.#claims.markSending(id, owner, at);
  }
  async releaseClaim(id: number, owner: string, at: Date, staleBy?: Date): Promise<boolean> {
    return this.#claims.release(id, owner, at, staleBy);
  }
  async saveCheckpoint(id: number, owner: string, checkpoint: Record<string, unknown>): Promise<void> {
    await this.#claims.saveCheckpoint(id, owner, checkpoint);
  }
  async settlePublication(
    id: number,
    owner: string,
    outcome: S.PublishOutcome,
    at: Date,
    news?: S.SettledNews,
  ): Promise<S.SettledPublication | undefined> {
    return this.#outcomes.settle(id, owner, outcome, at, news);
  }
  async staleClaims(now: Date, limit: number): Promise<Publication[]> {
    return this.#outcomes.staleClaims(now, limit);
  }
  async resumeStaleClaim(stale: S.StaleClaimRef, claim: { owner: string; leaseUntil: Date }): Promise<S.ClaimedPublication | undefined> {
    return this.#outcomes.resumeStale(stale, claim);
  }
  async abandonStaleClaim(stale: S.StaleClaimRef, error: string, news?: S.SettledNews): Promise<S.SettledPublication | undefined> {
    return this.#outcomes.abandonStale(stale, error, news);
  }
  async markMissed(cutoff: Date, at: Date, news?: S.SettledNews): Promise<S.SettledPublication[]> {
    return this.#outcomes.markMissed(cutoff, at, news);
  }

  // Chat news (news.ts) ----------------------------------------------------------------------
  onNewsWritten(listener: () => void): () => void {
    return this.#news.onWritten(listener);
  }
  async enqueueNews(items: S.NewsInput[], at: Date): Promise<void> {
    if (items.length) await this.#news.enqueue(items, at);
  }
  async claimNews(claim: S.NewsClaim): Promise<S.NewsItem[][]> {
    return this.#news.claim(claim);
  }
  async settleNews(ids: readonly number[], owner: string, settlement: S.NewsSettlement, at: Date): Promise<void> {
    await this.#news.settle(ids, owner, settlement, at);
  }
  async hurryNews(platform: ChatPlatform, now: Date): Promise<void> {
    await this.#news.hurry(platform, now);
  }
  async renewNewsLease(ids: readonly number[], owner: string, leaseUntil: Date): Promise<void> {
    await this.#news.renewLease(ids, owner, leaseUntil);
  }
  async releaseNews(owner: string, at: Date): Promise<void> {
    await this.#news.release(owner, at);
  }
  async nextNewsDue(platform: ChatPlatform): Promise<Date | undefined> {
    return this.#news.nextDue(platform);
  }
  async newsHealth(failedSince: Date): Promise<S.NewsHealth> {
    return this.#news.health(failedSince);
  }
  async pruneNews(before: Date, limit: number): Promise<number> {
    return this.#news.prune(before, limit);
  }

  // Media (media.ts) -------------------------------------------------------------------------
  async mediaLinkSecret(): Promise<string> {
    return this.#media.linkSecret();
  }
  async mediaInUse(changedSince: Date): Promise<Set<string>> {
    return this.#media.inUse(changedSince);
  }

  // Metrics (metrics.ts) and the digest (digest-queries.ts) --------------------------------
  async countNetworkPosts(network: NetworkId, since: Date, until: Date): Promise<number> {
    return countNetworkPosts(this.#ctx, network, since, until);
  }
  async publishedSince(since: Date): Promise<S.PublishedTarget[]> {
    return publishedSince(this.#pubs, since);
  }
  async saveMetricSnapshots(rows: S.MetricSnapshotInput[]): Promise<void> {
    if (rows.length) await saveMetricSnapshots(this.#ctx, rows);
  }
  async pruneMetricSnapshots(before: Date, limit: number): Promise<number> {
    return this.#ctx.write(() => this.#digest.prune(before, limit));
  }
  async publishedBetween(from: Date, to: Date): Promise<S.DigestPublication[]> {
    return this.#digest.publishedBetween(from, to);
  }
  async latestMetrics(publicationIds: readonly number[], at: Date): Promise<Map<number, EngagementMetrics>> {
    return this.#digest.latestMetrics(publicationIds, at);
  }
  async engagementByNetwork(at: Date, publishedSince: Date): Promise<Map<NetworkId, number>> {
    return this.#digest.engagementByNetwork(at, publishedSince);
  }
  async scheduledBetween(from: Date, to: Date, limit: number): Promise<S.ScheduledPublication[]> {
    return this.#digest.scheduledBetween(from, to, limit);
  }

  // Chat message and conversation references (chat-references.ts) ---------------------------
  async saveChatMessage(ref: S.ChatMessageRef, at: Date): Promise<void> {
    await this.#chat.saveMessage(ref, at);
  }
  async saveConversation(conversation: S.ChatConversation, at: Date): Promise<void> {
    await this.#chat.saveConversation(conversation, at);
  }
  async getConversation(platform: ChatPlatform, kind: S.ChatConversation['kind'], key: string): Promise<S.ChatConversation | undefined> {
    return this.#chat.getConversation(platform, kind, key);
  }
  async getChatMessage(postId: number, platform: ChatPlatform, purpose: string): Promise<S.ChatMessageRef | undefined> {
    return this.#chat.getMessage(postId, platform, purpose);
  }

  // Audit (audit.ts) -------------------------------------------------------------------------
  async appendAudit(entries: S.NewAuditEntry[], at: Date): Promise<void> {
    await this.#ctx.write(() => insertAudit(this.#ctx.q, entries, at, null, null));
  }
  async listAudit(query: S.AuditQuery): Promise<AuditEntry[]> {
    return listAudit(this.db, query);
  }

  // Credentials (credential-queries.ts) and chat requests already acted on (seen-request-queries.ts)
  async getCredential(key: string): Promise<string | undefined> {
    return readCredential(this.db, key);
  }
  async saveCredential(key: string, value: string, expectedPrevious: string | undefined, at: Date): Promise<boolean> {
    return this.#ctx.write(() => compareAndSetCredential(this.db, key, value, expectedPrevious, at));
  }
  async rememberRequest(key: string, at: Date): Promise<boolean> {
    return this.#ctx.write(() => this.#seen.remember(key, ms(at), ms(at) - SEEN_REQUEST_MEMORY_MS));
  }
  async forgetRequest(key: string): Promise<void> {
    await this.#ctx.write(() => this.#seen.forget(key));
  }
}

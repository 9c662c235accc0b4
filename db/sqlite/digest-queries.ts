/**
 * Read-only queries for the engagement digest. "Figures as of T" is each publication's
 * latest snapshot taken at or before T, found through the (publication_id, taken_at) index
 * one publication at a time, so the cost grows with publications, not with snapshots.
 */
import { and, asc, eq, gte, lt } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { Database, Statement } from 'better-sqlite3';
import type { NetworkId } from '../../src/domain/network.js';
import type { EngagementMetrics } from '../../src/domain/publication.js';
import type { DigestPublication, ScheduledPublication } from '../store.js';
import { ms } from './rows.js';
import * as schema from './schema.js';

type Db = BetterSQLite3Database<typeof schema>;
const { publications, revisions } = schema;

interface SnapshotRow {
  likes: number | null;
  comments: number | null;
  shares: number | null;
  impressions: number | null;
  clicks: number | null;
  saves: number | null;
}

export class DigestQueries {
  readonly #latest: Statement<[number, number], SnapshotRow>;
  readonly #engagement: Statement<[{ at: number; since: number }], { network: string; engagement: number }>;
  readonly #prune: Statement<[{ before: number; limit: number }]>;

  constructor(
    private readonly db: Db,
    sqlite: Database,
  ) {
    // Oldest first, through the taken_at index; "superseded" through (publication_id, taken_at).
    this.#prune = sqlite.prepare(
      `DELETE FROM metric_snapshots WHERE id IN (
         SELECT s.id FROM metric_snapshots s
         WHERE s.taken_at < @before
           AND EXISTS (SELECT 1 FROM metric_snapshots n WHERE n.publication_id = s.publication_id AND n.taken_at > s.taken_at)
         ORDER BY s.taken_at LIMIT @limit)`,
    );
    this.#latest = sqlite.prepare(
      `SELECT likes, comments, shares, impressions, clicks, saves FROM metric_snapshots
       WHERE publication_id = ? AND taken_at <= ? ORDER BY taken_at DESC LIMIT 1`,
    );
    this.#engagement = sqlite.prepare(
      `SELECT p.network AS network,
              SUM(COALESCE(s.likes, 0) + COALESCE(s.comments, 0) + COALESCE(s.shares, 0)) AS engagement
       FROM publications p
       JOIN metric_snapshots s ON s.id = (
         SELECT s2.id FROM metric_snapshots s2
         WHERE s2.publication_id = p.id AND s2.taken_at <= @at
         ORDER BY s2.taken_at DESC LIMIT 1)
       WHERE p.status = 'published' AND p.published_at >= @since AND p.published_at <= @at
       GROUP BY p.network`,
    );
  }

  publishedBetween(from: Date, to: Date): DigestPublication[] {
    return this.db
      .select({
        publicationId: publications.id,
        postId: publications.postId,
        network: publications.network,
        url: publications.url,
        publishedAt: publications.publishedAt,
        text: revisions.text,
      })
      .from(publications)
      .innerJoin(revisions, eq(revisions.id, publications.revisionId))
      .where(and(eq(publications.status, 'published'), gte(publications.publishedAt, ms(from)), lt(publications.publishedAt, ms(to))))
      .orderBy(asc(publications.publishedAt))
      .all()
      .map((r) => ({ ...r, network: r.network as NetworkId, publishedAt: new Date(r.publishedAt!) }));
  }

  prune(before: Date, limit: number): number {
    return this.#prune.run({ before: ms(before), limit }).changes;
  }

  latestMetrics(ids: readonly number[], at: Date): Map<number, EngagementMetrics> {
    const out = new Map<number, EngagementMetrics>();
    for (const id of ids) {
      const row = this.#latest.get(id, ms(at));
      if (row) out.set(id, row);
    }
    return out;
  }

  engagementByNetwork(at: Date, publishedSince: Date): Map<NetworkId, number> {
    return new Map(this.#engagement.all({ at: ms(at), since: ms(publishedSince) }).map((r) => [r.network as NetworkId, r.engagement]));
  }

  scheduledBetween(from: Date, to: Date, limit: number): ScheduledPublication[] {
    return this.db
      .select({
        publicationId: publications.id,
        postId: publications.postId,
        network: publications.network,
        dueAt: publications.dueAt,
        text: revisions.text,
      })
      .from(publications)
      .innerJoin(revisions, eq(revisions.id, publications.revisionId))
      .where(and(eq(publications.status, 'scheduled'), gte(publications.dueAt, ms(from)), lt(publications.dueAt, ms(to))))
      .orderBy(asc(publications.dueAt))
      .limit(limit)
      .all()
      .map((r) => ({ ...r, network: r.network as NetworkId, dueAt: new Date(r.dueAt) }));
  }
}

/**
 * Engagement metrics: what was published (for collection), the snapshots taken of it, and
 * how many posts a network's daily allowance has to cover. The digest's reads are in
 * digest-queries.ts.
 */
import type { NetworkId } from '../../src/domain/network.js';
import type { MetricSnapshotInput, PublishedTarget } from '../store.js';
import type { SqliteContext } from './context.js';
import type { PublicationQueries } from './publication-queries.js';
import { ms } from './rows.js';
import * as schema from './schema.js';

export function countNetworkPosts({ sqlite }: SqliteContext, network: NetworkId, since: Date, until: Date): number {
  // Asked when a dialog shows a quota: prepared when asked.
  const row = sqlite
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

export function publishedSince(pubs: PublicationQueries, since: Date): PublishedTarget[] {
  return pubs.publishedSince(since).map((r) => ({
    publicationId: r.publicationId,
    postId: r.postId,
    network: r.network as NetworkId,
    externalId: r.externalId ?? '',
    url: r.url,
    publishedAt: new Date(r.publishedAt!),
  }));
}

/** In one write, 500 rows to an insert. */
export function saveMetricSnapshots({ db, write }: SqliteContext, rows: MetricSnapshotInput[]): Promise<void> {
  return write(() => {
    for (let i = 0; i < rows.length; i += 500) {
      db.insert(schema.metricSnapshots)
        .values(rows.slice(i, i + 500).map((r) => ({ publicationId: r.publicationId, takenAt: ms(r.takenAt), ...r.metrics })))
        .run();
    }
  });
}

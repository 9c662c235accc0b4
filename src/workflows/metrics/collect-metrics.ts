import type { MetricSnapshotInput } from '../../../db/store.js';
import type { NetworkId } from '../../domain/network.js';
import type { WorkflowContext } from '../context.js';

export const METRICS_LOOKBACK_MS = 7 * 24 * 3600_000;

export interface CollectionResult {
  snapshots: number;
  /** Networks whose figures could not be read this time (they are tried again next run). */
  failed: NetworkId[];
}

/**
 * Reads engagement for everything published in the last 7 days, batched per network (each
 * publisher batches as its API allows), and stores one snapshot per post. A network that
 * fails is logged and skipped; the others still count.
 */
export async function collectMetrics(ctx: WorkflowContext): Promise<CollectionResult> {
  const now = ctx.clock.now();
  const targets = await ctx.store.publishedSince(new Date(now.getTime() - METRICS_LOOKBACK_MS));
  const byNetwork = new Map<NetworkId, typeof targets>();
  for (const t of targets) {
    if (!t.externalId) continue;
    byNetwork.set(t.network, [...(byNetwork.get(t.network) ?? []), t]);
  }
  const rows: MetricSnapshotInput[] = [];
  const failed: NetworkId[] = [];
  await Promise.all(
    [...byNetwork].map(async ([network, list]) => {
      if (!ctx.catalog.has(network)) return;
      try {
        const figures = await ctx.catalog
          .publisher(network)
          .fetchMetrics(list.map((t) => ({ externalId: t.externalId, url: t.url, publishedAt: t.publishedAt })));
        for (const t of list) {
          const metrics = figures.get(t.externalId);
          if (metrics) rows.push({ publicationId: t.publicationId, takenAt: now, metrics });
        }
      } catch (error) {
        failed.push(network);
        ctx.logger.warn('could not read engagement figures; will try again next time', { network, posts: list.length, error });
      }
    }),
  );
  await ctx.store.saveMetricSnapshots(rows);
  return { snapshots: rows.length, failed };
}

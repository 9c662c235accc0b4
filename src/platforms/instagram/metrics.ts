import { z } from 'zod';
import type { EngagementMetrics } from '../../domain/publication.js';
import type { GraphClient } from '../meta-graph/graph-client.js';
import { readMany } from '../meta-graph/read-many.js';

/**
 * Media insights current in v22+ (Instagram Media Insights reference). `impressions` was
 * deprecated in v22.0 and for every version from 21 April 2025 (it errors for media created
 * after 1 July 2024), as were `plays` and `video_views`; `views` replaced them.
 *
 * Impressions are reported from `views` (every time the post was seen, repeats included),
 * not `reach` (distinct accounts): impressions elsewhere count views, not people, so the
 * digest compares like with like. Instagram has no per-post link clicks for feed posts, so
 * clicks are null.
 *
 * Insights are read through field expansion, so one request covers 50 posts.
 */
export const INSTAGRAM_METRICS = ['likes', 'comments', 'shares', 'saved', 'views'] as const;
export const INSTAGRAM_METRIC_FIELDS = `insights.metric(${INSTAGRAM_METRICS.join(',')})`;

const InsightValue = z.object({
  name: z.string(),
  values: z.array(z.object({ value: z.number() })).optional(),
  total_value: z.object({ value: z.number() }).optional(),
});

const MediaInsights = z.object({
  insights: z.object({ data: z.array(InsightValue) }).optional(),
});

export async function fetchInstagramMetrics(
  graph: GraphClient,
  mediaIds: readonly string[],
  signal?: AbortSignal,
): Promise<Map<string, EngagementMetrics>> {
  const found = await readMany(graph, mediaIds, INSTAGRAM_METRIC_FIELDS, MediaInsights, signal);
  const metrics = new Map<string, EngagementMetrics>();
  for (const [id, media] of found) {
    const byName = new Map<string, number>();
    for (const insight of media.insights?.data ?? []) {
      const value = insight.total_value?.value ?? insight.values?.[0]?.value;
      if (value !== undefined) byName.set(insight.name, value);
    }
    // Meta returns no entry (not 0) for a figure it does not have yet: that stays null.
    const figure = (name: string) => byName.get(name) ?? null;
    metrics.set(id, {
      likes: figure('likes'),
      comments: figure('comments'),
      shares: figure('shares'),
      impressions: figure('views'),
      clicks: null,
      saves: figure('saved'),
    });
  }
  return metrics;
}

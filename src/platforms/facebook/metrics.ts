import { z } from 'zod';
import type { EngagementMetrics } from '../../domain/publication.js';
import type { GraphClient } from '../meta-graph/graph-client.js';
import { readMany } from '../meta-graph/read-many.js';

/**
 * One batched read per 50 posts. `.limit(0)` asks for the summary counts without the
 * reactions and comments themselves.
 *
 * Impressions are null: Meta deprecated `post_impressions` for all versions on
 * 15 November 2025 ("replaced by the views metric"), and the replacement's exact name could
 * not be confirmed in Meta's reference. Facebook has no per-post "saves" for Pages, and
 * `post_clicks` is an insight needing extra permission, so clicks and saves are null too.
 */
export const FACEBOOK_METRIC_FIELDS =
  'reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0),shares';

const Summary = z.object({ summary: z.object({ total_count: z.number().int().nonnegative() }).optional() }).optional();

const PostFigures = z.object({
  reactions: Summary,
  comments: Summary,
  // Facebook leaves `shares` out when nobody has shared the post.
  shares: z.object({ count: z.number().int().nonnegative() }).optional(),
});

export async function fetchFacebookMetrics(
  graph: GraphClient,
  postIds: readonly string[],
  signal?: AbortSignal,
): Promise<Map<string, EngagementMetrics>> {
  const figures = await readMany(graph, postIds, FACEBOOK_METRIC_FIELDS, PostFigures, signal);
  const metrics = new Map<string, EngagementMetrics>();
  for (const [id, post] of figures) {
    metrics.set(id, {
      // Reactions include likes, loves, hahas…: what Facebook itself shows as the post's count.
      likes: post.reactions?.summary?.total_count ?? null,
      comments: post.comments?.summary?.total_count ?? null,
      // Requested and absent means none: Facebook omits the field at zero.
      shares: post.shares?.count ?? 0,
      impressions: null,
      clicks: null,
      saves: null,
    });
  }
  return metrics;
}

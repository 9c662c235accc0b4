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
export const FACEBOOK_METRIC_FIELDS = 'reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0),shares';

/**
 * A video post (issue 15) is published as a Video, whose id is bare digits where a Page post's
 * is `{page}_{post}`; a Video has reactions and comments but no `shares` field, and asking
 * for one fails the read, so videos are read apart without it.
 */
export const FACEBOOK_VIDEO_METRIC_FIELDS = 'reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0)';
const isVideoId = (id: string) => /^\d+$/.test(id);

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
  const videoIds = postIds.filter(isVideoId);
  const figures = await readMany(
    graph,
    postIds.filter((id) => !isVideoId(id)),
    FACEBOOK_METRIC_FIELDS,
    PostFigures,
    signal,
  );
  const videoFigures =
    videoIds.length > 0
      ? await readMany(graph, videoIds, FACEBOOK_VIDEO_METRIC_FIELDS, PostFigures, signal)
      : new Map<string, z.infer<typeof PostFigures>>();
  const metrics = new Map<string, EngagementMetrics>();
  const add = (id: string, post: z.infer<typeof PostFigures>, shares: number | null) =>
    metrics.set(id, {
      // Reactions include likes, loves, hahas…: what Facebook itself shows as the post's count.
      likes: post.reactions?.summary?.total_count ?? null,
      comments: post.comments?.summary?.total_count ?? null,
      shares,
      impressions: null,
      clicks: null,
      saves: null,
    });
  // Requested and absent means none: Facebook omits `shares` at zero.
  for (const [id, post] of figures) add(id, post, post.shares?.count ?? 0);
  // Not asked for a video: unknown, not zero.
  for (const [id, video] of videoFigures) add(id, video, null);
  return metrics;
}

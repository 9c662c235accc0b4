import type { AppBskyFeedDefs } from '@atproto/api';
import type { EngagementMetrics } from '../../domain/publication.js';
import type { Logger } from '../../observability/logger.js';
import type { MetricsTarget } from '../publisher.js';

/** `app.bsky.feed.getPosts` takes at most 25 URIs per call. */
export const POSTS_PER_CALL = 25;

/**
 * Bluesky's counts in ours: reposts and quotes are both shares; bookmarks are saves.
 * Bluesky shows no impressions or clicks, so those are null. A count the app view leaves
 * out is null too, not zero.
 */
export function normalisePost(post: AppBskyFeedDefs.PostView): EngagementMetrics {
  const shares = post.repostCount === undefined && post.quoteCount === undefined ? null : (post.repostCount ?? 0) + (post.quoteCount ?? 0);
  return {
    likes: post.likeCount ?? null,
    comments: post.replyCount ?? null,
    shares,
    impressions: null,
    clicks: null,
    saves: post.bookmarkCount ?? null,
  };
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Reads figures 25 posts at a time. A post missing from the answer (deleted, or hidden
 * from the app view) is left out.
 */
export async function fetchPostMetrics(
  targets: MetricsTarget[],
  getPosts: (uris: string[]) => Promise<AppBskyFeedDefs.PostView[]>,
  logger: Logger,
): Promise<Map<string, EngagementMetrics>> {
  const result = new Map<string, EngagementMetrics>();
  const uris = [...new Set(targets.map((t) => t.externalId))].filter((uri) => {
    const ok = uri.startsWith('at://');
    if (!ok) logger.warn('Not a Bluesky post URI; leaving it out', { externalId: uri });
    return ok;
  });
  for (const batch of chunk(uris, POSTS_PER_CALL)) {
    for (const post of await getPosts(batch)) {
      if (batch.includes(post.uri)) result.set(post.uri, normalisePost(post));
    }
  }
  return result;
}

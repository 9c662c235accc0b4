import type { EngagementMetrics } from '../../domain/publication.js';
import type { YouTubeClient } from './client.js';

/** videos.list takes at most 50 ids a call (1 quota unit each call). */
export const METRICS_BATCH = 50;

/** YouTube's counts are decimal strings; one hidden by the channel (likes) or turned off (comments) is absent. */
const count = (value: string | null | undefined): number | null => {
  if (value === null || value === undefined || !/^\d+$/.test(value)) return null;
  return Number(value);
};

/**
 * Views as impressions (every time the video was watched, as Instagram's views are), likes
 * and comments. YouTube reports no shares, clicks or saves for a video (`favoriteCount` has
 * been 0 since 2015), so those are null.
 */
export function normaliseStatistics(
  statistics: { viewCount?: string | null; likeCount?: string | null; commentCount?: string | null } | undefined,
): EngagementMetrics {
  return {
    likes: count(statistics?.likeCount),
    comments: count(statistics?.commentCount),
    shares: null,
    impressions: count(statistics?.viewCount),
    clicks: null,
    saves: null,
  };
}

/** Figures for the videos YouTube still has, 50 ids a call; a video it no longer lists is left out. */
export async function fetchVideoMetrics(client: YouTubeClient, videoIds: readonly string[]): Promise<Map<string, EngagementMetrics>> {
  const result = new Map<string, EngagementMetrics>();
  const unique = [...new Set(videoIds)];
  for (let i = 0; i < unique.length; i += METRICS_BATCH) {
    const batch = unique.slice(i, i + METRICS_BATCH);
    const data = await client.call('videos.list', (api, options) => api.videos.list({ part: ['statistics'], id: batch }, options), {
      retry: true,
    });
    for (const video of data.items ?? []) {
      if (video.id && batch.includes(video.id)) result.set(video.id, normaliseStatistics(video.statistics ?? undefined));
    }
  }
  return result;
}

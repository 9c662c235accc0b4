import { startOfLocalDay } from '../../domain/zoned-time.js';

/**
 * What the YouTube Data API charges against a Google Cloud project's daily quota, in units
 * (YouTube's "Quota Calculator"), as data so the workflow can count what it spends. A project
 * gets 10,000 units a day unless Google grants more (the YouTube API quota extension form);
 * an upload is 1,600 of them, so about six uploads a day.
 */
export const YOUTUBE_DAILY_QUOTA_DEFAULT = 10_000;

export const YOUTUBE_QUOTA_COSTS = {
  'videos.insert': 1600,
  'videos.list': 1,
  'videos.update': 50,
  'videos.delete': 50,
  'thumbnails.set': 50,
} as const;

export type YouTubeMethod = keyof typeof YOUTUBE_QUOTA_COSTS;

/** The quota resets at midnight Pacific time (YouTube's own wording), whatever the channel's zone. */
export const YOUTUBE_QUOTA_ZONE = 'America/Los_Angeles';

/** The next quota reset after `now`. */
export function nextQuotaReset(now: Date): Date {
  return startOfLocalDay(now, YOUTUBE_QUOTA_ZONE, 1);
}

/** How long from `now` until the day's quota is back, plus a minute so the retry lands after it. */
export function msUntilQuotaReset(now: Date): number {
  return nextQuotaReset(now).getTime() - now.getTime() + 60_000;
}

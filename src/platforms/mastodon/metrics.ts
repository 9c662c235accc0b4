import { z } from 'zod';
import type { EngagementMetrics } from '../../domain/publication.js';
import type { Logger } from '../../observability/logger.js';
import type { HttpClient } from '../http/http-client.js';
import { PublishError, type MetricsTarget } from '../publisher.js';

const StatusCounts = z.object({
  favourites_count: z.number().int().nonnegative(),
  reblogs_count: z.number().int().nonnegative(),
  replies_count: z.number().int().nonnegative(),
});

/**
 * Mastodon counts favourites, boosts and replies; it has no impressions, clicks or saves
 * (bookmarks are private and not counted), so those are null.
 */
export function normaliseStatus(counts: z.infer<typeof StatusCounts>): EngagementMetrics {
  return {
    likes: counts.favourites_count,
    comments: counts.replies_count,
    shares: counts.reblogs_count,
    impressions: null,
    clicks: null,
    saves: null,
  };
}

/**
 * One `GET /api/v1/statuses/:id` per post, which every Mastodon version answers (newer
 * servers also read several at once with `GET /api/v1/statuses?id[]=`, but instances run
 * many versions). A status that is gone (404) is left out; any other failure stops the
 * run so the collector tries again later.
 */
export async function fetchStatusMetrics(
  client: HttpClient,
  targets: MetricsTarget[],
  deps: { logger: Logger },
): Promise<Map<string, EngagementMetrics>> {
  const result = new Map<string, EngagementMetrics>();
  for (const target of targets) {
    let body: unknown;
    try {
      ({ body } = await client.request({ method: 'GET', path: `/api/v1/statuses/${encodeURIComponent(target.externalId)}`, retry: true }));
    } catch (error) {
      if (error instanceof PublishError && (error.status === 404 || error.status === 410)) {
        deps.logger.info('Mastodon no longer has this status; leaving it out', { status: target.externalId });
        continue;
      }
      throw error;
    }
    const parsed = StatusCounts.safeParse(body);
    if (!parsed.success) {
      throw new PublishError({
        kind: 'retryable',
        network: 'mastodon',
        message: `Mastodon answered status ${target.externalId} in a shape Greenlight does not know.`,
        cause: parsed.error,
      });
    }
    result.set(target.externalId, normaliseStatus(parsed.data));
  }
  return result;
}

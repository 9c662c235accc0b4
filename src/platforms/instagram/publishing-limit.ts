import { z } from 'zod';
import type { Logger } from '../../observability/logger.js';
import type { GraphClient } from '../meta-graph/graph-client.js';
import { graphPath } from '../meta-graph/version.js';
import { PublishError } from '../publisher.js';
import { PUBLISHING_LIMIT_MESSAGE, PUBLISHING_LIMIT_WAIT_MS } from './errors.js';

const Limit = z.object({
  data: z
    .array(
      z.object({
        quota_usage: z.number().int().nonnegative(),
        config: z.object({ quota_total: z.number().int().positive() }).optional(),
      }),
    )
    .min(1),
});

/** Meta's documented limit when the answer does not carry its own `config`. */
const DEFAULT_QUOTA = 50;

/**
 * Asks `content_publishing_limit` before preparing a post, so an account at its 50-a-day
 * limit is told so plainly instead of through a refused `media_publish` (code 9, subcode
 * 2207042, which is mapped to the same message should the count move in between).
 */
export async function ensurePublishingQuota(graph: GraphClient, userId: string, logger: Logger, signal?: AbortSignal) {
  const answer = await graph.get({
    path: graphPath(userId, 'content_publishing_limit'),
    query: { fields: 'quota_usage,config' },
    schema: z.unknown(),
    retry: true,
    ...(signal ? { signal } : {}),
  });
  const parsed = Limit.safeParse(answer);
  if (!parsed.success) {
    // Only a courtesy check: media_publish still enforces the limit.
    logger.warn('Instagram publishing limit answer not understood; publishing anyway', {});
    return;
  }
  const [usage] = parsed.data.data;
  const total = usage!.config?.quota_total ?? DEFAULT_QUOTA;
  if (usage!.quota_usage >= total) {
    throw new PublishError({
      kind: 'retryable',
      network: 'instagram',
      retryAfterMs: PUBLISHING_LIMIT_WAIT_MS,
      message: PUBLISHING_LIMIT_MESSAGE,
    });
  }
}

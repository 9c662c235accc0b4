/**
 * Engagement for many posts in one call: `GET /2/tweets?ids=…&tweet.fields=public_metrics`
 * takes up to 100 ids. A deleted post comes back under `errors` (resource-not-found) and
 * is left out, as the Publisher contract says.
 */
import { z } from 'zod';
import type { EngagementMetrics } from '../../domain/publication.js';
import type { Logger } from '../../observability/logger.js';
import type { MessageFromError } from '../http/classify.js';
import { PublishError, type MetricsTarget } from '../publisher.js';
import type { XApi } from './authorized-client.js';

export const X_METRICS_BATCH_SIZE = 100;

const count = z.number().int().nonnegative().optional();
const LookupAnswer = z.object({
  data: z
    .array(
      z.object({
        id: z.string(),
        public_metrics: z
          .object({
            like_count: count,
            reply_count: count,
            retweet_count: count,
            quote_count: count,
            impression_count: count,
            bookmark_count: count,
          })
          .optional(),
      }),
    )
    .optional(),
  errors: z.array(z.object({ resource_id: z.string().optional(), title: z.string().optional() })).optional(),
});

type PublicMetrics = NonNullable<NonNullable<z.infer<typeof LookupAnswer>['data']>[number]['public_metrics']>;

const orNull = (n: number | undefined) => (n === undefined ? null : n);

/** X's public counts as Greenlight's figures. Shares are reposts plus quote posts; X reports no link clicks publicly. */
export function normaliseXMetrics(m: PublicMetrics | undefined): EngagementMetrics {
  const shares = m?.retweet_count !== undefined && m.quote_count !== undefined ? m.retweet_count + m.quote_count : null;
  return {
    likes: orNull(m?.like_count),
    comments: orNull(m?.reply_count),
    shares,
    impressions: orNull(m?.impression_count),
    clicks: null,
    saves: orNull(m?.bookmark_count),
  };
}

export async function fetchXMetrics(
  client: XApi,
  targets: readonly MetricsTarget[],
  options: { logger: Logger; messageFromError: MessageFromError },
): Promise<Map<string, EngagementMetrics>> {
  const ids = [...new Set(targets.map((t) => t.externalId))];
  // One malformed id makes X refuse the whole batch (400), so it is skipped instead.
  const valid = ids.filter((id) => /^\d{1,19}$/.test(id));
  if (valid.length < ids.length) {
    options.logger.warn('skipping X post ids that are not numeric', { network: 'x', count: ids.length - valid.length });
  }

  const result = new Map<string, EngagementMetrics>();
  for (let i = 0; i < valid.length; i += X_METRICS_BATCH_SIZE) {
    const batch = valid.slice(i, i + X_METRICS_BATCH_SIZE);
    const answer = await client.request({
      method: 'GET',
      path: '/2/tweets',
      query: { ids: batch.join(','), 'tweet.fields': 'public_metrics' },
      retry: true,
      messageFromError: options.messageFromError,
    });
    const parsed = LookupAnswer.safeParse(answer.body);
    if (!parsed.success) {
      throw new PublishError({
        kind: 'retryable',
        network: 'x',
        message: 'X answered the engagement request with something Greenlight could not read; it will try again later.',
        cause: parsed.error,
      });
    }
    const asked = new Set(batch);
    for (const post of parsed.data.data ?? []) {
      if (asked.has(post.id)) result.set(post.id, normaliseXMetrics(post.public_metrics));
    }
    const missing = parsed.data.errors?.length ?? 0;
    if (missing > 0) options.logger.info('X no longer has some posts (deleted or hidden)', { network: 'x', count: missing });
  }
  return result;
}

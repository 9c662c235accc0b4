import { z } from 'zod';
import type { Clock } from '../../domain/clock.js';
import type { EngagementMetrics } from '../../domain/publication.js';
import type { Logger } from '../../observability/logger.js';
import type { HttpClient } from '../http/http-client.js';
import { PublishError, type MetricsTarget } from '../publisher.js';
import { analyticsErrors } from './errors.js';

/** What we ask Pinterest for, in its own names. */
export const PIN_METRIC_TYPES = ['IMPRESSION', 'SAVE', 'PIN_CLICK', 'OUTBOUND_CLICK', 'TOTAL_COMMENTS', 'TOTAL_REACTIONS'] as const;

/** Pinterest refuses a start date more than 90 days back. */
const MAX_DAYS_BACK = 89;
const DAY_MS = 24 * 60 * 60 * 1000;

const figures = z.record(z.string(), z.number().nullable().optional());
const AnalyticsResponse = z.object({
  all: z.object({
    lifetime_metrics: figures.optional(),
    summary_metrics: figures.optional(),
  }),
});

const isoDate = (d: Date) => d.toISOString().slice(0, 10);

/** From the day the pin was published (or 90 days back, Pinterest's limit) to today, in UTC. */
export function analyticsWindow(publishedAt: Date, now: Date): { start_date: string; end_date: string } {
  const earliest = new Date(now.getTime() - MAX_DAYS_BACK * DAY_MS);
  const start = publishedAt < earliest ? earliest : publishedAt > now ? now : publishedAt;
  return { start_date: isoDate(start), end_date: isoDate(now) };
}

/**
 * Pinterest's figures in ours. `clicks` is pin clicks (opening the pin) plus outbound
 * clicks (following its link to the site): both are someone clicking the post. Pinterest
 * has no share count (a save is its repin, and goes to `saves`); reactions are its likes.
 */
export function normaliseFigures(all: z.infer<typeof AnalyticsResponse>['all']): EngagementMetrics {
  // Lifetime figures, where Pinterest gives them, cover pins older than the 90-day window.
  const pick = (key: (typeof PIN_METRIC_TYPES)[number]): number | null => all.lifetime_metrics?.[key] ?? all.summary_metrics?.[key] ?? null;
  const pinClicks = pick('PIN_CLICK');
  const outbound = pick('OUTBOUND_CLICK');
  return {
    likes: pick('TOTAL_REACTIONS'),
    comments: pick('TOTAL_COMMENTS'),
    shares: null,
    impressions: pick('IMPRESSION'),
    clicks: pinClicks === null && outbound === null ? null : (pinClicks ?? 0) + (outbound ?? 0),
    saves: pick('SAVE'),
  };
}

/**
 * Pinterest has no batch read for pin analytics: one request per pin, paced by the
 * network's rate limiter. A pin Pinterest no longer knows (404) is left out; any other
 * failure stops the run, so the collector tries again later rather than store half.
 */
export async function fetchPinMetrics(
  client: HttpClient,
  targets: MetricsTarget[],
  deps: { clock: Clock; logger: Logger },
): Promise<Map<string, EngagementMetrics>> {
  const result = new Map<string, EngagementMetrics>();
  for (const target of targets) {
    const window = analyticsWindow(target.publishedAt, deps.clock.now());
    let body: unknown;
    try {
      ({ body } = await client.request({
        method: 'GET',
        path: `/v5/pins/${encodeURIComponent(target.externalId)}/analytics`,
        query: { ...window, metric_types: PIN_METRIC_TYPES.join(',') },
        retry: true,
        messageFromError: analyticsErrors,
      }));
    } catch (error) {
      if (error instanceof PublishError && error.status === 404) {
        deps.logger.info('Pinterest no longer knows this pin; leaving it out', { pin: target.externalId });
        continue;
      }
      throw error;
    }
    const parsed = AnalyticsResponse.safeParse(body);
    if (!parsed.success) {
      throw new PublishError({
        kind: 'retryable',
        network: 'pinterest',
        message: `Pinterest answered the figures for pin ${target.externalId} in a shape Greenlight does not know.`,
        cause: parsed.error,
      });
    }
    result.set(target.externalId, normaliseFigures(parsed.data.all));
  }
  return result;
}

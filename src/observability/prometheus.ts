/**
 * Metrics kept in a Prometheus registry for `GET /metrics`. Each app has its own registry, never
 * prom-client's global one, so two apps in one process (tests, a restart in place) do not count
 * into each other.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Store } from '../../db/store.js';
import { DECISION_KINDS } from '../domain/post.js';
import type { Logger } from './logger.js';
import { AI_OUTCOMES, type Metrics } from './metrics.js';

/** Metrics that are kept, and the text a scrape gets. */
export interface PrometheusMetrics extends Metrics {
  readonly registry: Registry;
  readonly contentType: string;
  /** Everything in the Prometheus text format; the store-backed gauges are read now. */
  text(): Promise<string>;
}

/**
 * Slack wants an answer within 3 s (then it retries and shows the person an error); Teams
 * waits longer, but a click should feel as quick. Finer below half a second, where they live.
 */
export const ACK_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3];
/**
 * From on time (a timer fires within a second) through a busy lane (minutes) to a restart
 * after downtime, up to PUBLISH_GRACE_MINUTES' default hour.
 */
export const LATENESS_BUCKETS = [0.5, 1, 5, 15, 30, 60, 300, 900, 1800, 3600];

export interface MetricsOptions {
  /** Where the gauges are read at each scrape (any store: counts by status). */
  store: Pick<Store, 'countPosts' | 'countPublications'>;
  logger: Logger;
  /** prom-client's process metrics (CPU, memory, event loop lag, GC, handles); default on. */
  processMetrics?: boolean;
}

export function createMetrics(options: MetricsOptions): PrometheusMetrics {
  const registry = new Registry();
  const registers = [registry];
  const { store, logger } = options;
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });

  const publications = new Counter({
    name: 'greenlight_publications_total',
    help: 'Attempts at publishing, by network and how they ended (retry: failed and scheduled again).',
    labelNames: ['network', 'outcome'] as const,
    registers,
  });
  const decisions = new Counter({
    name: 'greenlight_decisions_total',
    help: 'Decisions recorded by approvers, by kind.',
    labelNames: ['kind'] as const,
    registers,
  });
  for (const kind of DECISION_KINDS) decisions.inc({ kind }, 0);
  const acks = new Histogram({
    name: 'greenlight_ack_seconds',
    help: 'Time from a chat request arriving to its acknowledgement (the HTTP answer), by chat.',
    labelNames: ['chat'] as const,
    buckets: ACK_BUCKETS,
    registers,
  });
  const lateness = new Histogram({
    name: 'greenlight_scheduler_lateness_seconds',
    help: 'How long after its due time (or retry time) a publication was started.',
    buckets: LATENESS_BUCKETS,
    registers,
  });
  const ai = new Counter({
    name: 'greenlight_ai_suggestions_total',
    help: 'Requests for AI caption suggestions, by outcome (rate_limited: refused by AI_SUGGESTIONS_PER_HOUR).',
    labelNames: ['outcome'] as const,
    registers,
  });
  for (const outcome of AI_OUTCOMES) ai.inc({ outcome }, 0);

  // Read from the database at each scrape, so every process sharing it reports the same truth.
  // A failed read shows as NaN (unknown) rather than failing the scrape or repeating an old value.
  const fromStore = (read: () => Promise<number>) =>
    async function (this: Gauge) {
      try {
        this.set(await read());
      } catch (error) {
        logger.debug('a metrics gauge could not be read from the database', { error });
        this.set(Number.NaN);
      }
    };
  new Gauge({
    name: 'greenlight_posts_waiting_approval',
    help: 'Posts waiting for an approver’s decision now.',
    registers,
    collect: fromStore(() => store.countPosts({ statuses: ['pending'] })),
  });
  new Gauge({
    name: 'greenlight_publications_outcome_unknown',
    help: 'Publications whose outcome is unknown (needs attention: check the account before retrying).',
    registers,
    collect: fromStore(() => store.countPublications(['needs_attention'])),
  });

  return {
    registry,
    contentType: registry.contentType,
    text: () => registry.metrics(),
    publication: (network, outcome) => publications.inc({ network, outcome }),
    decision: (kind) => decisions.inc({ kind }),
    acknowledged: (chat, seconds) => acks.observe({ chat }, seconds),
    publicationStarted: (dueAt, startedAt) => lateness.observe(Math.max(0, (startedAt.getTime() - dueAt.getTime()) / 1000)),
    aiSuggestion: (outcome) => ai.inc({ outcome }),
  };
}

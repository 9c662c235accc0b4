import { register as globalRegistry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/domain/clock.js';
import type { Person } from '../../../src/domain/post.js';
import type { PublicationStatus } from '../../../src/domain/publication.js';
import { createMemoryLogger } from '../../../src/observability/logger.js';
import { ACK_BUCKETS, createMetrics } from '../../../src/observability/prometheus.js';
import { createCatalog } from '../../../src/platforms/catalog.js';
import { SandboxPublisher } from '../../../src/platforms/sandbox/publisher.js';
import { createCaptionService } from '../../../src/workflows/captions/caption-service.js';
import type { CaptionSuggester } from '../../../src/workflows/captions/suggester.js';
import { countEvents } from '../../../src/workflows/event-metrics.js';
import type { DomainEvent } from '../../../src/workflows/events.js';
import { parsePrometheusText } from '../../support/prometheus-text.js';

/** The two counts the gauges read, as a store answers them now. */
function countingStore() {
  const state = { pending: 0, unknown: 0, failing: false, asked: [] as string[] };
  return {
    state,
    store: {
      async countPosts(query: { statuses?: string[] }) {
        state.asked.push(`posts ${query.statuses?.join(',')}`);
        if (state.failing) throw new Error('the database is gone');
        return state.pending;
      },
      async countPublications(statuses: readonly PublicationStatus[]) {
        state.asked.push(`publications ${statuses.join(',')}`);
        if (state.failing) throw new Error('the database is gone');
        return state.unknown;
      },
    },
  };
}

const make = (processMetrics = false) => {
  const { store, state } = countingStore();
  return { state, metrics: createMetrics({ store, logger: createMemoryLogger(), processMetrics }) };
};
const scrape = async (metrics: { text(): Promise<string> }) => parsePrometheusText(await metrics.text());

describe('metrics', () => {
  it('counts publications by network and outcome and decisions by kind, each app in its own registry', async () => {
    const one = make().metrics;
    const two = make().metrics;
    one.publication('x', 'published');
    one.publication('x', 'published');
    one.publication('x', 'retry');
    one.publication('sandbox', 'needs_attention');
    one.decision('approve');

    const a = await scrape(one);
    expect(a.types.get('greenlight_publications_total')).toBe('counter');
    expect(a.value('greenlight_publications_total', { network: 'x', outcome: 'published' })).toBe(2);
    expect(a.value('greenlight_publications_total', { network: 'x', outcome: 'retry' })).toBe(1);
    expect(a.value('greenlight_publications_total', { network: 'sandbox', outcome: 'needs_attention' })).toBe(1);
    expect(a.has('greenlight_publications_total', { network: 'sandbox', outcome: 'published' })).toBe(false);
    // Every kind is there from the start (at 0), so rate() and alerts work before the first one.
    expect(a.value('greenlight_decisions_total', { kind: 'approve' })).toBe(1);
    expect(a.value('greenlight_decisions_total', { kind: 'reject' })).toBe(0);
    expect(a.value('greenlight_decisions_total', { kind: 'request_changes' })).toBe(0);

    const b = await scrape(two);
    expect(b.has('greenlight_publications_total')).toBe(false);
    expect(b.value('greenlight_decisions_total', { kind: 'approve' })).toBe(0);
    // prom-client's global registry is left alone.
    expect(await globalRegistry.getSingleMetric('greenlight_decisions_total')).toBeUndefined();
  });

  it('times acknowledgements per chat in buckets up to 3 s', async () => {
    const { metrics } = make();
    metrics.acknowledged('slack', 0.02);
    metrics.acknowledged('slack', 2.5);
    metrics.acknowledged('slack', 4);
    metrics.acknowledged('teams', 0.3);
    const m = await scrape(metrics);
    expect(m.types.get('greenlight_ack_seconds')).toBe('histogram');
    const les = m.samples.filter((s) => s.name === 'greenlight_ack_seconds_bucket' && s.labels.chat === 'slack').map((s) => s.labels.le);
    expect(les).toEqual([...ACK_BUCKETS.map(String), '+Inf']);
    expect(ACK_BUCKETS.at(-1)).toBe(3);
    expect(m.value('greenlight_ack_seconds_bucket', { chat: 'slack', le: '0.025' })).toBe(1);
    expect(m.value('greenlight_ack_seconds_bucket', { chat: 'slack', le: '3' })).toBe(2);
    expect(m.value('greenlight_ack_seconds_bucket', { chat: 'slack', le: '+Inf' })).toBe(3);
    expect(m.value('greenlight_ack_seconds_count', { chat: 'slack' })).toBe(3);
    expect(m.value('greenlight_ack_seconds_sum', { chat: 'slack' })).toBeCloseTo(6.52);
    expect(m.value('greenlight_ack_seconds_count', { chat: 'teams' })).toBe(1);
  });

  it('measures how late the scheduler started a publication after its due time, never below 0', async () => {
    const { metrics } = make();
    const due = new Date('2026-03-02T09:00:00Z');
    metrics.publicationStarted(due, new Date(due.getTime() + 90_000));
    metrics.publicationStarted(due, new Date(due.getTime() - 5_000));
    const m = await scrape(metrics);
    expect(m.types.get('greenlight_scheduler_lateness_seconds')).toBe('histogram');
    expect(m.value('greenlight_scheduler_lateness_seconds_count')).toBe(2);
    expect(m.value('greenlight_scheduler_lateness_seconds_sum')).toBe(90);
    expect(m.value('greenlight_scheduler_lateness_seconds_bucket', { le: '0.5' })).toBe(1);
    expect(m.value('greenlight_scheduler_lateness_seconds_bucket', { le: '60' })).toBe(1);
    expect(m.value('greenlight_scheduler_lateness_seconds_bucket', { le: '300' })).toBe(2);
  });

  it('reads the waiting and outcome-unknown gauges from the store at each scrape; an unreadable store shows NaN', async () => {
    const { metrics, state } = make();
    state.pending = 3;
    state.unknown = 1;
    let m = await scrape(metrics);
    expect(m.types.get('greenlight_posts_waiting_approval')).toBe('gauge');
    expect(m.value('greenlight_posts_waiting_approval')).toBe(3);
    expect(m.value('greenlight_publications_outcome_unknown')).toBe(1);
    expect(state.asked).toEqual(['posts pending', 'publications needs_attention']);

    state.pending = 0;
    m = await scrape(metrics);
    expect(m.value('greenlight_posts_waiting_approval')).toBe(0);

    state.failing = true;
    m = await scrape(metrics);
    expect(m.value('greenlight_posts_waiting_approval')).toBeNaN();
    expect(m.value('greenlight_publications_outcome_unknown')).toBeNaN();
  });

  it('includes prom-client’s process metrics unless told not to', async () => {
    const withProcess = await scrape(make(true).metrics);
    expect(withProcess.has('process_cpu_user_seconds_total')).toBe(true);
    expect(withProcess.has('nodejs_eventloop_lag_seconds')).toBe(true);
    expect((await scrape(make(false).metrics)).has('process_cpu_user_seconds_total')).toBe(false);
  });

  it('counts publications and decisions from the events changes announce', async () => {
    const { metrics } = make();
    const listener = countEvents(metrics);
    const publication = (network: string) => ({ network }) as never;
    const events = [
      { type: 'publication.published', publication: publication('x') },
      { type: 'publication.held', publication: publication('youtube') },
      { type: 'publication.failed', publication: publication('x'), willRetry: true },
      { type: 'publication.failed', publication: publication('x'), willRetry: false },
      { type: 'publication.needs_attention', publication: publication('mastodon') },
      { type: 'publication.missed', publication: publication('x') },
      { type: 'publication.progress', publication: publication('x') },
      { type: 'publication.resolved', publication: publication('x'), action: 'mark_published' },
      { type: 'post.decided', decision: { kind: 'reject' } },
      { type: 'post.submitted' },
    ] as unknown as DomainEvent[];
    for (const event of events) await listener.notify(event);
    const m = await scrape(metrics);
    const count = (network: string, outcome: string) =>
      m.has('greenlight_publications_total', { network, outcome }) ? m.value('greenlight_publications_total', { network, outcome }) : 0;
    expect(count('x', 'published')).toBe(1);
    expect(count('youtube', 'held')).toBe(1);
    expect(count('x', 'retry')).toBe(1);
    expect(count('x', 'failed')).toBe(1);
    expect(count('mastodon', 'needs_attention')).toBe(1);
    expect(count('x', 'missed')).toBe(1);
    expect(m.samples.filter((s) => s.name === 'greenlight_publications_total')).toHaveLength(6);
    expect(m.value('greenlight_decisions_total', { kind: 'reject' })).toBe(1);
    expect(m.value('greenlight_decisions_total', { kind: 'approve' })).toBe(0);
  });

  it('counts AI suggestion requests: answered, failed at the model, refused by the hourly allowance', async () => {
    const { metrics } = make();
    const answers = [true, false];
    const suggester: CaptionSuggester = {
      async suggest(request) {
        return answers.shift()
          ? {
              ok: true,
              suggestions: request.networks.map((network) => ({
                network,
                text: 'Hi',
                used: 2,
                limit: 500,
                unit: 'characters',
                shortened: false,
              })),
            }
          : { ok: false, reason: 'the AI service had a problem (HTTP 500).' };
      },
    };
    const clock = new ManualClock('2026-03-02T09:00:00Z');
    const service = createCaptionService({ suggester, perHour: 2 }, { clock, catalog: createCatalog([new SandboxPublisher()]), metrics });
    const person = { id: 1, platform: 'slack', platformUserId: 'U1', displayName: 'P', timezone: 'UTC' } as Person;
    expect((await service.suggest(person, { text: 'Hi', networks: ['sandbox'] })).ok).toBe(true);
    expect((await service.suggest(person, { text: 'Hi', networks: ['sandbox'] })).ok).toBe(false);
    expect(await service.suggest(person, { text: 'Hi', networks: ['sandbox'] })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('the most allowed'),
    });
    // Input the author must fix never reaches the model: not a suggestion call.
    expect(await service.suggest(person, { text: ' ', networks: ['sandbox'] })).toMatchObject({ ok: false, kind: 'input' });
    const m = await scrape(metrics);
    expect(m.value('greenlight_ai_suggestions_total', { outcome: 'ok' })).toBe(1);
    expect(m.value('greenlight_ai_suggestions_total', { outcome: 'failed' })).toBe(1);
    expect(m.value('greenlight_ai_suggestions_total', { outcome: 'rate_limited' })).toBe(1);
  });
});

/**
 * GET /metrics on the real app: a post drafted and decided in Slack (signed requests to the
 * real Bolt receiver), published by the real scheduler on a manual clock, a Teams turn, and
 * what a Prometheus scrape then reads. Also who may scrape (METRICS_TOKEN) and that the route
 * is not there unless METRICS_ENABLED.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../src/app.js';
import { ACTION } from '../../src/bots/slack/ids.js';
import { loadConfig, type Env } from '../../src/config.js';
import { createMemoryLogger } from '../../src/observability/logger.js';
import { PublishError } from '../../src/platforms/publisher.js';
import { SandboxPublisher } from '../../src/platforms/sandbox/publisher.js';
import type { FakeMessage } from '../fakes/slack/index.js';
import { parsePrometheusText, type Exposition } from '../support/prometheus-text.js';
import { ScriptedPublisher } from '../support/scripted-publisher.js';
import { AUTHOR, BOB, slackHarness, type SlackHarness } from '../support/slack-harness.js';
import { personalMessage } from '../support/teams-activities.js';
import { ANN, teamsHarness, type TeamsHarness } from '../support/teams-harness.js';
import { tempDir } from '../support/temp-db.js';

const START = '2026-03-02T08:00:00Z';
const TOKEN = 'scrape-token-0123456789abcdef';

let h: SlackHarness | undefined;
let t: TeamsHarness | undefined;
let app: RunningApp | undefined;
let tmp: ReturnType<typeof tempDir> | undefined;
afterEach(async () => {
  await h?.close();
  await t?.close();
  await app?.stop();
  tmp?.cleanup();
  h = t = app = tmp = undefined;
});

async function scrape(url: string, init?: RequestInit): Promise<Exposition> {
  const response = await fetch(`${url}/metrics`, init);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await response.text());
}

const published = (m: Exposition, network: string, outcome: string) =>
  m.has('greenlight_publications_total', { network, outcome }) ? m.value('greenlight_publications_total', { network, outcome }) : 0;

/** Bob approves; resolves once the author has heard and the scheduler and chat news are quiet. */
async function approve(card: FakeMessage): Promise<void> {
  const since = h!.fake.calls.length;
  const response = await h!.clickMessage(BOB, card, ACTION.approve);
  expect(response.status).toBe(200);
  const authorDm = h!.fake.state.dms.get(AUTHOR);
  await h!.next('chat.postMessage', (c) => c.args.channel === authorDm && /approved post #\d+ \(/.test(String(c.args.text)), since);
  await h!.app.settled();
}

/** The app alone (no chat, no playground), for who may scrape. */
async function bareApp(env: Env): Promise<RunningApp> {
  tmp = tempDir();
  app = await startApp(loadConfig({ DATABASE_URL: `file:${tmp.file()}`, PLAYGROUND: 'off', ...env }), {
    logger: createMemoryLogger(),
    port: 0,
    host: '127.0.0.1',
  });
  return app;
}

describe('GET /metrics', () => {
  it('counts a post’s day from Slack: waiting, acknowledged, decided, published on time, or not', async () => {
    const x = new ScriptedPublisher('x');
    h = await slackHarness({ METRICS_ENABLED: 'true' }, { publishers: [new SandboxPublisher(), x], manualTimers: true, startAt: START });
    await h.app.settled();

    let m = await scrape(h.app.url);
    expect(m.value('greenlight_posts_waiting_approval')).toBe(0);
    expect(m.value('greenlight_publications_outcome_unknown')).toBe(0);
    expect(m.value('greenlight_decisions_total', { kind: 'approve' })).toBe(0);
    expect(m.has('greenlight_ack_seconds_count', { chat: 'slack' })).toBe(false);
    expect(m.has('process_resident_memory_bytes')).toBe(true);

    // Drafted through /draft and the dialog: two Slack requests acknowledged, one post waiting.
    const card = await h.draftPost(AUTHOR, { text: 'Spring sale!', networks: ['sandbox'], publishAt: null });
    m = await scrape(h.app.url);
    expect(m.value('greenlight_posts_waiting_approval')).toBe(1);
    const acked = m.value('greenlight_ack_seconds_count', { chat: 'slack' });
    expect(acked).toBeGreaterThanOrEqual(2);
    expect(m.value('greenlight_ack_seconds_bucket', { chat: 'slack', le: '+Inf' })).toBe(acked);
    expect(m.value('greenlight_ack_seconds_sum', { chat: 'slack' })).toBeGreaterThan(0);

    // Approved "as soon as approved": published by the scheduler at once, not late.
    await approve(card);
    m = await scrape(h.app.url);
    expect(m.value('greenlight_decisions_total', { kind: 'approve' })).toBe(1);
    expect(m.value('greenlight_decisions_total', { kind: 'reject' })).toBe(0);
    expect(published(m, 'sandbox', 'published')).toBe(1);
    expect(m.value('greenlight_posts_waiting_approval')).toBe(0);
    expect(m.value('greenlight_scheduler_lateness_seconds_count')).toBe(1);
    expect(m.value('greenlight_scheduler_lateness_seconds_bucket', { le: '0.5' })).toBe(1);
    expect(m.value('greenlight_ack_seconds_count', { chat: 'slack' })).toBeGreaterThan(acked);

    // X does not answer: the outcome is unknown, counted and shown by the gauge.
    x.next({ error: new PublishError({ kind: 'unknown', network: 'x', message: 'X did not answer within 30 seconds.' }) });
    await approve(await h.draftPost(AUTHOR, { text: 'Did it go out?', networks: ['x'], publishAt: null }));
    m = await scrape(h.app.url);
    expect(published(m, 'x', 'needs_attention')).toBe(1);
    expect(m.value('greenlight_publications_outcome_unknown')).toBe(1);
    expect(m.value('greenlight_decisions_total', { kind: 'approve' })).toBe(2);
  });

  it('measures how late a post due during downtime went out, and counts one beyond the grace period as missed', async () => {
    h = await slackHarness({ METRICS_ENABLED: 'true', PUBLISH_GRACE_MINUTES: '30' }, { manualTimers: true, startAt: START });
    await h.app.settled();
    await approve(await h.draftPost(AUTHOR, { text: 'Due at nine', networks: ['sandbox'], publishAt: new Date('2026-03-02T09:00:00Z') }));
    await approve(
      await h.draftPost(AUTHOR, { text: 'Due at half past nine', networks: ['sandbox'], publishAt: new Date('2026-03-02T09:30:00Z') }),
    );

    // Down until 09:45: one is 45 minutes late (beyond 30), the other 15.
    await h.restart(() => h!.clock.set('2026-03-02T09:45:00Z'));
    await h.app.settled();
    const m = await scrape(h.app.url);
    expect(published(m, 'sandbox', 'published')).toBe(1);
    expect(published(m, 'sandbox', 'missed')).toBe(1);
    expect(m.value('greenlight_scheduler_lateness_seconds_count')).toBe(1);
    expect(m.value('greenlight_scheduler_lateness_seconds_sum')).toBe(15 * 60);
    expect(m.value('greenlight_scheduler_lateness_seconds_bucket', { le: '300' })).toBe(0);
    expect(m.value('greenlight_scheduler_lateness_seconds_bucket', { le: '900' })).toBe(1);
  });

  it('times Teams turns as acknowledgements of their own chat; a refused activity is not one', async () => {
    t = await teamsHarness({ METRICS_ENABLED: 'true' }, { publishers: [new SandboxPublisher()] });
    expect((await t.send(personalMessage(t.env, { from: ANN, text: 'help' }))).status).toBe(200);
    expect((await t.send(personalMessage(t.env, { from: ANN, text: 'help' }), { token: null })).status).toBe(401);
    const m = await scrape(t.app.url);
    expect(m.value('greenlight_ack_seconds_count', { chat: 'teams' })).toBe(1);
    expect(m.has('greenlight_ack_seconds_count', { chat: 'slack' })).toBe(false);
  });

  it('with METRICS_TOKEN, answers only a scraper that sends it as a bearer token', async () => {
    const { url } = await bareApp({ METRICS_ENABLED: 'true', METRICS_TOKEN: TOKEN });
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer not-the-token-0123456789' } })).status).toBe(401);
    const m = await scrape(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(m.value('greenlight_posts_waiting_approval')).toBe(0);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('is not there unless METRICS_ENABLED is true', async () => {
    const { url } = await bareApp({});
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'not found' });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});

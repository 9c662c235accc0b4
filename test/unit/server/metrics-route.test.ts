import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../../src/observability/logger.js';
import { createMetrics } from '../../../src/observability/prometheus.js';
import { timeAcknowledgements } from '../../../src/server/ack-timing.js';
import { startHttpServer, type HttpServer, type Route } from '../../../src/server/http-server.js';
import { hasBearerToken, metricsRoute } from '../../../src/server/metrics-route.js';
import { parsePrometheusText } from '../../support/prometheus-text.js';

const TOKEN = 'metrics-token-0123456789abcdef';
const store = { countPosts: async () => 2, countPublications: async () => 0 };

let server: HttpServer | undefined;
afterEach(async () => server?.close());

async function serve(routes: Record<string, Route>): Promise<string> {
  server = await startHttpServer({ port: 0, host: '127.0.0.1', routes, logger: createMemoryLogger() });
  return server.url;
}

describe('GET /metrics', () => {
  it('answers in the Prometheus text format', async () => {
    const metrics = createMetrics({ store, logger: createMemoryLogger(), processMetrics: false });
    const url = await serve({ 'GET /metrics': metricsRoute(metrics, { token: null }) });
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(parsePrometheusText(await response.text()).value('greenlight_posts_waiting_approval')).toBe(2);
  });

  it('with a token, answers only a bearer of it', async () => {
    const metrics = createMetrics({ store, logger: createMemoryLogger(), processMetrics: false });
    const url = await serve({ 'GET /metrics': metricsRoute(metrics, { token: TOKEN }) });
    const get = (authorization?: string) => fetch(`${url}/metrics`, authorization ? { headers: { authorization } } : {});
    const refused = await get();
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(await refused.text()).not.toContain('greenlight_');
    expect((await get(`Bearer ${TOKEN}x`)).status).toBe(401);
    expect((await get(`Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`)).status).toBe(401);
    expect((await get(TOKEN)).status).toBe(401);
    const allowed = await get(`Bearer ${TOKEN}`);
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain('greenlight_posts_waiting_approval 2');
  });

  it('reads the bearer token from the Authorization header only as a whole word', () => {
    const req = (authorization?: string) => ({ headers: authorization === undefined ? {} : { authorization } }) as never;
    expect(hasBearerToken(req(`Bearer ${TOKEN}`), TOKEN)).toBe(true);
    expect(hasBearerToken(req(`bearer ${TOKEN}`), TOKEN)).toBe(true);
    expect(hasBearerToken(req(`Bearer ${TOKEN.slice(0, -1)}`), TOKEN)).toBe(false);
    expect(hasBearerToken(req(`Bearer ${TOKEN} ${TOKEN}`), TOKEN)).toBe(false);
    expect(hasBearerToken(req('Bearer '), TOKEN)).toBe(false);
    expect(hasBearerToken(req(), TOKEN)).toBe(false);
  });
});

describe('acknowledgement timing', () => {
  it('times each chat POST answered below 400, from arrival to the answer; refusals and other methods are not counted', async () => {
    const metrics = createMetrics({ store, logger: createMemoryLogger(), processMetrics: false });
    let entered: () => void = () => undefined;
    const arrived = new Promise<void>((resolve) => (entered = resolve));
    let release: () => void = () => undefined;
    const routes = timeAcknowledgements(
      'teams',
      {
        'POST /api/messages': (req, res) => {
          if (req.headers['x-refuse']) return void res.writeHead(401).end();
          entered();
          // Answered only when the test says: the time held is part of what is measured.
          return new Promise<void>((resolve) => {
            release = () => {
              res.writeHead(200).end();
              resolve();
            };
          });
        },
        'HEAD /api/messages': (_req, res) => void res.writeHead(200).end(),
      },
      metrics,
    );
    const url = await serve(routes);
    const answered = fetch(`${url}/api/messages`, { method: 'POST', body: '{}' });
    await arrived;
    // While the POST is held, a whole other request goes and comes back: the POST's time includes it.
    const heldFrom = performance.now();
    expect((await fetch(`${url}/api/messages`, { method: 'HEAD' })).status).toBe(200);
    const held = (performance.now() - heldFrom) / 1000;
    release();
    expect((await answered).status).toBe(200);
    expect((await fetch(`${url}/api/messages`, { method: 'POST', body: '{}', headers: { 'x-refuse': '1' } })).status).toBe(401);

    const m = parsePrometheusText(await metrics.text());
    expect(m.value('greenlight_ack_seconds_count', { chat: 'teams' })).toBe(1);
    expect(m.value('greenlight_ack_seconds_sum', { chat: 'teams' })).toBeGreaterThanOrEqual(held);
  });
});

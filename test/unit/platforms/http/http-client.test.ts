import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../src/domain/clock.js';
import type { NetworkId } from '../../../../src/domain/network.js';
import { createMemoryLogger } from '../../../../src/observability/logger.js';
import { clearRegisteredSecrets, registerSecret } from '../../../../src/observability/redact.js';
import { createHttpClient, type HttpClientOptions } from '../../../../src/platforms/http/http-client.js';
import { createRateLimiter } from '../../../../src/platforms/http/rate-limiter.js';
import { closedPortUrl, sendJson, startServer, type LocalServer } from './local-server.js';
import { failureOf } from '../../../support/publish-failure.js';

const START = '2026-03-02T09:00:00.000Z';

/** A client with a manual clock and a sleep that records waits and moves the clock. */
function setup(baseUrl: string, overrides: Partial<HttpClientOptions> = {}) {
  const clock = new ManualClock(START);
  const waits: number[] = [];
  const sleep = async (ms: number) => {
    waits.push(ms);
    clock.advance(ms);
  };
  const logger = createMemoryLogger();
  const rateLimiter = createRateLimiter({ capacity: 10, refillPerSecond: 10, clock, sleep });
  const client = createHttpClient({
    network: 'x',
    baseUrl,
    timeoutMs: 2000,
    rateLimiter,
    logger,
    clock,
    retryPolicy: { maxAttempts: 3, baseMs: 100, maxMs: 1000, sleep, random: () => 1 },
    ...overrides,
  });
  return { client, clock, waits, logger, rateLimiter };
}

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  clearRegisteredSecrets();
});

describe('request: what is sent and what comes back', () => {
  it('sends JSON with query, default and per-request headers, and parses the JSON answer', async () => {
    server = await startServer((_req, res) => sendJson(res, 201, { data: { id: '123' } }, { 'x-restli-id': 'urn:li:share:1' }));
    const { client } = setup(`${server.url}/proxy/`, { defaultHeaders: { 'LinkedIn-Version': '202601' } });
    const response = await client.request({
      method: 'POST',
      path: '/2/tweets',
      query: { expansions: 'author_id', ids: ['1', '2'], skip: undefined },
      headers: { 'Idempotency-Key': 'pub-7' },
      json: { text: 'Spring sale!' },
      retry: false,
    });
    expect(response).toMatchObject({ status: 201, body: { data: { id: '123' } } });
    expect(response.headers.get('x-restli-id')).toBe('urn:li:share:1');
    const sent = server.requests[0]!;
    expect(sent.method).toBe('POST');
    expect(sent.url).toBe('/proxy/2/tweets?expansions=author_id&ids=1&ids=2');
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.headers.accept).toBe('application/json');
    expect(sent.headers['linkedin-version']).toBe('202601');
    expect(sent.headers['idempotency-key']).toBe('pub-7');
    expect(JSON.parse(sent.body)).toEqual({ text: 'Spring sale!' });
  });

  it('sends forms, and reads text, nothing, or an empty JSON body', async () => {
    server = await startServer((req, res) => {
      if (req.url === '/text') return void res.end('plain words');
      res.writeHead(req.url === '/empty' ? 201 : 204);
      res.end();
    });
    const { client } = setup(server.url);
    const text = await client.request({
      method: 'POST',
      path: '/text',
      form: { status: 'Hi & bye', 'media_ids[]': ['1', '2'] },
      expect: 'text',
      retry: false,
    });
    expect(text.body).toBe('plain words');
    expect(server.requests[0]!.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(server.requests[0]!.body).toBe('status=Hi+%26+bye&media_ids%5B%5D=1&media_ids%5B%5D=2');
    const none = await client.request({ method: 'DELETE', path: '/gone', expect: 'none', retry: false });
    expect(none).toMatchObject({ status: 204, body: undefined });
    const empty = await client.request({ method: 'POST', path: '/empty', retry: false });
    expect(empty).toMatchObject({ status: 201, body: undefined });
  });

  it('treats a 2xx it cannot parse as unknown: the post may exist', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('<html>oops</html>');
    });
    const { client } = setup(server.url);
    const error = await failureOf(client.request({ method: 'POST', path: '/2/tweets', json: {}, retry: true }));
    expect(error.kind).toBe('unknown');
    expect(server.requests).toHaveLength(1);
  });
});

describe('request: failures', () => {
  const at = (offsetSeconds: number) => new Date(new Date(START).getTime() + offsetSeconds * 1000);
  const headerStyles: Array<[string, Record<string, string>, number]> = [
    ['Retry-After seconds', { 'Retry-After': '30' }, 30_000],
    ['Retry-After HTTP-date', { 'Retry-After': at(45).toUTCString() }, 45_000],
    ['X x-rate-limit-reset (epoch s)', { 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(at(600).getTime() / 1000) }, 600_000],
    ['Mastodon X-RateLimit-Reset (ISO 8601)', { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': at(300).toISOString() }, 300_000],
    ['Bluesky RateLimit-Reset (epoch s)', { 'RateLimit-Remaining': '0', 'RateLimit-Reset': String(at(20).getTime() / 1000) }, 20_000],
  ];

  it.each(headerStyles)('429 with %s is retryable with that wait, and pauses the network', async (_style, headers, expected) => {
    server = await startServer((_req, res) => sendJson(res, 429, { errors: [{ code: 88, message: 'Rate limit exceeded' }] }, headers));
    const { client, rateLimiter } = setup(server.url);
    const error = await failureOf(client.request({ method: 'POST', path: '/2/tweets', json: {}, retry: false }));
    expect(error.kind).toBe('retryable');
    expect(error.status).toBe(429);
    expect(error.retryAfterMs).toBe(expected);
    expect(rateLimiter.pausedUntil()?.getTime()).toBe(new Date(START).getTime() + expected);
  });

  it('429 then success: waits at least what the network asked, then succeeds', async () => {
    server = await startServer((_req, res, n) =>
      n === 1 ? sendJson(res, 429, {}, { 'retry-after': '7' }) : sendJson(res, 200, { data: [] }),
    );
    const { client, waits } = setup(server.url);
    const response = await client.request({ method: 'GET', path: '/2/tweets', retry: true });
    expect(response.status).toBe(200);
    expect(server.requests).toHaveLength(2);
    expect(waits).toEqual([7000]); // the backoff (≤ 100 ms) would have been shorter
  });

  it('a pause longer than the longest wait fails at once, without sending anything', async () => {
    server = await startServer((_req, res) => sendJson(res, 200, {}));
    const { client, rateLimiter, clock } = setup(server.url);
    rateLimiter.pauseUntil(new Date(clock.now().getTime() + 3 * 3600_000));
    const error = await failureOf(client.request({ method: 'GET', path: '/2/tweets', retry: true }));
    expect(error.kind).toBe('retryable');
    expect(error.retryAfterMs).toBe(3 * 3600_000);
    expect(error.message).toContain('try again in 3 hours');
    expect(server.requests).toHaveLength(0);
  });

  it('503 is retried with backoff, then succeeds', async () => {
    server = await startServer((_req, res, n) =>
      n < 3 ? sendJson(res, 503, { title: 'Service Unavailable' }) : sendJson(res, 200, { ok: true }),
    );
    const { client, waits, logger } = setup(server.url);
    const response = await client.request({ method: 'GET', path: '/2/users/me', retry: true });
    expect(response.body).toEqual({ ok: true });
    expect(server.requests).toHaveLength(3);
    expect(waits).toEqual([100, 200]);
    expect(logger.lines.filter((l) => l.includes('will be retried'))).toHaveLength(2);
  });

  it('503 on the create-post call (retry: false) is thrown after one try', async () => {
    server = await startServer((_req, res) => sendJson(res, 503, {}));
    const { client } = setup(server.url);
    const error = await failureOf(client.request({ method: 'POST', path: '/2/tweets', json: {}, retry: false }));
    expect(error.kind).toBe('retryable');
    expect(server.requests).toHaveLength(1);
  });

  it('400 is permanent, not retried, in the words of the network extractor', async () => {
    server = await startServer((_req, res) =>
      sendJson(res, 400, { errors: [{ message: 'Your media IDs are invalid.' }], title: 'Invalid Request' }),
    );
    const { client } = setup(server.url);
    const error = await failureOf(
      client.request({
        method: 'POST',
        path: '/2/tweets',
        json: {},
        retry: true,
        messageFromError: ({ status }) => (status === 400 ? 'X could not find the attached image; upload it again.' : undefined),
      }),
    );
    expect(error.kind).toBe('permanent');
    expect(error.status).toBe(400);
    expect(error.message).toBe('X could not find the attached image; upload it again.');
    expect(server.requests).toHaveLength(1);
  });

  it('401 says which setting to check', async () => {
    server = await startServer((_req, res) => sendJson(res, 401, { title: 'Unauthorized', status: 401 }));
    const { client } = setup(server.url);
    const error = await failureOf(client.request({ method: 'GET', path: '/2/users/me', retry: true }));
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/^X rejected the access token \(401\): check X_ACCESS_TOKEN\./);
    expect(server.requests).toHaveLength(1);
  });

  it('a server that takes the request and destroys the socket gives unknown, never retried', async () => {
    server = await startServer((req) => req.socket.destroy());
    const { client } = setup(server.url);
    const error = await failureOf(
      client.request({ method: 'POST', path: '/2/media/upload', body: new Uint8Array([1, 2, 3]), retry: true }),
    );
    expect(error.kind).toBe('unknown');
    expect(error.message).toContain('check the account before retrying');
    expect(server.requests).toHaveLength(1);
  });

  it('a server that never answers gives unknown after the timeout', async () => {
    server = await startServer(() => undefined);
    const { client } = setup(server.url, { timeoutMs: 200 });
    const started = performance.now();
    const error = await failureOf(client.request({ method: 'POST', path: '/2/tweets', json: {}, retry: true }));
    expect(performance.now() - started).toBeLessThan(1500);
    expect(error.kind).toBe('unknown');
    expect(error.message).toBe('X did not answer within 1 second, so the request may have reached X: check the account before retrying.');
    expect(server.requests).toHaveLength(1);
  });

  it('connection refused is retryable and is retried up to maxAttempts', async () => {
    const { client, waits } = setup(await closedPortUrl());
    const error = await failureOf(client.request({ method: 'GET', path: '/2/tweets', retry: true }));
    expect(error.kind).toBe('retryable');
    expect(error.message).toContain('the connection was refused');
    expect(waits).toEqual([100, 200]);
  });

  it('a request cancelled before it is sent is retryable and sends nothing', async () => {
    server = await startServer((_req, res) => sendJson(res, 200, {}));
    const { client } = setup(server.url);
    const controller = new AbortController();
    controller.abort();
    const error = await failureOf(client.request({ method: 'POST', path: '/2/tweets', json: {}, retry: false, signal: controller.signal }));
    expect(error.kind).toBe('retryable');
    expect(server.requests).toHaveLength(0);
  });

  it('a request cancelled after it was sent is unknown', async () => {
    server = await startServer(() => undefined);
    const { client } = setup(server.url);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await failureOf(client.request({ method: 'POST', path: '/2/tweets', json: {}, retry: false, signal: controller.signal }));
    expect(error.kind).toBe('unknown');
    expect(error.message).toContain('cancelled after it was sent');
  });

  it('waits for the rate limiter before each request', async () => {
    server = await startServer((_req, res) => sendJson(res, 200, {}));
    const clock = new ManualClock(START);
    const limiterWaits: number[] = [];
    const rateLimiter = createRateLimiter({
      capacity: 1,
      refillPerSecond: 2,
      clock,
      sleep: async (ms) => {
        limiterWaits.push(ms);
        clock.advance(ms);
      },
    });
    const client = createHttpClient({
      network: 'mastodon',
      baseUrl: server.url,
      timeoutMs: 2000,
      rateLimiter,
      logger: createMemoryLogger(),
      clock,
    });
    for (let i = 0; i < 3; i++) await client.request({ method: 'GET', path: '/api/v1/instance', retry: false });
    expect(limiterWaits).toEqual([500, 500]);
    expect(server.requests).toHaveLength(3);
  });
});

describe('request: the last word before a post leaves (beforeSend)', () => {
  it('runs after the rate limiter let the request go and before anything is sent', async () => {
    server = await startServer((_req, res) => sendJson(res, 201, { data: { id: '1' } }));
    const clock = new ManualClock(START);
    const order: string[] = [];
    const rateLimiter = createRateLimiter({
      capacity: 1,
      refillPerSecond: 1,
      clock,
      sleep: async (ms) => {
        order.push(`limiter waits ${ms} ms`);
        clock.advance(ms);
      },
    });
    const client = createHttpClient({
      network: 'x',
      baseUrl: server.url,
      timeoutMs: 2000,
      rateLimiter,
      logger: createMemoryLogger(),
      clock,
    });
    await client.request({ method: 'GET', path: '/2/users/me', retry: false });
    const beforeSend = async () => void order.push(`marked with ${server!.requests.length} request(s) at the network`);
    await client.request({ method: 'POST', path: '/2/tweets', json: {}, retry: false, beforeSend });
    expect(order).toEqual(['limiter waits 1000 ms', 'marked with 1 request(s) at the network']);
    expect(server.requests).toHaveLength(2);
  });

  it('when it fails (the claim was lost, the database is down), nothing is sent: retryable, with the cause', async () => {
    server = await startServer((_req, res) => sendJson(res, 201, {}));
    const { client } = setup(server.url);
    const lost = new Error('the claim was lost');
    const error = await failureOf(
      client.request({ method: 'POST', path: '/2/tweets', json: {}, retry: false, beforeSend: async () => Promise.reject(lost) }),
    );
    expect(error.kind).toBe('retryable');
    expect(error.cause).toBe(lost);
    expect(server.requests).toHaveLength(0);
  });

  it('a cancel while it runs still stops the request: nothing is sent', async () => {
    server = await startServer((_req, res) => sendJson(res, 201, {}));
    const { client } = setup(server.url);
    const controller = new AbortController();
    const error = await failureOf(
      client.request({
        method: 'POST',
        path: '/2/tweets',
        json: {},
        retry: false,
        signal: controller.signal,
        beforeSend: async () => controller.abort(),
      }),
    );
    expect(error.kind).toBe('retryable');
    expect(server.requests).toHaveLength(0);
  });
});

describe('client.fetch for libraries', () => {
  it('returns responses as they came, logs them, and pauses the network on 429', async () => {
    server = await startServer((req, res) =>
      req.url === '/xrpc/limited'
        ? sendJson(
            res,
            429,
            { error: 'RateLimitExceeded' },
            { 'RateLimit-Remaining': '0', 'RateLimit-Reset': String(new Date(START).getTime() / 1000 + 60) },
          )
        : sendJson(res, 200, { did: 'did:plc:abc' }),
    );
    const { client, rateLimiter, logger } = setup(server.url, { network: 'bluesky' as NetworkId });
    const ok = await client.fetch(`${server.url}/xrpc/com.atproto.server.describeServer`);
    expect(await ok.json()).toEqual({ did: 'did:plc:abc' });
    const limited = await client.fetch(new Request(`${server.url}/xrpc/limited`, { method: 'POST', body: '{}' }));
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ error: 'RateLimitExceeded' });
    expect(rateLimiter.pausedUntil()?.toISOString()).toBe('2026-03-02T09:01:00.000Z');
    expect(logger.lines.some((l) => l.includes('WARN') && l.includes('HTTP 429'))).toBe(true);
  });

  it('applies the timeout and throws a classified PublishError', async () => {
    server = await startServer(() => undefined);
    const { client } = setup(server.url, { timeoutMs: 150 });
    const error = await failureOf(client.fetch(`${server.url}/xrpc/com.atproto.repo.createRecord`, { method: 'POST', body: '{}' }));
    expect(error.kind).toBe('unknown');
    expect(error.network).toBe('x');
  });

  it('throws retryable for a refused connection', async () => {
    const url = await closedPortUrl();
    const { client } = setup(url);
    const error = await failureOf(client.fetch(`${url}/api/v1/statuses`));
    expect(error.kind).toBe('retryable');
  });
});

describe('secrets never reach errors or logs', () => {
  const TOKEN = 'tok-9f8e7d6c5b4a3210';

  it('a token in the URL, query, headers and body is redacted from the error and every log line', async () => {
    registerSecret(TOKEN);
    // The fake network echoes everything it got, as some error pages do.
    server = await startServer((req, res, _n, body) =>
      sendJson(res, 400, { error: { message: `Bad request ${req.url} auth=${req.headers.authorization} body=${body}` } }),
    );
    const { client, logger } = setup(server.url, { network: 'facebook', defaultHeaders: { Authorization: `Bearer ${TOKEN}` } });
    const error = await failureOf(
      client.request({
        method: 'POST',
        path: `/v25.0/123/feed`,
        query: { access_token: TOKEN },
        headers: { 'X-Api-Key': TOKEN },
        json: { message: 'hello', access_token: TOKEN },
        retry: true,
      }),
    );
    expect(server.requests[0]!.url).toContain(TOKEN); // it really was sent…
    const everything = [error.message, String(error.cause), ...logger.lines].join('\n');
    expect(everything).not.toContain(TOKEN); // …and is nowhere to be read
    expect(error.message).toContain('[redacted]');
    expect(logger.lines.length).toBeGreaterThan(0);
    expect(logger.lines.some((l) => l.includes('access_token=[redacted]'))).toBe(true);
  });

  it('unregistered tokens in query strings are masked by shape in logs and timeout errors', async () => {
    server = await startServer(() => undefined);
    const { client, logger } = setup(server.url, { network: 'instagram', timeoutMs: 150 });
    const error = await failureOf(
      client.request({ method: 'GET', path: '/v25.0/17841/media', query: { access_token: 'EAAGunregistered123' }, retry: false }),
    );
    expect(error.kind).toBe('unknown');
    const everything = [error.message, ...logger.lines].join('\n');
    expect(everything).not.toContain('EAAGunregistered123');
    expect(logger.lines.some((l) => l.includes('access_token=[redacted]'))).toBe(true);
  });

  it('client.fetch logs redacted URLs', async () => {
    registerSecret(TOKEN);
    server = await startServer((_req, res) => sendJson(res, 200, {}));
    const { client, logger } = setup(server.url);
    await client.fetch(`${server.url}/api/v1/accounts/verify_credentials?token=${TOKEN}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(logger.lines.length).toBeGreaterThan(0);
    expect(logger.lines.join('\n')).not.toContain(TOKEN);
  });
});

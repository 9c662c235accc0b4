import { createHash, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import type { PrometheusMetrics } from '../observability/prometheus.js';
import type { Route } from './http-server.js';
import { sendJson } from './http-server.js';

/** SHA-256 first, so both sides have one length and the comparison leaks neither the token nor its length. */
const digest = (value: string) => createHash('sha256').update(value).digest();

/** Whether the request carries `Authorization: Bearer <token>`, compared in constant time. */
export function hasBearerToken(req: http.IncomingMessage, token: string): boolean {
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
  return presented !== undefined && timingSafeEqual(digest(presented), digest(token));
}

/**
 * GET /metrics (METRICS_ENABLED): everything in the Prometheus text format. With METRICS_TOKEN
 * set, only for a scraper that sends it as a bearer token; anyone else gets 401 and nothing.
 */
export function metricsRoute(metrics: PrometheusMetrics, options: { token: string | null }): Route {
  return async (req, res) => {
    if (options.token !== null && !hasBearerToken(req, options.token)) {
      res.setHeader('www-authenticate', 'Bearer realm="greenlight metrics"');
      return sendJson(res, 401, { error: 'a bearer token is required (METRICS_TOKEN)' });
    }
    const text = await metrics.text();
    res.writeHead(200, { 'content-type': metrics.contentType, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
    res.end(text);
  };
}

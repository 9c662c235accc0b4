import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../observability/logger.js';

export type Route = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

export interface HttpServer {
  readonly port: number;
  readonly url: string;
  /** Stops accepting connections and waits for requests in flight to finish. */
  close(): Promise<void>;
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * One HTTP server for everything (Slack, Teams, health) on one port, routed by
 * "METHOD /path". Each chat SDK gets the raw request, because signature checks need the
 * exact bytes that were signed.
 */
export async function startHttpServer(options: {
  port: number;
  host?: string;
  routes: Record<string, Route>;
  logger: Logger;
}): Promise<HttpServer> {
  const { routes, logger } = options;
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const route = routes[`${req.method} ${path}`];
    if (!route) {
      const allowed = Object.keys(routes).filter((k) => k.endsWith(` ${path}`));
      if (allowed.length) {
        res.setHeader('allow', allowed.map((k) => k.split(' ')[0]).join(', '));
        return sendJson(res, 405, { error: 'method not allowed' });
      }
      return sendJson(res, 404, { error: 'not found' });
    }
    Promise.resolve()
      .then(() => route(req, res))
      .catch((error: unknown) => {
        logger.error('request failed', { route: `${req.method} ${path}`, error });
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
        else res.end();
      });
  });
  // Slack retries after 3 s; keep-alive sockets must not hold shutdown open for long.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from '../observability/logger.js';
import type { Foreground } from './foreground.js';

export type Route = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

export interface HttpServer {
  readonly port: number;
  readonly url: string;
  /** Stops accepting connections and waits for requests in flight to finish. */
  close(): Promise<void>;
}

/**
 * What one client may cost the server. Slack and Teams send a request in milliseconds and
 * give up on an answer within seconds, so a client still sending headers after 5 s, or a
 * request after 10 s, is not one of them; Node's defaults (60 s, 300 s) let slow clients
 * pile up. The connection cap bounds what many of them can hold at once (bench:connections).
 */
export const SERVER_LIMITS = {
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  /** How often Node looks for connections past those timeouts (default 30 s). */
  timeoutCheckMs: 1_000,
  maxConnections: 512,
} as const;

/** How long a new connection counts as a request on its way (see `startHttpServer`). */
const OPENING_MS = 500;

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * One HTTP server for everything (Slack, Teams, health, media) on one port, routed by
 * "METHOD /path" (or "METHOD /folder/*" for everything directly in a folder). Each chat SDK gets the raw request, because signature checks need the
 * exact bytes that were signed.
 */
export async function startHttpServer(options: {
  port: number;
  host?: string;
  routes: Record<string, Route>;
  logger: Logger;
  /** Told of each routed request from arrival until its answer is sent. */
  foreground?: Foreground;
}): Promise<HttpServer> {
  const { routes, logger, foreground } = options;
  // A connection just opened is a request on its way: a burst of clicks from one client opens
  // connections one after another, each request following its connection a turn or more
  // later. Counted as foreground from its accepting until its first request (or its end).
  const opening = new WeakMap<Socket, () => void>();
  const arrived = (socket: Socket) => {
    const opened = opening.get(socket);
    if (!opened) return;
    opening.delete(socket);
    opened();
  };
  const handle = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]!;
    // An exact route first, then one for everything under a folder (`GET /media/*`).
    const route = routes[`${req.method} ${path}`] ?? routes[`${req.method} ${path.slice(0, path.lastIndexOf('/') + 1)}*`];
    if (!route) {
      arrived(req.socket);
      const allowed = Object.keys(routes).filter((k) => k.endsWith(` ${path}`));
      if (allowed.length) {
        res.setHeader('allow', allowed.map((k) => k.split(' ')[0]).join(', '));
        return sendJson(res, 405, { error: 'method not allowed' });
      }
      return sendJson(res, 404, { error: 'not found' });
    }
    // Counted as a request before it stops counting as a connection on its way.
    if (foreground) res.once('close', foreground.enter());
    arrived(req.socket);
    Promise.resolve()
      .then(() => route(req, res))
      .catch((error: unknown) => {
        logger.error('request failed', { route: `${req.method} ${path}`, error });
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
        else res.end();
      });
  };
  const server = http.createServer(
    {
      headersTimeout: SERVER_LIMITS.headersTimeoutMs,
      requestTimeout: SERVER_LIMITS.requestTimeoutMs,
      connectionsCheckingInterval: SERVER_LIMITS.timeoutCheckMs,
    },
    handle,
  );
  // Slack retries after 3 s; keep-alive sockets must not hold shutdown open for long.
  server.keepAliveTimeout = 5_000;
  if (foreground)
    server.on('connection', (socket: Socket) => {
      const leave = foreground.enter(OPENING_MS);
      opening.set(socket, leave);
      socket.once('close', leave);
    });
  // Past the cap Node closes new connections at once; they cost nothing to refuse.
  server.maxConnections = SERVER_LIMITS.maxConnections;
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

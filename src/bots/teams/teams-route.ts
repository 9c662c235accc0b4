import type http from 'node:http';
import type { CloudAdapter, TurnContext } from 'botbuilder';
import type { Logger } from '../../observability/logger.js';
import type { Route } from '../../server/http-server.js';
import { sendJson } from '../../server/http-server.js';

/** Teams' activities, cards included, are far below this; a larger body is not Teams. */
const MAX_BODY_BYTES = 1024 * 1024;
const BODY_DEADLINE_MS = 10_000;

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => {
      req.destroy();
      reject(new BodyError(408, 'the request body did not arrive in time'));
    }, BODY_DEADLINE_MS);
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        clearTimeout(timer);
        req.destroy();
        reject(new BodyError(413, 'the request body is too large'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/**
 * `POST /api/messages` on Greenlight's own server: botbuilder's CloudAdapter wants a parsed
 * body and an Express-style response, which this shim gives it (no Express). It checks the
 * Bot Framework token itself (401 and nothing done without a valid one). In local mode there
 * is no token to check, so only loopback clients (the Agents Playground on this machine) are
 * answered.
 */
export function teamsRoute(
  adapter: CloudAdapter,
  logic: (context: TurnContext) => Promise<void>,
  options: { localOnly: boolean; logger: Logger },
): Route {
  return async (req, res) => {
    if (options.localOnly && !LOOPBACK.has(req.socket.remoteAddress ?? '')) {
      return sendJson(res, 403, { error: 'Teams is in local mode (no MICROSOFT_APP_ID): only this machine may call /api/messages' });
    }
    let activity: unknown;
    try {
      const raw = await readBody(req);
      activity = JSON.parse(raw.toString('utf8')) as unknown;
    } catch (error) {
      if (error instanceof BodyError) return sendJson(res, error.status, { error: error.message });
      return sendJson(res, 400, { error: 'the body must be a JSON activity' });
    }
    if (!activity || typeof activity !== 'object' || Array.isArray(activity))
      return sendJson(res, 400, { error: 'the body must be a JSON activity' });

    let status = 200;
    const headers: Record<string, string> = {};
    const response = {
      socket: req.socket,
      status(code: number) {
        status = code;
        return response;
      },
      header(name: string, value: unknown) {
        headers[name.toLowerCase()] = String(value);
        return response;
      },
      send(body?: unknown) {
        if (res.headersSent) return response;
        if (body === undefined || body === null) res.writeHead(status, headers).end();
        else if (typeof body === 'string' || Buffer.isBuffer(body)) res.writeHead(status, headers).end(body);
        else sendJsonWith(res, status, headers, body);
        return response;
      },
      end() {
        if (!res.headersSent) res.writeHead(status, headers);
        res.end();
        return response;
      },
    };
    try {
      await adapter.process(
        { body: activity as Record<string, unknown>, headers: req.headers as Record<string, string>, method: req.method },
        response,
        logic,
      );
    } catch (error) {
      options.logger.error('a Teams activity failed', { error });
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
    }
    if (!res.writableEnded) response.end();
  };
}

function sendJsonWith(res: http.ServerResponse, status: number, headers: Record<string, string>, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

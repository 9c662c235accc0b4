/**
 * The base every fake social network is built on: a real HTTP server on 127.0.0.1 that
 * records each request (headers, raw bytes, parsed JSON / form / multipart) and can be
 * told to misbehave the ways real networks do: an error status with rate-limit headers,
 * a slow answer, a dropped connection after the request arrived, or no answer at all.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface UploadedFile {
  field: string;
  filename: string;
  contentType: string;
  bytes: Buffer;
}

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  raw: Buffer;
  text: string;
  /** Parsed when the body is JSON. */
  json: unknown;
  /** Parsed when the body is form-encoded or multipart (text fields). */
  form: Record<string, string | string[]> | undefined;
  files: UploadedFile[];
  at: number;
}

export interface FakeResponse {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
  text?: string;
  body?: Buffer;
}

export type Fault =
  | { kind: 'status'; status: number; headers?: Record<string, string>; json?: unknown; text?: string }
  /** The request arrived; the connection is cut before any answer (outcome unknown to the client). */
  | { kind: 'drop' }
  /** The request arrived; no answer ever comes (until the server closes). */
  | { kind: 'hang' }
  /** The request arrived and was acted on, but its answer never comes (until the server closes). */
  | { kind: 'lose-answer' }
  /** Answer normally, but only after a delay. */
  | { kind: 'delay'; ms: number };

export type Handler = (req: FakeRequest, params: Record<string, string>) => FakeResponse | Promise<FakeResponse>;

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
}

interface ScriptedFault {
  method?: string;
  path?: string | RegExp;
  fault: Fault;
  times: number;
}

export interface FakeNetworkServer {
  readonly url: string;
  readonly requests: FakeRequest[];
  route(method: string, path: string | RegExp, handler: Handler): void;
  /** The next `times` matching requests get `fault` instead of their handler. */
  failNext(match: { method?: string; path?: string | RegExp }, fault: Fault, times?: number): void;
  requestsTo(method: string, path: string | RegExp): FakeRequest[];
  close(): Promise<void>;
}

function compile(path: string | RegExp): { pattern: RegExp; keys: string[] } {
  if (path instanceof RegExp) return { pattern: path, keys: [] };
  const keys: string[] = [];
  const source = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, (_m, key: string) => {
    keys.push(key);
    return '([^/]+)';
  });
  return { pattern: new RegExp(`^${source}$`), keys };
}

const matches = (path: string | RegExp | undefined, actual: string) =>
  path === undefined || (typeof path === 'string' ? compile(path).pattern.test(actual) : path.test(actual));

async function parseBody(req: http.IncomingMessage, raw: Buffer): Promise<Pick<FakeRequest, 'json' | 'form' | 'files'>> {
  const type = String(req.headers['content-type'] ?? '');
  const text = raw.toString('utf8');
  if (type.includes('application/json')) {
    try {
      return { json: JSON.parse(text), form: undefined, files: [] };
    } catch {
      return { json: undefined, form: undefined, files: [] };
    }
  }
  if (type.includes('application/x-www-form-urlencoded')) {
    const form: Record<string, string | string[]> = {};
    for (const [k, v] of new URLSearchParams(text)) {
      const existing = form[k];
      form[k] = existing === undefined ? v : Array.isArray(existing) ? [...existing, v] : [existing, v];
    }
    return { json: undefined, form, files: [] };
  }
  if (type.includes('multipart/form-data')) {
    // undici's own multipart parser, via the Fetch API's Response.
    const data = await new Response(raw, { headers: { 'content-type': type } }).formData();
    const form: Record<string, string | string[]> = {};
    const files: UploadedFile[] = [];
    for (const [field, value] of data) {
      if (typeof value === 'string') {
        const existing = form[field];
        form[field] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
      } else {
        files.push({ field, filename: value.name, contentType: value.type, bytes: Buffer.from(await value.arrayBuffer()) });
      }
    }
    return { json: undefined, form, files };
  }
  return { json: undefined, form: undefined, files: [] };
}

function send(res: http.ServerResponse, response: FakeResponse): void {
  const headers: Record<string, string> = { ...response.headers };
  let body: Buffer;
  if (response.json !== undefined) {
    body = Buffer.from(JSON.stringify(response.json));
    headers['content-type'] ??= 'application/json; charset=utf-8';
  } else if (response.text !== undefined) {
    body = Buffer.from(response.text);
    headers['content-type'] ??= 'text/plain; charset=utf-8';
  } else {
    body = response.body ?? Buffer.alloc(0);
  }
  headers['content-length'] = String(body.length);
  res.writeHead(response.status ?? 200, headers);
  res.end(body);
}

export async function startFakeNetworkServer(options: { name: string }): Promise<FakeNetworkServer> {
  const routes: Route[] = [];
  const faults: ScriptedFault[] = [];
  const requests: FakeRequest[] = [];
  const hanging = new Set<http.ServerResponse>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const raw = Buffer.concat(chunks);
        const url = new URL(req.url ?? '/', 'http://fake');
        const parsed = await parseBody(req, raw);
        const request: FakeRequest = {
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          raw,
          text: raw.toString('utf8'),
          ...parsed,
          at: Date.now(),
        };
        requests.push(request);

        const scripted = faults.find((f) => (f.method ?? request.method) === request.method && matches(f.path, request.path));
        if (scripted) {
          if (--scripted.times <= 0) faults.splice(faults.indexOf(scripted), 1);
          const { fault } = scripted;
          if (fault.kind === 'drop') return req.socket.destroy();
          if (fault.kind === 'hang') return void hanging.add(res);
          if (fault.kind === 'status') return send(res, fault);
          if (fault.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms));
        }
        const answer =
          scripted?.fault.kind === 'lose-answer' ? () => void hanging.add(res) : (response: FakeResponse) => send(res, response);

        for (const route of routes) {
          if (route.method !== request.method) continue;
          const m = route.pattern.exec(request.path);
          if (!m) continue;
          const params = Object.fromEntries(route.keys.map((k, i) => [k, decodeURIComponent(m[i + 1]!)]));
          try {
            return answer(await route.handler(request, params));
          } catch (error) {
            return answer({ status: 500, json: { error: `${options.name} fake: ${String(error)}` } });
          }
        }
        answer({ status: 404, json: { error: `${options.name} fake: no route for ${request.method} ${request.path}` } });
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    route(method, path, handler) {
      routes.push({ method, ...compile(path), handler });
    },
    failNext(match, fault, times = 1) {
      faults.push({ ...match, fault, times });
    },
    requestsTo(method, path) {
      return requests.filter((r) => r.method === method && matches(path, r.path));
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Serves fixed bytes at a path, for the images a post links to. */
export function serveFile(server: FakeNetworkServer, path: string, bytes: Buffer, contentType: string): string {
  server.route('GET', path, () => ({ headers: { 'content-type': contentType }, body: bytes }));
  return `${server.url}${path}`;
}

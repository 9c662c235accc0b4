import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { InFlight, Outage } from '../emulator-faults.js';
import type { AddressInfo } from 'node:net';
import { BodyParseError, parseApiArgs, parseUploadBytes } from './body-parsing.js';
import { IdSource } from './ids.js';
import { APP_TOKEN_METHODS, appMethods } from './methods/apps.js';
import { chatMethods } from './methods/chat.js';
import { fileMethods, LOGIN_PATH, userFileObject } from './methods/files.js';
import { historyMethods } from './methods/history.js';
import { answerSubmission, closeView, viewMethods, type SubmissionAnswer } from './methods/views.js';
import { workspaceInfoMethods } from './methods/workspace-info.js';
import { slackRecorder, type CallListener, type RecordedCall } from './recorder.js';
import { applyResponse, ResponseUrls, type ResponseTarget } from './response-urls.js';
import { fail, type SlackResult } from './results.js';
import { ScriptedFailures, type ScriptedFailure } from './scripted-failures.js';
import { FakeSlackState, type FakeFile, type WorkspaceSnapshot } from './state.js';
import {
  resolveWorkspace,
  type FakeSlackOptions,
  type MethodContext,
  type MethodHandler,
  type SeedUser,
  type Workspace,
} from './workspace.js';

const METHODS: Record<string, MethodHandler> = {
  ...workspaceInfoMethods,
  ...chatMethods,
  ...viewMethods,
  ...fileMethods,
  ...historyMethods,
  ...appMethods,
};

export interface FakeSlackApi {
  /** Base URL for `clientOptions.slackApiUrl` / `SLACK_API_URL`, e.g. `http://127.0.0.1:51234/api/`. */
  readonly url: string;
  /** `http://127.0.0.1:PORT`; upload and response URLs live under it. */
  readonly origin: string;
  /** The workspace identity (bot token, team, bot user…) with defaults filled in. */
  readonly workspace: Readonly<Workspace>;
  /** Every request so far, in arrival order (cleared by reset). */
  readonly calls: readonly RecordedCall[];
  readonly state: FakeSlackState;
  callsTo(method: string): RecordedCall[];
  /** First call to `method` matching `predicate`, already made or still to come. */
  waitFor(method: string, predicate?: (call: RecordedCall) => boolean, timeoutMs?: number): Promise<RecordedCall>;
  /** The next call to `method` gets this failure (queue several by calling again). */
  failNext(method: string, failure: ScriptedFailure): void;
  /** A response_url for a signed request; what the app posts there lands in `state`. */
  responseUrl(target: ResponseTarget): string;
  /**
   * A person picked a file in a modal's file_input: Slack keeps it (private to them and the
   * app), and the view_submission carries this object in `state.values[block][action].files`.
   * Its bytes are served at `url_private(_download)` to the bot token only; `serve` makes the
   * download answer something else (a failure).
   */
  userFile(userId: string, file: { name: string; mimetype: string; bytes: Buffer; serve?: FakeFile['serve'] }): Record<string, unknown>;
  /**
   * Web API calls being answered right now, and the most there were at once since the last
   * `resetPeak()` (or `reset()`): how many calls the app keeps in flight.
   */
  readonly inFlight: { readonly now: number; readonly peak: number; resetPeak(): void };
  /**
   * Slack is down in one of the ways it goes down, for every Web API call, until `endOutage()`:
   * `500` answers HTTP 500; `ratelimited` answers 429 with Retry-After; `hang` holds the request
   * unanswered (and drops it when the outage ends); `reset` drops the connection before Slack
   * acts; `lost_answer` lets Slack act and then drops the connection, so the caller cannot
   * know the message was posted. Calls Slack never acted on are not recorded.
   */
  outage(mode: OutageMode, options?: { retryAfterSeconds?: number }): void;
  endOutage(): void;
  /** Web API calls that met an outage so far. */
  readonly outageHits: number;
  /**
   * Carries out the app's answer to a view_submission on the modal stack, as Slack does
   * (errors, update, push, clear, or close), and tells subscribers.
   */
  answerSubmission(viewId: string, answer: SubmissionAnswer): { errors?: Record<string, string>; invalid?: string };
  /** The person closed a modal (and what was pushed over it). */
  closeView(viewId: string): void;
  /** The workspace's conversations, Home tabs and shared files, to keep across restarts. */
  snapshot(): WorkspaceSnapshot;
  /** Puts a snapshot back (before anything else happened), issuing no id twice. */
  restore(snapshot: WorkspaceSnapshot): void;
  /** A new person in the workspace (users.info knows them from now on), optionally in user groups. */
  addUser(user: SeedUser, groups?: string[]): void;
  /** Called after each recorded call; returns the unsubscribe function. */
  subscribe(listener: CallListener): () => void;
  /**
   * Lets a Socket Mode fake (`startFakeSocketMode`) answer apps.connections.open with the
   * one-time WebSocket URLs it mints; returns the function that detaches it again.
   */
  attachSocketMode(mintUrl: () => string): () => void;
  /**
   * Forget calls, state, scripted failures and used triggers; keeps the seeded users/groups.
   * A request still in flight (e.g. held by `delayMs`) lands after the reset: await it first.
   */
  reset(): void;
  close(): Promise<void>;
}

export type OutageMode = '500' | 'ratelimited' | 'hang' | 'reset' | 'lost_answer';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, status: number, body: SlackResult, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/**
 * Slack accepts the token as a Bearer header or, for form posts only, as a `token` field
 * (JSON bodies must use the header). Missing → not_authed, the app-level token on a bot
 * method → not_allowed_token_type, anything else → invalid_auth. apps.connections.open is
 * the other way round: it takes only the app-level token, and only in the header.
 */
function authError(
  req: IncomingMessage,
  method: string,
  args: Record<string, unknown>,
  isJson: boolean,
  workspace: Workspace,
): string | undefined {
  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const field = !isJson && typeof args.token === 'string' && args.token !== '' ? args.token : undefined;
  if (APP_TOKEN_METHODS.has(method)) {
    if (bearer === undefined || bearer === '') return field === undefined ? 'not_authed' : 'invalid_auth';
    if (bearer === workspace.appToken) return undefined;
    return bearer === workspace.botToken ? 'not_allowed_token_type' : 'invalid_auth';
  }
  const token = bearer ?? field;
  if (token === undefined || token === '') return 'not_authed';
  if (token === workspace.appToken) return 'not_allowed_token_type';
  return token === workspace.botToken ? undefined : 'invalid_auth';
}

export async function startFakeSlackApi(options: FakeSlackOptions = {}): Promise<FakeSlackApi> {
  const workspace = resolveWorkspace(options);
  const state = new FakeSlackState();
  const ids = new IdSource(workspace.now);
  const recorder = slackRecorder();
  const failures = new ScriptedFailures();
  const responseUrls = new ResponseUrls();
  let origin = '';
  let socketModeUrl: (() => string) | undefined;

  const context = (args: Record<string, unknown>): MethodContext => ({ args, workspace, state, ids, origin, socketModeUrl });

  const inFlight = new InFlight();

  const down = new Outage<OutageMode>();

  /** True when the outage took the call (nothing more to do). */
  async function meetOutage(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const current = down.current;
    if (!current || current.mode === 'lost_answer') return false;
    down.hits++;
    await readBody(req);
    switch (current.mode) {
      case '500':
        res.writeHead(500, { 'content-type': 'text/html' }).end('<html><body>Internal Server Error</body></html>');
        return true;
      case 'ratelimited':
        send(res, 429, fail('ratelimited'), { 'retry-after': String(current.retryAfterSeconds) });
        return true;
      case 'reset':
        req.socket.destroy();
        return true;
      case 'hang':
        await current.ended;
        req.socket.destroy();
        return true;
    }
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, method: string, query: URLSearchParams): Promise<void> {
    inFlight.enter();
    try {
      if (await meetOutage(req, res)) return;
      const losing = down.current?.mode === 'lost_answer';
      if (losing) {
        down.hits++;
        // Slack acts on the call; the answer never reaches the caller.
        const sink = { headersSent: false, writeHead: () => sink, end: () => void req.socket.destroy() } as unknown as ServerResponse;
        await answerApi(req, sink, method, query);
        return;
      }
      await answerApi(req, res, method, query);
    } finally {
      inFlight.leave();
    }
  }

  async function answerApi(req: IncomingMessage, res: ServerResponse, method: string, query: URLSearchParams): Promise<void> {
    const at = workspace.now();
    const contentType = req.headers['content-type'] ?? '';
    const finish = (args: Record<string, unknown>, status: number, response: SlackResult, headers?: Record<string, string>) => {
      send(res, status, response, headers);
      recorder.record({ method, args, at, status, response });
    };
    let args: Record<string, unknown>;
    try {
      args = await parseApiArgs(contentType, await readBody(req), query);
    } catch (error) {
      if (error instanceof BodyParseError) return finish({}, 200, fail(error.slackError));
      throw error;
    }
    const { token: _token, ...recordedArgs } = args;
    const auth = authError(req, method, args, contentType.startsWith('application/json'), workspace);
    if (auth) return finish(recordedArgs, 200, fail(auth));

    const scripted = failures.take(method);
    if (scripted?.delayMs) await sleep(scripted.delayMs);
    if (scripted?.error === 'ratelimited') {
      const retryAfter = String(scripted.retryAfterSeconds ?? 1);
      return finish(recordedArgs, scripted.status ?? 429, fail('ratelimited'), { 'retry-after': retryAfter });
    }
    if (scripted?.error !== undefined || scripted?.status !== undefined) {
      return finish(recordedArgs, scripted.status ?? 200, fail(scripted.error ?? 'fatal_error'));
    }

    const handler = METHODS[method];
    finish(recordedArgs, 200, handler ? handler(context(recordedArgs)) : fail('unknown_method'));
  }

  async function handleUpload(req: IncomingMessage, res: ServerResponse, fileId: string): Promise<void> {
    const file = state.files.get(fileId);
    const bytes = await parseUploadBytes(req.headers['content-type'] ?? '', await readBody(req));
    if (!file) {
      res.writeHead(404).end('file not found');
      return;
    }
    file.bytes = bytes;
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${bytes.length}`);
  }

  async function handleResponseUrl(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const at = workspace.now();
    const target = responseUrls.get(id);
    const args = await parseApiArgs(req.headers['content-type'] ?? '', await readBody(req), new URLSearchParams()).catch(() => ({}));
    const response = target ? applyResponse(context(args), target) : fail('expired_url');
    // Slack's response_url answers a bare status: 200 "ok", or 4xx with the error as text.
    const status = response.ok ? 200 : target ? 400 : 404;
    res.writeHead(status, { 'content-type': 'text/plain' }).end(response.ok ? 'ok' : String(response.error));
    recorder.record({ method: 'response_url', args, at, status, response });
  }

  /**
   * files.slack.com: a private file to the bot token only; anyone else is redirected to the
   * sign-in page, which answers 200 with HTML (what Slack does).
   */
  async function handlePrivateFile(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    await readBody(req);
    const auth = req.headers.authorization ?? '';
    const [teamAndId = ''] = name.split('/');
    const id = teamAndId.slice(teamAndId.indexOf('-') + 1);
    const file = state.files.get(id);
    recorder.record({
      method: 'files-pri',
      args: { file: id, authorized: auth === `Bearer ${workspace.botToken}` },
      at: workspace.now(),
      status: 200,
      response: { ok: true },
    });
    if (auth !== `Bearer ${workspace.botToken}`) {
      res.writeHead(302, { location: `${origin}${LOGIN_PATH}?redir=${encodeURIComponent(req.url ?? '/')}` }).end();
      return;
    }
    if (!file?.bytes) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('file_not_found');
      return;
    }
    if (file.serve) {
      res.writeHead(file.serve.status, { 'content-type': file.serve.contentType ?? 'text/plain' }).end(file.serve.body ?? '');
      return;
    }
    res
      .writeHead(200, { 'content-type': file.mimetype ?? 'application/octet-stream', 'content-length': String(file.bytes.length) })
      .end(file.bytes);
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const [, root, ...rest] = url.pathname.split('/');
    const name = decodeURIComponent(rest.join('/'));
    const route =
      root === 'api'
        ? handleApi(req, res, name, url.searchParams)
        : root === 'upload' && req.method === 'POST'
          ? handleUpload(req, res, name.replace(/^v1\//, ''))
          : root === 'response' && req.method === 'POST'
            ? handleResponseUrl(req, res, name)
            : root === 'files-pri' && req.method === 'GET'
              ? handlePrivateFile(req, res, name)
              : `/${root}` === LOGIN_PATH
                ? Promise.resolve(
                    void res
                      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
                      .end('<html><body>Sign in to Slack</body></html>'),
                  )
                : Promise.resolve(void res.writeHead(404).end());
    route.catch((error: unknown) => {
      // A bug in the fake must show up in the test, not hang it: answer like Slack's fatal_error.
      if (!res.headersSent) send(res, 500, fail('fatal_error', { detail: String(error) }));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}/api/`,
    origin,
    workspace,
    calls: recorder.calls,
    state,
    callsTo: (method) => recorder.callsTo(method),
    waitFor: (method, predicate, timeoutMs) => recorder.waitFor(method, predicate, timeoutMs),
    failNext: (method, failure) => failures.push(method, failure),
    responseUrl: (target) => responseUrls.mint(origin, target),
    userFile(userId, input) {
      const file: FakeFile = {
        id: ids.next('F'),
        filename: input.name,
        declaredLength: input.bytes.length,
        completed: true,
        bytes: input.bytes,
        user: userId,
        mimetype: input.mimetype,
        ...(input.serve ? { serve: input.serve } : {}),
      };
      state.files.set(file.id, file);
      return userFileObject(origin, workspace.teamId, file);
    },
    inFlight,
    outage: (mode, opts = {}) => down.start(mode, opts.retryAfterSeconds),
    endOutage: () => down.end(),
    get outageHits() {
      return down.hits;
    },
    answerSubmission(viewId, answer) {
      const outcome = answerSubmission(context({}), viewId, answer);
      recorder.record({
        method: 'view_submission',
        args: { view_id: viewId, ...answer },
        at: workspace.now(),
        status: 200,
        response: outcome.invalid ? fail(outcome.invalid) : { ok: true },
      });
      return outcome;
    },
    closeView(viewId) {
      closeView(context({}), viewId);
      recorder.record({ method: 'view_closed', args: { view_id: viewId }, at: workspace.now(), status: 200, response: { ok: true } });
    },
    snapshot: () => state.snapshot(),
    restore(snapshot) {
      state.restore(snapshot);
      for (const [id] of [
        ...snapshot.channels.flatMap(([, m]) => m.flatMap((x) => (x.files ?? []).map((f) => [f.id]))),
        ...snapshot.files,
        ...snapshot.homes.map(([, v]) => [v.id]),
      ])
        ids.skipPast(id!);
    },
    addUser(user, groups = []) {
      workspace.users.set(user.id, user);
      for (const group of groups) workspace.userGroups.set(group, [...(workspace.userGroups.get(group) ?? []), user.id]);
    },
    subscribe: (listener) => recorder.subscribe(listener),
    attachSocketMode(mintUrl) {
      socketModeUrl = mintUrl;
      return () => {
        if (socketModeUrl === mintUrl) socketModeUrl = undefined;
      };
    },
    reset() {
      down.end();
      recorder.clear();
      state.clear();
      failures.clear();
      responseUrls.clear();
      inFlight.resetPeak();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // fetch keeps connections alive; without this close() waits for them to time out.
        server.closeAllConnections();
      }),
  };
}

import { randomUUID } from 'node:crypto';
import { InFlight, Outage } from '../emulator-faults.js';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  aadOpenIdConfiguration,
  answerTokenRequest,
  BOT_FRAMEWORK_AUDIENCE,
  checkBotBearer,
  tokenTenant,
  type AppType,
  type FakeCredentials,
} from './aad.js';
import {
  channelKeys,
  channelOpenIdConfiguration,
  CHANNEL_TOKEN_ISSUER,
  mintChannelToken,
  type MintActivityTokenOptions,
} from './channel-auth.js';
import { connectorErrorFor, UNAUTHORIZED_BODY } from './connector-errors.js';
import { CONNECTOR_OPERATIONS, routeConnector, type OperationContext } from './connector-operations.js';
import { TeamsDirectory, type TeamsDirectoryOptions } from './directory.js';
import { MessageIds } from './ids.js';
import { generateSigningKey, publicJwk } from './jwt.js';
import { teamsRecorder, type BearerCheck, type CallListener, type FakeTeamsOperation, type RecordedCall } from './recorder.js';
import { ScriptedFailures, type ScriptedFailure } from './scripted-failures.js';
import { FakeTeamsState } from './state.js';

export interface FakeBotConnectorOptions extends TeamsDirectoryOptions {
  /**
   * The bot's registration. Given (the default), inbound activities are signed, the bot must
   * fetch a token from the fake AAD and the connector refuses calls without one. `false` is local
   * mode, as with the Microsoft 365 Agents Playground: no tokens anywhere.
   */
  credentials?: { appPassword?: string; appType?: AppType } | false;
  /** AAD object ids of people the app is not installed for: proactive 1:1s to them get 403. */
  notInstalledFor?: string[];
  /** Lifetime of the bot tokens the fake AAD issues (AAD: about an hour). */
  tokenLifetimeSeconds?: number;
  /** Clock (ms) for message ids, timestamps and token times. */
  now?: () => number;
  port?: number;
}

export type OutageMode = '500' | 'throttled' | 'hang' | 'reset' | 'lost_answer';

export interface FakeBotConnector {
  /** `http://127.0.0.1:PORT`. */
  readonly origin: string;
  /** What activities carry as `serviceUrl` (`{origin}/teams/`, shaped like Teams' `https://smba.trafficmanager.net/teams/`). */
  readonly serviceUrl: string;
  readonly directory: TeamsDirectory;
  /** The bot's registration, or undefined in local mode. */
  readonly credentials: Readonly<FakeCredentials> | undefined;
  /**
   * Options for botbuilder's `ConfigurationBotFrameworkAuthentication` that make it validate
   * incoming tokens against this fake (see index.ts). Empty in local mode.
   */
  botFrameworkAuthConfig(): Record<string, string>;
  /**
   * What the bot's MSAL client needs to get its token from this AAD (tests build a credentials
   * factory from it: test/fakes/teams). Throws in local mode: there is no token to get.
   */
  msalTarget(): { appId: string; appPassword: string; authority: string };
  /** A token as the Bot Framework channel signs an activity for this bot (`serviceurl` = the fake's). */
  mintActivityToken(options?: MintActivityTokenOptions): string;
  readonly state: FakeTeamsState;
  /**
   * An image pasted into a message, as Teams attaches it: `{ contentType, contentUrl }` with the
   * URL under the service URL, readable only with the bot's token (in local mode, by anyone).
   */
  pastedImage(bytes: Buffer, type?: string): { contentType: string; contentUrl: string; name: string };
  /**
   * A file attached in the 1:1 chat (the paperclip), as Teams sends it once the file is in the
   * person's OneDrive: a `file.download.info` attachment whose `downloadUrl` is pre-authorised
   * (a `tempauth` in the link, no token needed). Served here as SharePoint would serve it.
   */
  attachedFile(
    bytes: Buffer,
    name: string,
  ): { contentType: string; contentUrl: string; name: string; content: { downloadUrl: string; uniqueId: string; fileType: string } };
  /**
   * From now on, attached files' downloads answer with their headers and the first part of the
   * file, and hold the rest until the returned function is called (a slow OneDrive, a large
   * video): for work that must not wait for a download inside a turn. `reset()` releases too.
   */
  holdFileDownloads(): () => void;
  /** Every request so far, in arrival order (cleared by reset). */
  readonly calls: readonly RecordedCall[];
  callsTo(operation: FakeTeamsOperation): RecordedCall[];
  /** First call to `operation` matching `predicate`, already made or still to come. */
  waitFor(operation: FakeTeamsOperation, predicate?: (call: RecordedCall) => boolean, timeoutMs?: number): Promise<RecordedCall>;
  /** The next call to `operation` gets this failure (queue several by calling again). */
  failNext(operation: FakeTeamsOperation, failure: ScriptedFailure): void;
  /** The app is (un)installed for a person from now on (by AAD object id, UPN, `29:` id or name). */
  setInstalled(user: string, installed: boolean): void;
  /** Connector calls being answered right now, and the most at once since `resetPeak()`. */
  readonly inFlight: { readonly now: number; readonly peak: number; resetPeak(): void };
  /**
   * The connector is down, for every connector call, until `endOutage()`: `500` answers 500
   * ServiceError; `throttled` answers 429 with Retry-After; `hang` holds requests unanswered
   * (and drops them when it ends); `reset` drops the connection before Teams acts; `lost_answer`
   * lets Teams act and then drops the connection. AAD and the OpenID metadata stay up.
   * Note that botbuilder's HTTP client retries 5xx, 429 and dropped connections by itself.
   */
  outage(mode: OutageMode, options?: { retryAfterSeconds?: number }): void;
  endOutage(): void;
  /** Connector calls that met an outage so far. */
  readonly outageHits: number;
  subscribe(listener: CallListener): () => void;
  /** Forget calls, state, scripted failures, outages and setInstalled changes; keeps the directory and keys. */
  reset(): void;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const NO_AUTH: BearerCheck = { presented: false, valid: false };

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parseBody(contentType: string, raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  if (contentType.startsWith('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));
}

export async function startFakeBotConnector(options: FakeBotConnectorOptions = {}): Promise<FakeBotConnector> {
  const now = options.now ?? Date.now;
  const nowSeconds = () => Math.floor(now() / 1000);
  const directory = new TeamsDirectory(options);
  const credentials: FakeCredentials | undefined =
    options.credentials === false
      ? undefined
      : {
          appId: directory.appId,
          appPassword: options.credentials?.appPassword ?? 'fake-app-password~not-a-secret',
          tenantId: directory.tenantId,
          appType: options.credentials?.appType ?? 'SingleTenant',
        };
  const channelKey = generateSigningKey();
  const aadKey = generateSigningKey();
  const tokenLifetime = options.tokenLifetimeSeconds ?? 3599;
  const state = new FakeTeamsState();
  const recorder = teamsRecorder();
  const failures = new ScriptedFailures();
  const initiallyNotInstalled = (options.notInstalledFor ?? []).map((id) => directory.user(id).aadObjectId);
  const notInstalled = new Set(initiallyNotInstalled);
  const context: OperationContext = { directory, state, ids: new MessageIds(now), now, notInstalled };
  let origin = '';

  const inFlight = new InFlight();
  const down = new Outage<OutageMode>();

  type Handled = { status: number; body: unknown; headers?: Record<string, string> };
  interface Request {
    operation: FakeTeamsOperation;
    method: string;
    path: string;
    params: Record<string, string>;
    body: unknown;
    auth: BearerCheck;
  }

  const record = (request: Request, answer: Handled, at: number) =>
    recorder.record({ ...request, status: answer.status, response: answer.body, at });

  /** Scripted failures apply to any operation (AAD's token endpoint included). */
  async function scripted(operation: FakeTeamsOperation): Promise<Handled | undefined> {
    const failure = failures.take(operation);
    if (failure?.delayMs) await sleep(failure.delayMs);
    if (failure?.status === undefined) return undefined;
    const headers: Record<string, string> =
      failure.retryAfterSeconds !== undefined || failure.status === 429 ? { 'retry-after': String(failure.retryAfterSeconds ?? 1) } : {};
    return { status: failure.status, body: connectorErrorFor(failure.status, failure.code, failure.message).body, headers };
  }

  async function handleConnector(
    req: IncomingMessage,
    res: ServerResponse,
    segments: string[],
    query: URLSearchParams,
    path: string,
  ): Promise<void> {
    inFlight.enter();
    try {
      const at = now();
      const current = down.current;
      if (current && current.mode !== 'lost_answer') {
        down.hits++;
        await readBody(req);
        if (current.mode === '500') return send(res, 500, connectorErrorFor(500).body);
        if (current.mode === 'throttled')
          return send(res, 429, connectorErrorFor(429).body, { 'retry-after': String(current.retryAfterSeconds) });
        if (current.mode === 'hang') await current.ended;
        req.socket.destroy();
        return;
      }
      if (segments[0] === 'attachments' && segments[2] === 'views' && req.method === 'GET')
        return serveAttachment(req, res, segments[1] ?? '', path, at);
      const { operation, params } = routeConnector(req.method ?? 'GET', segments, query);
      const body = parseBody(req.headers['content-type'] ?? '', await readBody(req));
      const auth = credentials
        ? checkBotBearer(req.headers.authorization, credentials, aadKey, nowSeconds())
        : { ...NO_AUTH, presented: Boolean(req.headers.authorization) };
      const request: Request = { operation, method: req.method ?? 'GET', path, params, body, auth };
      const answer = await answerConnector(request, credentials !== undefined);
      if (current?.mode === 'lost_answer') {
        // Teams acted on the call; the answer never reaches the caller.
        down.hits++;
        record(request, answer, at);
        req.socket.destroy();
        return;
      }
      send(res, answer.status, answer.body, answer.headers);
      record(request, answer, at);
    } finally {
      inFlight.leave();
    }
  }

  /** The Bot Framework attachments API: the bytes, to the bot's token only. */
  function serveAttachment(req: IncomingMessage, res: ServerResponse, id: string, path: string, at: number): void {
    const auth = credentials
      ? checkBotBearer(req.headers.authorization, credentials, aadKey, nowSeconds())
      : { ...NO_AUTH, presented: Boolean(req.headers.authorization) };
    const found = state.attachments.get(id);
    const status = credentials && !auth.valid ? 401 : found ? 200 : 404;
    if (status === 200) {
      res.writeHead(200, { 'content-type': found!.type, 'content-length': found!.bytes.length });
      res.end(found!.bytes);
    } else send(res, status, status === 401 ? UNAUTHORIZED_BODY : { message: 'attachment not found' });
    recorder.record({
      operation: 'getAttachment',
      method: 'GET',
      path,
      params: { attachmentId: id },
      body: undefined,
      status,
      response: undefined,
      at,
      auth,
    });
  }

  /** Held file downloads wait for this (see holdFileDownloads); undefined: none are held. */
  let fileHold: { released: Promise<void>; release: () => void } | undefined;
  const releaseFiles = () => {
    fileHold?.release();
    fileHold = undefined;
  };

  /** OneDrive's download link: the bytes to whoever holds the `tempauth` in the link, no token. */
  async function serveFile(req: IncomingMessage, res: ServerResponse, query: URLSearchParams, path: string, at: number): Promise<void> {
    const id = query.get('UniqueId') ?? '';
    const found = state.files.get(id);
    const status = !found ? 404 : found.tempauth !== query.get('tempauth') ? 401 : 200;
    // Recorded as it starts (a held download is visible while held). Whether a token came along:
    // it must not (the link is pre-authorised; the bot's token belongs to the Bot Framework).
    recorder.record({
      operation: 'downloadFile',
      method: 'GET',
      path,
      params: { uniqueId: id },
      body: undefined,
      status,
      response: undefined,
      at,
      auth: { ...NO_AUTH, presented: Boolean(req.headers.authorization) },
    });
    if (status !== 200) return send(res, status, { error: { code: status === 401 ? 'unauthenticated' : 'itemNotFound' } });
    const bytes = found!.bytes;
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length });
    const held = fileHold?.released;
    if (held) {
      // The first part goes now, the rest once released: the download has visibly begun.
      const first = Math.min(bytes.length - 1, 64 * 1024);
      res.write(bytes.subarray(0, first));
      await held;
      res.end(bytes.subarray(first));
    } else res.end(bytes);
  }

  async function answerConnector(request: Request, authRequired: boolean): Promise<Handled> {
    if (authRequired && !request.auth.valid) return { status: 401, body: UNAUTHORIZED_BODY };
    const failure = await scripted(request.operation);
    if (failure) return failure;
    const operation = CONNECTOR_OPERATIONS[request.operation];
    if (!operation) return { status: 404, body: { message: `No HTTP resource was found that matches the request URI '${request.path}'.` } };
    const answer = operation(context, request.params, request.body);
    return { status: answer.status, body: answer.body };
  }

  async function handleAuth(req: IncomingMessage, res: ServerResponse, segments: string[], path: string): Promise<boolean> {
    const method = req.method ?? 'GET';
    const at = now();
    let operation: FakeTeamsOperation | undefined;
    let params: Record<string, string> = {};
    let respond: (body: unknown) => Handled = () => ({ status: 404, body: undefined });
    const [first, second, third, fourth] = segments;
    if (method === 'GET' && first === 'v1' && second === '.well-known' && third === 'openidconfiguration') {
      operation = 'channelOpenIdConfiguration';
      respond = () => ({ status: 200, body: channelOpenIdConfiguration(origin) });
    } else if (method === 'GET' && first === 'v1' && second === '.well-known' && third === 'keys') {
      operation = 'channelKeys';
      respond = () => ({ status: 200, body: channelKeys(channelKey) });
    } else if (method === 'GET' && first && second === 'v2.0' && third === '.well-known' && fourth === 'openid-configuration') {
      operation = 'aadOpenIdConfiguration';
      params = { tenant: first };
      // MSAL reads a tenant's document through the https-to-http loopback; botbuilder reads the
      // `common` one (its emulator-token metadata) with a plain fetch, so that one says http.
      respond = () => ({ status: 200, body: aadOpenIdConfiguration(first === 'common' ? origin : aadAuthorityOrigin(), first) });
    } else if (method === 'GET' && first && second === 'discovery' && third === 'v2.0' && fourth === 'keys') {
      operation = 'aadKeys';
      params = { tenant: first };
      respond = () => ({ status: 200, body: { keys: [publicJwk(aadKey)] } });
    } else if (method === 'POST' && first && second === 'oauth2' && third === 'v2.0' && fourth === 'token' && segments.length === 4) {
      operation = 'token';
      params = { tenant: first };
      respond = (body) =>
        credentials
          ? answerTokenRequest((body ?? {}) as Record<string, string>, first, credentials, aadKey, nowSeconds(), tokenLifetime)
          : { status: 400, body: { error: 'unauthorized_client', error_description: 'AADSTS700016: local mode has no app registration.' } };
    }
    if (!operation) return false;
    const body = parseBody(req.headers['content-type'] ?? '', await readBody(req));
    const answer = (await scripted(operation)) ?? respond(body);
    // The client secret never lands in the recorded calls.
    const recordedBody = operation === 'token' && body && typeof body === 'object' ? { ...body, client_secret: '<redacted>' } : body;
    send(res, answer.status, answer.body, answer.headers);
    recorder.record({
      operation,
      method,
      path,
      params,
      body: recordedBody,
      status: answer.status,
      response: answer.body,
      at,
      auth: NO_AUTH,
    });
    return true;
  }

  /** MSAL insists on an https authority; the loopback MSAL client maps it back to this server. */
  const aadAuthorityOrigin = () => origin.replace(/^http:/, 'https:');

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    // Decoded per segment: conversation ids carry ':', '@', ';' and '=' (sent percent-encoded).
    const segments = url.pathname
      .split('/')
      .slice(1)
      .map((s) => decodeURIComponent(s));
    const path = `/${segments.join('/')}`;
    if (segments[0] === 'sharepoint' && req.method === 'GET') {
      serveFile(req, res, url.searchParams, path, now()).catch(() => res.destroy());
      return;
    }
    const route =
      segments[0] === 'teams' && segments[1] === 'v3'
        ? handleConnector(req, res, segments.slice(2), url.searchParams, path)
        : handleAuth(req, res, segments, path).then(async (handled) => {
            if (handled) return;
            await readBody(req);
            send(res, 404, { message: `No HTTP resource was found that matches the request URI '${path}'.` });
            recorder.record({
              operation: 'unknown',
              method: req.method ?? 'GET',
              path,
              params: {},
              body: undefined,
              status: 404,
              response: undefined,
              at: now(),
              auth: NO_AUTH,
            });
          });
    route.catch((error: unknown) => {
      // A bug in the fake must show up in the test, not hang it.
      if (!res.headersSent) send(res, 500, { error: { code: 'FakeConnectorBug', message: String(error) } });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const serviceUrl = `${origin}/teams/`;

  return {
    origin,
    serviceUrl,
    directory,
    credentials,
    botFrameworkAuthConfig(): Record<string, string> {
      if (!credentials) return {};
      return {
        MicrosoftAppId: credentials.appId,
        MicrosoftAppPassword: credentials.appPassword,
        MicrosoftAppType: credentials.appType,
        MicrosoftAppTenantId: credentials.tenantId,
        ToBotFromChannelOpenIdMetadataUrl: `${origin}/v1/.well-known/openidconfiguration`,
        ToBotFromChannelTokenIssuer: CHANNEL_TOKEN_ISSUER,
        ToBotFromEmulatorOpenIdMetadataUrl: `${origin}/common/v2.0/.well-known/openid-configuration`,
        ToChannelFromBotLoginUrl: `${aadAuthorityOrigin()}/${tokenTenant(credentials)}`,
        ToChannelFromBotOAuthScope: BOT_FRAMEWORK_AUDIENCE,
        OAuthUrl: `${origin}/oauth`,
        CallerId: 'urn:botframework:azure',
      };
    },
    msalTarget() {
      if (!credentials) throw new Error('the fake runs in local mode (credentials: false): there is no token to get');
      return {
        appId: credentials.appId,
        appPassword: credentials.appPassword,
        authority: `${aadAuthorityOrigin()}/${tokenTenant(credentials)}`,
      };
    },
    mintActivityToken: (opts = {}) => mintChannelToken(channelKey, { appId: directory.appId, serviceUrl }, opts, nowSeconds()),
    state,
    pastedImage(bytes, type = 'image/png') {
      const id = `0-wus-d1-${randomUUID().replace(/-/g, '')}`;
      state.attachments.set(id, { bytes, type });
      return { contentType: type, contentUrl: `${serviceUrl}v3/attachments/${id}/views/original`, name: 'image' };
    },
    attachedFile(bytes, name) {
      const uniqueId = randomUUID().toUpperCase();
      const tempauth = randomUUID().replace(/-/g, '');
      state.files.set(uniqueId, { bytes, tempauth });
      return {
        contentType: 'application/vnd.microsoft.teams.file.download.info',
        contentUrl: `${origin}/sharepoint/personal/user/Documents/Microsoft%20Teams%20Chat%20Files/${encodeURIComponent(name)}`,
        name,
        content: {
          downloadUrl: `${origin}/sharepoint/personal/user/_layouts/15/download.aspx?UniqueId=${uniqueId}&tempauth=${tempauth}`,
          uniqueId,
          fileType: name.split('.').pop() ?? '',
        },
      };
    },
    holdFileDownloads() {
      if (!fileHold) {
        let release!: () => void;
        const released = new Promise<void>((resolve) => (release = resolve));
        fileHold = { released, release };
      }
      return releaseFiles;
    },
    calls: recorder.calls,
    callsTo: (operation) => recorder.callsTo(operation),
    waitFor: (operation, predicate, timeoutMs) => recorder.waitFor(operation, predicate, timeoutMs),
    failNext: (operation, failure) => failures.push(operation, failure),
    setInstalled(user, installed) {
      const { aadObjectId } = directory.user(user);
      if (installed) notInstalled.delete(aadObjectId);
      else notInstalled.add(aadObjectId);
    },
    inFlight,
    outage: (mode, opts = {}) => down.start(mode, opts.retryAfterSeconds),
    endOutage: () => down.end(),
    get outageHits() {
      return down.hits;
    },
    subscribe: (listener) => recorder.subscribe(listener),
    reset() {
      down.end();
      releaseFiles();
      recorder.clear();
      state.clear();
      failures.clear();
      inFlight.resetPeak();
      notInstalled.clear();
      for (const id of initiallyNotInstalled) notInstalled.add(id);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        down.end();
        releaseFiles();
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive connections would otherwise hold close() until they time out.
        server.closeAllConnections();
      }),
  };
}

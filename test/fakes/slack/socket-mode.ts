/**
 * A local stand-in for Slack's Socket Mode, for the real @slack/socket-mode client that
 * Bolt's SocketModeReceiver runs. It attaches to the fake Web API, which then answers
 * `apps.connections.open` (app-level token only) with a one-time
 * `ws://127.0.0.1:PORT/link/?ticket=…&app_id=…` URL served here. On connect the app gets
 * Slack's `hello`; a test then sends envelopes the way Slack does (`slash_commands`,
 * `interactive`, `events_api`, each wrapping the same payload Slack would POST over HTTP)
 * and gets back the `payload` of the app's acknowledgement (`{ envelope_id, payload }`),
 * e.g. `{ response_action: 'errors', errors }` for a rejected view submission. It also
 * sends `disconnect` messages, answers the client's pings, pings the client, and keeps a
 * record of every connection, envelope, acknowledgement and protocol mistake.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { FakeSlackApi } from '../../../src/playground/slack-emulator/server.js';
import { acceptWebSocket, refuseUpgrade, type ServerWebSocket, type WebSocketClose } from './websocket.js';

type Json = Record<string, unknown>;

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';
/** `warning` comes ~10 s before a refresh; `refresh_requested` asks for a new connection now. */
export type DisconnectReason = 'warning' | 'refresh_requested' | 'link_disabled' | 'too_many_websockets';

/** What Slack sends over the socket for each request it would otherwise POST to the app. */
export interface SocketModeEnvelope {
  envelope_id: string;
  type: EnvelopeType;
  /** Command fields, an interactivity payload, or the `event_callback` body. */
  payload: Json;
  /** Whether the ack may carry an answer (slash commands, view submissions, options). */
  accepts_response_payload: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

export interface SocketAck {
  /** The ack's `payload` as the app sent it (@slack/socket-mode sends `{}` for a bare ack). */
  payload: Json | undefined;
  /** Date.now() when it arrived. */
  at: number;
  /** It came after the deadline (Slack would already have retried). */
  late: boolean;
}

export interface DeliveredEnvelope {
  envelope: SocketModeEnvelope;
  connectionId: number;
  sentAt: number;
  ack: SocketAck | undefined;
}

export interface SocketConnectionClose {
  /** Who started the closing handshake; `network` when the TCP connection just ended. */
  by: 'app' | 'slack' | 'network';
  code: number;
  reason: string;
}

export interface SocketConnection {
  /** 1, 2, … in the order the app connected. */
  readonly id: number;
  /** The ticket of the apps.connections.open URL it used. */
  readonly ticket: string;
  readonly state: 'open' | 'closing' | 'closed';
  /** Pings the app sent (@slack/socket-mode pings every clientPingTimeout/3); each was answered. */
  readonly pingsFromApp: number;
  /** How it closed, once it has. */
  readonly closeInfo: SocketConnectionClose | undefined;
  /** Resolves once the connection has closed. */
  readonly closed: Promise<SocketConnectionClose>;
}

export interface EnvelopeOptions {
  /** Defaults to the newest open connection. */
  connection?: SocketConnection;
  /** Overrides the default (true for slash commands, view submissions and options requests). */
  acceptsResponsePayload?: boolean;
  /** events_api only: Slack's retry counter and reason (`timeout`, `http_error`…). */
  retryAttempt?: number;
  retryReason?: string;
  /** How long to wait for the ack (default: the fake's ackTimeoutMs). */
  ackTimeoutMs?: number;
}

export interface FakeSocketModeOptions {
  /** Slack expects an ack within 3 seconds; so does the fake unless told otherwise. */
  ackTimeoutMs?: number;
  /** `debug_info.host` in hello and disconnect messages. */
  host?: string;
}

export interface FakeSocketMode {
  /** Where the WebSocket URLs point: `ws://127.0.0.1:PORT/link/`. */
  readonly url: string;
  /** Every connection the app made, in order (open and closed). */
  readonly connections: readonly SocketConnection[];
  /** Every envelope sent, with its ack once it came. */
  readonly envelopes: readonly DeliveredEnvelope[];
  /**
   * Mistakes against the protocol: a message that is not JSON, an ack for an unknown
   * envelope or a second ack, a payload in an ack Slack would ignore, a connection with an
   * unknown or used ticket, an invalid WebSocket frame. A well-behaved app leaves it empty.
   */
  readonly problems: readonly string[];
  /** Connections that got `hello` and have not closed. */
  openConnections(): SocketConnection[];
  /** The first connection opened after `since` connections (default: any open one). */
  waitForConnection(options?: { since?: number; timeoutMs?: number }): Promise<SocketConnection>;
  /** Sends an envelope and resolves with the ack's `payload`; rejects when no ack comes in time. */
  send(type: EnvelopeType, payload: Json, options?: EnvelopeOptions): Promise<Json | undefined>;
  /** `slash_commands` with the command's fields (e.g. `slashCommand(…).payload`). */
  slashCommand(payload: Json, options?: EnvelopeOptions): Promise<Json | undefined>;
  /** `interactive` with a block_actions / view_submission / view_closed payload. */
  interactive(payload: Json, options?: EnvelopeOptions): Promise<Json | undefined>;
  /** `events_api` with the `event_callback` body (e.g. `appHomeOpened(…).payload`). */
  event(payload: Json, options?: EnvelopeOptions): Promise<Json | undefined>;
  /** Envelopes still waiting for their ack. */
  unacknowledged(): DeliveredEnvelope[];
  /** Slack's `disconnect` message; resolves once the app has closed that connection. */
  disconnect(reason?: DisconnectReason, options?: { connection?: SocketConnection; timeoutMs?: number }): Promise<SocketConnectionClose>;
  /** A WebSocket ping, as Slack's server sends them; resolves when the app's pong echoes it. */
  ping(options?: { connection?: SocketConnection; timeoutMs?: number }): Promise<void>;
  /** Cuts every connection (no closing handshake), stops serving apps.connections.open and closes the server. */
  close(): Promise<void>;
}

const DEFAULT_ACK_TIMEOUT_MS = 3000;
const DEFAULT_WAIT_MS = 5000;

function acceptsResponsePayload(type: EnvelopeType, payload: Json): boolean {
  if (type === 'slash_commands') return true;
  if (type === 'interactive') return payload.type === 'view_submission' || payload.type === 'block_suggestion';
  return false;
}

function describeEnvelope(e: SocketModeEnvelope): string {
  const p = e.payload;
  const what =
    e.type === 'slash_commands'
      ? String(p.command)
      : e.type === 'interactive'
        ? String(p.type)
        : String((p.event as Json | undefined)?.type ?? p.type);
  return `${e.type} envelope ${e.envelope_id} (${what})`;
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(message())), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

class Connection implements SocketConnection {
  pingsFromApp = 0;
  closeInfo: SocketConnectionClose | undefined;
  readonly closed: Promise<SocketConnectionClose>;
  ws!: ServerWebSocket;
  readonly pongWaiters = new Map<string, () => void>();
  private resolveClosed!: (close: SocketConnectionClose) => void;

  constructor(
    readonly id: number,
    readonly ticket: string,
  ) {
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  get state(): 'open' | 'closing' | 'closed' {
    return this.ws.state;
  }

  markClosed(close: WebSocketClose): SocketConnectionClose {
    const by = close.by === 'client' ? 'app' : close.by === 'server' ? 'slack' : 'network';
    this.closeInfo = { by, code: close.code, reason: close.reason };
    this.resolveClosed(this.closeInfo);
    return this.closeInfo;
  }
}

interface AckWaiter {
  resolve(payload: Json | undefined): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export async function startFakeSocketMode(api: FakeSlackApi, options: FakeSocketModeOptions = {}): Promise<FakeSocketMode> {
  const ackTimeoutMs = options.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS;
  const host = options.host ?? 'applink-fake-1';
  const appId = api.workspace.appId;
  const connections: Connection[] = [];
  const envelopes: DeliveredEnvelope[] = [];
  const problems: string[] = [];
  const tickets = new Set<string>();
  const ackWaiters = new Map<string, AckWaiter>();
  const connectionListeners = new Set<(c: Connection) => void>();
  const sockets = new Set<Duplex>();

  const server = createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' }).end('Upgrade Required');
  });

  const onText = (connection: Connection, text: string) => {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      problems.push(`connection ${connection.id}: a message that is not JSON: ${text.slice(0, 200)}`);
      return;
    }
    const m = message as Json;
    if (typeof m !== 'object' || m === null || typeof m.envelope_id !== 'string') {
      problems.push(`connection ${connection.id}: a message without an envelope_id: ${text.slice(0, 200)}`);
      return;
    }
    const delivered = envelopes.find((d) => d.envelope.envelope_id === m.envelope_id);
    if (!delivered) {
      problems.push(`connection ${connection.id}: an ack for unknown envelope ${m.envelope_id}`);
      return;
    }
    if (delivered.ack) {
      problems.push(`connection ${connection.id}: a second ack for ${describeEnvelope(delivered.envelope)}`);
      return;
    }
    if (m.payload !== undefined && (typeof m.payload !== 'object' || m.payload === null || Array.isArray(m.payload))) {
      problems.push(`connection ${connection.id}: an ack whose payload is not an object, for ${describeEnvelope(delivered.envelope)}`);
    }
    const payload = m.payload as Json | undefined;
    if (!delivered.envelope.accepts_response_payload && payload && Object.keys(payload).length > 0) {
      problems.push(
        `connection ${connection.id}: an ack payload Slack ignores (accepts_response_payload is false) for ${describeEnvelope(delivered.envelope)}`,
      );
    }
    const waiter = ackWaiters.get(m.envelope_id);
    delivered.ack = { payload, at: Date.now(), late: !waiter };
    if (!waiter) {
      problems.push(`connection ${connection.id}: a late ack (after the deadline) for ${describeEnvelope(delivered.envelope)}`);
      return;
    }
    ackWaiters.delete(m.envelope_id);
    clearTimeout(waiter.timer);
    waiter.resolve(payload);
  };

  server.on('upgrade', (req, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const ticket = url.searchParams.get('ticket') ?? '';
    if (url.pathname !== '/link/' || !tickets.delete(ticket)) {
      problems.push(
        `a WebSocket connection to ${url.pathname}${url.search} with an unknown or used ticket (call apps.connections.open for each connection)`,
      );
      // 403, not 401: undici's fetch (the WebSocket handshake) repeats a request answered 401 once.
      refuseUpgrade(socket, 403, 'invalid or expired ticket');
      return;
    }
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    const connection = new Connection(connections.length + 1, ticket);
    const ws = acceptWebSocket(req, socket, head, {
      text: (text) => onText(connection, text),
      binary: () => problems.push(`connection ${connection.id}: a binary message (Socket Mode speaks JSON text)`),
      ping: () => void connection.pingsFromApp++,
      pong: (payload) => {
        const key = payload.toString('hex');
        connection.pongWaiters.get(key)?.();
        connection.pongWaiters.delete(key);
      },
      protocolError: (message) => problems.push(`connection ${connection.id}: ${message}`),
      closed: (close) => {
        const info = connection.markClosed(close);
        for (const [id, waiter] of ackWaiters) {
          const delivered = envelopes.find((d) => d.envelope.envelope_id === id);
          if (delivered?.connectionId !== connection.id) continue;
          ackWaiters.delete(id);
          clearTimeout(waiter.timer);
          waiter.reject(
            new Error(
              `connection ${connection.id} closed (${info.by}, ${info.code}) before the app acknowledged ${describeEnvelope(delivered.envelope)}`,
            ),
          );
        }
      },
    });
    if (!ws) return;
    connection.ws = ws;
    connections.push(connection);
    const open = connections.filter((c) => c.state === 'open').length;
    ws.sendText(
      JSON.stringify({
        type: 'hello',
        num_connections: open,
        debug_info: { host, build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: appId },
      }),
    );
    for (const listener of [...connectionListeners]) listener(connection);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `ws://127.0.0.1:${port}/link/`;

  const detach = api.attachSocketMode(() => {
    const ticket = randomUUID();
    tickets.add(ticket);
    return `${url}?ticket=${ticket}&app_id=${appId}`;
  });

  const openConnections = () => connections.filter((c) => c.state === 'open');
  const target = (connection: SocketConnection | undefined): Connection => {
    const chosen = connection ? connections.find((c) => c.id === connection.id) : openConnections().at(-1);
    if (chosen?.state !== 'open') {
      const seen = connections.map((c) => `#${c.id} ${c.state}`).join(', ') || 'none';
      throw new Error(`no open Socket Mode connection to send on (connections: ${seen}); has the app started?`);
    }
    return chosen;
  };

  const send = (type: EnvelopeType, payload: Json, envelopeOptions: EnvelopeOptions = {}): Promise<Json | undefined> => {
    const connection = target(envelopeOptions.connection);
    const envelope: SocketModeEnvelope = {
      envelope_id: randomUUID(),
      type,
      payload,
      accepts_response_payload: envelopeOptions.acceptsResponsePayload ?? acceptsResponsePayload(type, payload),
      ...(type === 'events_api'
        ? { retry_attempt: envelopeOptions.retryAttempt ?? 0, retry_reason: envelopeOptions.retryReason ?? '' }
        : {}),
    };
    const delivered: DeliveredEnvelope = { envelope, connectionId: connection.id, sentAt: Date.now(), ack: undefined };
    const timeoutMs = envelopeOptions.ackTimeoutMs ?? ackTimeoutMs;
    const acked = new Promise<Json | undefined>((resolve, reject) => {
      const timer = setTimeout(() => {
        ackWaiters.delete(envelope.envelope_id);
        reject(new Error(`the app did not acknowledge ${describeEnvelope(envelope)} within ${timeoutMs} ms`));
      }, timeoutMs);
      ackWaiters.set(envelope.envelope_id, { resolve, reject, timer });
    });
    envelopes.push(delivered);
    connection.ws.sendText(JSON.stringify(envelope));
    return acked;
  };

  return {
    url,
    connections,
    envelopes,
    problems,
    openConnections,
    waitForConnection({ since, timeoutMs = DEFAULT_WAIT_MS } = {}) {
      const matches = (c: Connection) => (since === undefined ? c.state === 'open' : c.id > since);
      const found = connections.find(matches);
      if (found) return Promise.resolve(found);
      let listener: (c: Connection) => void = () => undefined;
      const connected = new Promise<Connection>((resolve) => {
        listener = (c) => {
          if (matches(c)) resolve(c);
        };
        connectionListeners.add(listener);
      });
      return withTimeout(
        connected,
        timeoutMs,
        () =>
          `no Socket Mode connection${since === undefined ? '' : ` after #${since}`} within ${timeoutMs} ms (apps.connections.open calls: ${api.callsTo('apps.connections.open').length})`,
      ).finally(() => connectionListeners.delete(listener));
    },
    send,
    slashCommand: (payload, o) => send('slash_commands', payload, o),
    interactive: (payload, o) => send('interactive', payload, o),
    event: (payload, o) => send('events_api', payload, o),
    unacknowledged: () => envelopes.filter((d) => !d.ack),
    disconnect(reason = 'refresh_requested', { connection, timeoutMs = DEFAULT_WAIT_MS } = {}) {
      const c = target(connection);
      c.ws.sendText(JSON.stringify({ type: 'disconnect', reason, debug_info: { host } }));
      return withTimeout(
        c.closed,
        timeoutMs,
        () => `the app did not close connection ${c.id} within ${timeoutMs} ms of a '${reason}' disconnect message`,
      );
    },
    ping({ connection, timeoutMs = 2000 } = {}) {
      const c = target(connection);
      const data = randomBytes(8);
      const ponged = new Promise<void>((resolve) => c.pongWaiters.set(data.toString('hex'), resolve));
      c.ws.ping(data);
      return withTimeout(ponged, timeoutMs, () => `no pong on connection ${c.id} within ${timeoutMs} ms`);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        detach();
        for (const waiter of ackWaiters.values()) clearTimeout(waiter.timer);
        ackWaiters.clear();
        for (const socket of sockets) socket.destroy();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

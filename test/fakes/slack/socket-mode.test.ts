/**
 * The Socket Mode fake against the real @slack/socket-mode client (the one Bolt's
 * SocketModeReceiver runs) and undici's WebSocket (what that client connects with), so the
 * fake keeps speaking the protocol those clients expect.
 */
import { LogLevel, SocketModeClient } from '@slack/socket-mode';
import { WebClient } from '@slack/web-api';
import { WebSocket } from 'undici';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { appHomeOpened, slashCommand, viewSubmission } from '../../support/slack-requests.js';
import { startFakeSlackApi, startFakeSocketMode, type FakeSlackApi, type FakeSocketMode } from './index.js';

const silent = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  setLevel() {},
  getLevel: () => LogLevel.ERROR,
  setName() {},
};

let api: FakeSlackApi;
let socket: FakeSocketMode;
const clients: SocketModeClient[] = [];

beforeEach(async () => {
  api = await startFakeSlackApi();
  socket = await startFakeSocketMode(api);
});
afterEach(async () => {
  for (const client of clients.splice(0)) await client.disconnect();
  await socket.close();
  await api.close();
});

/** The client Bolt builds: app-level token, WebClient options with slackApiUrl pointing at the fake. */
function socketModeClient(options: { clientPingTimeout?: number; appToken?: string } = {}): SocketModeClient {
  const client = new SocketModeClient({
    appToken: options.appToken ?? api.workspace.appToken,
    logger: silent,
    clientOptions: { slackApiUrl: api.url, retryConfig: { retries: 0 } },
    ...(options.clientPingTimeout ? { clientPingTimeout: options.clientPingTimeout } : {}),
  });
  clients.push(client);
  return client;
}

const webClient = (token?: string) => new WebClient(token, { slackApiUrl: api.url, retryConfig: { retries: 0 }, logger: silent });
const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'no error',
    (error: { data?: { error?: string } }) => error.data?.error,
  );

/** undici's WebSocket, as the Socket Mode client opens it; resolves once it is open. */
async function rawSocket(url: string): Promise<{ ws: WebSocket; messages: unknown[] }> {
  const ws = new WebSocket(url);
  const messages: unknown[] = [];
  ws.addEventListener('message', (event) => messages.push(JSON.parse(String(event.data))));
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve());
    ws.addEventListener('error', () => reject(new Error(`could not connect to ${url}`)));
  });
  return { ws, messages };
}

describe('apps.connections.open on the fake Web API', () => {
  it('takes only the app-level token, in the Authorization header, and answers a one-time ws:// URL', async () => {
    const opened = await webClient(api.workspace.appToken).apps.connections.open();
    expect(opened.ok).toBe(true);
    expect(opened.url).toMatch(new RegExp(`^${socket.url.replace(/[.?]/g, '\\$&')}\\?ticket=[0-9a-f-]{36}&app_id=${api.workspace.appId}$`));
    expect(socket.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/link\/$/);

    expect(await errorOf(webClient(api.workspace.botToken).apps.connections.open())).toBe('not_allowed_token_type');
    expect(await errorOf(webClient('xapp-1-A0FAKEAPP-1-someone-elses').apps.connections.open())).toBe('invalid_auth');
    expect(await errorOf(webClient().apps.connections.open())).toBe('not_authed');
    // Slack refuses the app-level token as a POST field for this method.
    const form = await fetch(`${api.url}apps.connections.open`, {
      method: 'POST',
      body: new URLSearchParams({ token: api.workspace.appToken }),
    });
    expect(await form.json()).toEqual({ ok: false, error: 'invalid_auth' });
    // …and the app-level token is no bot token.
    expect(await errorOf(webClient(api.workspace.appToken).chat.postMessage({ channel: 'C1', text: 'hi' }))).toBe('not_allowed_token_type');
    expect(api.callsTo('apps.connections.open').map((c) => c.response.ok)).toEqual([true, false, false, false, false]);
  });

  it('is not served once the Socket Mode fake has closed', async () => {
    await socket.close();
    expect(await errorOf(webClient(api.workspace.appToken).apps.connections.open())).toBe('unknown_method');
    socket = await startFakeSocketMode(api);
  });
});

describe('Socket Mode fake', () => {
  it('greets a connection with hello (num_connections, debug_info, connection_info) and refuses a used ticket', async () => {
    const { url } = await webClient(api.workspace.appToken).apps.connections.open();
    const first = await rawSocket(url!);
    await vi.waitFor(() => expect(first.messages).toHaveLength(1));
    expect(first.messages[0]).toEqual({
      type: 'hello',
      num_connections: 1,
      debug_info: { host: 'applink-fake-1', build_number: 1, approximate_connection_time: 18060 },
      connection_info: { app_id: api.workspace.appId },
    });
    const second = await rawSocket((await webClient(api.workspace.appToken).apps.connections.open()).url!);
    await vi.waitFor(() => expect(second.messages).toEqual([expect.objectContaining({ type: 'hello', num_connections: 2 })]));

    await expect(rawSocket(url!)).rejects.toThrow('could not connect');
    expect(socket.problems).toEqual([expect.stringContaining('with an unknown or used ticket')]);
    expect(socket.openConnections().map((c) => c.id)).toEqual([1, 2]);
    first.ws.close(1000);
    second.ws.close(1000);
    expect(await socket.connections[0]!.closed).toEqual({ by: 'app', code: 1000, reason: '' });
  });

  it('starts the real client, and returns each ack’s payload for commands, view submissions and events', async () => {
    const client = socketModeClient();
    const seen: Array<{ type: string; accepts: boolean | undefined; retry: number | undefined }> = [];
    client.on('slack_event', ({ type, accepts_response_payload, retry_num }) =>
      seen.push({ type, accepts: accepts_response_payload, retry: retry_num }),
    );
    client.on('slash_commands', ({ ack, body }) =>
      ack({ response_type: 'ephemeral', text: `You said ${body.text} in ${body.channel_id}` }),
    );
    client.on('interactive', ({ ack, body }) =>
      ack({ response_action: 'errors', errors: { text: `${body.view.state.values.text.value.value} is too short` } }),
    );
    client.on('app_home_opened', ({ ack }) => ack());

    const started = await client.start();
    expect(started).toMatchObject({ ok: true, url: expect.stringContaining(socket.url) });
    expect(api.callsTo('apps.connections.open')).toHaveLength(1);

    const command = slashCommand({ command: '/draft', text: 'hello', userId: 'U1', channelId: 'C1' }).payload;
    expect(await socket.slashCommand(command)).toEqual({ response_type: 'ephemeral', text: 'You said hello in C1' });
    const view = { id: 'V1', blocks: [{ type: 'input', block_id: 'text', element: { type: 'plain_text_input', action_id: 'value' } }] };
    expect(await socket.interactive(viewSubmission({ userId: 'U1', view, values: { text: { value: 'Hi' } } }).payload)).toEqual({
      response_action: 'errors',
      errors: { text: 'Hi is too short' },
    });
    expect(await socket.event(appHomeOpened({ userId: 'U1' }).payload, { retryAttempt: 1, retryReason: 'timeout' })).toEqual({});

    expect(seen).toEqual([
      { type: 'slash_commands', accepts: true, retry: undefined },
      { type: 'interactive', accepts: true, retry: undefined },
      { type: 'events_api', accepts: false, retry: 1 },
    ]);
    expect(socket.envelopes.map((d) => [d.envelope.type, d.connectionId, d.ack?.late])).toEqual([
      ['slash_commands', 1, false],
      ['interactive', 1, false],
      ['events_api', 1, false],
    ]);
    expect(socket.problems).toEqual([]);
  });

  it('carries messages of every WebSocket length encoding both ways (7-bit, 16-bit, 64-bit)', async () => {
    const client = socketModeClient();
    client.on('slash_commands', ({ ack, body }) => ack({ text: body.text }));
    await client.start();
    for (const size of [10, 1000, 70_000, 300_000]) {
      const text = 'é'.repeat(size);
      expect(await socket.slashCommand({ command: '/echo', text })).toEqual({ text });
    }
  });

  it('rejects when the app does not acknowledge in time, and notes a late ack', async () => {
    const client = socketModeClient();
    let later: (() => Promise<void>) | undefined;
    client.on('slash_commands', ({ ack }) => void (later = () => ack()));
    await client.start();
    await expect(socket.slashCommand({ command: '/slow' }, { ackTimeoutMs: 50 })).rejects.toThrow(
      /did not acknowledge slash_commands envelope [0-9a-f-]+ \(\/slow\) within 50 ms/,
    );
    expect(socket.unacknowledged()).toHaveLength(1);
    await later!();
    await vi.waitFor(() =>
      expect(socket.problems).toEqual([expect.stringContaining('a late ack (after the deadline) for slash_commands')]),
    );
    expect(socket.unacknowledged()).toEqual([]);
  });

  it('notes acks for unknown envelopes, second acks and acks that are not JSON', async () => {
    const { url } = await webClient(api.workspace.appToken).apps.connections.open();
    const { ws } = await rawSocket(url!);
    await socket.waitForConnection();
    const acked = socket.slashCommand({ command: '/x' });
    const id = socket.envelopes[0]!.envelope.envelope_id;
    ws.send(JSON.stringify({ envelope_id: id, payload: { text: 'one' } }));
    expect(await acked).toEqual({ text: 'one' });
    ws.send(JSON.stringify({ envelope_id: id }));
    ws.send(JSON.stringify({ envelope_id: 'nope' }));
    ws.send('not json');
    await vi.waitFor(() => expect(socket.problems).toHaveLength(3));
    expect(socket.problems).toEqual([
      expect.stringContaining('a second ack for slash_commands'),
      'connection 1: an ack for unknown envelope nope',
      'connection 1: a message that is not JSON: not json',
    ]);
    ws.close();
  });

  it('on a disconnect message the client closes cleanly, calls apps.connections.open again and carries on', async () => {
    // A short clientPingTimeout makes the client's reconnect delay short (it waits clientPingTimeout × attempts).
    const client = socketModeClient({ clientPingTimeout: 60 });
    client.on('slash_commands', ({ ack }) => ack({ text: 'still here' }));
    await client.start();
    const first = socket.connections[0]!;

    expect(await socket.disconnect('refresh_requested')).toEqual({ by: 'app', code: 1000, reason: '' });
    const second = await socket.waitForConnection({ since: first.id });
    expect(second.id).toBe(2);
    expect(second.ticket).not.toBe(first.ticket);
    expect(api.callsTo('apps.connections.open')).toHaveLength(2);
    expect(await socket.slashCommand({ command: '/again' })).toEqual({ text: 'still here' });
    expect(socket.envelopes[0]!.connectionId).toBe(2);
    expect(socket.problems).toEqual([]);
  });

  it('answers the client’s pings with pongs (so it stays connected) and gets pongs for its own', async () => {
    // The client pings every clientPingTimeout / 3 and drops a connection whose pongs stop.
    const client = socketModeClient({ clientPingTimeout: 90 });
    await client.start();
    const connection = socket.connections[0]!;
    await vi.waitFor(() => expect(connection.pingsFromApp).toBeGreaterThanOrEqual(6), { timeout: 2000 });
    await socket.ping();
    expect(connection.state).toBe('open');
    expect(socket.connections).toHaveLength(1);
  });

  it('sees the client’s disconnect() as a clean close by the app', async () => {
    const client = socketModeClient();
    await client.start();
    await client.disconnect();
    expect(await socket.connections[0]!.closed).toEqual({ by: 'app', code: 1000, reason: '' });
    expect(socket.openConnections()).toEqual([]);
    expect(() => socket.slashCommand({ command: '/x' })).toThrow('no open Socket Mode connection to send on (connections: #1 closed)');
  });
});

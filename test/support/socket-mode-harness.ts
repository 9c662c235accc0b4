/**
 * Greenlight started for real over Socket Mode: SLACK_APP_TOKEN and no signing secret →
 * Bolt's SocketModeReceiver → apps.connections.open on the fake Web API (SLACK_API_URL) →
 * a WebSocket to the Socket Mode fake. Tests send envelopes the way Slack does, built from
 * the same payloads the HTTP tests sign (test/support/slack-requests.ts), and read the
 * app's acknowledgements; what the app then does shows up on the fake Web API.
 */
import { startApp, type RunningApp } from '../../src/app.js';
import { loadConfig, type Env } from '../../src/config.js';
import { ManualClock } from '../../src/domain/clock.js';
import { createMemoryLogger } from '../../src/observability/logger.js';
import {
  startFakeSlackApi,
  startFakeSocketMode,
  WORKSPACE_DEFAULTS,
  type FakeMessage,
  type FakeSlackApi,
  type FakeSlackOptions,
  type FakeSocketMode,
  type FakeView,
  type RecordedCall,
} from '../fakes/slack/index.js';
import { ALICE, APPROVALS, AUTHOR, BOB, CAROL, MALLORY } from './slack-harness.js';
import { appHomeOpened, blockActionsFromMessage, slashCommand, viewSubmission, type InputValues } from './slack-requests.js';
import { tempDir } from './temp-db.js';

/** The `payload` of an acknowledgement (`{}` for a bare ack). */
export type AckPayload = Record<string, unknown> | undefined;

/** The same people as the HTTP harness: an author, two approvers, a group approver, a non-approver. */
export const SOCKET_MODE_USERS: NonNullable<FakeSlackOptions['users']> = [
  { id: AUTHOR, realName: 'Ann Author', displayName: 'ann', tz: 'Europe/Berlin' },
  { id: ALICE, realName: 'Alice Approver', displayName: 'alice', tz: 'America/New_York' },
  { id: BOB, realName: 'Bob Approver', displayName: 'bob', tz: 'UTC' },
  { id: CAROL, realName: 'Carol Manager', displayName: 'carol', tz: 'Asia/Tokyo' },
  { id: MALLORY, realName: 'Mallory', displayName: 'mallory', tz: 'UTC' },
];

/** Slack over Socket Mode against the fakes: bot token, app-level token, no signing secret. */
export function socketModeEnv(fake: FakeSlackApi, databaseFile: string): Env {
  return {
    SLACK_BOT_TOKEN: WORKSPACE_DEFAULTS.botToken,
    SLACK_APP_TOKEN: WORKSPACE_DEFAULTS.appToken,
    SLACK_API_URL: fake.url,
    SLACK_APPROVAL_CHANNEL: APPROVALS,
    SLACK_APPROVERS: `${ALICE},${BOB},S0MANAGERS`,
    DATABASE_URL: `file:${databaseFile}`,
  };
}

export interface SocketModeHarness {
  app: RunningApp;
  fake: FakeSlackApi;
  socket: FakeSocketMode;
  clock: ManualClock;
  logs: string[];
  /** A slash command envelope; resolves with the ack's payload. */
  command(userId: string, command: string, text?: string, channelId?: string): Promise<AckPayload>;
  /** Runs /draft and returns the dialog the fake opened. */
  openDraft(userId: string, text?: string): Promise<FakeView>;
  submit(userId: string, view: FakeView, values: InputValues): Promise<AckPayload>;
  clickMessage(userId: string, message: FakeMessage, actionId: string): Promise<AckPayload>;
  /** An app_home_opened event; returns the Home view once published. */
  openHome(userId: string): Promise<FakeView>;
  /** Waits for the next call to `method` after `since` calls were recorded. */
  next(method: string, predicate?: (call: RecordedCall) => boolean, since?: number): Promise<RecordedCall>;
  card(ts: string): FakeMessage;
  view(id: string): FakeView;
  close(): Promise<void>;
}

export async function socketModeHarness(env: Env = {}): Promise<SocketModeHarness> {
  const fake = await startFakeSlackApi({ users: SOCKET_MODE_USERS, userGroups: { S0MANAGERS: [CAROL] } });
  const socket = await startFakeSocketMode(fake);
  const tmp = tempDir();
  const config = loadConfig({ ...socketModeEnv(fake, tmp.file()), ...env });
  const clock = new ManualClock(Date.now());
  const logger = createMemoryLogger('debug');
  let app: RunningApp;
  try {
    app = await startApp(config, { clock, logger, port: 0, host: '127.0.0.1' });
  } catch (error) {
    await socket.close();
    await fake.close();
    tmp.cleanup();
    throw error;
  }

  const next = (method: string, predicate: (call: RecordedCall) => boolean = () => true, since = fake.calls.length) =>
    fake.waitFor(method, (c) => fake.calls.indexOf(c) >= since && predicate(c));

  const h: SocketModeHarness = {
    app,
    fake,
    socket,
    clock,
    logs: logger.lines,
    command: (userId, command, text = '', channelId = 'C0GENERAL') =>
      socket.slashCommand(
        slashCommand({ command, text, userId, channelId, responseUrl: fake.responseUrl({ channel: channelId, user: userId }) }).payload,
      ),
    async openDraft(userId, text = '') {
      const since = fake.calls.length;
      await h.command(userId, '/draft', text);
      const call = await next('views.open', (c) => c.response.ok === true, since);
      return fake.state.views.get((call.response.view as { id: string }).id)!;
    },
    submit: (userId, view, values) => socket.interactive(viewSubmission({ userId, view, values }).payload),
    clickMessage: (userId, message, actionId) => socket.interactive(blockActionsFromMessage({ userId, message, actionId }).payload),
    async openHome(userId) {
      const since = fake.calls.length;
      await socket.event(appHomeOpened({ userId }).payload);
      await next('views.publish', (c) => c.args.user_id === userId, since);
      return fake.state.homes.get(userId)!;
    },
    next,
    card: (ts) => {
      const message = fake.state.message(APPROVALS, ts);
      if (!message) throw new Error(`no card ${ts} in ${APPROVALS}`);
      return message;
    },
    view: (id) => fake.state.views.get(id)!,
    async close() {
      await app.stop();
      await socket.close();
      await fake.close();
      tmp.cleanup();
    },
  };
  return h;
}

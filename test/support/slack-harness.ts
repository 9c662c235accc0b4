/**
 * Greenlight started for real (config → SQLite file → workflows → Bolt → HTTP), talking to
 * the fake Slack Web API, driven by signed requests to POST /slack/events: what a Slack
 * workspace does, without the internet.
 */
import { expect } from 'vitest';
import { startApp, type RunningApp } from '../../src/app.js';
import { loadConfig, type Env } from '../../src/config.js';
import { ManualClock } from '../../src/domain/clock.js';
import { ManualTimers } from '../../src/domain/timers.js';
import { createMemoryLogger } from '../../src/observability/logger.js';
import type { Publisher } from '../../src/platforms/publisher.js';
import {
  startFakeSlackApi,
  WORKSPACE_DEFAULTS,
  type FakeMessage,
  type FakeSlackApi,
  type FakeView,
  type RecordedCall,
} from '../fakes/slack/index.js';
import {
  appHomeOpened,
  blockActionsFromHome,
  blockActionsFromMessage,
  blockActionsFromView,
  postSigned,
  slashCommand,
  viewSubmission,
  type InputValues,
  type SignedResponse,
  type SlackRequestBody,
} from './slack-requests.js';
import { tempDir } from './temp-db.js';
import type { TeamsAuthOverrides } from '../../src/bots/teams/teams-auth.js';

export const SIGNING_SECRET = 'f00dfacecafebeef0123456789abcdef';
export const APPROVALS = 'C0APPROVALS';
export const AUTHOR = 'U0AUTHOR';
export const ALICE = 'U0ALICE';
export const BOB = 'U0BOB';
export const CAROL = 'U0CAROL'; // an approver through the S0MANAGERS user group
export const MALLORY = 'U0MALLORY'; // not an approver

export interface SlackHarness {
  app: RunningApp;
  fake: FakeSlackApi;
  clock: ManualClock;
  /** With `manualTimers: true`: the scheduler's and cron jobs' timers, fired by moving `clock` (`timers.advance`). */
  timers: ManualTimers | undefined;
  logs: string[];
  eventsUrl: string;
  send(body: SlackRequestBody): Promise<SignedResponse>;
  command(userId: string, command: string, text?: string, channelId?: string): Promise<SignedResponse>;
  /** Runs /draft and returns the dialog the fake opened. */
  openDraft(userId: string, text?: string): Promise<FakeView>;
  submit(userId: string, view: FakeView, values: InputValues): Promise<SignedResponse>;
  /** Draft and submit in one go; returns the approval card once it is posted. */
  draftPost(userId: string, values: Partial<DraftValues>): Promise<FakeMessage>;
  clickMessage(userId: string, message: FakeMessage, actionId: string): Promise<SignedResponse>;
  clickView(userId: string, view: FakeView, actionId: string, blockId?: string, values?: InputValues): Promise<SignedResponse>;
  openHome(userId: string): Promise<FakeView>;
  clickHome(userId: string, actionId: string, blockId?: string): Promise<SignedResponse>;
  card(ts: string): FakeMessage;
  cards(): FakeMessage[];
  /** Waits for the next call to `method` after `since` calls were recorded. */
  next(method: string, predicate?: (call: RecordedCall) => boolean, since?: number): Promise<RecordedCall>;
  view(id: string): FakeView;
  /**
   * Stops Greenlight (graceful, as at a deploy), runs `whileDown` (move the clock: the fake
   * Slack and the timers stay), then starts a new Greenlight on the same database file with
   * the same configuration, clock, timers and publishers. `app` and `eventsUrl` then point at
   * the new one. Resolves once it has started (its scheduler may still be catching up: `idle()`).
   */
  restart(whileDown?: () => unknown): Promise<RunningApp>;
  close(): Promise<void>;
}

export interface SlackHarnessOptions {
  publishers?: Publisher[];
  /** Drive the scheduler and cron jobs with `ManualTimers` on the harness clock instead of node-schedule. */
  manualTimers?: boolean;
  /** Where the manual clock starts (default: the real now). */
  startAt?: Date | string | number;
  /** With Teams on too (both chats in one process): its authentication against a fake connector. */
  teamsAuth?: TeamsAuthOverrides;
  /** The port the app listens on (default: any free one), e.g. one picked first so PUBLIC_URL can point at the app. */
  port?: number;
}

export interface DraftValues {
  text: string;
  networks: string[];
  publishAt: Date | null;
  mediaUrl: string | null;
}

export function draftValues(values: Partial<DraftValues>): InputValues {
  return {
    text: { value: values.text ?? 'Our spring sale starts Monday!' },
    networks: { value: values.networks ?? ['sandbox'] },
    publish_at: { value: values.publishAt ?? null },
    media_url: { value: values.mediaUrl ?? null },
  };
}

export async function slackHarness(env: Env = {}, options: SlackHarnessOptions = {}): Promise<SlackHarness> {
  const fake = await startFakeSlackApi({
    users: [
      { id: AUTHOR, realName: 'Ann Author', displayName: 'ann', tz: 'Europe/Berlin' },
      { id: ALICE, realName: 'Alice Approver', displayName: 'alice', tz: 'America/New_York' },
      { id: BOB, realName: 'Bob Approver', displayName: 'bob', tz: 'UTC' },
      { id: CAROL, realName: 'Carol Manager', displayName: 'carol', tz: 'Asia/Tokyo' },
      { id: MALLORY, realName: 'Mallory', displayName: 'mallory', tz: 'UTC' },
    ],
    userGroups: { S0MANAGERS: [CAROL] },
  });
  const tmp = tempDir();
  const config = loadConfig({
    SLACK_BOT_TOKEN: WORKSPACE_DEFAULTS.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.url,
    SLACK_APPROVAL_CHANNEL: APPROVALS,
    SLACK_APPROVERS: `${ALICE},${BOB},S0MANAGERS`,
    DATABASE_URL: `file:${tmp.file()}`,
    ...env,
  });
  // Without manual timers, real timers fire on real time: the clock runs on with it.
  const clock = new ManualClock(options.startAt ?? Date.now(), { ticking: !options.manualTimers });
  const timers = options.manualTimers ? new ManualTimers(clock) : undefined;
  const logger = createMemoryLogger('debug');
  const launch = () =>
    startApp(config, {
      clock,
      logger,
      port: options.port ?? 0,
      host: '127.0.0.1',
      publishers: options.publishers,
      ...(timers ? { timers } : {}),
      ...(options.teamsAuth ? { teamsAuth: options.teamsAuth } : {}),
    });
  let app = await launch();
  let eventsUrl = `${app.url}/slack/events`;

  const send = (body: SlackRequestBody) => postSigned(eventsUrl, body, { signingSecret: SIGNING_SECRET });
  const next = (method: string, predicate: (call: RecordedCall) => boolean = () => true, since = fake.calls.length) =>
    fake.waitFor(method, (c) => fake.calls.indexOf(c) >= since && predicate(c));

  const h: SlackHarness = {
    get app() {
      return app;
    },
    fake,
    clock,
    timers,
    logs: logger.lines,
    get eventsUrl() {
      return eventsUrl;
    },
    send,
    command: (userId, command, text = '', channelId = 'C0GENERAL') =>
      send(slashCommand({ command, text, userId, channelId, responseUrl: fake.responseUrl({ channel: channelId, user: userId }) })),
    async openDraft(userId, text = '') {
      const since = fake.calls.length;
      const response = await h.command(userId, '/draft', text);
      expect(response.status).toBe(200);
      const call = await next('views.open', (c) => c.response.ok === true, since);
      return fake.state.views.get((call.response.view as { id: string }).id)!;
    },
    submit: (userId, view, values) => send(viewSubmission({ userId, view, values })),
    async draftPost(userId, values) {
      const view = await h.openDraft(userId);
      const since = fake.calls.length;
      const response = await h.submit(userId, view, draftValues(values));
      expect(response.text).toBe('');
      const call = await next('chat.postMessage', (c) => c.args.channel === APPROVALS && !c.args.thread_ts, since);
      // The author's receipt comes last; wait for it so the story continues from a settled state.
      await next('chat.postMessage', (c) => String(c.args.text).includes('is waiting for approval'), since);
      return h.card(String(call.response.ts));
    },
    clickMessage: (userId, message, actionId) =>
      send(blockActionsFromMessage({ userId, message: { ...message, channel: message.channel }, actionId })),
    clickView: (userId, view, actionId, blockId, values) => send(blockActionsFromView({ userId, view, actionId, blockId, values })),
    async openHome(userId) {
      const since = fake.calls.length;
      await send(appHomeOpened({ userId }));
      await next('views.publish', (c) => c.args.user_id === userId, since);
      return fake.state.homes.get(userId)!;
    },
    clickHome: (userId, actionId, blockId) =>
      send(blockActionsFromHome({ userId, view: fake.state.homes.get(userId)!, actionId, blockId })),
    card: (ts) => {
      const message = fake.state.message(APPROVALS, ts);
      if (!message) throw new Error(`no card ${ts} in ${APPROVALS}`);
      return message;
    },
    cards: () => fake.state.messagesIn(APPROVALS).filter((m) => !m.thread_ts || m.thread_ts === m.ts),
    next,
    view: (id) => fake.state.views.get(id)!,
    async restart(whileDown) {
      await app.stop();
      await whileDown?.();
      app = await launch();
      eventsUrl = `${app.url}/slack/events`;
      return app;
    },
    async close() {
      await app.stop();
      await fake.close();
      tmp.cleanup();
    },
  };
  return h;
}

/** All the text a message shows (its blocks flattened), for assertions. */
export function shownText(message: { text?: string; blocks?: unknown[] } | undefined): string {
  if (!message) return '';
  const parts: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (typeof o.text === 'string') parts.push(o.text);
      for (const [k, v] of Object.entries(o)) if (k !== 'text' || typeof v !== 'string') walk(v);
    }
  };
  walk(message.blocks ?? []);
  return parts.join('\n') || (message.text ?? '');
}

/** The action ids of a message's buttons. */
export function buttonsOf(message: { blocks?: unknown[] } | undefined): string[] {
  const ids: string[] = [];
  for (const block of (message?.blocks ?? []) as Array<{
    type: string;
    elements?: Array<{ type: string; action_id?: string }>;
    accessory?: { action_id?: string };
  }>) {
    if (block.type === 'actions') for (const e of block.elements ?? []) if (e.action_id) ids.push(e.action_id);
    if (block.accessory?.action_id) ids.push(block.accessory.action_id);
  }
  return ids;
}

/**
 * Greenlight started for real with Teams on (config → SQLite file → workflows → botbuilder's
 * CloudAdapter → HTTP), talking to the fake Bot Connector, driven by activities posted to
 * POST /api/messages as Teams posts them (signed with the fake channel's key unless in local
 * mode). What Greenlight sends lands in the fake connector, where tests read it.
 */
import { startApp, type RunningApp } from '../../src/app.js';
import { loadConfig, type Env } from '../../src/config.js';
import { ManualClock } from '../../src/domain/clock.js';
import { ManualTimers } from '../../src/domain/timers.js';
import { createMemoryLogger } from '../../src/observability/logger.js';
import type { Publisher } from '../../src/platforms/publisher.js';
import {
  adaptiveCardOf,
  forgetCachedBotTokens,
  startFakeBotConnector,
  TEAMS_DEFAULTS,
  type FakeBotConnector,
  type FakeTeamsMessage,
} from '../fakes/teams/index.js';
import { LOCAL_FAKE_MEDIA_ENV } from './local-media.js';
import { postActivity, teamsEnvironment, type PostedResponse, type TeamsActivity, type TeamsEnvironment } from './teams-activities.js';
import { tempDir } from './temp-db.js';

export const [ANN, ALICE, BOB, CAROL, MALLORY] = TEAMS_DEFAULTS.users.map((u) => u.aadObjectId) as [string, string, string, string, string];
export const [GENERAL_CHANNEL, APPROVALS_CHANNEL, DIGEST_CHANNEL] = TEAMS_DEFAULTS.teams[0]!.channels.map((c) => c.id) as [
  string,
  string,
  string,
];

export interface TeamsHarness {
  app: RunningApp;
  fake: FakeBotConnector;
  env: TeamsEnvironment;
  clock: ManualClock;
  timers: ManualTimers | undefined;
  logs: string[];
  messagesUrl: string;
  /** Posts an activity as Teams does (signed, unless local mode or `token` says otherwise). */
  send(activity: TeamsActivity, options?: { token?: string | null }): Promise<PostedResponse>;
  /** The approval cards in the approvals channel, oldest first. */
  cards(): FakeTeamsMessage[];
  /** The text and card text of every message in a person's 1:1 chat with Greenlight. */
  dmTexts(aadObjectId: string): string[];
  /** Every message in a person's 1:1 chat with Greenlight, as JSON (cards and buttons included). */
  dmJson(aadObjectId: string): string;
  threadTexts(card: FakeTeamsMessage): string[];
  close(): Promise<void>;
}

export interface TeamsHarnessOptions {
  publishers?: Publisher[];
  manualTimers?: boolean;
  startAt?: Date | string | number;
  /** Local mode: no MICROSOFT_APP_ID, no tokens (Microsoft 365 Agents Playground). */
  local?: boolean;
  notInstalledFor?: string[];
  /** Lifetime of the bot tokens the fake AAD issues (default about an hour). */
  tokenLifetimeSeconds?: number;
  /** Where the app listens (default: any free port); set when PUBLIC_URL must point at it. */
  port?: number;
}

/** Everything a message shows: its text, and its card's text blocks. */
export function shownInTeams(message: FakeTeamsMessage | undefined): string {
  if (!message) return '';
  const parts: string[] = [];
  if (typeof message.activity.text === 'string' && message.activity.text) parts.push(message.activity.text);
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o.type === 'TextBlock' && typeof o.text === 'string') parts.push(o.text);
      for (const v of Object.values(o)) if (typeof v === 'object') walk(v);
    }
  };
  walk(adaptiveCardOf(message) ?? []);
  return parts.join('\n');
}

export async function teamsHarness(extraEnv: Env = {}, options: TeamsHarnessOptions = {}): Promise<TeamsHarness> {
  forgetCachedBotTokens();
  const fake = await startFakeBotConnector({
    ...(options.local ? { credentials: false } : {}),
    ...(options.notInstalledFor ? { notInstalledFor: options.notInstalledFor } : {}),
    ...(options.tokenLifetimeSeconds ? { tokenLifetimeSeconds: options.tokenLifetimeSeconds } : {}),
  });
  const env = teamsEnvironment(fake);
  const tmp = tempDir();
  const credentials = options.local
    ? {}
    : {
        MICROSOFT_APP_ID: fake.directory.appId,
        MICROSOFT_APP_PASSWORD: fake.credentials!.appPassword,
        MICROSOFT_APP_TENANT_ID: fake.directory.tenantId,
        MICROSOFT_APP_TYPE: fake.credentials!.appType,
      };
  const config = loadConfig({
    ...credentials,
    TEAMS_APPROVERS: `${ALICE},bob@contoso.onmicrosoft.com`,
    DATABASE_URL: `file:${tmp.file()}`,
    ...LOCAL_FAKE_MEDIA_ENV,
    ...extraEnv,
  });
  const clock = new ManualClock(options.startAt ?? Date.now(), { ticking: !options.manualTimers });
  const timers = options.manualTimers ? new ManualTimers(clock) : undefined;
  const logger = createMemoryLogger('debug');
  const app = await startApp(config, {
    clock,
    logger,
    port: options.port ?? 0,
    host: '127.0.0.1',
    publishers: options.publishers,
    ...(timers ? { timers } : {}),
    ...(options.local ? {} : { teamsAuth: { config: fake.botFrameworkAuthConfig(), credentialsFactory: fake.credentialsFactory() } }),
  });
  const messagesUrl = `${app.url}/api/messages`;
  const personalChat = (aadObjectId: string) => fake.state.personalChats.get(aadObjectId) ?? fake.directory.personalChatId(aadObjectId);
  const allTexts = (conversationId: string) =>
    (fake.state.conversations.get(conversationId) ?? []).filter((m) => !m.deleted).map(shownInTeams);

  return {
    app,
    fake,
    env,
    clock,
    timers,
    logs: logger.lines,
    messagesUrl,
    send: (activity, sendOptions = {}) => {
      const token = sendOptions.token === null ? undefined : (sendOptions.token ?? (options.local ? undefined : fake.mintActivityToken()));
      return postActivity(messagesUrl, activity, token === undefined ? {} : { token });
    },
    cards: () => fake.state.messagesIn(APPROVALS_CHANNEL).filter((m) => adaptiveCardOf(m) !== undefined),
    dmTexts: (aadObjectId) => allTexts(personalChat(aadObjectId)),
    dmJson: (aadObjectId) => JSON.stringify((fake.state.conversations.get(personalChat(aadObjectId)) ?? []).map((m) => m.activity)),
    threadTexts: (card) => fake.state.thread(card.conversationId, card.id).map(shownInTeams),
    async close() {
      await app.stop();
      await fake.close();
      tmp.cleanup();
    },
  };
}

import type { IdSource } from './ids.js';
import type { SlackResult } from './results.js';
import type { FakeSlackState } from './state.js';

/** A user users.info can describe. Only `id` is required; the rest gets plausible defaults. */
export interface SeedUser {
  id: string;
  name?: string;
  realName?: string;
  displayName?: string;
  /** IANA zone; tz_label and tz_offset are derived from it at call time. */
  tz?: string;
  isBot?: boolean;
  email?: string;
}

export interface FakeSlackOptions {
  /** The only token the fake accepts for Web API methods. */
  botToken?: string;
  /** The app-level token (`xapp-…`), the only token apps.connections.open accepts (Socket Mode). */
  appToken?: string;
  teamId?: string;
  teamDomain?: string;
  teamName?: string;
  botUserId?: string;
  botId?: string;
  appId?: string;
  users?: SeedUser[];
  /** User-group id (`S…`) → member user ids, for usergroups.users.list. */
  userGroups?: Record<string, string[]>;
  /** When given, posting anywhere else (other than a DM) answers `channel_not_found`. */
  channels?: string[];
  /** Slack lets a trigger_id be exchanged within 3 s. `Infinity` turns the check off. */
  triggerTtlMs?: number;
  /** Clock (ms) for message ts, hashes and trigger expiry; tests can move it. */
  now?: () => number;
  /** Fixed port for a playground; tests leave it out to get an ephemeral port. */
  port?: number;
}

/** The options with defaults filled in: the identity of the fake workspace and its bot. */
export interface Workspace {
  botToken: string;
  appToken: string;
  teamId: string;
  teamDomain: string;
  teamName: string;
  botUserId: string;
  botId: string;
  appId: string;
  users: Map<string, SeedUser>;
  userGroups: Map<string, string[]>;
  channels: Set<string> | undefined;
  triggerTtlMs: number;
  now: () => number;
}

/** Identity of the fake workspace unless options say otherwise; signed-request builders share it. */
export const WORKSPACE_DEFAULTS = {
  botToken: 'xoxb-fake-bot-token',
  appToken: 'xapp-1-A0FAKEAPP-1-fake-app-token',
  teamId: 'T0FAKETEAM',
  teamDomain: 'greenlight-fake',
  teamName: 'Greenlight (fake)',
  botUserId: 'U0FAKEBOT',
  botId: 'B0FAKEBOT',
  appId: 'A0FAKEAPP',
} as const;

export function resolveWorkspace(options: FakeSlackOptions): Workspace {
  const d = WORKSPACE_DEFAULTS;
  return {
    botToken: options.botToken ?? d.botToken,
    appToken: options.appToken ?? d.appToken,
    teamId: options.teamId ?? d.teamId,
    teamDomain: options.teamDomain ?? d.teamDomain,
    teamName: options.teamName ?? d.teamName,
    botUserId: options.botUserId ?? d.botUserId,
    botId: options.botId ?? d.botId,
    appId: options.appId ?? d.appId,
    users: new Map((options.users ?? []).map((u) => [u.id, u])),
    userGroups: new Map(Object.entries(options.userGroups ?? {})),
    channels: options.channels ? new Set(options.channels) : undefined,
    triggerTtlMs: options.triggerTtlMs ?? 3000,
    now: options.now ?? Date.now,
  };
}

/** Everything a Web API method handler may use. */
export interface MethodContext {
  args: Record<string, unknown>;
  workspace: Workspace;
  state: FakeSlackState;
  ids: IdSource;
  /** `http://127.0.0.1:PORT`, for URLs the fake itself serves (file uploads). */
  origin: string;
  /** Mints a Socket Mode WebSocket URL; present while a Socket Mode fake is attached (apps.connections.open). */
  socketModeUrl?: () => string;
}

export type MethodHandler = (ctx: MethodContext) => SlackResult;

export function stringArg(args: Record<string, unknown>, name: string): string | undefined {
  const value = args[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function dmChannelFor(ctx: MethodContext, userId: string): string {
  let channel = ctx.state.dms.get(userId);
  if (channel === undefined) {
    channel = ctx.ids.next('D');
    ctx.state.dms.set(userId, channel);
  }
  return channel;
}

/**
 * The conversation a message goes to. Like Slack, a user id means the app's DM with that
 * user; when the fake was seeded with channels, anything else unknown does not exist.
 */
export function resolveChannel(ctx: MethodContext, channel: string | undefined): string | undefined {
  if (channel === undefined) return undefined;
  if (/^[UW]/.test(channel)) return dmChannelFor(ctx, channel);
  if ([...ctx.state.dms.values()].includes(channel)) return channel;
  if (ctx.workspace.channels && !ctx.workspace.channels.has(channel)) return undefined;
  return channel;
}

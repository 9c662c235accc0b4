/**
 * The whole configuration contract (DESIGN §4), read from the environment and validated
 * once. An invalid value stops start-up with one line per problem naming the variable.
 */
import fs from 'node:fs';
import cronParser from 'cron-parser';
import { z } from 'zod';
import { isValidTimeZone } from './domain/time.js';
import type { MediaLinkPolicy } from './domain/media-links.js';
import { MiB } from './domain/megabytes.js';
import { registerSecret } from './observability/redact.js';

export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());
const withDefault = <T extends z.ZodType>(schema: T, fallback: z.input<T>) =>
  z.preprocess((v) => blankToUndefined(v) ?? fallback, schema);

const httpUrl = z
  .string()
  .refine((v) => /^https?:\/\/[^\s/]+/.test(v) && URL.canParse(v), 'must be an http(s) URL, e.g. https://example.com')
  .transform((v) => v.replace(/\/+$/, ''));
const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
const bool = z
  .string()
  .transform((v) => v.toLowerCase())
  .refine((v) => ['true', 'false', '1', '0', 'yes', 'no'].includes(v), 'must be true or false')
  .transform((v) => ['true', '1', 'yes'].includes(v));
const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be between ${min} and ${max}`);
/** Seconds, fractions allowed (tests use a fraction of a second), within [min, max]. */
const seconds = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'must be a number of seconds, e.g. 30 or 2.5')
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be between ${min} and ${max} seconds`);
/** Megabytes (MEDIA_MAX_MB), fractions allowed, more than 0 and at most max. */
const megabytes = (max: number) =>
  z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'must be a number of megabytes, e.g. 25 or 2.5')
    .transform(Number)
    .refine((n) => n > 0 && n <= max, `must be more than 0 and at most ${max}`);
const cron = z.string().refine((v) => {
  if (v.split(/\s+/).length < 5) return false;
  try {
    cronParser.parseExpression(v);
    return true;
  } catch {
    return false;
  }
}, 'must be a cron expression like "0 9 * * *" (minute hour day month weekday)');
const zone = z.string().refine(isValidTimeZone, 'must be an IANA time zone such as Europe/Berlin or UTC');
const slackChannel = z.string().regex(/^[CGD][A-Z0-9]{2,}$/, 'must be a Slack channel id such as C0123456789 (not a #name)');
const slackApprovers = list.refine(
  (ids) => ids.length > 0 && ids.every((id) => /^[UWS][A-Z0-9]{2,}$/.test(id)),
  'must be comma-separated Slack user ids (U…, W…) and/or user-group ids (S…)',
);

/**
 * Teams approvers: AAD object ids (GUIDs; the Agents Playground's test user has a longer last
 * group, so any hex id with dashes is taken) and/or emails (UPNs), compared case-insensitively.
 */
const teamsApprovers = list
  .transform((ids) => ids.map((id) => id.toLowerCase()))
  .refine(
    (ids) => ids.length > 0 && ids.every((id) => /^[0-9a-f]{8}(-[0-9a-f]{4,}){4}$/.test(id) || /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(id)),
    'must be comma-separated AAD object ids (GUIDs) and/or emails',
  );

/** A brand voice is guidance, not a handbook: this keeps every request's prompt small. */
export const BRAND_VOICE_MAX_CHARS = 4000;

const EnvSchema = z.object({
  PORT: withDefault(int(1, 65535), '3000'),
  DATABASE_URL: withDefault(
    z.string().refine((v) => v.startsWith('file:') || /^postgres(ql)?:\/\//.test(v), 'must be file:path/to.db or postgres://…'),
    'file:./data/greenlight.db',
  ),
  /** The browser playground: on by default when no chat is configured. */
  PLAYGROUND: optional(z.enum(['on', 'off'], 'must be on or off')),
  LOG_LEVEL: withDefault(z.enum(['debug', 'info', 'warn', 'error']), 'info'),
  LOG_FORMAT: withDefault(z.enum(['text', 'json'], 'must be text or json'), 'text'),
  METRICS_ENABLED: withDefault(bool, 'false'),
  METRICS_TOKEN: optional(z.string().regex(/^\S{16,}$/, 'must be at least 16 characters, without spaces (e.g. openssl rand -hex 32)')),

  SLACK_BOT_TOKEN: optional(z.string().startsWith('xoxb-', 'must be a bot token starting with xoxb-')),
  SLACK_SIGNING_SECRET: optional(z.string().regex(/^[A-Za-z0-9]{16,}$/, 'must be the app’s signing secret (letters and digits)')),
  SLACK_APP_TOKEN: optional(z.string().startsWith('xapp-', 'must be an app-level token starting with xapp-')),
  SLACK_API_URL: withDefault(httpUrl, 'https://slack.com/api/'),
  SLACK_APPROVAL_CHANNEL: optional(slackChannel),
  SLACK_DIGEST_CHANNEL: optional(slackChannel),
  SLACK_APPROVERS: optional(slackApprovers),

  MICROSOFT_APP_ID: optional(z.string()),
  MICROSOFT_APP_PASSWORD: optional(z.string()),
  MICROSOFT_APP_TENANT_ID: optional(z.string()),
  MICROSOFT_APP_TYPE: withDefault(z.enum(['SingleTenant', 'MultiTenant', 'UserAssignedMSI']), 'SingleTenant'),
  TEAMS_APPROVERS: optional(teamsApprovers),

  OPENAI_API_KEY: optional(z.string()),
  OPENAI_BASE_URL: optional(httpUrl),
  OPENAI_MODEL: withDefault(z.string(), 'gpt-4.1-mini'),
  BRAND_VOICE: optional(z.string()),
  BRAND_VOICE_FILE: optional(z.string()),
  AI_SUGGESTIONS_PER_HOUR: withDefault(int(1, 10_000), '20'),
  AI_TIMEOUT_SECONDS: withDefault(seconds(0.1, 300), '30'),
  AI_MAX_TOKENS_PER_REQUEST: withDefault(int(256, 100_000), '4000'),

  DIGEST_CRON: withDefault(cron, '0 9 * * *'),
  DIGEST_TIMEZONE: withDefault(zone, 'UTC'),
  METRICS_CRON: withDefault(cron, '0 * * * *'),
  PUBLISH_GRACE_MINUTES: withDefault(int(0, 10080), '60'),
  PUBLISH_LEASE_SECONDS: withDefault(int(2, 3600), '60'),
  ALLOW_SELF_APPROVAL: withDefault(bool, 'false'),
  ALLOW_HTTP_MEDIA: withDefault(bool, 'false'),
  ALLOW_PRIVATE_MEDIA_HOSTS: withDefault(bool, 'false'),
  PUBLIC_URL: optional(
    httpUrl.refine((v) => v.startsWith('https://') || /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:|\/|$)/.test(v), 'must be an https URL (networks fetch media from it), e.g. https://greenlight.example.com'),
  ),
  MEDIA_DIR: withDefault(z.string(), './data/media'),
  MEDIA_MAX_MB: withDefault(megabytes(1024), '25'),
  VIDEO_MAX_MB: withDefault(megabytes(256 * 1024), '1024'),
  MEDIA_RETENTION_DAYS: withDefault(int(0, 36_500), '30'),
  REQUIRE_ALT_TEXT: withDefault(bool, 'false'),
  REQUIRED_APPROVALS: withDefault(int(1, 10), '1'),

  X_ACCESS_TOKEN: optional(z.string()),
  X_CLIENT_ID: optional(z.string().regex(/^\S+$/, 'must be the OAuth 2.0 Client ID from the app’s "Keys and tokens" page')),
  X_CLIENT_SECRET: optional(z.string()),
  X_REFRESH_TOKEN: optional(z.string()),
  X_API_URL: withDefault(httpUrl, 'https://api.x.com'),
  LINKEDIN_ACCESS_TOKEN: optional(z.string()),
  LINKEDIN_AUTHOR_URN: optional(
    z.string().regex(/^urn:li:(person|organization):[A-Za-z0-9_-]+$/, 'must be urn:li:person:… or urn:li:organization:…'),
  ),
  LINKEDIN_API_URL: withDefault(httpUrl, 'https://api.linkedin.com'),
  FACEBOOK_PAGE_ID: optional(z.string().regex(/^\d+$/, 'must be the numeric Page id')),
  FACEBOOK_PAGE_TOKEN: optional(z.string()),
  INSTAGRAM_USER_ID: optional(z.string().regex(/^\d+$/, 'must be the numeric Instagram professional account id')),
  INSTAGRAM_ACCESS_TOKEN: optional(z.string()),
  FACEBOOK_GRAPH_URL: withDefault(httpUrl, 'https://graph.facebook.com'),
  PINTEREST_ACCESS_TOKEN: optional(z.string()),
  PINTEREST_BOARD_ID: optional(z.string().regex(/^\d+$/, 'must be the numeric board id')),
  PINTEREST_API_URL: withDefault(httpUrl, 'https://api.pinterest.com'),
  MASTODON_URL: withDefault(httpUrl, 'https://mastodon.social'),
  MASTODON_ACCESS_TOKEN: optional(z.string()),
  BLUESKY_IDENTIFIER: optional(z.string()),
  BLUESKY_APP_PASSWORD: optional(z.string()),
  BLUESKY_SERVICE_URL: withDefault(httpUrl, 'https://bsky.social'),
  BLUESKY_VIDEO_URL: withDefault(httpUrl, 'https://video.bsky.app'),
  YOUTUBE_CLIENT_ID: optional(
    z.string().regex(/^\S+\.apps\.googleusercontent\.com$/, 'must be the OAuth client ID from Google Cloud, ending in .apps.googleusercontent.com'),
  ),
  YOUTUBE_CLIENT_SECRET: optional(z.string().regex(/^\S+$/, 'must be the OAuth client secret alone, without spaces')),
  YOUTUBE_REFRESH_TOKEN: optional(z.string().regex(/^\S+$/, 'must be the refresh token alone, without "Bearer " or spaces')),
  // Google's client resolves its paths against the origin, so a path prefix would be lost.
  YOUTUBE_API_URL: withDefault(
    httpUrl.refine((v) => new URL(v).pathname === '/', 'must be a scheme and host without a path, e.g. https://www.googleapis.com'),
    'https://www.googleapis.com',
  ),
  YOUTUBE_OAUTH_URL: withDefault(httpUrl, 'https://oauth2.googleapis.com'),
  YOUTUBE_DAILY_QUOTA: withDefault(int(1600, 100_000_000), '10000'),
});

type ParsedEnv = z.output<typeof EnvSchema>;

/** Every variable Greenlight reads (the README table and .env.example list them all). */
export const CONFIG_VARIABLES = Object.keys(EnvSchema.shape);

export interface SlackConfig {
  mode: 'http' | 'socket';
  botToken: string;
  signingSecret: string | undefined;
  appToken: string | undefined;
  apiUrl: string;
  approvalChannel: string;
  digestChannel: string;
  approvers: string[];
  /** Files people upload are served over plain http (the playground's Slack on this machine). */
  filesOverHttp?: boolean;
}

export type TeamsConfig =
  | {
      /** Azure Bot registration: every activity carries a Bot Framework token. */
      mode: 'azure';
      appId: string;
      appPassword: string;
      tenantId: string | undefined;
      appType: 'SingleTenant' | 'MultiTenant' | 'UserAssignedMSI';
      approvers: string[];
    }
  | {
      /**
       * No app id (TEAMS_APPROVERS alone): no authentication, for local tools such as the
       * Microsoft 365 Agents Playground, so only loopback clients are answered.
       */
      mode: 'local';
      approvers: string[];
      /** The playground's own Teams (its emulator), not one the user set up. */
      playground?: boolean;
    };

export interface OpenAIConfig {
  apiKey: string;
  baseUrl: string | undefined;
  model: string;
  /** BRAND_VOICE, or the contents of BRAND_VOICE_FILE (read once at start). */
  brandVoice: string | undefined;
  /** Per person, over a sliding hour. */
  suggestionsPerHour: number;
  /** For one suggestion request in all, the one regeneration included. */
  timeoutMs: number;
  /** The most tokens the model may write in one call. */
  maxTokensPerRequest: number;
}

/**
 * X with a fixed user access token, or kept authorised by OAuth 2.0 refresh (then the
 * access token is optional: the first refresh gets one).
 */
export interface XNetworkConfig {
  accessToken: string | undefined;
  apiUrl: string;
  refresh?: XRefreshConfig | undefined;
}

export interface XRefreshConfig {
  clientId: string;
  /** Confidential clients (Web App, Automated App or Bot) only; public clients have none. */
  clientSecret: string | undefined;
  /** The refresh token an admin got by authorising with `offline.access`. */
  refreshToken: string;
}

export interface NetworkConfigs {
  x: XNetworkConfig | null;
  linkedin: { accessToken: string; authorUrn: string; apiUrl: string } | null;
  facebook: { pageId: string; pageToken: string; graphUrl: string } | null;
  instagram: { userId: string; accessToken: string; graphUrl: string } | null;
  pinterest: { accessToken: string; boardId: string; apiUrl: string } | null;
  mastodon: { url: string; accessToken: string } | null;
  bluesky: { identifier: string; appPassword: string; serviceUrl: string; videoUrl: string } | null;
  youtube: YouTubeNetworkConfig | null;
}

/** YouTube: an OAuth client and the refresh token a channel owner granted it (scopes youtube.upload and youtube.readonly). */
export interface YouTubeNetworkConfig {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  /** The Data API's scheme and host (uploads go to `/upload/youtube/v3/…`, the rest to `/youtube/v3/…`). */
  apiUrl: string;
  /** Google's OAuth server; the token endpoint is `/token` on it. */
  oauthUrl: string;
  /** YOUTUBE_DAILY_QUOTA: the project's daily Data API units (10,000 unless Google granted more). */
  dailyQuota?: number;
}

/** Uploaded images: where Greenlight keeps them, how large they may be, and the rules for them. */
export interface MediaStoreConfig {
  /** MEDIA_DIR: the store's root directory. */
  dir: string;
  /** MEDIA_MAX_MB in bytes: the largest image accepted. */
  maxBytes: number;
  /** VIDEO_MAX_MB in bytes: the largest video accepted (each network's own limit is checked too). */
  videoMaxBytes: number;
  /** MEDIA_RETENTION_DAYS: how long a file stays once no unpublished revision needs it. */
  retentionDays: number;
  /** REQUIRE_ALT_TEXT: an image without alt text is a validation error, not just a note on the card. */
  requireAltText: boolean;
  /** PUBLIC_URL (no trailing slash): where networks that fetch media by URL (Instagram) get signed, expiring links; null: none. */
  publicUrl: string | null;
}

export interface Config {
  port: number;
  databaseUrl: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** LOG_FORMAT: text lines on stderr, or one JSON object per line on stdout. */
  logFormat: 'text' | 'json';
  slack: SlackConfig | null;
  teams: TeamsConfig | null;
  /**
   * The browser playground at `/` (PLAYGROUND): Greenlight's Slack front end driven by a local
   * Slack emulator, for trying Greenlight without a workspace. Listens on 127.0.0.1 only.
   */
  playground: boolean;
  openai: OpenAIConfig | null;
  digest: { cron: string; timezone: string };
  metricsCron: string;
  /** GET /metrics (METRICS_ENABLED), and the bearer token it requires (METRICS_TOKEN); null: off. */
  prometheus: { token: string | null } | null;
  publishGraceMinutes: number;
  /** How long a claim on a publication lasts without renewal (a crash leaves it "needs attention" after this). */
  publishLeaseSeconds: number;
  policy: { requiredApprovals: number; allowSelfApproval: boolean };
  /** Which image links Greenlight downloads (ALLOW_HTTP_MEDIA, ALLOW_PRIVATE_MEDIA_HOSTS). */
  media: MediaLinkPolicy;
  mediaStore: MediaStoreConfig;
  networks: NetworkConfigs;
}

/** An all-or-nothing group of variables: true when all are set; a problem per missing one when only some are. */
function requireTogether(env: ParsedEnv, problems: string[], names: (keyof ParsedEnv)[], what: string): boolean {
  const set = names.filter((n) => env[n] !== undefined);
  if (set.length === 0) return false;
  for (const missing of names.filter((n) => env[n] === undefined)) {
    problems.push(`${missing}: required for ${what} because ${set.join(' and ')} ${set.length > 1 ? 'are' : 'is'} set`);
  }
  return set.length === names.length;
}

export function loadConfig(env: Env = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? '?');
        const value = env[name];
        const shown = value && !/TOKEN|SECRET|PASSWORD|KEY/.test(name) ? ` (got "${value}")` : '';
        return `${name}: ${issue.message}${shown}`;
      }),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];

  let slack: SlackConfig | null = null;
  if (e.SLACK_BOT_TOKEN || e.SLACK_SIGNING_SECRET || e.SLACK_APP_TOKEN) {
    if (!e.SLACK_BOT_TOKEN) problems.push('SLACK_BOT_TOKEN: required for Slack (the xoxb- bot token from "OAuth & Permissions")');
    if (e.SLACK_BOT_TOKEN && !e.SLACK_SIGNING_SECRET && !e.SLACK_APP_TOKEN) {
      problems.push('SLACK_SIGNING_SECRET: required for Slack over HTTP (or set SLACK_APP_TOKEN for Socket Mode)');
    }
    if (!e.SLACK_APPROVAL_CHANNEL) problems.push('SLACK_APPROVAL_CHANNEL: required for Slack (the channel id where approval cards go)');
    if (!e.SLACK_APPROVERS) problems.push('SLACK_APPROVERS: required for Slack (comma-separated user ids and/or user-group ids)');
    if (e.SLACK_BOT_TOKEN && e.SLACK_APPROVAL_CHANNEL && e.SLACK_APPROVERS && (e.SLACK_SIGNING_SECRET || e.SLACK_APP_TOKEN)) {
      slack = {
        mode: e.SLACK_APP_TOKEN ? 'socket' : 'http',
        botToken: e.SLACK_BOT_TOKEN,
        signingSecret: e.SLACK_SIGNING_SECRET,
        appToken: e.SLACK_APP_TOKEN,
        // Bolt's WebClient joins method names onto this, so it must end in a slash.
        apiUrl: `${e.SLACK_API_URL}/`,
        approvalChannel: e.SLACK_APPROVAL_CHANNEL,
        digestChannel: e.SLACK_DIGEST_CHANNEL ?? e.SLACK_APPROVAL_CHANNEL,
        approvers: e.SLACK_APPROVERS,
      };
    }
  }

  let teams: TeamsConfig | null = null;
  if (requireTogether(e, problems, ['MICROSOFT_APP_ID', 'MICROSOFT_APP_PASSWORD'], 'Teams')) {
    if (!e.TEAMS_APPROVERS?.length) problems.push('TEAMS_APPROVERS: required for Teams (comma-separated AAD object ids or emails)');
    if (e.MICROSOFT_APP_TYPE === 'SingleTenant' && !e.MICROSOFT_APP_TENANT_ID) {
      problems.push('MICROSOFT_APP_TENANT_ID: required for a SingleTenant Teams bot (or set MICROSOFT_APP_TYPE=MultiTenant)');
    }
    teams = {
      mode: 'azure',
      appId: e.MICROSOFT_APP_ID!,
      appPassword: e.MICROSOFT_APP_PASSWORD!,
      tenantId: e.MICROSOFT_APP_TENANT_ID,
      appType: e.MICROSOFT_APP_TYPE,
      approvers: e.TEAMS_APPROVERS ?? [],
    };
  } else if (e.TEAMS_APPROVERS?.length && e.MICROSOFT_APP_ID === undefined && e.MICROSOFT_APP_PASSWORD === undefined) {
    teams = { mode: 'local', approvers: e.TEAMS_APPROVERS };
  }

  const networks: NetworkConfigs = {
    x: readX(e, problems),
    linkedin: requireTogether(e, problems, ['LINKEDIN_ACCESS_TOKEN', 'LINKEDIN_AUTHOR_URN'], 'LinkedIn')
      ? { accessToken: e.LINKEDIN_ACCESS_TOKEN!, authorUrn: e.LINKEDIN_AUTHOR_URN!, apiUrl: e.LINKEDIN_API_URL }
      : null,
    facebook: requireTogether(e, problems, ['FACEBOOK_PAGE_ID', 'FACEBOOK_PAGE_TOKEN'], 'Facebook')
      ? { pageId: e.FACEBOOK_PAGE_ID!, pageToken: e.FACEBOOK_PAGE_TOKEN!, graphUrl: e.FACEBOOK_GRAPH_URL }
      : null,
    instagram: requireTogether(e, problems, ['INSTAGRAM_USER_ID', 'INSTAGRAM_ACCESS_TOKEN'], 'Instagram')
      ? { userId: e.INSTAGRAM_USER_ID!, accessToken: e.INSTAGRAM_ACCESS_TOKEN!, graphUrl: e.FACEBOOK_GRAPH_URL }
      : null,
    pinterest: requireTogether(e, problems, ['PINTEREST_ACCESS_TOKEN', 'PINTEREST_BOARD_ID'], 'Pinterest')
      ? { accessToken: e.PINTEREST_ACCESS_TOKEN!, boardId: e.PINTEREST_BOARD_ID!, apiUrl: e.PINTEREST_API_URL }
      : null,
    mastodon: e.MASTODON_ACCESS_TOKEN ? { url: e.MASTODON_URL, accessToken: e.MASTODON_ACCESS_TOKEN } : null,
    bluesky: requireTogether(e, problems, ['BLUESKY_IDENTIFIER', 'BLUESKY_APP_PASSWORD'], 'Bluesky')
      ? { identifier: e.BLUESKY_IDENTIFIER!, appPassword: e.BLUESKY_APP_PASSWORD!, serviceUrl: e.BLUESKY_SERVICE_URL, videoUrl: e.BLUESKY_VIDEO_URL }
      : null,
    youtube: requireTogether(e, problems, ['YOUTUBE_CLIENT_ID', 'YOUTUBE_CLIENT_SECRET', 'YOUTUBE_REFRESH_TOKEN'], 'YouTube')
      ? {
          clientId: e.YOUTUBE_CLIENT_ID!,
          clientSecret: e.YOUTUBE_CLIENT_SECRET!,
          refreshToken: e.YOUTUBE_REFRESH_TOKEN!,
          apiUrl: e.YOUTUBE_API_URL,
          oauthUrl: e.YOUTUBE_OAUTH_URL,
          dailyQuota: e.YOUTUBE_DAILY_QUOTA,
        }
      : null,
  };

  const brandVoice = readBrandVoice(e, problems);

  const playground = e.PLAYGROUND === 'on' || (e.PLAYGROUND === undefined && !slack && !teams && !(e.SLACK_BOT_TOKEN || e.SLACK_SIGNING_SECRET || e.SLACK_APP_TOKEN));
  if (e.PLAYGROUND === 'on' && (e.SLACK_BOT_TOKEN || e.SLACK_SIGNING_SECRET || e.SLACK_APP_TOKEN)) {
    problems.push('PLAYGROUND: the playground plays Slack itself, so it cannot run beside a real Slack app (unset the SLACK_ variables, or set PLAYGROUND=off)');
  }
  if (e.PLAYGROUND === 'on' && teams?.mode === 'azure') {
    problems.push('PLAYGROUND: the playground listens on 127.0.0.1 only, where Teams cannot reach Greenlight (set PLAYGROUND=off, or use Teams local mode)');
  }

  if (problems.length) throw new ConfigError(problems);

  for (const secret of [
    e.SLACK_BOT_TOKEN,
    e.SLACK_SIGNING_SECRET,
    e.SLACK_APP_TOKEN,
    e.MICROSOFT_APP_PASSWORD,
    e.OPENAI_API_KEY,
    e.X_ACCESS_TOKEN,
    e.X_CLIENT_SECRET,
    e.X_REFRESH_TOKEN,
    e.LINKEDIN_ACCESS_TOKEN,
    e.FACEBOOK_PAGE_TOKEN,
    e.INSTAGRAM_ACCESS_TOKEN,
    e.PINTEREST_ACCESS_TOKEN,
    e.MASTODON_ACCESS_TOKEN,
    e.BLUESKY_APP_PASSWORD,
    e.YOUTUBE_CLIENT_SECRET,
    e.YOUTUBE_REFRESH_TOKEN,
    e.METRICS_TOKEN,
  ]) {
    registerSecret(secret);
  }

  return {
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    slack,
    teams,
    playground,
    openai: e.OPENAI_API_KEY
      ? {
          apiKey: e.OPENAI_API_KEY,
          baseUrl: e.OPENAI_BASE_URL,
          model: e.OPENAI_MODEL,
          brandVoice,
          suggestionsPerHour: e.AI_SUGGESTIONS_PER_HOUR,
          timeoutMs: Math.round(e.AI_TIMEOUT_SECONDS * 1000),
          maxTokensPerRequest: e.AI_MAX_TOKENS_PER_REQUEST,
        }
      : null,
    digest: { cron: e.DIGEST_CRON, timezone: e.DIGEST_TIMEZONE },
    metricsCron: e.METRICS_CRON,
    prometheus: e.METRICS_ENABLED ? { token: e.METRICS_TOKEN ?? null } : null,
    publishGraceMinutes: e.PUBLISH_GRACE_MINUTES,
    publishLeaseSeconds: e.PUBLISH_LEASE_SECONDS,
    policy: { requiredApprovals: e.REQUIRED_APPROVALS, allowSelfApproval: e.ALLOW_SELF_APPROVAL },
    media: { allowHttp: e.ALLOW_HTTP_MEDIA, allowPrivate: () => e.ALLOW_PRIVATE_MEDIA_HOSTS },
    mediaStore: {
      dir: e.MEDIA_DIR,
      maxBytes: Math.floor(e.MEDIA_MAX_MB * MiB),
      videoMaxBytes: Math.floor(e.VIDEO_MAX_MB * MiB),
      retentionDays: e.MEDIA_RETENTION_DAYS,
      requireAltText: e.REQUIRE_ALT_TEXT,
      publicUrl: e.PUBLIC_URL ?? null,
    },
    networks,
  };
}

/**
 * X is on with an access token, with refresh (client id + refresh token), or both. A client
 * secret or a client id alone is half a refresh configuration and names what is missing.
 */
function readX(e: ParsedEnv, problems: string[]): XNetworkConfig | null {
  const refreshing = requireTogether(e, problems, ['X_CLIENT_ID', 'X_REFRESH_TOKEN'], 'X token refresh');
  if (e.X_CLIENT_SECRET && !e.X_CLIENT_ID && !e.X_REFRESH_TOKEN) {
    problems.push(
      'X_CLIENT_ID: required for X token refresh because X_CLIENT_SECRET is set',
      'X_REFRESH_TOKEN: required for X token refresh because X_CLIENT_SECRET is set',
    );
  }
  if (!refreshing && !e.X_ACCESS_TOKEN) return null;
  return {
    accessToken: e.X_ACCESS_TOKEN,
    apiUrl: e.X_API_URL,
    refresh: refreshing ? { clientId: e.X_CLIENT_ID!, clientSecret: e.X_CLIENT_SECRET, refreshToken: e.X_REFRESH_TOKEN! } : undefined,
  };
}

/**
 * The brand voice for caption prompts: BRAND_VOICE, or BRAND_VOICE_FILE read once here, so
 * a wrong path stops start-up instead of the first suggestion. Checked even while AI
 * captions are off, so the mistake shows before someone turns them on.
 */
function readBrandVoice(e: ParsedEnv, problems: string[]): string | undefined {
  if (e.BRAND_VOICE && e.BRAND_VOICE_FILE) {
    problems.push('BRAND_VOICE_FILE: set either BRAND_VOICE or BRAND_VOICE_FILE, not both');
    return undefined;
  }
  let name = 'BRAND_VOICE';
  let text = e.BRAND_VOICE;
  if (e.BRAND_VOICE_FILE) {
    name = 'BRAND_VOICE_FILE';
    try {
      text = fs.readFileSync(e.BRAND_VOICE_FILE, 'utf8').trim();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : 'unreadable';
      problems.push(`BRAND_VOICE_FILE: cannot read ${e.BRAND_VOICE_FILE} (${why})`);
      return undefined;
    }
  }
  if (!text) return undefined;
  // Not echoed back: a brand voice is long, and the count says what to fix.
  const length = Array.from(text).length;
  if (length > BRAND_VOICE_MAX_CHARS) {
    problems.push(`${name}: must be at most ${BRAND_VOICE_MAX_CHARS} characters (it has ${length}); keep the essentials`);
    return undefined;
  }
  return text;
}

/** Reads `.env` into the environment if present; variables already set win. */
export function loadDotEnv(file = '.env'): boolean {
  if (!fs.existsSync(file)) return false;
  process.loadEnvFile(file);
  return true;
}

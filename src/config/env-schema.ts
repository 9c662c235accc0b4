/**
 * Every environment variable Greenlight reads, parsed with zod in one schema: the contract of
 * docs/architecture.md and the table in docs/configuration.md. An invalid value is one problem
 * naming it.
 */
import cronParser from 'cron-parser';
import { z } from 'zod';
import { isValidTimeZone } from '../domain/time.js';

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());
const withDefault = <T extends z.ZodType>(schema: T, fallback: z.input<T>) => z.preprocess((v) => blankToUndefined(v) ?? fallback, schema);

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

export const EnvSchema = z.object({
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
    httpUrl.refine(
      (v) => v.startsWith('https://') || /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:|\/|$)/.test(v),
      'must be an https URL (networks fetch media from it), e.g. https://greenlight.example.com',
    ),
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
    z
      .string()
      .regex(/^\S+\.apps\.googleusercontent\.com$/, 'must be the OAuth client ID from Google Cloud, ending in .apps.googleusercontent.com'),
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

export type ParsedEnv = z.output<typeof EnvSchema>;

/** Every variable Greenlight reads (docs/configuration.md's table and .env.example list them all). */
export const CONFIG_VARIABLES = Object.keys(EnvSchema.shape);

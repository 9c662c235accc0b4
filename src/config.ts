/**
 * The whole configuration, read from the environment and validated once (the variables are in
 * config/env-schema.ts; docs/configuration.md lists them). An invalid value stops start-up with
 * one line per problem naming the variable.
 */
import fs from 'node:fs';
import { MiB } from './domain/megabytes.js';
import { registerSecret } from './observability/redact.js';
import type { Config, NetworkConfigs, SlackConfig, TeamsConfig } from './config/config-types.js';
import { EnvSchema } from './config/env-schema.js';
import { readBrandVoice, readX, requireTogether } from './config/readers.js';

export type * from './config/config-types.js';
export { BRAND_VOICE_MAX_CHARS, CONFIG_VARIABLES } from './config/env-schema.js';

export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
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
      ? {
          identifier: e.BLUESKY_IDENTIFIER!,
          appPassword: e.BLUESKY_APP_PASSWORD!,
          serviceUrl: e.BLUESKY_SERVICE_URL,
          videoUrl: e.BLUESKY_VIDEO_URL,
        }
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

  const playground =
    e.PLAYGROUND === 'on' ||
    (e.PLAYGROUND === undefined && !slack && !teams && !(e.SLACK_BOT_TOKEN || e.SLACK_SIGNING_SECRET || e.SLACK_APP_TOKEN));
  if (e.PLAYGROUND === 'on' && (e.SLACK_BOT_TOKEN || e.SLACK_SIGNING_SECRET || e.SLACK_APP_TOKEN)) {
    problems.push(
      'PLAYGROUND: the playground plays Slack itself, so it cannot run beside a real Slack app (unset the SLACK_ variables, or set PLAYGROUND=off)',
    );
  }
  if (e.PLAYGROUND === 'on' && teams?.mode === 'azure') {
    problems.push(
      'PLAYGROUND: the playground listens on 127.0.0.1 only, where Teams cannot reach Greenlight (set PLAYGROUND=off, or use Teams local mode)',
    );
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

/** Reads `.env` into the environment if present; variables already set win. */
export function loadDotEnv(file = '.env'): boolean {
  if (!fs.existsSync(file)) return false;
  process.loadEnvFile(file);
  return true;
}

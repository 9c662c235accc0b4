/** What the configuration is once read: the shapes every part of Greenlight is given. */
import type { MediaLinkPolicy } from '../domain/media-links.js';

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

import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type Env } from '../../src/config.js';
import { featureLines } from '../../src/features.js';
import { clearRegisteredSecrets, redact } from '../../src/observability/redact.js';

function problems(env: Env): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const slack: Env = {
  SLACK_BOT_TOKEN: 'xoxb-1111-2222-abcdefghijkl',
  SLACK_SIGNING_SECRET: 'abcdef0123456789abcdef0123456789',
  SLACK_APPROVAL_CHANNEL: 'C0APPROVALS',
  SLACK_APPROVERS: 'U0ALICE, S0MANAGERS',
};

afterEach(() => clearRegisteredSecrets());

describe('configuration', () => {
  it('runs on embedded defaults with nothing set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      databaseUrl: 'file:./data/greenlight.db',
      slack: null,
      teams: null,
      openai: null,
      digest: { cron: '0 9 * * *', timezone: 'UTC' },
      publishGraceMinutes: 60,
      policy: { requiredApprovals: 1, allowSelfApproval: false },
    });
    expect(Object.values(config.networks).every((n) => n === null)).toBe(true);
  });

  it('downloads image links over https from public addresses only, unless a test opts in', () => {
    const strict = loadConfig({}).media;
    expect(strict.allowHttp).toBe(false);
    expect(strict.allowPrivate('127.0.0.1', 80)).toBe(false);
    const local = loadConfig({ ALLOW_HTTP_MEDIA: 'true', ALLOW_PRIVATE_MEDIA_HOSTS: 'true' }).media;
    expect(local.allowHttp).toBe(true);
    expect(local.allowPrivate('169.254.169.254', 80)).toBe(true);
    expect(problems({ ALLOW_PRIVATE_MEDIA_HOSTS: 'sometimes' })).toEqual([
      'ALLOW_PRIVATE_MEDIA_HOSTS: must be true or false (got "sometimes")',
    ]);
  });

  it('keeps uploaded images under ./data/media, up to 25 MB, for 30 days, with alt text optional, unless told otherwise', () => {
    expect(loadConfig({}).mediaStore).toEqual({
      dir: './data/media',
      maxBytes: 25 * 1024 * 1024,
      videoMaxBytes: 1024 * 1024 * 1024,
      retentionDays: 30,
      requireAltText: false,
      publicUrl: null,
    });
    expect(
      loadConfig({
        MEDIA_DIR: '/var/lib/greenlight/media',
        MEDIA_MAX_MB: '2.5',
        VIDEO_MAX_MB: '300',
        MEDIA_RETENTION_DAYS: '0',
        REQUIRE_ALT_TEXT: 'yes',
      }).mediaStore,
    ).toEqual({
      dir: '/var/lib/greenlight/media',
      maxBytes: 2.5 * 1024 * 1024,
      videoMaxBytes: 300 * 1024 * 1024,
      retentionDays: 0,
      requireAltText: true,
      publicUrl: null,
    });
    expect(loadConfig({ PUBLIC_URL: 'https://greenlight.example.com/' }).mediaStore.publicUrl).toBe('https://greenlight.example.com');
    expect(loadConfig({ PUBLIC_URL: 'http://localhost:3000' }).mediaStore.publicUrl).toBe('http://localhost:3000');
  });

  it.each([
    [{ MEDIA_MAX_MB: '0' }, 'MEDIA_MAX_MB: must be more than 0 and at most 1024 (got "0")'],
    [{ MEDIA_MAX_MB: '-5' }, 'MEDIA_MAX_MB: must be a number of megabytes, e.g. 25 or 2.5 (got "-5")'],
    [{ MEDIA_MAX_MB: '25MB' }, 'MEDIA_MAX_MB: must be a number of megabytes, e.g. 25 or 2.5 (got "25MB")'],
    [{ MEDIA_RETENTION_DAYS: '-1' }, 'MEDIA_RETENTION_DAYS: must be a whole number (got "-1")'],
    [{ MEDIA_RETENTION_DAYS: '1.5' }, 'MEDIA_RETENTION_DAYS: must be a whole number (got "1.5")'],
    [{ REQUIRE_ALT_TEXT: 'sometimes' }, 'REQUIRE_ALT_TEXT: must be true or false (got "sometimes")'],
    [
      { PUBLIC_URL: 'http://greenlight.example.com' },
      'PUBLIC_URL: must be an https URL (networks fetch media from it), e.g. https://greenlight.example.com (got "http://greenlight.example.com")',
    ],
    [
      { PUBLIC_URL: 'greenlight.example.com' },
      'PUBLIC_URL: must be an http(s) URL, e.g. https://example.com (got "greenlight.example.com")',
    ],
  ])('names the media variable and its problem: %j', (env, expected) => {
    expect(problems(env)).toEqual([expected]);
  });

  it('treats blank values as unset', () => {
    expect(loadConfig({ PORT: '', SLACK_BOT_TOKEN: '  ' }).port).toBe(3000);
  });

  it('parses Slack over HTTP and over Socket Mode, with the digest channel defaulting to the approval channel', () => {
    const http = loadConfig(slack).slack!;
    expect(http).toMatchObject({
      mode: 'http',
      approvalChannel: 'C0APPROVALS',
      digestChannel: 'C0APPROVALS',
      approvers: ['U0ALICE', 'S0MANAGERS'],
    });
    expect(http.apiUrl).toBe('https://slack.com/api/');
    const socket = loadConfig({
      ...slack,
      SLACK_SIGNING_SECRET: undefined,
      SLACK_APP_TOKEN: 'xapp-1-A111-222-abc',
      SLACK_API_URL: 'http://127.0.0.1:9999/api',
    }).slack!;
    expect(socket.mode).toBe('socket');
    expect(socket.apiUrl).toBe('http://127.0.0.1:9999/api/');
  });

  it.each([
    [{ PORT: '70000' }, 'PORT: must be between 1 and 65535 (got "70000")'],
    [{ PORT: 'eighty' }, 'PORT: must be a whole number (got "eighty")'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL: must be file:path/to.db or postgres://… (got "mysql://x")'],
    [{ REQUIRED_APPROVALS: '0' }, 'REQUIRED_APPROVALS: must be between 1 and 10 (got "0")'],
    [{ ALLOW_SELF_APPROVAL: 'maybe' }, 'ALLOW_SELF_APPROVAL: must be true or false (got "maybe")'],
    [
      { DIGEST_TIMEZONE: 'Europe/Atlantis' },
      'DIGEST_TIMEZONE: must be an IANA time zone such as Europe/Berlin or UTC (got "Europe/Atlantis")',
    ],
    [
      { DIGEST_CRON: 'every morning' },
      'DIGEST_CRON: must be a cron expression like "0 9 * * *" (minute hour day month weekday) (got "every morning")',
    ],
    [{ X_API_URL: 'ftp://proxy' }, 'X_API_URL: must be an http(s) URL, e.g. https://example.com (got "ftp://proxy")'],
    [
      { LINKEDIN_AUTHOR_URN: 'me', LINKEDIN_ACCESS_TOKEN: 't' },
      'LINKEDIN_AUTHOR_URN: must be urn:li:person:… or urn:li:organization:… (got "me")',
    ],
  ])('names the variable and the problem: %j', (env, expected) => {
    expect(problems(env)).toEqual([expected]);
  });

  it('never echoes a secret value in a problem', () => {
    const [problem] = problems({ SLACK_BOT_TOKEN: 'not-a-bot-token-secret' });
    expect(problem).toBe('SLACK_BOT_TOKEN: must be a bot token starting with xoxb-');
  });

  it('names each missing variable of a half-configured feature', () => {
    expect(problems({ SLACK_BOT_TOKEN: slack.SLACK_BOT_TOKEN })).toEqual([
      'SLACK_SIGNING_SECRET: required for Slack over HTTP (or set SLACK_APP_TOKEN for Socket Mode)',
      'SLACK_APPROVAL_CHANNEL: required for Slack (the channel id where approval cards go)',
      'SLACK_APPROVERS: required for Slack (comma-separated user ids and/or user-group ids)',
    ]);
    expect(problems({ FACEBOOK_PAGE_TOKEN: 'page-token' })).toEqual([
      'FACEBOOK_PAGE_ID: required for Facebook because FACEBOOK_PAGE_TOKEN is set',
    ]);
    expect(problems({ PINTEREST_ACCESS_TOKEN: 'pina_token' })).toEqual([
      'PINTEREST_BOARD_ID: required for Pinterest because PINTEREST_ACCESS_TOKEN is set',
    ]);
    expect(problems({ MICROSOFT_APP_ID: 'id', MICROSOFT_APP_PASSWORD: 'pw' })).toEqual([
      'TEAMS_APPROVERS: required for Teams (comma-separated AAD object ids or emails)',
      'MICROSOFT_APP_TENANT_ID: required for a SingleTenant Teams bot (or set MICROSOFT_APP_TYPE=MultiTenant)',
    ]);
  });

  it('turns X on with an access token, with OAuth 2.0 refresh, or with both', () => {
    expect(loadConfig({ X_ACCESS_TOKEN: 'x-token-1234567890' }).networks.x).toEqual({
      accessToken: 'x-token-1234567890',
      apiUrl: 'https://api.x.com',
      refresh: undefined,
    });
    expect(loadConfig({ X_CLIENT_ID: 'client-id-123', X_REFRESH_TOKEN: 'x-refresh-1234567890' }).networks.x).toEqual({
      accessToken: undefined,
      apiUrl: 'https://api.x.com',
      refresh: { clientId: 'client-id-123', clientSecret: undefined, refreshToken: 'x-refresh-1234567890' },
    });
    const confidential = loadConfig({
      X_ACCESS_TOKEN: 'x-token-1234567890',
      X_CLIENT_ID: 'client-id-123',
      X_CLIENT_SECRET: 'client-secret-123456',
      X_REFRESH_TOKEN: 'x-refresh-1234567890',
    }).networks.x;
    expect(confidential?.refresh).toEqual({
      clientId: 'client-id-123',
      clientSecret: 'client-secret-123456',
      refreshToken: 'x-refresh-1234567890',
    });
    expect(confidential?.accessToken).toBe('x-token-1234567890');
  });

  it('names what is missing from half an X refresh configuration', () => {
    expect(problems({ X_REFRESH_TOKEN: 'x-refresh-1234567890' })).toEqual([
      'X_CLIENT_ID: required for X token refresh because X_REFRESH_TOKEN is set',
    ]);
    expect(problems({ X_ACCESS_TOKEN: 'x-token-1234567890', X_CLIENT_ID: 'client-id-123' })).toEqual([
      'X_REFRESH_TOKEN: required for X token refresh because X_CLIENT_ID is set',
    ]);
    expect(problems({ X_CLIENT_SECRET: 'client-secret-123456' })).toEqual([
      'X_CLIENT_ID: required for X token refresh because X_CLIENT_SECRET is set',
      'X_REFRESH_TOKEN: required for X token refresh because X_CLIENT_SECRET is set',
    ]);
  });

  it('registers the X refresh token and client secret for redaction', () => {
    loadConfig({ X_CLIENT_ID: 'client-id-123', X_CLIENT_SECRET: 'client-secret-123456', X_REFRESH_TOKEN: 'x-refresh-1234567890' });
    expect(redact('sent x-refresh-1234567890 with client-secret-123456')).toBe('sent [redacted] with [redacted]');
  });

  it('refuses channel names and malformed approver lists', () => {
    expect(problems({ ...slack, SLACK_APPROVAL_CHANNEL: '#approvals' })[0]).toMatch(/^SLACK_APPROVAL_CHANNEL: must be a Slack channel id/);
    expect(problems({ ...slack, SLACK_APPROVERS: 'alice,bob' })[0]).toMatch(/^SLACK_APPROVERS: must be comma-separated Slack user ids/);
  });

  it('registers every secret for redaction', () => {
    loadConfig({ ...slack, X_ACCESS_TOKEN: 'x-token-1234567890' });
    expect(redact(`failed with ${slack.SLACK_SIGNING_SECRET} and x-token-1234567890`)).toBe('failed with [redacted] and [redacted]');
  });

  it('turns Teams on with an Azure registration, or in local mode with TEAMS_APPROVERS alone', () => {
    const azure = loadConfig({
      MICROSOFT_APP_ID: 'app-1',
      MICROSOFT_APP_PASSWORD: 'secret-value-1',
      MICROSOFT_APP_TENANT_ID: 'tenant-1',
      TEAMS_APPROVERS: 'Alice@Contoso.com, b4d2f6a8-3c5e-4f7a-9b2d-4f6a8b0c2e31',
    }).teams;
    expect(azure).toMatchObject({
      mode: 'azure',
      appId: 'app-1',
      appType: 'SingleTenant',
      approvers: ['alice@contoso.com', 'b4d2f6a8-3c5e-4f7a-9b2d-4f6a8b0c2e31'],
    });
    // The Agents Playground's test user has a longer last group: still taken as an object id.
    expect(loadConfig({ TEAMS_APPROVERS: '00000000-0000-0000-0000-0000000000020' }).teams).toEqual({
      mode: 'local',
      approvers: ['00000000-0000-0000-0000-0000000000020'],
    });
    expect(featureLines(loadConfig({ TEAMS_APPROVERS: 'alice@contoso.com' }), ['sandbox']).find((l) => l.includes(' teams '))).toMatch(
      /^on .*local mode .*from this machine only/,
    );
    expect(problems({ MICROSOFT_APP_ID: 'app-1', MICROSOFT_APP_PASSWORD: 'secret-value-1', TEAMS_APPROVERS: 'alice@contoso.com' })).toEqual(
      ['MICROSOFT_APP_TENANT_ID: required for a SingleTenant Teams bot (or set MICROSOFT_APP_TYPE=MultiTenant)'],
    );
    expect(problems({ TEAMS_APPROVERS: 'alice, bob' })[0]).toMatch(
      /^TEAMS_APPROVERS: must be comma-separated AAD object ids \(GUIDs\) and\/or emails/,
    );
  });

  it('prints one feature line per feature, naming the variables that turn off features on', () => {
    const lines = featureLines(loadConfig({}), ['sandbox']);
    expect(lines).toHaveLength(17);
    // No chat configured: the playground is on; PLAYGROUND=off or a chat leaves it out.
    expect(lines[1]).toMatch(/^on {3}playground {3}a local Slack and Teams workspace in the browser/);
    expect(featureLines(loadConfig({ PLAYGROUND: 'off' }), ['sandbox'])).toHaveLength(16);
    expect(lines.find((l) => l.includes('media links'))).toMatch(/^off .*set PUBLIC_URL so Instagram can take uploaded images and videos/);
    expect(featureLines(loadConfig({ PUBLIC_URL: 'https://gl.example.com' }), ['sandbox']).find((l) => l.includes('media links'))).toMatch(
      /^on .*https:\/\/gl\.example\.com\/media\//,
    );
    expect(lines[0]).toBe('on   database     SQLite ./data/greenlight.db');
    expect(lines.find((l) => l.includes(' slack '))).toMatch(/^off .*set SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET/);
    expect(lines.find((l) => l.includes('ai captions'))).toMatch(/^off .*OPENAI_API_KEY/);
    expect(lines.find((l) => l.includes(' x '))).toBe('off  x            set X_ACCESS_TOKEN (or X_CLIENT_ID and X_REFRESH_TOKEN)');
    expect(lines.find((l) => l.includes('sandbox'))).toMatch(/^on /);
    expect(lines.find((l) => l.includes(' youtube '))).toBe(
      'off  youtube      set YOUTUBE_CLIENT_ID, YOUTUBE_CLIENT_SECRET and YOUTUBE_REFRESH_TOKEN',
    );
    const on = featureLines(loadConfig({ ...slack, OPENAI_API_KEY: 'sk-test-1234567890abcdef' }), ['sandbox']);
    expect(on.some((l) => l.includes('playground'))).toBe(false);
    expect(on.find((l) => l.includes(' slack '))).toBe('on   slack        HTTP at POST /slack/events, approvals in C0APPROVALS');
    expect(on.find((l) => l.includes('digest'))).toBe('on   digest       0 9 * * * UTC to C0APPROVALS');
  });
});

/** Turning YouTube on from the environment: all three variables or none, checked and kept secret. */
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type Env } from '../../src/config.js';
import { featureLines } from '../../src/features.js';
import { createMemoryLogger } from '../../src/observability/logger.js';
import { clearRegisteredSecrets, redact } from '../../src/observability/redact.js';
import { buildPublishers } from '../../src/platforms/index.js';

const YOUTUBE: Env = {
  YOUTUBE_CLIENT_ID: '123456789012-abcdefghijklmnop.apps.googleusercontent.com',
  YOUTUBE_CLIENT_SECRET: 'GOCSPX-aVeryPrivateClientSecret42',
  YOUTUBE_REFRESH_TOKEN: '1//0gSecretRefreshTokenForTheBrandChannel',
};

function problems(env: Env): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

afterEach(() => clearRegisteredSecrets());

describe('YouTube configuration', () => {
  it('is off with nothing set, and on with the client and refresh token, at Google by default', () => {
    expect(loadConfig({}).networks.youtube).toBeNull();
    expect(loadConfig(YOUTUBE).networks.youtube).toEqual({
      clientId: YOUTUBE.YOUTUBE_CLIENT_ID,
      clientSecret: YOUTUBE.YOUTUBE_CLIENT_SECRET,
      refreshToken: YOUTUBE.YOUTUBE_REFRESH_TOKEN,
      apiUrl: 'https://www.googleapis.com',
      oauthUrl: 'https://oauth2.googleapis.com',
      dailyQuota: 10_000,
    });
    expect(loadConfig({ ...YOUTUBE, YOUTUBE_DAILY_QUOTA: '50000' }).networks.youtube?.dailyQuota).toBe(50_000);
  });

  it('takes other URLs for a proxy or a fake (a trailing slash is dropped)', () => {
    const config = loadConfig({ ...YOUTUBE, YOUTUBE_API_URL: 'http://127.0.0.1:4010/', YOUTUBE_OAUTH_URL: 'http://127.0.0.1:4011' });
    expect(config.networks.youtube).toMatchObject({ apiUrl: 'http://127.0.0.1:4010', oauthUrl: 'http://127.0.0.1:4011' });
  });

  it('half a configuration names each missing variable', () => {
    expect(problems({ YOUTUBE_CLIENT_ID: YOUTUBE.YOUTUBE_CLIENT_ID })).toEqual([
      'YOUTUBE_CLIENT_SECRET: required for YouTube because YOUTUBE_CLIENT_ID is set',
      'YOUTUBE_REFRESH_TOKEN: required for YouTube because YOUTUBE_CLIENT_ID is set',
    ]);
    expect(problems({ YOUTUBE_CLIENT_ID: YOUTUBE.YOUTUBE_CLIENT_ID, YOUTUBE_CLIENT_SECRET: YOUTUBE.YOUTUBE_CLIENT_SECRET })).toEqual([
      'YOUTUBE_REFRESH_TOKEN: required for YouTube because YOUTUBE_CLIENT_ID and YOUTUBE_CLIENT_SECRET are set',
    ]);
  });

  it('a value that cannot work names its variable (and never echoes a secret)', () => {
    expect(problems({ ...YOUTUBE, YOUTUBE_CLIENT_ID: 'my-project' })).toEqual([
      'YOUTUBE_CLIENT_ID: must be the OAuth client ID from Google Cloud, ending in .apps.googleusercontent.com (got "my-project")',
    ]);
    const pasted = problems({ ...YOUTUBE, YOUTUBE_REFRESH_TOKEN: 'Bearer 1//0gSecret' });
    expect(pasted).toEqual(['YOUTUBE_REFRESH_TOKEN: must be the refresh token alone, without "Bearer " or spaces']);
    expect(problems({ ...YOUTUBE, YOUTUBE_API_URL: 'https://proxy.example.com/google' })).toEqual([
      'YOUTUBE_API_URL: must be a scheme and host without a path, e.g. https://www.googleapis.com (got "https://proxy.example.com/google")',
    ]);
  });

  it('keeps the client secret and refresh token out of logs and messages', () => {
    loadConfig(YOUTUBE);
    expect(redact(`secret ${YOUTUBE.YOUTUBE_CLIENT_SECRET} token ${YOUTUBE.YOUTUBE_REFRESH_TOKEN}`)).toBe(
      'secret [redacted] token [redacted]',
    );
  });

  it('gives YouTube a publisher that publishes video and holds public videos until their time; the start-up line says it is on', async () => {
    const config = loadConfig(YOUTUBE);
    const publishers = await buildPublishers(config.networks, { logger: createMemoryLogger() });
    const youtube = publishers.find((p) => p.network === 'youtube');
    expect(youtube?.publishesVideo).toBe(true);
    expect(
      youtube?.schedulesOnNetwork?.({
        youtube: { title: 't', tags: [], categoryId: '22', privacy: 'public', madeForKids: false, thumbnail: null },
      }),
    ).toBe(true);
    expect(typeof youtube?.withdraw).toBe('function');
    const lines = featureLines(
      config,
      publishers.map((p) => p.network),
    );
    expect(lines.find((l) => /youtube/i.test(l))).toMatch(/^on /);
    expect(featureLines(loadConfig({}), ['sandbox']).find((l) => /youtube/i.test(l))).toMatch(
      /YOUTUBE_CLIENT_ID, YOUTUBE_CLIENT_SECRET and YOUTUBE_REFRESH_TOKEN/,
    );
  });
});

/**
 * Readers for the parts of the configuration that are more than one variable: a group of
 * variables that go together (a network's credentials), X's two ways to sign in, and the brand
 * voice (inline or from a file). Each adds a problem naming the variable when it cannot work.
 */
import fs from 'node:fs';
import type { ParsedEnv } from './env-schema.js';
import { BRAND_VOICE_MAX_CHARS } from './env-schema.js';
import type { XNetworkConfig } from './config-types.js';

/** An all-or-nothing group of variables: true when all are set; a problem per missing one when only some are. */
export function requireTogether(env: ParsedEnv, problems: string[], names: (keyof ParsedEnv)[], what: string): boolean {
  const set = names.filter((n) => env[n] !== undefined);
  if (set.length === 0) return false;
  for (const missing of names.filter((n) => env[n] === undefined)) {
    problems.push(`${missing}: required for ${what} because ${set.join(' and ')} ${set.length > 1 ? 'are' : 'is'} set`);
  }
  return set.length === names.length;
}

/**
 * X is on with an access token, with refresh (client id + refresh token), or both. A client
 * secret or a client id alone is half a refresh configuration and names what is missing.
 */
export function readX(e: ParsedEnv, problems: string[]): XNetworkConfig | null {
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
export function readBrandVoice(e: ParsedEnv, problems: string[]): string | undefined {
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
      const why =
        code === 'ENOENT'
          ? 'no such file'
          : code === 'EACCES'
            ? 'permission denied'
            : code === 'EISDIR'
              ? 'it is a directory'
              : 'unreadable';
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

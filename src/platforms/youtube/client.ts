import { youtube, type youtube_v3 } from '@googleapis/youtube';
import { OAuth2Client } from 'google-auth-library';
import type { NetworkConfigs } from '../../config.js';
import type { Clock } from '../../domain/clock.js';
import type { Logger } from '../../observability/logger.js';
import { registerSecret } from '../../observability/redact.js';
import { withRetries, type Sleep } from '../http/backoff.js';
import { DEFAULT_REQUEST_RETRY, type FetchLike } from '../http/http-client.js';
import { createNetworkClient } from '../http/network-client.js';
import { PublishError, type PublisherDeps } from '../publisher.js';
import { classifyGoogleError, classifyTokenError } from './errors.js';

export type YouTubeConfig = NonNullable<NetworkConfigs['youtube']>;

/** Google's OAuth token endpoint, appended to YOUTUBE_OAUTH_URL. */
export const TOKEN_PATH = '/token';

/**
 * What the YouTube publisher talks to YouTube with: Google's own client for the JSON methods
 * (videos.list, videos.update, thumbnails.set), and a current access token for the resumable
 * upload, which Google's Node client does not implement (it uploads in one request only).
 */
export interface YouTubeClient {
  readonly api: youtube_v3.Youtube;
  /** YOUTUBE_API_URL without a trailing slash. */
  readonly apiUrl: string;
  /** For requests made by hand (the resumable upload): fetch as configured, no rate limiter. */
  readonly fetch: FetchLike;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly sleep: Sleep;
  readonly timeoutMs: number;
  /** A current access token, refreshed with the refresh token when needed. Throws `PublishError`. */
  accessToken(): Promise<string>;
  /** Forgets the access token (YouTube answered 401), so the next call gets a new one. */
  dropAccessToken(): void;
  /**
   * Calls Google's client, turning what it throws into a `PublishError`. None of these calls
   * makes anything public or new (reads, a privacy change, a thumbnail), so an answer that never
   * came may be asked again: `retry` retries transient failures with backoff on the injected sleep.
   */
  call<T>(
    what: string,
    run: (api: youtube_v3.Youtube, options: { rootUrl: string; signal?: AbortSignal }) => Promise<{ data: T }>,
    options?: { retry?: boolean; signal?: AbortSignal },
  ): Promise<T>;
}

/** YouTube's default per-minute limits are generous; this only smooths a metrics run's bursts. */
const YOUTUBE_RATE = { capacity: 10, refillPerSecond: 5 };

export function createYouTubeClient(config: YouTubeConfig, deps: PublisherDeps): YouTubeClient {
  registerSecret(config.clientSecret);
  registerSecret(config.refreshToken);
  const { client, clock, sleep, timeoutMs, logger } = createNetworkClient('youtube', deps, { baseUrl: config.apiUrl, rate: YOUTUBE_RATE });
  const now = () => clock.now();

  // Every request Google's libraries make goes through the shared fetch (timeout, limiter,
  // redacted logging); their own retries, which sleep on real timers, are off: ours sleep on
  // the injected clock, and a token or a call that failed is the publisher's to retry.
  const transporterOptions = { fetchImplementation: client.fetch, retry: false, retryConfig: { shouldRetry: () => false } };
  const auth = new OAuth2Client({
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    endpoints: { oauth2TokenUrl: `${config.oauthUrl}${TOKEN_PATH}` },
    transporterOptions,
  });
  auth.setCredentials({ refresh_token: config.refreshToken });
  // Each refresh's new access token is a secret too (Google's answers may echo it).
  auth.on('tokens', (tokens) => registerSecret(tokens.access_token));

  // rootUrl keeps only the origin (Google's client resolves its absolute paths against it), so
  // config.ts refuses a YOUTUBE_API_URL with a path. It is also given with each call: upload
  // methods (thumbnails.set) build their upload URL from the call's own rootUrl, not the global one.
  const rootUrl = `${config.apiUrl}/`;
  const api = youtube({ version: 'v3', auth, rootUrl, retry: false });

  const accessToken = async (): Promise<string> => {
    let token: string | null | undefined;
    try {
      ({ token } = await auth.getAccessToken());
    } catch (error) {
      const failure = classifyTokenError(error, now);
      logger.warn('YouTube access token refresh failed', { kind: failure.kind, error: failure.message });
      throw failure;
    }
    if (!token)
      throw new PublishError({
        kind: 'retryable',
        network: 'youtube',
        message: 'Google answered the token refresh without an access token; Greenlight will try again.',
      });
    return token;
  };

  const call: YouTubeClient['call'] = async (what, run, options = {}) => {
    const once = async () => {
      // A refresh that fails is reported as such (naming YOUTUBE_REFRESH_TOKEN), not as the call's failure.
      await accessToken();
      const send = () => run(api, { rootUrl, ...(options.signal ? { signal: options.signal } : {}) });
      try {
        let answer;
        try {
          answer = await send();
        } catch (error) {
          // An access token YouTube stopped accepting before it expired (revoked, rotated): one
          // more try with a fresh one; a 401 means YouTube did nothing with the request.
          if (classifyGoogleError(error, now).status !== 401) throw error;
          auth.setCredentials({ refresh_token: config.refreshToken });
          await accessToken();
          answer = await send();
        }
        return answer.data;
      } catch (error) {
        const failure = classifyGoogleError(error, now);
        logger.debug('YouTube call failed', { call: what, kind: failure.kind, status: failure.status, error: failure.message });
        // Nothing here creates anything: an answer lost on the way is worth asking for again.
        if (failure.kind === 'unknown') {
          throw new PublishError({
            kind: 'retryable',
            network: 'youtube',
            message: failure.message.replace(/:? ?check the account before retrying\.?$/, '.'),
            cause: failure,
          });
        }
        throw failure;
      }
    };
    if (!options.retry) return once();
    return withRetries(once, {
      ...DEFAULT_REQUEST_RETRY,
      sleep,
      ...(deps.random ? { random: deps.random } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      onRetry: ({ attempt, error, delayMs }) =>
        logger.warn('YouTube call will be retried', { call: what, attempt, delayMs, error: error.message }),
    });
  };

  return {
    api,
    apiUrl: config.apiUrl,
    fetch: deps.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    logger,
    clock,
    sleep,
    timeoutMs,
    accessToken,
    dropAccessToken: () => auth.setCredentials({ refresh_token: config.refreshToken }),
    call,
  };
}

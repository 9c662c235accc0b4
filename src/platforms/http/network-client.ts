import { systemClock, type Clock } from '../../domain/clock.js';
import { UserFacingError } from '../../domain/errors.js';
import type { NetworkId } from '../../domain/network.js';
import type { Logger } from '../../observability/logger.js';
import { registerSecret } from '../../observability/redact.js';
import type { PublisherDeps } from '../publisher.js';
import { realSleep, type Sleep } from './backoff.js';
import { createHttpClient, type HttpClient } from './http-client.js';
import { createRateLimiter, type RateLimiter } from './rate-limiter.js';

export const DEFAULT_NETWORK_TIMEOUT_MS = 30_000;

/**
 * A configured token must be the token alone: "Bearer …" pasted from an API console, or a
 * stray space, would be sent as the credential and fail far from where it was set. Also
 * registers it for redaction.
 */
export function requireBareToken(token: string, variable: string): void {
  if (token.trim() === '' || /^bearer\s/i.test(token) || /\s/.test(token)) {
    throw new UserFacingError(`${variable}: paste the access token alone, without "Bearer " or spaces.`);
  }
  registerSecret(token);
}

export interface NetworkClient {
  client: HttpClient;
  rateLimiter: RateLimiter;
  clock: Clock;
  sleep: Sleep;
  timeoutMs: number;
  logger: Logger;
}

/**
 * The HTTP client every publisher starts from: the network's own rate limiter, the timeout,
 * backoff that sleeps on the injected clock, redacted logging, and the bearer token (in a
 * header, never in a URL a log could carry).
 */
export function createNetworkClient(
  network: NetworkId,
  deps: PublisherDeps,
  options: {
    baseUrl: string;
    /** Requests the network tolerates: a burst, then so many a second. */
    rate: { capacity: number; refillPerSecond: number };
    bearer?: string;
    headers?: Record<string, string>;
    defaultTimeoutMs?: number;
    /** The logger's scope (defaults to the network). */
    logger?: Logger;
  },
): NetworkClient {
  const clock = deps.clock ?? systemClock;
  const sleep = deps.sleep ?? realSleep;
  const timeoutMs = deps.timeoutMs ?? options.defaultTimeoutMs ?? DEFAULT_NETWORK_TIMEOUT_MS;
  const logger = options.logger ?? deps.logger.child(network);
  const rateLimiter = createRateLimiter({ ...options.rate, clock, sleep });
  const client = createHttpClient({
    network,
    baseUrl: options.baseUrl,
    timeoutMs,
    rateLimiter,
    logger,
    clock,
    defaultHeaders: { ...(options.bearer ? { authorization: `Bearer ${options.bearer}` } : {}), ...options.headers },
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    retryPolicy: { sleep, ...(deps.random ? { random: deps.random } : {}) },
  });
  return { client, rateLimiter, clock, sleep, timeoutMs, logger };
}

/**
 * X (formerly Twitter) through the v2 API, by hand on the shared HTTP client.
 *
 * Why not twitter-api-v2 (installed, 1.29): it sends every request with Node's
 * `https.request`, so it cannot take our `fetch`: the shared timeout, rate limiter, redacted
 * logging and the "was it sent?" classification of transport failures would all be
 * bypassed, and its errors (`ApiRequestError` around a raw socket error, "Request timeout.")
 * cannot tell "never sent" from "may have been sent". Its base URL can be moved (`prefix`),
 * but a plain-http base needs an `http.Agent` smuggled in as `httpAgent`, and a few paths
 * ignore the prefix (the cached `users/me`, the OAuth form check on api.x.com). We need a
 * handful of endpoints (posts, media, the chunked video upload) and the token refresh; writing
 * them on the shared client is smaller than working around the library. The bearer token comes from a token source (token-source.ts): the fixed
 * X_ACCESS_TOKEN, or OAuth 2.0 refresh with the rotating pair kept in the database.
 */
import { z } from 'zod';
import { systemClock, type Clock } from '../../domain/clock.js';
import { UserFacingError } from '../../domain/errors.js';
import type { EngagementMetrics } from '../../domain/publication.js';
import { registerSecret } from '../../observability/redact.js';
import type { NetworkConfigs } from '../../config.js';
import type { Logger } from '../../observability/logger.js';
import { realSleep, type Sleep } from '../http/backoff.js';
import { createHttpClient, type HttpClient } from '../http/http-client.js';
import { fetchImage } from '../http/image-fetch.js';
import { approvedImages, readApprovedImage } from '../approved-images.js';
import { createRateLimiter } from '../http/rate-limiter.js';
import {
  PublishError,
  type MetricsTarget,
  type PublishRequest,
  type PublishResult,
  type Publisher,
  type PublisherDeps,
} from '../publisher.js';
import { xRules } from '../rules/x.js';
import { authorizedClient, type XApi } from './authorized-client.js';
import { xErrorReader } from './errors.js';
import { setXAltText, uploadXImage, X_IMAGE_MAX_BYTES, X_IMAGE_TYPES, X_MAX_IMAGES } from './media.js';
import { fetchXMetrics } from './metrics.js';
import { RefreshingTokenSource } from './refreshing-token-source.js';
import { uploadXVideo } from './video.js';
import type { CredentialStore } from './stored-tokens.js';
import { requestTokenRefresh } from './token-endpoint.js';
import { fixedTokenSource, type TokenSource } from './token-source.js';

export type XConfig = NonNullable<NetworkConfigs['x']>;

export interface XPublisherDeps extends PublisherDeps {
  /** Where the rotating refresh token is kept (the Store); required when refresh is configured. */
  credentials?: CredentialStore;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * X allows a user 100 posts per 15 minutes (POST /2/tweets, the tightest per-user limit
 * Greenlight meets); reads are far more generous. A small burst, then that sustained rate,
 * keeps one busy morning from spending the window; the reset headers do the rest.
 */
const RATE = { capacity: 10, refillPerSecond: 100 / (15 * 60) };

/**
 * The chunked media endpoints have their own, far larger per-user windows (initialize, append
 * and finalize 1,875 per 15 minutes each; STATUS 1,000): a video's dozens of segments go
 * through their own limiter, so they neither wait behind nor use up the posts' budget.
 */
const UPLOAD_RATE = { capacity: 20, refillPerSecond: 1 };

const CreateAnswer = z.object({ data: z.object({ id: z.string().regex(/^\d+$/), text: z.string().optional() }) });
const MeAnswer = z.object({ data: z.object({ id: z.string(), username: z.string().regex(/^\w{1,15}$/) }) });

/** Catches tokens that can never post, at start-up, without saying the token. */
function checkToken(token: string): void {
  if (/^bearer\s/i.test(token) || /\s/.test(token)) {
    throw new UserFacingError('X_ACCESS_TOKEN: paste the access token alone, without "Bearer " or spaces.');
  }
  if (token.startsWith('AAAAAAAAAAAAAAAAAAAAA')) {
    throw new UserFacingError(
      'X_ACCESS_TOKEN: this is an app-only bearer token, which X does not accept for posting; use an OAuth 2.0 user access token (see the X section of docs/networks.md).',
    );
  }
  if (/^\d+-[A-Za-z0-9]+$/.test(token)) {
    throw new UserFacingError(
      'X_ACCESS_TOKEN: this looks like an OAuth 1.0a access token (your numeric user id, a dash, then letters); Greenlight needs an OAuth 2.0 user access token.',
    );
  }
}

export class XPublisher implements Publisher {
  readonly network = 'x' as const;
  readonly rules = xRules;
  readonly marksSending = true;
  readonly publishesVideo = true;
  readonly #client: XApi;
  /** The chunked video upload's endpoints, behind their own limiter (the posts' client when not given). */
  readonly #uploads: XApi;
  readonly #sleep: Sleep;
  readonly #deps: XPublisherDeps;
  readonly #timeoutMs: number;
  readonly #clock: Clock;
  readonly #readError;
  /** From GET /2/users/me at start-up, for links that show the account; null until known. */
  #username: string | null = null;

  constructor(client: XApi, deps: XPublisherDeps & { timeoutMs: number; clock: Clock; refreshes?: boolean; uploads?: XApi }) {
    this.#client = client;
    this.#uploads = deps.uploads ?? client;
    this.#sleep = deps.sleep ?? realSleep;
    this.#deps = deps;
    this.#timeoutMs = deps.timeoutMs;
    this.#clock = deps.clock;
    this.#readError = xErrorReader(() => deps.clock.now(), { refreshes: deps.refreshes ?? false });
  }

  get username(): string | null {
    return this.#username;
  }

  /**
   * Learns the account's @name once. A failure is logged, not thrown: a network hiccup or an
   * expired token at start-up must not stop the whole bot, and links fall back to the
   * username-less form X redirects from.
   */
  async init(): Promise<void> {
    try {
      const answer = await this.#client.request({ method: 'GET', path: '/2/users/me', retry: true, messageFromError: this.#readError });
      const parsed = MeAnswer.safeParse(answer.body);
      if (parsed.success) this.#username = parsed.data.data.username;
      else this.#deps.logger.warn('X did not say the account name; post links will use x.com/i/web/status', { network: 'x' });
    } catch (error) {
      this.#deps.logger.warn('could not read the X account name; post links will use x.com/i/web/status', {
        network: 'x',
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  async publish(request: PublishRequest): Promise<PublishResult> {
    const signal = request.signal;
    // More images than a post takes, or one X refuses, fails before anything is uploaded.
    const stored = approvedImages(request, 'x', X_MAX_IMAGES, { maxBytes: X_IMAGE_MAX_BYTES, acceptedTypes: X_IMAGE_TYPES });
    const upload = { signal, messageFromError: this.#readError, timeoutMs: this.#timeoutMs * 2 };
    const mediaIds: string[] = [];
    if (request.video) {
      // Drafting never lets a video share a post with images; should one slip through, X would refuse the mix.
      if (stored.length > 0 || request.mediaUrl?.trim()) {
        throw new PublishError({
          kind: 'permanent',
          network: 'x',
          message: 'An X post carries one video or up to four images, not both; nothing was posted.',
        });
      }
      mediaIds.push(
        await uploadXVideo(this.#uploads, request.video, {
          signal,
          messageFromError: this.#readError,
          timeoutMs: this.#timeoutMs,
          sleep: this.#sleep,
          logger: this.#deps.logger,
          onProgress: request.onProgress,
          now: () => this.#clock.now(),
          // An earlier attempt's upload of this video is carried on rather than sent again.
          checkpoint: request.checkpoint,
          saveCheckpoint: request.saveCheckpoint,
        }),
      );
    }
    if (request.mediaUrl) {
      const image = await fetchImage(request.mediaUrl, {
        network: 'x',
        maxBytes: X_IMAGE_MAX_BYTES,
        acceptedTypes: X_IMAGE_TYPES,
        timeoutMs: this.#timeoutMs,
        logger: this.#deps.logger,
        ...(this.#deps.fetch ? { fetch: this.#deps.fetch } : {}),
        media: this.#deps.media,
        ...(signal ? { signal } : {}),
      });
      mediaIds.push(await uploadXImage(this.#client, image, upload));
    }
    // Uploaded images in their approved order; alt text goes on each before the post names it.
    for (const image of stored) {
      const read = await readApprovedImage(image, mediaIds.length + 1, {
        network: 'x',
        maxBytes: X_IMAGE_MAX_BYTES,
        acceptedTypes: X_IMAGE_TYPES,
        signal,
      });
      const mediaId = await uploadXImage(this.#client, read, upload);
      if (image.alt) await setXAltText(this.#client, mediaId, image.alt, upload);
      mediaIds.push(mediaId);
    }

    // The one call that creates the post: never retried here (rule 2 in docs/architecture.md); X has no idempotency key.
    const answer = await this.#client.request({
      method: 'POST',
      path: '/2/tweets',
      json: { text: request.text, ...(mediaIds.length > 0 ? { media: { media_ids: mediaIds } } : {}) },
      retry: false,
      messageFromError: this.#readError,
      ...(request.markSending ? { beforeSend: request.markSending } : {}),
      ...(signal ? { signal } : {}),
    });
    const parsed = CreateAnswer.safeParse(answer.body);
    if (!parsed.success) {
      throw new PublishError({
        kind: 'unknown',
        network: 'x',
        status: answer.status,
        message: `X accepted the post (HTTP ${answer.status}) but did not say its id: check the account before retrying.`,
      });
    }
    const id = parsed.data.data.id;
    this.#deps.logger.info('published on X', { network: 'x', publicationId: request.publicationId, externalId: id });
    return { externalId: id, url: this.postUrl(id) };
  }

  postUrl(id: string): string {
    return this.#username ? `https://x.com/${this.#username}/status/${id}` : `https://x.com/i/web/status/${id}`;
  }

  fetchMetrics(targets: MetricsTarget[]): Promise<Map<string, EngagementMetrics>> {
    return fetchXMetrics(this.#client, targets, { logger: this.#deps.logger, messageFromError: this.#readError });
  }
}

export function createXPublisher(config: XConfig, deps: XPublisherDeps): XPublisher {
  if (config.accessToken !== undefined) {
    checkToken(config.accessToken);
    registerSecret(config.accessToken);
  }
  const clock = deps.clock ?? systemClock;
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const logger = deps.logger.child('x');
  const base = {
    network: 'x' as const,
    baseUrl: config.apiUrl,
    timeoutMs,
    logger,
    clock,
    retryPolicy: { ...(deps.sleep ? { sleep: deps.sleep } : {}), ...(deps.random ? { random: deps.random } : {}) },
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  };
  const api = createHttpClient({
    ...base,
    rateLimiter: createRateLimiter({ ...RATE, clock, ...(deps.sleep ? { sleep: deps.sleep } : {}) }),
  });
  const uploads = createHttpClient({
    ...base,
    rateLimiter: createRateLimiter({ ...UPLOAD_RATE, clock, ...(deps.sleep ? { sleep: deps.sleep } : {}) }),
  });
  const tokens = tokenSource(config, deps, { logger, clock, timeoutMs, tokenClient: () => createHttpClient(base) });
  return new XPublisher(authorizedClient(api, tokens), {
    ...deps,
    logger,
    clock,
    timeoutMs,
    refreshes: config.refresh !== undefined,
    uploads: authorizedClient(uploads, tokens),
  });
}

/** The fixed X_ACCESS_TOKEN, or OAuth 2.0 refresh with the pair kept in the database. */
function tokenSource(
  config: XConfig,
  deps: XPublisherDeps,
  shared: { logger: Logger; clock: Clock; timeoutMs: number; tokenClient: () => HttpClient },
): TokenSource {
  const refresh = config.refresh;
  if (!refresh) {
    if (config.accessToken === undefined)
      throw new UserFacingError('X_ACCESS_TOKEN: required for X (or set X_CLIENT_ID and X_REFRESH_TOKEN).');
    return fixedTokenSource(config.accessToken);
  }
  if (!deps.credentials) {
    // Without the database a restart would fall back to a refresh token X has already retired.
    throw new Error('X token refresh needs the database to keep the rotating refresh token (pass `credentials`).');
  }
  registerSecret(refresh.refreshToken);
  registerSecret(refresh.clientSecret);
  // The token endpoint gets its own client: no bearer token, and not held back by the posting rate limiter.
  const tokenClient = shared.tokenClient();
  return new RefreshingTokenSource({
    refresh,
    accessToken: config.accessToken,
    credentials: deps.credentials,
    requestRefresh: (refreshToken) => requestTokenRefresh(tokenClient, refresh, refreshToken),
    clock: shared.clock,
    logger: shared.logger,
    sleep: deps.sleep ?? realSleep,
    // A lease outlives one token request (it is never retried), so a live holder keeps it.
    leaseMs: shared.timeoutMs + 15_000,
  });
}

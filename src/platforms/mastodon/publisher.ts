import { z } from 'zod';
import type { NetworkConfigs } from '../../config.js';
import { UserFacingError } from '../../domain/errors.js';
import type { EngagementMetrics } from '../../domain/publication.js';
import { createNetworkClient, requireBareToken } from '../http/network-client.js';
import { fetchImage } from '../http/image-fetch.js';
import { approvedImages, readApprovedImage } from '../approved-images.js';
import {
  PublishError,
  type MetricsTarget,
  type PublishRequest,
  type PublishResult,
  type Publisher,
  type PublisherDeps,
} from '../publisher.js';
import { mastodonRules } from '../rules/mastodon.js';
import type { NetworkRules } from '../rules/types.js';
import { statusErrors } from './errors.js';
import { limitsFromInstance, STOCK_LIMITS, type InstanceLimits } from './instance.js';
import { uploadImage } from './media.js';
import { fetchStatusMetrics } from './metrics.js';
import { uploadVideo } from './video.js';
import { withInstanceVideo } from './video-rules.js';

export type MastodonConfig = NonNullable<NetworkConfigs['mastodon']>;

export type MastodonPublisherDeps = PublisherDeps;

export interface MastodonPublisher extends Publisher {
  /** What the instance told us in `init` (stock Mastodon's until then). */
  readonly limits: InstanceLimits;
}

const CreatedStatus = z.object({ id: z.string().min(1), url: z.string().nullable().optional(), uri: z.string() });

/**
 * The `Idempotency-Key` for a publication. Mastodon remembers a key per account for one
 * hour: a second `POST /api/v1/statuses` with the same key in that hour gets the status
 * the first one created instead of a new one. That makes an immediate re-send after a
 * timeout harmless. It does not help after the hour, nor against two requests in flight
 * at once (the key is stored once the first has finished), nor after the status was
 * deleted; those stay with the scheduler's claim and "check before retrying" (DESIGN 2).
 */
export const idempotencyKey = (publicationId: number) => `greenlight-publication-${publicationId}`;

/**
 * How long after a send cut off by a crash it may still be repeated with the same key. The
 * key is remembered for an hour from when the first request created the status (not before
 * it left); the rest of the hour covers the repeat waiting for its turn and the rate limiter.
 */
export const RESUME_WITHIN_MS = 55 * 60_000;

function checkInstanceUrl(url: string): void {
  const parsed = new URL(url);
  if (/\/@/.test(parsed.pathname) || /\/(web|users)\//.test(parsed.pathname)) {
    throw new UserFacingError(`MASTODON_URL must be the address of the instance (like ${parsed.origin}), not a profile or page link.`);
  }
}

/**
 * Posts statuses to one Mastodon account over the shared HTTP client. `masto` (v7) was
 * not used: it calls the global `fetch` itself (no custom fetch, so none of the shared
 * limiter, timeout or redacted logging would apply), it resolves request paths against
 * the origin (a MASTODON_URL with a proxy path prefix would lose it), it polls media with
 * a fixed real one-second sleep we could not control in tests, and an error body that is
 * not JSON (a proxy's HTML 502) loses its status code.
 */
export function createMastodonPublisher(config: MastodonConfig, deps: MastodonPublisherDeps): MastodonPublisher {
  checkInstanceUrl(config.url);
  requireBareToken(config.accessToken, 'MASTODON_ACCESS_TOKEN');
  // Stock Mastodon allows 300 requests per 5 minutes per account: one a second, with
  // short bursts, and the 429's X-RateLimit-Reset (ISO 8601) pauses everything.
  const { client, sleep, timeoutMs, logger } = createNetworkClient('mastodon', deps, {
    baseUrl: config.url,
    rate: { capacity: 10, refillPerSecond: 1 },
    bearer: config.accessToken,
  });

  let limits: InstanceLimits = STOCK_LIMITS;
  let rules: NetworkRules = withInstanceVideo(mastodonRules(STOCK_LIMITS), STOCK_LIMITS);

  /** The instance's own limits: v2 (Mastodon 4.0+) first, then v1 for older servers and forks. */
  async function readLimits(): Promise<InstanceLimits | undefined> {
    try {
      const { body } = await client.request({ method: 'GET', path: '/api/v2/instance', retry: true });
      return limitsFromInstance(body, 'v2');
    } catch (error) {
      if (!(error instanceof PublishError) || error.status !== 404) throw error;
    }
    const { body } = await client.request({ method: 'GET', path: '/api/v1/instance', retry: true });
    return limitsFromInstance(body, 'v1');
  }

  async function init(): Promise<void> {
    try {
      const read = await readLimits();
      if (read) {
        limits = read;
        rules = withInstanceVideo(
          mastodonRules({ maxCharacters: read.maxCharacters, charactersReservedPerUrl: read.charactersReservedPerUrl }),
          read,
        );
        logger.info('Mastodon instance limits', {
          maxCharacters: read.maxCharacters,
          maxMediaAttachments: read.maxMediaAttachments,
          imageSizeLimit: read.imageSizeLimit,
          videoSizeLimit: read.videoSizeLimit,
        });
      } else {
        logger.warn('Mastodon instance did not describe its limits; using stock Mastodon limits');
      }
    } catch (error) {
      // The instance being briefly down must not stop Greenlight; stock limits are the
      // common case and a post over the real limit is refused with Mastodon's own message.
      logger.warn('Could not read the Mastodon instance limits; using stock Mastodon limits', { error: (error as Error).message });
    }
    // A wrong or revoked token should stop start-up with its variable named, not fail
    // the first scheduled post hours later.
    try {
      await client.request({ method: 'GET', path: '/api/v1/accounts/verify_credentials', retry: true });
    } catch (error) {
      if (error instanceof PublishError && error.kind === 'permanent') throw error;
      logger.warn('Could not check the Mastodon access token now; will find out at the first post', { error: (error as Error).message });
    }
  }

  async function publish(request: PublishRequest): Promise<PublishResult> {
    const signal = request.signal ? { signal: request.signal } : {};
    const mediaIds: string[] = [];
    // Refuses more images than the instance takes before anything is uploaded.
    const images = approvedImages(request, 'mastodon', limits.maxMediaAttachments, {
      maxBytes: limits.imageSizeLimit,
      acceptedTypes: limits.imageTypes,
    });
    const imageUrl = request.mediaUrl?.trim();
    if (request.video) {
      // Drafting never lets a video share a post with images; should one slip through, Mastodon would refuse the mix.
      if (images.length > 0 || imageUrl) {
        throw new PublishError({
          kind: 'permanent',
          network: 'mastodon',
          message: 'A Mastodon post carries one video or images, not both; nothing was posted.',
        });
      }
      mediaIds.push(
        await uploadVideo(client, request.video, {
          sleep,
          logger,
          timeoutMs,
          limits,
          onProgress: request.onProgress,
          // An earlier attempt's attachment of this video is used rather than uploaded again.
          checkpoint: request.checkpoint,
          saveCheckpoint: request.saveCheckpoint,
          ...signal,
        }),
      );
      logger.debug('Mastodon video uploaded', { publication: request.publicationId, media: mediaIds[0] });
    }
    if (imageUrl) {
      const image = await fetchImage(imageUrl, {
        network: 'mastodon',
        maxBytes: limits.imageSizeLimit,
        acceptedTypes: limits.imageTypes,
        timeoutMs,
        logger,
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
        media: deps.media,
        ...signal,
      });
      mediaIds.push(await uploadImage(client, image, { sleep, logger, ...signal }));
    }
    // Uploaded images in their approved order, each with its alt text as the description.
    // Every upload happens before the status, which is the only request that makes anything public.
    for (const [index, stored] of images.entries()) {
      const image = await readApprovedImage(stored, mediaIds.length + 1, {
        network: 'mastodon',
        maxBytes: limits.imageSizeLimit,
        acceptedTypes: limits.imageTypes,
        signal: request.signal,
      });
      mediaIds.push(await uploadImage(client, image, { sleep, logger, description: stored.alt, ...signal }));
      logger.debug('Mastodon image uploaded', { publication: request.publicationId, image: index + 1, media: mediaIds.at(-1) });
    }

    const { body } = await client.request({
      method: 'POST',
      path: '/api/v1/statuses',
      json: { status: request.text, media_ids: mediaIds, visibility: 'public' },
      headers: { 'idempotency-key': idempotencyKey(request.publicationId) },
      retry: false, // the scheduler decides; the key makes its re-send within the hour safe
      messageFromError: statusErrors,
      ...(request.markSending ? { beforeSend: request.markSending } : {}),
      ...signal,
    });
    const created = CreatedStatus.safeParse(body);
    if (!created.success) {
      throw new PublishError({
        kind: 'unknown',
        network: 'mastodon',
        message: 'Mastodon accepted the post but answered in a shape Greenlight does not know: check the account before retrying.',
        cause: created.error,
      });
    }
    logger.info('Mastodon status posted', { publication: request.publicationId, status: created.data.id });
    return { externalId: created.data.id, url: created.data.url ?? created.data.uri };
  }

  return {
    network: 'mastodon',
    get rules() {
      return rules;
    },
    get limits() {
      return limits;
    },
    init,
    publish,
    marksSending: true,
    publishesVideo: true,
    resumeAfterCrash: (sendingAt: Date, now: Date) => now.getTime() - sendingAt.getTime() < RESUME_WITHIN_MS,
    fetchMetrics: (targets: MetricsTarget[]): Promise<Map<string, EngagementMetrics>> => fetchStatusMetrics(client, targets, { logger }),
  };
}

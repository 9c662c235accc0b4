import { z } from 'zod';
import type { NetworkConfigs } from '../../config.js';
import { UserFacingError } from '../../domain/errors.js';
import type { EngagementMetrics } from '../../domain/publication.js';
import { createNetworkClient, requireBareToken } from '../http/network-client.js';
import { fetchImage } from '../http/image-fetch.js';
import type { ImageType } from '../../domain/image-format.js';
import {
  PublishError,
  type MetricsTarget,
  type PublishRequest,
  type PublishResult,
  type Publisher,
  type PublisherDeps,
} from '../publisher.js';
import { pinterestRules } from '../rules/pinterest.js';
import { createPinErrors } from './errors.js';
import { fetchPinMetrics } from './metrics.js';
import { PIN_ALT_TEXT_MAX, pinBody, pinUrl, type PinMediaSource } from './pin-content.js';
import { approvedImages, readApprovedImage } from '../approved-images.js';

export type PinterestConfig = NonNullable<NetworkConfigs['pinterest']>;

export type PinterestPublisherDeps = PublisherDeps;

/**
 * Pinterest's image pins take BMP, JPEG, PNG, TIFF, GIF or WebP up to 20 MB (its product
 * specs, not the API reference; uncertain). We check the four we can recognise.
 */
export const PINTEREST_MAX_IMAGE_BYTES = 20 * 1024 * 1024;
const ACCEPTED_TYPES: readonly ImageType[] = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];

/** Pinterest's `image_base64` media source takes JPEG and PNG only. */
const BASE64_TYPES: readonly ImageType[] = pinterestRules.media.formats;

const CreatedPin = z.object({ id: z.string().min(1) });

/**
 * Publishes image pins to one board through Pinterest API v5, by hand over the shared
 * HTTP client: there is no maintained JavaScript client for v5 that takes a base URL.
 */
export function createPinterestPublisher(config: PinterestConfig, deps: PinterestPublisherDeps): Publisher {
  if (!/^\d+$/.test(config.boardId)) {
    throw new UserFacingError(
      "PINTEREST_BOARD_ID must be the numeric board id (from the API's GET /v5/boards), not the board's name or link.",
    );
  }
  requireBareToken(config.accessToken, 'PINTEREST_ACCESS_TOKEN');
  // Standard access allows 100 requests a second per user, and fewer per category a
  // minute; two a second (bursts of ten) stays well inside both for a publishing bot.
  const { client, clock, timeoutMs, logger } = createNetworkClient('pinterest', deps, {
    baseUrl: config.apiUrl,
    rate: { capacity: 10, refillPerSecond: 2 },
    bearer: config.accessToken,
  });
  const createErrors = createPinErrors(config.boardId);

  /** The pin's image: the approved bytes inline (`image_base64`), or the link Pinterest downloads. */
  async function mediaSource(request: PublishRequest): Promise<{ media: PinMediaSource; altText: string | null }> {
    // One image per pin: a second would be silently lost, so the post is refused instead.
    const [stored] = approvedImages(request, 'pinterest', 1, { maxBytes: PINTEREST_MAX_IMAGE_BYTES, acceptedTypes: BASE64_TYPES });
    if (stored) {
      if (stored.alt && [...stored.alt].length > PIN_ALT_TEXT_MAX) {
        throw new PublishError({
          kind: 'permanent',
          network: 'pinterest',
          message: `The image's alt text is ${[...stored.alt].length} characters; Pinterest takes at most ${PIN_ALT_TEXT_MAX}. Nothing was posted.`,
        });
      }
      const image = await readApprovedImage(stored, 1, {
        network: 'pinterest',
        maxBytes: PINTEREST_MAX_IMAGE_BYTES,
        acceptedTypes: BASE64_TYPES,
        signal: request.signal,
      });
      return {
        media: {
          source_type: 'image_base64',
          content_type: image.contentType as 'image/jpeg' | 'image/png',
          data: image.bytes.toString('base64'),
        },
        altText: stored.alt,
      };
    }
    const imageUrl = request.mediaUrl?.trim();
    if (!imageUrl) {
      throw new PublishError({
        kind: 'permanent',
        network: 'pinterest',
        message: 'Pinterest needs an image for every pin; add one and approve again.',
      });
    }
    // Pinterest downloads the image itself, after the pin is accepted, and a pin whose
    // image it cannot fetch fails late and vaguely. Checking first turns a dead link or a
    // web page into a clear message before anything is created.
    await fetchImage(imageUrl, {
      network: 'pinterest',
      maxBytes: PINTEREST_MAX_IMAGE_BYTES,
      acceptedTypes: ACCEPTED_TYPES,
      timeoutMs,
      logger,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
      media: deps.media,
      ...(request.signal ? { signal: request.signal } : {}),
    });
    return { media: { source_type: 'image_url', url: imageUrl }, altText: null };
  }

  async function publish(request: PublishRequest): Promise<PublishResult> {
    const { media, altText } = await mediaSource(request);

    const { body } = await client.request({
      method: 'POST',
      path: '/v5/pins',
      json: pinBody({ boardId: config.boardId, text: request.text, media, altText }),
      retry: false, // the scheduler decides; a repeated create would be a second pin
      messageFromError: createErrors,
      ...(request.markSending ? { beforeSend: request.markSending } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
    });
    const created = CreatedPin.safeParse(body);
    if (!created.success) {
      throw new PublishError({
        kind: 'unknown',
        network: 'pinterest',
        message: 'Pinterest accepted the pin but did not say its id: check the board before retrying.',
        cause: created.error,
      });
    }
    logger.info('Pinterest pin created', { publication: request.publicationId, pin: created.data.id });
    return { externalId: created.data.id, url: pinUrl(created.data.id) };
  }

  return {
    network: 'pinterest',
    rules: pinterestRules,
    marksSending: true,
    publish,
    fetchMetrics: (targets: MetricsTarget[]): Promise<Map<string, EngagementMetrics>> =>
      fetchPinMetrics(client, targets, { clock, logger }),
  };
}

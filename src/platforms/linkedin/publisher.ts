/**
 * LinkedIn through its versioned REST API (`/rest/posts`, `/rest/images`, `/rest/videos`,
 * `/rest/socialActions`), by hand on the shared HTTP client. LinkedIn's own JavaScript
 * client (`linkedin-api-client`, not installed) hardwires `https://api.linkedin.com/rest`
 * as its base, sends through axios rather than a `fetch` we could hand it, and does not
 * cover the image byte upload; the shared client already gives the timeouts, limiter,
 * redaction and failure classification such a library would have to be taught.
 */
import type { Clock } from '../../domain/clock.js';
import { UserFacingError } from '../../domain/errors.js';
import type { EngagementMetrics } from '../../domain/publication.js';
import type { Logger } from '../../observability/logger.js';
import type { NetworkConfigs } from '../../config.js';
import type { Sleep } from '../http/backoff.js';
import { createNetworkClient, requireBareToken } from '../http/network-client.js';
import type { FetchLike, HttpClient } from '../http/http-client.js';
import { fetchImage } from '../http/image-fetch.js';
import {
  PublishError,
  type MetricsTarget,
  type PublishRequest,
  type PublishResult,
  type Publisher,
  type PublisherDeps,
} from '../publisher.js';
import { linkedinRules } from '../rules/linkedin.js';
import { LINKEDIN_REST_HEADERS, restliDecode } from './api-version.js';
import { linkedinErrorReader } from './errors.js';
import { checkLinkedInPixels, LINKEDIN_IMAGE_MAX_BYTES, LINKEDIN_IMAGE_TYPES, LINKEDIN_MAX_IMAGES, uploadLinkedInImage } from './images.js';
import { approvedImages, readApprovedImage } from '../approved-images.js';
import { toLittleText } from './little-text.js';
import { LinkedInMetricsReader } from './metrics.js';
import { linkedinVideoErrors, uploadLinkedInVideo } from './video.js';
import type { MediaLinkPolicy } from '../../domain/media-links.js';

export type LinkedInConfig = NonNullable<NetworkConfigs['linkedin']>;

export type LinkedInPublisherDeps = PublisherDeps;

/**
 * LinkedIn's limits are per day and unpublished (each app sees its own in the developer
 * portal); a member can post on the order of 150 times a day. Greenlight makes a handful
 * of calls per post, so a small burst and one call per second is far inside any of them
 * while keeping a metrics run of many batches from bursting.
 */
const RATE = { capacity: 5, refillPerSecond: 1 };

const AUTHOR_URN = /^urn:li:(person|organization):[A-Za-z0-9_-]+$/;
const POST_URN = /^urn:li:(share|ugcPost):[A-Za-z0-9_-]+$/;

export class LinkedInPublisher implements Publisher {
  readonly network = 'linkedin' as const;
  readonly rules = linkedinRules;
  readonly marksSending = true;
  readonly publishesVideo = true;
  readonly #client: HttpClient;
  readonly #config: LinkedInConfig;
  readonly #logger: Logger;
  readonly #fetch: FetchLike | undefined;
  readonly #media: MediaLinkPolicy | undefined;
  readonly #timeoutMs: number;
  readonly #readError;
  readonly #readVideoError;
  readonly #sleep: Sleep;
  readonly #metrics: LinkedInMetricsReader;

  constructor(
    client: HttpClient,
    config: LinkedInConfig,
    deps: {
      logger: Logger;
      clock: Clock;
      timeoutMs: number;
      sleep: Sleep;
      fetch?: FetchLike | undefined;
      media?: MediaLinkPolicy | undefined;
    },
  ) {
    this.#client = client;
    this.#config = config;
    this.#logger = deps.logger;
    this.#fetch = deps.fetch;
    this.#media = deps.media;
    this.#timeoutMs = deps.timeoutMs;
    this.#readError = linkedinErrorReader(() => deps.clock.now());
    this.#readVideoError = linkedinVideoErrors(this.#readError, () => deps.clock.now());
    this.#sleep = deps.sleep;
    this.#metrics = new LinkedInMetricsReader(client, {
      authorUrn: config.authorUrn,
      logger: deps.logger,
      messageFromError: this.#readError,
    });
  }

  async publish(request: PublishRequest): Promise<PublishResult> {
    const signal = request.signal;
    // Too many images, or one LinkedIn refuses, fails before anything is uploaded.
    const stored = approvedImages(request, 'linkedin', LINKEDIN_MAX_IMAGES, {
      maxBytes: LINKEDIN_IMAGE_MAX_BYTES,
      acceptedTypes: LINKEDIN_IMAGE_TYPES,
    });
    for (const image of stored) checkLinkedInPixels(image);
    const upload = { owner: this.#config.authorUrn, signal, messageFromError: this.#readError, timeoutMs: this.#timeoutMs * 2 };
    const attached: Array<{ id: string; altText?: string }> = [];
    if (request.video) {
      // Drafting never lets a video share a post with images; should one slip through, LinkedIn would refuse the mix.
      if (stored.length > 0 || request.mediaUrl) {
        throw new PublishError({
          kind: 'permanent',
          network: 'linkedin',
          message: 'A LinkedIn post carries one video or images, not both; nothing was posted.',
        });
      }
      const video = await uploadLinkedInVideo(this.#client, request.video, {
        owner: this.#config.authorUrn,
        signal,
        messageFromError: this.#readVideoError,
        timeoutMs: this.#timeoutMs,
        sleep: this.#sleep,
        logger: this.#logger,
        onProgress: request.onProgress,
        checkpoint: request.checkpoint,
        saveCheckpoint: request.saveCheckpoint,
      });
      attached.push({ id: video });
    }
    if (request.mediaUrl) {
      const image = await fetchImage(request.mediaUrl, {
        network: 'linkedin',
        maxBytes: LINKEDIN_IMAGE_MAX_BYTES,
        acceptedTypes: LINKEDIN_IMAGE_TYPES,
        timeoutMs: this.#timeoutMs,
        logger: this.#logger,
        ...(this.#fetch ? { fetch: this.#fetch } : {}),
        media: this.#media,
        ...(signal ? { signal } : {}),
      });
      checkLinkedInPixels(image);
      attached.push({ id: await uploadLinkedInImage(this.#client, image, upload) });
    }
    // Each approved image through initializeUpload + PUT, in order, before the post names them.
    for (const image of stored) {
      const read = await readApprovedImage(image, attached.length + 1, {
        network: 'linkedin',
        maxBytes: LINKEDIN_IMAGE_MAX_BYTES,
        acceptedTypes: LINKEDIN_IMAGE_TYPES,
        signal,
      });
      const id = await uploadLinkedInImage(this.#client, read, upload);
      attached.push({ id, ...(image.alt ? { altText: image.alt } : {}) });
    }
    // One image or the video is `content.media`; two or more images make a MultiImage post (LinkedIn takes 2 to 20).
    const content =
      attached.length === 0 ? undefined : attached.length === 1 ? { media: attached[0]! } : { multiImage: { images: attached } };

    // The one call that creates the post: never retried here (rule 2 in docs/architecture.md); LinkedIn has no idempotency key.
    const answer = await this.#client.request({
      method: 'POST',
      path: '/rest/posts',
      headers: { ...LINKEDIN_REST_HEADERS },
      json: {
        author: this.#config.authorUrn,
        commentary: toLittleText(request.text),
        visibility: 'PUBLIC',
        distribution: { feedDistribution: 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] },
        ...(content ? { content } : {}),
        lifecycleState: 'PUBLISHED',
        isReshareDisabledByAuthor: false,
      },
      // 201 with an empty body: the new post's URN is in the x-restli-id header.
      expect: 'none',
      retry: false,
      messageFromError: this.#readError,
      ...(request.markSending ? { beforeSend: request.markSending } : {}),
      ...(signal ? { signal } : {}),
    });
    const header = answer.headers.get('x-restli-id') ?? answer.headers.get('x-linkedin-id');
    const urn = header ? restliDecode(header.trim()) : '';
    if (!POST_URN.test(urn)) {
      throw new PublishError({
        kind: 'unknown',
        network: 'linkedin',
        status: answer.status,
        message: `LinkedIn accepted the post (HTTP ${answer.status}) but did not say its id: check the account before retrying.`,
      });
    }
    this.#logger.info('published on LinkedIn', { network: 'linkedin', publicationId: request.publicationId, externalId: urn });
    return { externalId: urn, url: `https://www.linkedin.com/feed/update/${urn}` };
  }

  fetchMetrics(targets: MetricsTarget[]): Promise<Map<string, EngagementMetrics>> {
    return this.#metrics.read(targets);
  }
}

export function createLinkedInPublisher(config: LinkedInConfig, deps: LinkedInPublisherDeps): LinkedInPublisher {
  if (!AUTHOR_URN.test(config.authorUrn)) {
    throw new UserFacingError('LINKEDIN_AUTHOR_URN: must be urn:li:person:… (a member) or urn:li:organization:… (a company page).');
  }
  requireBareToken(config.accessToken, 'LINKEDIN_ACCESS_TOKEN');
  // Only the token is sent everywhere: the version headers go on /rest/ calls, not to the upload host.
  const { client, clock, sleep, timeoutMs, logger } = createNetworkClient('linkedin', deps, {
    baseUrl: config.apiUrl,
    rate: RATE,
    bearer: config.accessToken,
  });
  return new LinkedInPublisher(client, config, { logger, clock, sleep, timeoutMs, fetch: deps.fetch, media: deps.media });
}

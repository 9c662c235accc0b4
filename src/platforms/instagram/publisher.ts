import { z } from 'zod';
import type { NetworkConfigs } from '../../config.js';
import { systemClock } from '../../domain/clock.js';
import { UserFacingError } from '../../domain/errors.js';
import { registerSecret } from '../../observability/redact.js';
import { createGraphClient, type GraphClient, type MetaPublisherDeps } from '../meta-graph/graph-client.js';
import { checkMetaToken } from '../meta-graph/config-checks.js';
import { graphPath } from '../meta-graph/version.js';
import {
  PublishError,
  type MetricsTarget,
  type PublishImage,
  type PublishRequest,
  type PublishResult,
  type PublishVideo,
  type Publisher,
} from '../publisher.js';
import { approvedImages, readApprovedImage } from '../approved-images.js';
import { defaultInstagramRules } from '../rules/instagram.js';
import { readCheckpoint, saveProgress, type InstagramCheckpoint } from './checkpoint.js';
import {
  createCarouselContainer,
  createCarouselItem,
  createImageContainer,
  createReelContainer,
  REEL_POLL_INTERVALS_MS,
  waitForContainer,
  type ContainerState,
} from './container.js';
import { instagramErrorVerdict, INSTAGRAM_TOKEN_SETTING } from './errors.js';
import { checkInstagramImage, checkInstagramShape, INSTAGRAM_IMAGE_LIMITS } from './image-check.js';
import { fetchInstagramMetrics } from './metrics.js';
import { ensurePublishingQuota } from './publishing-limit.js';
import { findPublishedMedia, type FoundMedia } from './recovery.js';
import { checkReel, INSTAGRAM_VIDEO_LINK_VALID_MS, NO_PUBLIC_URL_FOR_VIDEO, reelFailed } from './reel.js';

export type InstagramConfig = NonNullable<NetworkConfigs['instagram']>;

export type InstagramPublisherDeps = MetaPublisherDeps;

/**
 * How long Instagram may fetch an uploaded image from its link: it downloads each one while
 * the container is created, and retries of a failed attempt make new links.
 */
export const INSTAGRAM_LINK_VALID_MS = 60 * 60_000;

/** A carousel holds 2 to 10 images. */
export const INSTAGRAM_CAROUSEL_MAX = 10;

/** An image as Instagram gets it: the link it downloads, and its alt text (single-image posts only). */
interface ImageSource {
  url: string;
  alt: string | null;
}

/**
 * Instagram's business use case limit is per 24 hours (scaled by the account's impressions);
 * publishing itself is capped at 50 posts a day. This limiter only smooths bursts: container
 * polls and a metrics run.
 */
const INSTAGRAM_RATE_LIMIT = { capacity: 5, refillPerSecond: 1 };

const Published = z.object({ id: z.string().min(1) });
const Permalink = z.object({ permalink: z.string().url() });

/**
 * Tokens from "Business Login for Instagram" (they start IGAA/IGQV) only work on
 * graph.instagram.com, while Greenlight uses the Instagram API with Facebook Login on
 * graph.facebook.com; Meta's answer to the mix-up is a bare "Invalid OAuth access token".
 */
function checkTokenMatchesHost(token: string, graphUrl: string): void {
  let host = '';
  try {
    host = new URL(graphUrl).hostname;
  } catch {
    return; // config.ts already validated the URL
  }
  if (host === 'graph.facebook.com' && /^IG(AA|QV)/.test(token)) {
    throw new UserFacingError(
      `${INSTAGRAM_TOKEN_SETTING} looks like an Instagram Login token (it starts with "IG"), which graph.facebook.com does not accept. Use a Facebook Page or system user token (starting "EAA") with the instagram_content_publish permission.`,
    );
  }
}

type Plan = { kind: 'done'; media: FoundMedia } | { kind: 'publish'; checkpoint: InstagramCheckpoint } | { kind: 'fresh' };

/**
 * Publishes to an Instagram professional account over the Graph API by hand (no maintained
 * Node client for the Instagram Graph API exists; the calls are few): check the image, create
 * a container, wait for it, publish it. Progress is checkpointed so that a retry after an
 * unknown outcome looks at the container before it leaps, and never publishes it twice.
 */
export function createInstagramPublisher(config: InstagramConfig, deps: InstagramPublisherDeps): Publisher {
  checkMetaToken(config.accessToken, INSTAGRAM_TOKEN_SETTING);
  checkTokenMatchesHost(config.accessToken, config.graphUrl);
  registerSecret(config.accessToken);
  const logger = deps.logger.child('instagram');
  const clock = deps.clock ?? systemClock;
  const graph: GraphClient = createGraphClient({
    network: 'instagram',
    graphUrl: config.graphUrl,
    token: config.accessToken,
    tokenSetting: INSTAGRAM_TOKEN_SETTING,
    rateLimit: INSTAGRAM_RATE_LIMIT,
    specificErrors: instagramErrorVerdict,
    deps: { ...deps, logger },
  });
  const userId = config.userId;

  const permalinkOf = async (mediaId: string, signal?: AbortSignal): Promise<string> => {
    try {
      const found = await graph.get({
        path: graphPath(mediaId),
        query: { fields: 'permalink' },
        schema: Permalink,
        retry: true,
        ...(signal ? { signal } : {}),
      });
      return found.permalink;
    } catch (error) {
      // The post is live; a missing link must not turn success into a failure.
      logger.warn('Instagram post published, but its link could not be read', {
        mediaId,
        error: error instanceof Error ? error.message : String(error),
      });
      return 'https://www.instagram.com/';
    }
  };

  const result = async (media: FoundMedia, signal?: AbortSignal): Promise<PublishResult> => ({
    externalId: media.id,
    url: media.permalink ?? (await permalinkOf(media.id, signal)),
  });

  const lookForPost = (checkpoint: InstagramCheckpoint, caption: string, signal?: AbortSignal) =>
    findPublishedMedia({ graph, userId, caption, notBefore: new Date(checkpoint.createdAt), ...(signal ? { signal } : {}) });

  const unknownOutcome = (message: string) => new PublishError({ kind: 'unknown', network: 'instagram', message });

  /** How long a container is waited for, and what it holds: a Reel takes minutes, an image seconds. */
  const waitFor = (containerId: string, request: PublishRequest) =>
    waitForContainer({
      graph,
      containerId,
      logger,
      ...(request.video ? { intervals: REEL_POLL_INTERVALS_MS, what: 'video' as const } : {}),
      ...(deps.sleep ? { sleep: deps.sleep } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
    });

  /** A Reel's container, waited for with progress: processing while Instagram has it, processed once it is ready. */
  const waitForReel = async (containerId: string, request: PublishRequest): Promise<ContainerState> => {
    request.onProgress?.({ stage: 'processing' });
    const state = await waitFor(containerId, request);
    if (state.status === 'FINISHED' || state.status === 'PUBLISHED') request.onProgress?.({ stage: 'processed' });
    return state;
  };

  /** "Before any re-publish, check whether the container is already PUBLISHED." */
  const resume = async (checkpoint: InstagramCheckpoint, request: PublishRequest): Promise<Plan> => {
    const { signal } = request;
    const state: ContainerState = request.video
      ? await waitForReel(checkpoint.containerId, request)
      : await waitFor(checkpoint.containerId, request);
    logger.info('resuming Instagram publication', {
      publicationId: request.publicationId,
      containerId: checkpoint.containerId,
      status: state.status,
    });
    const publishMayHaveHappened = checkpoint.publishRequestedAt !== undefined;

    if (state.status === 'PUBLISHED') {
      const media = await lookForPost(checkpoint, request.text, signal);
      if (media) return { kind: 'done', media };
      throw unknownOutcome(
        "Instagram reports this post as published, but Greenlight could not find it among the account's recent posts. Check the account; Greenlight will not publish it again.",
      );
    }
    if (publishMayHaveHappened) {
      const media = await lookForPost(checkpoint, request.text, signal);
      if (media) return { kind: 'done', media };
    }
    if (state.status === 'FINISHED') return { kind: 'publish', checkpoint };
    // Instagram could not process this video: a new container of the same file would fail the same way.
    if (state.status === 'ERROR' && request.video) throw reelFailed(state);
    if (state.status === 'GONE' && publishMayHaveHappened) {
      throw unknownOutcome(
        'Instagram no longer knows the prepared post from the earlier attempt, and it is not among the recent posts: check the account before retrying.',
      );
    }
    // ERROR or EXPIRED containers were never published, and a GONE one never reached media_publish.
    return { kind: 'fresh' };
  };

  /**
   * Every image Instagram will download, in order, checked first: the linked one by
   * downloading it, uploaded ones by reading their approved bytes from the media store.
   */
  const imageSources = async (request: PublishRequest): Promise<ImageSource[]> => {
    const { signal } = request;
    const uploaded = approvedImages(request, 'instagram', INSTAGRAM_CAROUSEL_MAX, {
      maxBytes: INSTAGRAM_IMAGE_LIMITS.maxBytes,
      acceptedTypes: INSTAGRAM_IMAGE_LIMITS.acceptedTypes,
    });
    const sources: ImageSource[] = [];
    if (request.mediaUrl) {
      await checkInstagramImage({
        mediaUrl: request.mediaUrl,
        logger,
        media: deps.media,
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
        ...(signal ? { signal } : {}),
      });
      sources.push({ url: request.mediaUrl, alt: null });
    }
    const checked: PublishImage[] = [];
    for (const image of uploaded) {
      const position = sources.length + checked.length + 1;
      const read = await readApprovedImage(image, position, { network: 'instagram', ...INSTAGRAM_IMAGE_LIMITS, signal });
      checkInstagramShape(read, `Image ${position}`, logger);
      checked.push(image);
    }
    for (const image of checked) sources.push({ url: await image.publicUrl!(INSTAGRAM_LINK_VALID_MS), alt: image.alt });
    return sources;
  };

  /** One image: its own container. Several: an item container each (all finished), then the carousel's. */
  const createContainerFor = async (request: PublishRequest, sources: ImageSource[]): Promise<string> => {
    const { signal } = request;
    if (sources.length === 1) return createImageContainer(graph, userId, sources[0]!.url, request.text, signal, sources[0]!.alt);
    const children: string[] = [];
    for (const [index, source] of sources.entries()) {
      const item = await createCarouselItem(graph, userId, source.url, signal, source.alt);
      const state = await waitForContainer({
        graph,
        containerId: item,
        logger,
        ...(deps.sleep ? { sleep: deps.sleep } : {}),
        ...(signal ? { signal } : {}),
      });
      if (state.status === 'ERROR') {
        throw new PublishError({
          kind: 'permanent',
          network: 'instagram',
          message: `Instagram could not prepare image ${index + 1} of the carousel${state.detail ? ` (It said: "${state.detail}")` : ''}.`,
        });
      }
      if (state.status !== 'FINISHED') {
        throw new PublishError({
          kind: 'retryable',
          network: 'instagram',
          message: `Instagram dropped image ${index + 1} of the carousel while preparing it; nothing was published, so it can be tried again.`,
        });
      }
      children.push(item);
    }
    return createCarouselContainer(graph, userId, children, request.text, signal);
  };

  const prepare = async (request: PublishRequest): Promise<Exclude<Plan, { kind: 'fresh' }>> => {
    const { signal } = request;
    const sources = await imageSources(request);
    if (sources.length === 0) {
      throw new PublishError({
        kind: 'permanent',
        network: 'instagram',
        message: 'Instagram posts need an image: add a JPEG image link to the draft.',
      });
    }
    await ensurePublishingQuota(graph, userId, logger, signal);
    // Item containers need no checkpoint: unpublished, they expire by themselves. The one
    // that can become public (the single image's, or the carousel's) is checkpointed below.
    const containerId = await createContainerFor(request, sources);
    const checkpoint: InstagramCheckpoint = { containerId, createdAt: clock.now().toISOString() };
    await saveProgress(request.saveCheckpoint, checkpoint);
    const state = await waitForContainer({
      graph,
      containerId,
      logger,
      ...(deps.sleep ? { sleep: deps.sleep } : {}),
      ...(signal ? { signal } : {}),
    });
    switch (state.status) {
      case 'FINISHED':
        return { kind: 'publish', checkpoint };
      case 'ERROR':
        throw new PublishError({
          kind: 'permanent',
          network: 'instagram',
          message: `Instagram could not prepare the post from this image${state.detail ? ` (It said: "${state.detail}")` : ''}.`,
        });
      case 'PUBLISHED': {
        const media = await lookForPost(checkpoint, request.text, signal);
        if (media) return { kind: 'done', media };
        throw unknownOutcome('Instagram reports the new post as already published: check the account before retrying.');
      }
      default:
        throw new PublishError({
          kind: 'retryable',
          network: 'instagram',
          message: `Instagram dropped the prepared post (${state.status === 'GONE' ? 'it no longer exists' : 'it expired'}); nothing was published, so it can be tried again.`,
        });
    }
  };

  /**
   * A Reel: Instagram downloads the video from Greenlight's signed link, so only the link is
   * sent; the container is checkpointed before the long wait, so a later attempt carries on
   * with it instead of making Instagram download the video again.
   */
  const prepareReel = async (request: PublishRequest, video: PublishVideo): Promise<Exclude<Plan, { kind: 'fresh' }>> => {
    const { signal } = request;
    await ensurePublishingQuota(graph, userId, logger, signal);
    let videoUrl: string;
    try {
      videoUrl = await video.publicUrl!(INSTAGRAM_VIDEO_LINK_VALID_MS);
    } catch (error) {
      throw new PublishError({
        kind: 'retryable',
        network: 'instagram',
        message: 'Greenlight could not make the link Instagram fetches the video from just now; nothing was posted.',
        cause: error,
      });
    }
    const containerId = await createReelContainer(graph, userId, videoUrl, request.text, signal);
    const checkpoint: InstagramCheckpoint = { containerId, createdAt: clock.now().toISOString() };
    await saveProgress(request.saveCheckpoint, checkpoint);
    const state = await waitForReel(containerId, request);
    switch (state.status) {
      case 'FINISHED':
        return { kind: 'publish', checkpoint };
      case 'ERROR':
      case 'EXPIRED':
        throw reelFailed(state);
      case 'PUBLISHED': {
        const media = await lookForPost(checkpoint, request.text, signal);
        if (media) return { kind: 'done', media };
        throw unknownOutcome('Instagram reports the new Reel as already published: check the account before retrying.');
      }
      default:
        throw new PublishError({
          kind: 'retryable',
          network: 'instagram',
          message: 'Instagram dropped the prepared Reel (it no longer exists); nothing was published, so it can be tried again.',
        });
    }
  };

  const publishReel = async (request: PublishRequest, video: PublishVideo): Promise<PublishResult> => {
    if (request.mediaUrl || (request.images?.length ?? 0) > 0) {
      throw new PublishError({
        kind: 'permanent',
        network: 'instagram',
        message: 'An Instagram post is either a Reel or images, not both; nothing was posted.',
      });
    }
    // Instagram takes a Reel only from a link; without PUBLIC_URL Greenlight has none to give.
    if (!video.publicUrl) throw new PublishError({ kind: 'permanent', network: 'instagram', message: NO_PUBLIC_URL_FOR_VIDEO });
    checkReel(video);
    const checkpoint = readCheckpoint(request.checkpoint);
    const resumed: Plan = checkpoint ? await resume(checkpoint, request) : { kind: 'fresh' };
    const plan = resumed.kind === 'fresh' ? await prepareReel(request, video) : resumed;
    if (plan.kind === 'done') return result(plan.media, request.signal);
    return publishContainer(request, plan.checkpoint);
  };

  const publishContainer = async (request: PublishRequest, checkpoint: InstagramCheckpoint): Promise<PublishResult> => {
    const { signal } = request;
    // From here on the post may exist: a later attempt must look before it publishes again.
    await saveProgress(request.saveCheckpoint, { ...checkpoint, publishRequestedAt: clock.now().toISOString() });
    const published = await graph.post({
      path: graphPath(userId, 'media_publish'),
      json: { creation_id: checkpoint.containerId },
      schema: Published,
      retry: false,
      ...(request.markSending ? { beforeSend: request.markSending } : {}),
      ...(signal ? { signal } : {}),
    });
    logger.info('published to Instagram', { publicationId: request.publicationId, mediaId: published.id });
    return { externalId: published.id, url: await permalinkOf(published.id, signal) };
  };

  return {
    network: 'instagram',
    rules: defaultInstagramRules,
    marksSending: true,
    publishesVideo: true,
    fetchesUploadsByLink: true,
    // The checkpoint, saved before media_publish, lets the next attempt look at the container
    // (PUBLISHED? among the recent posts?) before it publishes again, whenever that is.
    resumeAfterCrash: () => true,

    async publish(request: PublishRequest): Promise<PublishResult> {
      if (request.video) return publishReel(request, request.video);
      // Instagram fetches every image from a public link (PUBLIC_URL/media/…). Without one,
      // publishing only the linked image, or nothing, would not be what was approved, so such
      // a post is refused whole.
      if (request.images?.some((image) => !image.publicUrl)) {
        throw new PublishError({
          kind: 'permanent',
          network: 'instagram',
          message:
            'Instagram takes images only from a public link, and this Greenlight has no PUBLIC_URL to give Instagram its uploaded images from. Nothing was posted; an admin can set PUBLIC_URL, or use an image link for Instagram.',
        });
      }
      if (!request.mediaUrl && (request.images?.length ?? 0) === 0) {
        throw new PublishError({
          kind: 'permanent',
          network: 'instagram',
          message: 'Instagram posts need an image: add a JPEG image link to the draft.',
        });
      }
      const checkpoint = readCheckpoint(request.checkpoint);
      const resumed: Plan = checkpoint ? await resume(checkpoint, request) : { kind: 'fresh' };
      const plan = resumed.kind === 'fresh' ? await prepare(request) : resumed;
      if (plan.kind === 'done') return result(plan.media, request.signal);
      return publishContainer(request, plan.checkpoint);
    },

    async fetchMetrics(targets: MetricsTarget[]) {
      return fetchInstagramMetrics(
        graph,
        targets.map((t) => t.externalId),
      );
    },
  };
}

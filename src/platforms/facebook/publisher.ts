import { z } from 'zod';
import type { NetworkConfigs } from '../../config.js';
import { registerSecret } from '../../observability/redact.js';
import { createGraphClient, DEFAULT_TIMEOUT_MS, type GraphClient, type MetaPublisherDeps } from '../meta-graph/graph-client.js';
import { checkMetaToken } from '../meta-graph/config-checks.js';
import { graphPath } from '../meta-graph/version.js';
import { realSleep } from '../http/backoff.js';
import { PublishError, type MetricsTarget, type PublishRequest, type PublishResult, type Publisher } from '../publisher.js';
import { facebookRules } from '../rules/facebook.js';
import { facebookErrorVerdict } from './errors.js';
import { fetchFacebookMetrics } from './metrics.js';
import { FACEBOOK_IMAGE_LIMITS, FACEBOOK_MAX_PHOTOS, uploadPhotoBytes, uploadUnpublishedPhoto } from './photo-upload.js';
import { approvedImages, readApprovedImage } from '../approved-images.js';
import { publishPageVideo, videoUploadBase } from './video-upload.js';

export type FacebookConfig = NonNullable<NetworkConfigs['facebook']>;

export const FACEBOOK_TOKEN_SETTING = 'FACEBOOK_PAGE_TOKEN';

/**
 * Pages are limited per 24 hours by business use case (Meta's "Rate Limiting": Page calls
 * scale with the Page's engaged users), not per second; this only keeps bursts (a metrics
 * run over many posts) polite. Meta's own throttle answers pause it further.
 */
const FACEBOOK_RATE_LIMIT = { capacity: 10, refillPerSecond: 2 };

const Created = z.object({ id: z.string().min(1) });
const Permalink = z.object({ permalink_url: z.string().url() });

/**
 * Publishes to one Facebook Page with a Page access token over the Graph API by hand:
 * Meta's only Node SDK (facebook-nodejs-business-sdk) targets the Marketing API, fixes its
 * own host and transport, and is not installed; the Page endpoints are three small calls.
 */
export function createFacebookPublisher(config: FacebookConfig, deps: MetaPublisherDeps): Publisher {
  checkMetaToken(config.pageToken, FACEBOOK_TOKEN_SETTING);
  registerSecret(config.pageToken);
  const logger = deps.logger.child('facebook');
  const graph: GraphClient = createGraphClient({
    network: 'facebook',
    graphUrl: config.graphUrl,
    token: config.pageToken,
    tokenSetting: FACEBOOK_TOKEN_SETTING,
    rateLimit: FACEBOOK_RATE_LIMIT,
    specificErrors: facebookErrorVerdict,
    deps: { ...deps, logger },
  });

  /** The post's public link; a published post is never reported as failed for want of one. */
  const permalinkOf = async (postId: string, signal?: AbortSignal): Promise<string> => {
    try {
      const found = await graph.get({
        path: graphPath(postId),
        query: { fields: 'permalink_url' },
        schema: Permalink,
        retry: true,
        ...(signal ? { signal } : {}),
      });
      return found.permalink_url;
    } catch (error) {
      logger.warn('Facebook post published, but its link could not be read; using the id link', {
        postId,
        error: error instanceof Error ? error.message : String(error),
      });
      // facebook.com/{page}_{post} resolves to the post.
      return `https://www.facebook.com/${encodeURIComponent(postId)}`;
    }
  };

  /** A video post: the video itself, uploaded to the Page and published with the text as its description. */
  const publishVideo = async (request: PublishRequest): Promise<PublishResult> => {
    const video = request.video!;
    if (request.mediaUrl || (request.images?.length ?? 0) > 0) {
      throw new PublishError({
        kind: 'permanent',
        network: 'facebook',
        message: 'A Facebook post takes either a video or images, not both; nothing was posted.',
      });
    }
    const published = await publishPageVideo(video, request.text, {
      graph,
      pageId: config.pageId,
      uploadBase: videoUploadBase(config.graphUrl),
      timeoutMs: deps.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      sleep: deps.sleep ?? realSleep,
      logger,
      signal: request.signal,
      onProgress: request.onProgress,
      markSending: request.markSending,
    });
    logger.info('published a video to Facebook', { publicationId: request.publicationId, videoId: published.videoId });
    return { externalId: published.videoId, url: published.url };
  };

  return {
    network: 'facebook',
    rules: facebookRules,
    marksSending: true,
    publishesVideo: true,

    async publish(request: PublishRequest): Promise<PublishResult> {
      if (request.video) return publishVideo(request);
      const { signal } = request;
      const body: Record<string, unknown> = { message: request.text, published: true };
      // Too many photos, or one Facebook refuses, fails before anything is uploaded.
      const stored = approvedImages(request, 'facebook', FACEBOOK_MAX_PHOTOS, FACEBOOK_IMAGE_LIMITS);
      const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      const mediaFbids: string[] = [];
      if (request.mediaUrl) {
        mediaFbids.push(
          await uploadUnpublishedPhoto({
            graph,
            pageId: config.pageId,
            mediaUrl: request.mediaUrl,
            timeoutMs,
            logger,
            ...(deps.fetch ? { fetch: deps.fetch } : {}),
            media: deps.media,
            ...(signal ? { signal } : {}),
          }),
        );
      }
      // Each approved image becomes an unpublished photo, in order; only the feed post below is visible.
      for (const image of stored) {
        const read = await readApprovedImage(image, mediaFbids.length + 1, { network: 'facebook', ...FACEBOOK_IMAGE_LIMITS, signal });
        mediaFbids.push(await uploadPhotoBytes({ graph, pageId: config.pageId, image: read, alt: image.alt, timeoutMs, signal }));
      }
      if (mediaFbids.length > 0) body.attached_media = mediaFbids.map((id) => ({ media_fbid: id }));
      const created = await graph.post({
        path: graphPath(config.pageId, 'feed'),
        json: body,
        schema: Created,
        retry: false,
        ...(request.markSending ? { beforeSend: request.markSending } : {}),
        ...(signal ? { signal } : {}),
      });
      logger.info('published to Facebook', { publicationId: request.publicationId, postId: created.id });
      return { externalId: created.id, url: await permalinkOf(created.id, signal) };
    },

    async fetchMetrics(targets: MetricsTarget[]) {
      return fetchFacebookMetrics(
        graph,
        targets.map((t) => t.externalId),
      );
    },
  };
}

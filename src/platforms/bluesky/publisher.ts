import { AtpAgent, AtUri, type AppBskyFeedDefs, type BlobRef } from '@atproto/api';
import type { NetworkConfigs } from '../../config.js';
import { UserFacingError } from '../../domain/errors.js';
import type { EngagementMetrics } from '../../domain/publication.js';
import { registerSecret } from '../../observability/redact.js';
import { withRetries } from '../http/backoff.js';
import { DEFAULT_REQUEST_RETRY } from '../http/http-client.js';
import { createNetworkClient } from '../http/network-client.js';
import { fetchImage, type FetchedImage } from '../http/image-fetch.js';
import { approvedImages, readApprovedImage } from '../approved-images.js';
import type { ImageType } from '../../domain/image-format.js';
import {
  PublishError,
  type MetricsTarget,
  type PublishRequest,
  type PublishResult,
  type Publisher,
  type PublisherDeps,
} from '../publisher.js';
import { blueskyRules } from '../rules/bluesky.js';
import { classifyBlueskyError, isRecordNotFound, type BlueskyStep } from './errors.js';
import { fetchPostMetrics } from './metrics.js';
import { aspectRatio, detectFacets, POST_COLLECTION, postRecord, type EmbeddedImage, type EmbeddedVideo } from './post-record.js';
import { publicationRecordKey } from './record-key.js';
import { BlueskySession } from './session.js';
import { uploadBlueskyVideo } from './video.js';

/** The video service's URL may be left out (tests that post no video): Bluesky's own, then. */
export type BlueskyConfig = Omit<NonNullable<NetworkConfigs['bluesky']>, 'videoUrl'> & { videoUrl?: string };

export const BLUESKY_VIDEO_URL = 'https://video.bsky.app';

export type BlueskyPublisherDeps = PublisherDeps;

/**
 * `app.bsky.embed.images#image` declares `maxSize: 2000000` (2,000,000 bytes, not MiB) in
 * the lexicon shipped with @atproto/api 0.19.19; older lexicon versions and many guides
 * say 1,000,000. The PDS enforces the lexicon's figure when the post is created (not at
 * upload), so we check before uploading.
 */
export const BLUESKY_MAX_IMAGE_BYTES = 2_000_000;
/** `app.bsky.embed.images` declares `maxLength: 4` images. */
export const BLUESKY_MAX_IMAGES = 4;
const ACCEPTED_TYPES: readonly ImageType[] = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'];

const HANDLE = /^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;
const DID = /^did:[a-z]+:[a-zA-Z0-9._:%-]+$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const APP_PASSWORD = /^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/;

/** What createSession accepts: a handle (an "@" in front is fine), a DID or the account's email. */
export function normaliseIdentifier(identifier: string): string {
  const trimmed = identifier.trim();
  const handle = trimmed.replace(/^@/, '');
  if (HANDLE.test(handle) || DID.test(trimmed) || EMAIL.test(trimmed))
    return DID.test(trimmed) || EMAIL.test(trimmed) ? trimmed : handle.toLowerCase();
  throw new UserFacingError(
    'BLUESKY_IDENTIFIER must be the account’s handle (like acme.bsky.social), its DID (did:plc:…) or its email address.',
  );
}

export const postUrl = (handleOrDid: string, rkey: string) =>
  `https://bsky.app/profile/${encodeURIComponent(handleOrDid)}/post/${encodeURIComponent(rkey)}`;

/**
 * Posts to Bluesky with `@atproto/api`'s `AtpAgent`, pointed at BLUESKY_SERVICE_URL and
 * given the shared client's `fetch` (rate limiter, timeout, redacted logging, limiter
 * pause on 429). The library handles the session (refreshing expired access tokens),
 * rich-text facets and lexicon checks of the answers; errors are classified here.
 *
 * After sign-in the agent sends requests to the PDS named in the account's DID document
 * (the library's behaviour, for accounts that moved between servers); BLUESKY_SERVICE_URL
 * is where it signs in. A video goes through Bluesky's video service (BLUESKY_VIDEO_URL)
 * first, which processes it and stores it on the PDS (see video.ts).
 */
export function createBlueskyPublisher(config: BlueskyConfig, deps: BlueskyPublisherDeps): Publisher {
  const identifier = normaliseIdentifier(config.identifier);
  if (config.appPassword.trim() === '') throw new UserFacingError('BLUESKY_APP_PASSWORD must not be empty.');
  registerSecret(config.appPassword);

  const { client, clock, sleep, timeoutMs, logger } = createNetworkClient('bluesky', deps, {
    baseUrl: config.serviceUrl,
    // The PDS allows 3,000 requests per 5 minutes per IP (10 a second) and 5,000 write
    // points an hour (a post costs 3); five a second with bursts of ten stays inside both.
    rate: { capacity: 10, refillPerSecond: 5 },
  });
  if (!APP_PASSWORD.test(config.appPassword.trim())) {
    logger.warn(
      'BLUESKY_APP_PASSWORD does not look like an app password (xxxx-xxxx-xxxx-xxxx); an account password works but is not recommended',
    );
  }
  const session = new BlueskySession({ identifier, appPassword: config.appPassword, serviceUrl: config.serviceUrl }, client.fetch, logger);
  // The video service is another host with its own limits: its own client, and a library agent for its queries.
  const videoUrl = config.videoUrl ?? BLUESKY_VIDEO_URL;
  const { client: videoClient } = createNetworkClient('bluesky', deps, {
    baseUrl: videoUrl,
    rate: { capacity: 5, refillPerSecond: 2 },
    logger,
  });
  const videoAgent = new AtpAgent({ service: videoUrl, fetch: videoClient.fetch as typeof globalThis.fetch });

  const policy = { ...DEFAULT_REQUEST_RETRY, sleep, ...(deps.random ? { random: deps.random } : {}) };
  /** Runs a call that has no side effect worth fearing (reads, uploads), retrying what may be retried. */
  const withRetry = <T>(step: BlueskyStep, call: () => Promise<T>, signal?: AbortSignal): Promise<T> =>
    withRetries(
      async () => {
        try {
          return await call();
        } catch (error) {
          throw classifyBlueskyError(error, step, clock.now());
        }
      },
      {
        ...policy,
        ...(signal ? { signal } : {}),
        onRetry: ({ attempt, delayMs, error }) =>
          logger.warn('Bluesky request will be retried', { step, attempt, delayMs, error: error.message }),
      },
    );

  const signIn = () => withRetry('login', () => session.signIn());
  const requireSession = async () => {
    if (!session.agent.hasSession) await signIn();
    const did = session.did;
    const handle = session.handle;
    if (!did || !handle)
      throw new PublishError({
        kind: 'retryable',
        network: 'bluesky',
        message: 'Bluesky did not say which account signed in; try again later.',
      });
    return { did, handle };
  };

  /** The post already at our record key, if any. */
  async function existingPost(
    did: string,
    rkey: string,
    signal?: AbortSignal,
  ): Promise<{ uri: string; text: string | undefined } | undefined> {
    const found = await withRetry(
      'read',
      async () => {
        try {
          const { data } = await session.run((agent) =>
            agent.com.atproto.repo.getRecord({ repo: did, collection: POST_COLLECTION, rkey }, signal ? { signal } : {}),
          );
          return data;
        } catch (error) {
          if (isRecordNotFound(error)) return undefined; // the answer we hope for, not a failure
          throw error;
        }
      },
      signal,
    );
    if (!found) return undefined;
    const value = found.value as { text?: unknown };
    return { uri: found.uri, text: typeof value.text === 'string' ? value.text : undefined };
  }

  /** A post found at our key is ours only if it says what we were asked to publish. */
  function claimFound(
    found: { uri: string; text: string | undefined },
    request: PublishRequest,
    handle: string,
    rkey: string,
  ): PublishResult {
    if (found.text !== request.text) {
      throw new PublishError({
        kind: 'permanent',
        network: 'bluesky',
        message: `A different Bluesky post already uses this post's record key (${found.uri}); check the account before retrying.`,
      });
    }
    logger.info('Bluesky post was already published', { publication: request.publicationId, uri: found.uri });
    return { externalId: found.uri, url: postUrl(handle, rkey) };
  }

  /** Uploads bytes as a blob; an upload may be repeated: a blob no record points to is dropped by the PDS. */
  async function uploadBlob(image: FetchedImage, alt: string, signal?: AbortSignal): Promise<EmbeddedImage> {
    const { data } = await withRetry(
      'upload',
      () =>
        session.run((agent) =>
          agent.com.atproto.repo.uploadBlob(image.bytes, { encoding: image.contentType, ...(signal ? { signal } : {}) }),
        ),
      signal,
    );
    return { blob: data.blob as BlobRef, alt, aspectRatio: aspectRatio(image) };
  }

  async function uploadLinkedImage(mediaUrl: string, signal?: AbortSignal): Promise<EmbeddedImage> {
    const image = await fetchImage(mediaUrl, {
      network: 'bluesky',
      maxBytes: BLUESKY_MAX_IMAGE_BYTES,
      acceptedTypes: ACCEPTED_TYPES,
      timeoutMs,
      logger,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
      media: deps.media,
      ...(signal ? { signal } : {}),
    });
    return uploadBlob(image, '', signal);
  }

  async function publish(request: PublishRequest): Promise<PublishResult> {
    const signal = request.signal;
    // More images than the embed takes is refused before anything else happens.
    const stored = approvedImages(request, 'bluesky', BLUESKY_MAX_IMAGES, {
      maxBytes: BLUESKY_MAX_IMAGE_BYTES,
      acceptedTypes: ACCEPTED_TYPES,
    });
    if (request.video && (stored.length > 0 || request.mediaUrl?.trim())) {
      // Drafting never lets a video share a post with images; a record has one embed.
      throw new PublishError({
        kind: 'permanent',
        network: 'bluesky',
        message: 'A Bluesky post carries one video or images, not both; nothing was posted.',
      });
    }
    const { did, handle } = await requireSession();
    // The video is part of what the key stands for, like the images.
    const media = request.video ? [{ sha256: `video:${request.video.sha256}`, alt: null }] : stored;
    const rkey = publicationRecordKey(request.publicationId, request.text, request.mediaUrl, media);

    // Look before we leap: an earlier attempt whose answer was lost may have posted.
    const earlier = await existingPost(did, rkey, signal);
    if (earlier) return claimFound(earlier, request, handle, rkey);

    // Every blob is uploaded before the record, the only request that makes anything public.
    const images: EmbeddedImage[] = [];
    const mediaUrl = request.mediaUrl?.trim();
    if (mediaUrl) images.push(await uploadLinkedImage(mediaUrl, signal));
    for (const image of stored) {
      const read = await readApprovedImage(image, images.length + 1, {
        network: 'bluesky',
        maxBytes: BLUESKY_MAX_IMAGE_BYTES,
        acceptedTypes: ACCEPTED_TYPES,
        signal,
      });
      images.push(await uploadBlob(read, image.alt ?? '', signal));
    }
    let video: EmbeddedVideo | undefined;
    if (request.video) {
      const blob = await uploadBlueskyVideo(request.video, {
        session,
        videoClient,
        videoAgent,
        videoUrl,
        withRetry,
        clock,
        sleep,
        logger,
        timeoutMs,
        signal,
        onProgress: request.onProgress,
      });
      video = { blob, aspectRatio: { width: request.video.width, height: request.video.height } };
    }
    const facets = await detectFacets(request.text, session.agent);
    const record = postRecord({ text: request.text, createdAt: clock.now(), facets, images, video });

    // The library sends this through the shared client's fetch, which has no hook of its
    // own, so the mark comes just before the library call: a little early (the rate limiter
    // may still hold the request), which costs nothing as a Bluesky send resumes.
    await request.markSending?.();
    try {
      // Never retried here: the scheduler decides. The fixed rkey makes its retry safe.
      const { data } = await session.run((agent) =>
        agent.com.atproto.repo.createRecord({ repo: did, collection: POST_COLLECTION, rkey, record }, signal ? { signal } : {}),
      );
      const created = new AtUri(data.uri);
      logger.info('Bluesky post created', { publication: request.publicationId, uri: data.uri });
      return { externalId: data.uri, url: postUrl(handle, created.rkey || rkey) };
    } catch (error) {
      const failure = classifyBlueskyError(error, 'post', clock.now());
      // A taken record key answers 500, and an unknown outcome may have landed: look.
      const mayHaveLanded = failure.kind === 'unknown' || (failure.status !== undefined && failure.status >= 500);
      if (mayHaveLanded && !signal?.aborted) {
        let found: Awaited<ReturnType<typeof existingPost>>;
        try {
          found = await existingPost(did, rkey);
        } catch {
          throw failure; // could not look: the first answer stands
        }
        if (found) return claimFound(found, request, handle, rkey);
        if (failure.kind === 'unknown') {
          throw new PublishError({
            kind: 'unknown',
            network: 'bluesky',
            message: `${failure.message} Greenlight found no post yet; because it uses a fixed record key, retrying cannot post twice.`,
            cause: failure,
          });
        }
      }
      throw failure;
    }
  }

  async function init(): Promise<void> {
    try {
      await signIn();
    } catch (error) {
      // Wrong credentials should stop start-up naming the variables; Bluesky being down
      // should not stop Greenlight (it signs in again at the first post).
      if (error instanceof PublishError && error.kind === 'permanent') throw error;
      logger.warn('Could not sign in to Bluesky now; will try again at the first post', { error: (error as Error).message });
    }
  }

  async function fetchMetrics(targets: MetricsTarget[]): Promise<Map<string, EngagementMetrics>> {
    if (targets.length === 0) return new Map();
    await requireSession();
    const getPosts = async (uris: string[]): Promise<AppBskyFeedDefs.PostView[]> => {
      const { data } = await withRetry('read', () => session.run((agent) => agent.app.bsky.feed.getPosts({ uris })));
      return data.posts;
    };
    return fetchPostMetrics(targets, getPosts, logger);
  }

  return {
    network: 'bluesky',
    rules: blueskyRules,
    init,
    publish,
    fetchMetrics,
    marksSending: true,
    publishesVideo: true,
    // The record key is fixed per publication and the publisher looks it up before creating.
    resumeAfterCrash: () => true,
  };
}

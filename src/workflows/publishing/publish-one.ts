import type { Readable } from 'node:stream';
import type { ClaimedPublication, PublishOutcome, SettledPublication } from '../../../db/store.js';
import { NETWORK_LABELS, type NetworkId } from '../../domain/network.js';
import {
  PublishError,
  type PublishImage,
  type PublishProgress,
  type PublishRequest,
  type PublishVideo,
  type Publisher,
} from '../../platforms/publisher.js';
import type { PostImage, PostVideo, YouTubeDetails } from '../../domain/post.js';
import type { ByteRange } from '../../media/media-store.js';
import type { WorkflowContext } from '../context.js';
import type { DomainEvent } from '../events.js';
import { afterFailure, type RetryPolicy } from './retry-policy.js';
import { progressNews } from './progress-news.js';

export interface PublishOneOptions {
  /** Who claims (this process). */
  owner: string;
  /** How long a claim lasts without renewal; renewed every third of it while the call runs. */
  leaseMs: number;
  retry: RetryPolicy;
  /**
   * Aborted at shutdown: a call cut off after sending is an unknown outcome; one cut off
   * before (still waiting for its turn) gives its claim back.
   */
  signal?: AbortSignal;
  /** Told when the request that makes the post public is about to leave (it can no longer just be called off). */
  onSending?: () => void;
  /** Told how far a long publication has come (bytes of a video sent, the network processing it); default: the post's thread hears. */
  onProgress?: (progress: PublishProgress) => void;
}

/** The event that tells people how an attempt ended. */
export function eventFor(settled: SettledPublication, outcome: PublishOutcome['status']): DomainEvent {
  const { post, publication } = settled;
  switch (outcome) {
    case 'published':
      return { type: 'publication.published', post, publication };
    case 'held':
      return { type: 'publication.held', post, publication };
    case 'scheduled':
      return { type: 'publication.failed', post, publication, willRetry: true };
    case 'failed':
      return { type: 'publication.failed', post, publication, willRetry: false };
    case 'needs_attention':
      return { type: 'publication.needs_attention', post, publication };
  }
}

/** Claims due publications in the database (only one process can claim each). */
export async function claimDue(ctx: WorkflowContext, ids: readonly number[], options: PublishOneOptions): Promise<ClaimedPublication[]> {
  const now = ctx.clock.now();
  const claimed = await ctx.store.claimPublications(ids, {
    owner: options.owner,
    now,
    leaseUntil: new Date(now.getTime() + options.leaseMs),
  });
  // Due at its time, or at its retry time once an attempt failed.
  for (const { publication: p } of claimed)
    ctx.metrics?.publicationStarted(p.nextAttemptAt && p.nextAttemptAt > p.dueAt ? p.nextAttemptAt : p.dueAt, now);
  return claimed;
}

/** The claim was taken back (its lease ran out) before the request left: it must not leave. */
class ClaimLost extends Error {
  constructor(publicationId: number) {
    super(`the claim on publication ${publicationId} was lost before its request left`);
    this.name = 'ClaimLost';
  }
}

/** What a publisher sees when the mark could not be made: the request must not leave, and did not. */
function notSent(network: NetworkId, cause: unknown): PublishError {
  return new PublishError({
    kind: 'retryable',
    network,
    message: `Greenlight could not record that this was about to go to ${NETWORK_LABELS[network]}, so it sent nothing.`,
    cause,
  });
}

/** Why a send cut off by a crash is not sent again by itself. */
function lapsedResume(network: NetworkId): string {
  return `Greenlight stopped while this was being published, and too long has passed for ${NETWORK_LABELS[network]} to recognise a repeat, so whether it went out is unknown.`;
}

/**
 * Sends one publication this process has claimed, at most once (rule 2 in docs/architecture.md): the claim in
 * the database came first (only one process can hold it), the network gets the approved
 * revision's content, and the claim's owner records the outcome. Right before the request
 * that makes the post public leaves, the claim is marked as sending (a compare-and-set: a
 * claim taken back meanwhile sends nothing); until then it is a lease that a crash or a
 * shutdown simply gives back. A claim that already carries a mark is a send cut off by a
 * crash that its network can recognise when repeated (see `resumeAfterCrash`). Returns
 * undefined if the claim was lost or given back.
 */
export async function sendClaimed(
  ctx: WorkflowContext,
  claimed: ClaimedPublication,
  options: PublishOneOptions,
): Promise<SettledPublication | undefined> {
  const { store, clock, logger } = ctx;
  const { publication, content, checkpoint } = claimed;
  const publisher: Publisher | undefined = ctx.catalog.has(publication.network) ? ctx.catalog.publisher(publication.network) : undefined;
  const resumedFrom = publication.sendingAt;
  let sending = false;
  const markSending = async (): Promise<void> => {
    sending = true;
    options.onSending?.();
    let marked: boolean;
    try {
      marked = await store.markSending(publication.id, options.owner, clock.now());
    } catch (error) {
      throw notSent(publication.network, error);
    }
    if (!marked) throw notSent(publication.network, new ClaimLost(publication.id));
  };

  const heartbeat = setInterval(
    () => {
      void store.renewLease(publication.id, options.owner, new Date(clock.now().getTime() + options.leaseMs)).catch((error: unknown) => {
        logger.warn('could not renew a publishing claim', { publication: publication.id, error });
      });
    },
    Math.max(1000, options.leaseMs / 3),
  );
  heartbeat.unref();

  const progress = progressNews(ctx, publication);
  let outcome: PublishOutcome;
  try {
    if (!publisher) {
      outcome = { status: 'failed', error: `${NETWORK_LABELS[publication.network]} is no longer connected in this workspace.` };
    } else if (resumedFrom && !publisher.resumeAfterCrash?.(resumedFrom, clock.now())) {
      outcome = { status: 'needs_attention', error: lapsedResume(publication.network) };
    } else {
      const result = await publisher.publish({
        publicationId: publication.id,
        origin: { postId: publication.postId, revisionId: publication.revisionId },
        text: content.text,
        mediaUrl: content.mediaUrl,
        images: content.images.map((image) => publishImage(ctx, publication.network, image)),
        ...(content.video ? { video: publishVideo(ctx, publication.network, content.video) } : {}),
        ...(content.youtube && publication.network === 'youtube' ? youtubeParts(ctx, content.youtube) : {}),
        publishAt: claimed.publishAt,
        onProgress: options.onProgress ?? progress.report,
        signal: options.signal,
        checkpoint,
        saveCheckpoint: (progress) => store.saveCheckpoint(publication.id, options.owner, progress),
        markSending,
      });
      outcome = result.heldUntil
        ? { status: 'held', externalId: result.externalId, url: result.url, until: result.heldUntil }
        : { status: 'published', externalId: result.externalId, url: result.url };
    }
  } catch (error) {
    if (publisher?.marksSending && !sending && options.signal?.aborted) {
      // Shutdown while it waited for its turn: nothing left, so the claim is given back as it was.
      clearInterval(heartbeat);
      if (await store.releaseClaim(publication.id, options.owner, clock.now()).catch(() => false)) {
        logger.info('publication handed back unsent at shutdown', { publication: publication.id, network: publication.network });
      }
      return undefined;
    }
    outcome = afterFailure(error, publication.attempts, clock.now(), options.retry);
    if (resumedFrom && outcome.status === 'scheduled') {
      // The repeat was turned away, which says nothing about the send the crash cut off.
      outcome = {
        status: 'needs_attention',
        error: `Greenlight stopped while this was being published, and sending it again after the restart was turned away (${outcome.error}), so whether the first attempt went out is unknown.`,
      };
    }
    logger.warn('publishing failed', {
      post: publication.postId,
      network: publication.network,
      attempt: publication.attempts,
      outcome: outcome.status,
      error,
    });
  } finally {
    clearInterval(heartbeat);
  }
  await progress.flushed();

  const settled = await store.settlePublication(publication.id, options.owner, outcome, clock.now(), (s) =>
    ctx.news.forEvent(eventFor(s, outcome.status)),
  );
  if (!settled) {
    // The claim was lost: its lease ran out and another process took it back, repeated it or
    // marked it unknown. What the database says now is its verdict; this attempt sent nothing
    // unless it marked, and a marked claim is never given back.
    logger.error('a publishing claim was lost before its outcome was recorded', { publication: publication.id, outcome: outcome.status });
    return undefined;
  }
  await ctx.events.notify(eventFor(settled, outcome.status));
  return settled;
}

function publishImage(ctx: WorkflowContext, network: NetworkId, image: PostImage): PublishImage {
  return {
    ...image,
    open: () => openMedia(ctx, network, image.sha256, 'image'),
    ...(ctx.mediaLinks ? { publicUrl: (validForMs: number) => ctx.mediaLinks!.urlFor(image, validForMs) } : {}),
  };
}

/** The approved video, read from the media store a range at a time (never whole in memory). */
function publishVideo(ctx: WorkflowContext, network: NetworkId, video: PostVideo): PublishVideo {
  return {
    ...video,
    open: (range) => openMedia(ctx, network, video.sha256, 'video', range),
    ...(ctx.mediaLinks ? { publicUrl: (validForMs: number) => ctx.mediaLinks!.urlFor(video, validForMs) } : {}),
  };
}

function youtubeParts(ctx: WorkflowContext, youtube: YouTubeDetails): Pick<PublishRequest, 'youtube' | 'thumbnail'> {
  return { youtube, ...(youtube.thumbnail ? { thumbnail: publishImage(ctx, 'youtube', youtube.thumbnail) } : {}) };
}

/**
 * The approved bytes of an image or a video, from the media store. A file that is gone cannot come back
 * by retrying (the post fails, saying so); a store that cannot be read now may recover.
 */
async function openMedia(
  ctx: WorkflowContext,
  network: NetworkId,
  sha256: string,
  kind: 'image' | 'video',
  range?: ByteRange,
): Promise<Readable> {
  const failure = (kind: 'permanent' | 'retryable', message: string, cause?: unknown) =>
    new PublishError({ kind, network, message, cause });
  if (!ctx.mediaStore)
    throw failure('permanent', `This post has an uploaded ${kind}, but this Greenlight has no media store to read it from.`);
  let stream: Readable | undefined;
  try {
    stream = await ctx.mediaStore.open(sha256, range);
  } catch (error) {
    throw failure('retryable', `Greenlight could not read the approved ${kind} from its media store just now.`, error);
  }
  if (!stream)
    throw failure('permanent', `An approved ${kind} (${sha256.slice(0, 12)}…) is missing from the media store, so the post was not sent.`);
  return stream;
}

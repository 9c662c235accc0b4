import { z } from 'zod';
import type { Logger } from '../../observability/logger.js';
import { realSleep, type Sleep } from '../http/backoff.js';
import type { GraphClient } from '../meta-graph/graph-client.js';
import type { GraphError } from '../meta-graph/graph-error.js';
import { graphPath } from '../meta-graph/version.js';
import { PublishError } from '../publisher.js';

/**
 * A media container's `status_code` (IG Container reference):
 * IN_PROGRESS → FINISHED (ready to publish) → PUBLISHED; or ERROR; or EXPIRED (not
 * published within 24 hours).
 */
export type ContainerStatus = 'IN_PROGRESS' | 'FINISHED' | 'PUBLISHED' | 'ERROR' | 'EXPIRED' | 'GONE';

const StatusAnswer = z.object({
  status_code: z.string(),
  /** ERROR's details, e.g. "Error: Media download has failed. (2207003)". */
  status: z.string().optional(),
});

const Created = z.object({ id: z.string().regex(/^\d+$/) });

/**
 * Images are usually FINISHED at once; Meta suggests polling no more than once a minute for
 * up to five minutes, which is for video. Six polls over about a minute bound one attempt;
 * the checkpoint lets the next attempt carry on with the same container.
 */
export const CONTAINER_POLL_INTERVALS_MS = [1_000, 2_000, 5_000, 10_000, 20_000, 30_000];

/**
 * A Reel's container stays IN_PROGRESS while Instagram downloads and transcodes the video,
 * which takes minutes. Meta asks for a look no more than once a minute for up to five
 * minutes; a few quicker looks first catch a short clip, and the checkpoint lets the next
 * attempt carry on with the same container after that.
 */
export const REEL_POLL_INTERVALS_MS = [5_000, 10_000, 15_000, 30_000, 60_000, 60_000, 60_000, 60_000, 60_000];

/** Creates the container: invisible until published, so it may be retried like an upload. */
export async function createImageContainer(
  graph: GraphClient,
  userId: string,
  imageUrl: string,
  caption: string,
  signal?: AbortSignal,
  altText?: string | null,
): Promise<string> {
  return createContainer(graph, userId, { image_url: imageUrl, caption, ...(altText ? { alt_text: altText } : {}) }, signal);
}

/**
 * A Reel (IG User Media reference): `media_type=REELS` with the link Instagram downloads the
 * video from, the caption, and `share_to_feed` so the Reel shows in the feed as well as in
 * the Reels tab, as a video post made in the app does.
 */
export const createReelContainer = (
  graph: GraphClient,
  userId: string,
  videoUrl: string,
  caption: string,
  signal?: AbortSignal,
): Promise<string> => createContainer(graph, userId, { media_type: 'REELS', video_url: videoUrl, caption, share_to_feed: true }, signal);

/** One image of a carousel: a container of its own, marked as an item, without a caption, with its alt text (images take `alt_text` since March 2025). */
export const createCarouselItem = (
  graph: GraphClient,
  userId: string,
  imageUrl: string,
  signal?: AbortSignal,
  altText?: string | null,
): Promise<string> =>
  createContainer(graph, userId, { image_url: imageUrl, is_carousel_item: true, ...(altText ? { alt_text: altText } : {}) }, signal);

/** The carousel itself: its finished item containers in order, and the caption. This is what gets published. */
export const createCarouselContainer = (
  graph: GraphClient,
  userId: string,
  children: readonly string[],
  caption: string,
  signal?: AbortSignal,
): Promise<string> => createContainer(graph, userId, { media_type: 'CAROUSEL', children: children.join(','), caption }, signal);

async function createContainer(graph: GraphClient, userId: string, body: Record<string, unknown>, signal?: AbortSignal): Promise<string> {
  try {
    const created = await graph.post({
      path: graphPath(userId, 'media'),
      json: body,
      schema: Created,
      retry: true,
      unreadable: 'retryable',
      ...(signal ? { signal } : {}),
    });
    return created.id;
  } catch (error) {
    // At worst an unpublished container was left behind; it expires by itself in 24 hours.
    if (error instanceof PublishError && error.kind === 'unknown') {
      throw new PublishError({
        kind: 'retryable',
        network: 'instagram',
        message: `Preparing the Instagram post did not complete; nothing was published, so it can be tried again. (${error.message})`,
        cause: error,
      });
    }
    throw error;
  }
}

export interface ContainerState {
  status: ContainerStatus;
  detail: string | undefined;
}

/** Reads the status; a container Meta no longer knows (deleted, long expired) is GONE. */
export async function readContainer(graph: GraphClient, containerId: string, signal?: AbortSignal): Promise<ContainerState> {
  let refusal: GraphError | undefined;
  try {
    const answer = await graph.get({
      path: graphPath(containerId),
      query: { fields: 'status_code,status' },
      schema: StatusAnswer,
      retry: true,
      onGraphError: (error) => (refusal = error),
      ...(signal ? { signal } : {}),
    });
    const known = ['IN_PROGRESS', 'FINISHED', 'PUBLISHED', 'ERROR', 'EXPIRED'];
    // A status this code does not know yet is treated as "not ready": polling is bounded.
    const status = (known.includes(answer.status_code) ? answer.status_code : 'IN_PROGRESS') as ContainerStatus;
    return { status, detail: answer.status };
  } catch (error) {
    if (error instanceof PublishError && refusal?.code === 100) return { status: 'GONE', detail: undefined };
    throw error;
  }
}

/** Polls until the container leaves IN_PROGRESS, within `intervals` (default `CONTAINER_POLL_INTERVALS_MS`, for images). */
export async function waitForContainer(args: {
  graph: GraphClient;
  containerId: string;
  logger: Logger;
  sleep?: Sleep;
  signal?: AbortSignal;
  intervals?: readonly number[];
  /** What Instagram is preparing, for the messages. */
  what?: 'image' | 'video';
}): Promise<ContainerState> {
  const sleep = args.sleep ?? realSleep;
  const what = args.what ?? 'image';
  let state = await readContainer(args.graph, args.containerId, args.signal);
  for (const interval of args.intervals ?? CONTAINER_POLL_INTERVALS_MS) {
    if (state.status !== 'IN_PROGRESS') return state;
    args.logger.debug('Instagram container still processing', { containerId: args.containerId, nextCheckMs: interval });
    try {
      await sleep(interval, args.signal);
    } catch (error) {
      throw new PublishError({
        kind: 'retryable',
        network: 'instagram',
        message: `Publishing to Instagram was cancelled while it prepared the ${what}; nothing was published.`,
        cause: error,
      });
    }
    state = await readContainer(args.graph, args.containerId, args.signal);
  }
  if (state.status !== 'IN_PROGRESS') return state;
  throw new PublishError({
    kind: 'retryable',
    network: 'instagram',
    retryAfterMs: 60_000,
    message: `Instagram is still processing the ${what}; nothing was published yet, and Greenlight will carry on with it next time.`,
  });
}

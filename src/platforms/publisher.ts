import type { Readable } from 'node:stream';
import type { NetworkId } from '../domain/network.js';
import type { PostImage, PostVideo, YouTubeDetails } from '../domain/post.js';
import type { EngagementMetrics } from '../domain/publication.js';
import type { Clock } from '../domain/clock.js';
import { UserFacingError } from '../domain/errors.js';
import type { Logger } from '../observability/logger.js';
import type { Sleep } from './http/backoff.js';
import type { FetchLike } from './http/http-client.js';
import type { NetworkRules } from './rules/types.js';
import type { MediaLinkPolicy } from '../domain/media-links.js';

/** An approved image as a publisher gets it: what it is, and its bytes, read from the media store. */
export interface PublishImage extends PostImage {
  /** A fresh stream of exactly the approved bytes each call (a retry reads them again). */
  open(): Promise<Readable>;
  /**
   * A link the network can fetch the bytes from, valid for `validForMs`: for networks that
   * take media only by URL (Instagram). Absent without PUBLIC_URL.
   */
  publicUrl?: (validForMs: number) => Promise<string>;
}

/**
 * An approved video as a publisher gets it (issue 15). Never whole in memory: publishers read
 * it in ranges (chunked and resumable uploads) or hand the network a link to it.
 */
export interface PublishVideo extends PostVideo {
  /** A fresh stream of the approved bytes from `start` (inclusive) to `end` (exclusive; default the end). */
  open(range?: { start?: number; end?: number }): Promise<Readable>;
  /** A link the network can fetch the file from (Instagram Reels); absent without PUBLIC_URL. */
  publicUrl?: (validForMs: number) => Promise<string>;
}

/** How far a long publication has come, for the post's thread (uploads longer than a few seconds). */
export type PublishProgress =
  | { stage: 'uploading'; bytesSent: number; totalBytes: number }
  | { stage: 'processing' }
  | { stage: 'processed' };

export interface PublishRequest {
  /** Stable per (post, network): used for idempotency keys and deterministic record keys. */
  publicationId: number;
  /** The post and revision this publication comes from (for records such as the sandbox's). */
  origin?: { postId: number; revisionId: number };
  /** The text this network gets: its own variant where the author wrote one. */
  text: string;
  mediaUrl: string | null;
  /** Uploaded images in order, each with its alt text and a way to read its bytes (absent: none). */
  images?: readonly PublishImage[];
  /** The approved video, when the post has one (then it has no images). */
  video?: PublishVideo;
  /** YouTube's own approved fields (title, tags, privacy …), when the post goes to YouTube. */
  youtube?: YouTubeDetails;
  /** YouTube's custom thumbnail with its bytes, when the author gave one. */
  thumbnail?: PublishImage;
  /**
   * The approved time (null: as soon as approved). A network that can schedule on its side
   * (YouTube's `publishAt`) is called ahead of it; every other network is called at the time.
   */
  publishAt?: Date | null;
  /** Says how far the publication has come; cheap to call often (the caller throttles). */
  onProgress?: (progress: PublishProgress) => void;
  /** Aborts the call (shutdown). An abort after the request was sent is an unknown outcome. */
  signal?: AbortSignal;
  /** Progress an earlier attempt of this same publication saved (e.g. Instagram's container id). */
  checkpoint?: Record<string, unknown> | null;
  /**
   * Saves progress durably before a step whose outcome could be unknown, so a later attempt
   * can look before it leaps (Instagram: is the container already PUBLISHED?).
   */
  saveCheckpoint?: (progress: Record<string, unknown>) => Promise<void>;
  /**
   * Call right before the request that makes the post public leaves, after the rate limiter
   * let it go (the HTTP client's `beforeSend`): it records durably that this publication may
   * now be public. Until then a crash only gives the claim back. Throws when the claim was
   * lost meanwhile: then the request must not leave.
   */
  markSending?: () => Promise<void>;
}

export interface PublishResult {
  externalId: string;
  /** Public link to the post on the network. */
  url: string;
  /**
   * Set when the network holds the post until this time and then publishes it by itself
   * (see `schedulesOnNetwork`): it is not public yet. `publish` is called once more at that
   * time, with the checkpoint it saved, to confirm it went public.
   */
  heldUntil?: Date;
}

export interface MetricsTarget {
  externalId: string;
  url: string | null;
  publishedAt: Date;
}

/** A network's daily allowance of posts: what it grants, what one post costs, and when it starts again. */
export interface DailyQuota {
  /** Units a day (YouTube: 10,000 unless Google granted more). */
  unitsPerDay: number;
  /** What one post costs (YouTube's upload: 1,600; checking and publishing it costs a few more). */
  unitsPerPost: number;
  /** When the day's allowance is back, after `now` (YouTube: midnight Pacific). */
  resetsAfter(now: Date): Date;
}

/** What every network's publisher factory takes besides its configuration. */
export interface PublisherDeps {
  logger: Logger;
  clock?: Clock;
  /** Replaces global fetch (tests, proxies). */
  fetch?: FetchLike;
  /** Which image links may be downloaded; default: https on the public internet only. */
  media?: MediaLinkPolicy;
  /** One request attempt (and one image download); default 30 s. */
  timeoutMs?: number;
  sleep?: Sleep;
  random?: () => number;
}

/**
 * One social network behind one interface. Publishers know nothing of chat or of the
 * database; the scheduler claims a publication before it calls `publish`.
 */
export interface Publisher {
  readonly network: NetworkId;
  /** May change after `init` (Mastodon reads its instance's limit). */
  readonly rules: NetworkRules;
  /** A daily allowance the network counts posts against (YouTube's Data API quota), when it has one. */
  readonly quota?: DailyQuota;
  /** Called once at start-up; may read limits from the network. */
  init?(): Promise<void>;
  /**
   * True when `publish` calls `request.markSending()` before every request that can make the
   * post public, and before no other step that could. Then a claim left by a crash without
   * that mark never reached the network and is simply taken back. A publisher that does not
   * say so gets the safe reading: every crashed claim is an unknown outcome.
   */
  readonly marksSending?: boolean;
  /**
   * True when `publish` takes `request.video`. A network whose rules take videos but whose
   * publisher does not yet is offered no video (the catalog turns its video rules off), so
   * nothing approved ever reaches a publisher that would drop the video.
   */
  readonly publishesVideo?: boolean;
  /**
   * True when the network takes uploaded media only by fetching it from a link Greenlight
   * serves (Instagram): without PUBLIC_URL the catalog offers it no uploads at all.
   */
  readonly fetchesUploadsByLink?: boolean;
  /**
   * True when the network itself can hold this post until a time (YouTube's `status.publishAt`,
   * which only makes a video public, not unlisted): then `publish` is called as soon as the
   * post is approved, with `request.publishAt`, and returns `heldUntil`; the network makes it
   * public on time even if Greenlight is down. Such a publisher also has `withdraw`, for a
   * post cancelled or edited before its time.
   */
  schedulesOnNetwork?(content: { youtube: YouTubeDetails | null }): boolean;
  /**
   * Keeps a post that waits on the network (see `schedulesOnNetwork`) from ever going public:
   * YouTube's video is kept private with its publish time cleared. Throws `PublishError`.
   */
  withdraw?(externalId: string): Promise<void>;
  /**
   * Whether a send cut off by a crash (its request left at `sendingAt`) may be sent again at
   * `now` without risking a second post, because the network recognises the repeat (an
   * idempotency key still remembered, a fixed record key, a checkpointed container). Absent
   * means never: such a send waits for a person.
   */
  resumeAfterCrash?(sendingAt: Date, now: Date): boolean;
  /** Throws `PublishError` on failure. */
  publish(request: PublishRequest): Promise<PublishResult>;
  /** Figures keyed by external id; a post the network no longer knows is left out. */
  fetchMetrics(targets: MetricsTarget[]): Promise<Map<string, EngagementMetrics>>;
}

/**
 * - retryable: the network did not take the post (429, 5xx, its transient codes); try again after `retryAfterMs`
 * - permanent: the network refused the post for good (duplicate, bad token, policy)
 * - unknown: the request may have reached the network (timeout after send, connection reset):
 *   never retry blindly; a person checks the account first
 */
export type FailureKind = 'retryable' | 'permanent' | 'unknown';

export class PublishError extends UserFacingError {
  readonly kind: FailureKind;
  readonly network: NetworkId;
  readonly retryAfterMs: number | undefined;
  readonly status: number | undefined;
  constructor(args: {
    kind: FailureKind;
    network: NetworkId;
    /** Words a marketer understands: "X refused this post as duplicate content". */
    message: string;
    retryAfterMs?: number;
    status?: number;
    cause?: unknown;
  }) {
    super(args.message, { cause: args.cause });
    this.name = 'PublishError';
    this.kind = args.kind;
    this.network = args.network;
    this.retryAfterMs = args.retryAfterMs;
    this.status = args.status;
  }
}

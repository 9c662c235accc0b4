import type { NetworkId } from './network.js';

/**
 * One post on one network. At most one row per (post, network) exists, and it is claimed
 * in the database before its network is called (rule 2 in docs/architecture.md).
 *
 * - scheduled: waiting for `dueAt`
 * - publishing: claimed by `claimOwner` until `leaseUntil`, waiting for its network's turn;
 *   once `sendingAt` is set, the request that makes it public has left (or is leaving)
 * - held: on the network already, which makes it public at `dueAt` by itself (YouTube's
 *   `publishAt`: uploaded private ahead of time); `externalId` and `url` are set. At `dueAt` it
 *   is claimed once more to confirm it went public. Cancelling it first keeps it private.
 * - published: done, `externalId` and `url` are set
 * - failed: the network refused it for good (or retries ran out); an approver may retry
 * - needs_attention: the outcome is unknown (timeout, crash mid-call); never retried blindly
 * - missed: it fell due while Greenlight was not running and is later than the grace period
 *   allows; it is not published late without a person deciding (publish now, or reschedule)
 * - cancelled: the post was edited, cancelled or rejected before this went out
 */
export const PUBLICATION_STATUSES = [
  'scheduled',
  'publishing',
  'held',
  'published',
  'failed',
  'needs_attention',
  'missed',
  'cancelled',
] as const;

export type PublicationStatus = (typeof PUBLICATION_STATUSES)[number];

export interface Publication {
  id: number;
  postId: number;
  revisionId: number;
  network: NetworkId;
  status: PublicationStatus;
  dueAt: Date;
  claimOwner: string | null;
  leaseUntil: Date | null;
  attempts: number;
  nextAttemptAt: Date | null;
  externalId: string | null;
  url: string | null;
  lastError: string | null;
  /**
   * When the request that makes the post public was about to leave, while that request's
   * outcome is open (publishing) or unknown (needs_attention); null otherwise. A claim
   * without it is only a lease: nothing of it can have reached the network.
   */
  sendingAt: Date | null;
  publishedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Engagement figures normalised across networks; null where a network gives no figure (never an estimate). */
export interface EngagementMetrics {
  likes: number | null;
  comments: number | null;
  shares: number | null;
  impressions: number | null;
  clicks: number | null;
  saves: number | null;
}

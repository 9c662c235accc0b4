import type { PostStatus } from '../domain/post.js';

/**
 * The post state machine. Every state change goes through `canMove`, so a transition
 * that is not listed here cannot happen, whoever asks.
 *
 *   draft ─submit→ pending ─approve→ approved ─(all published)→ published
 *                    │  ├─request changes→ changes_requested ─edit→ pending
 *                    │  ├─reject→ rejected
 *                    │  └─time passes→ expired ─approve now / reschedule→ pending|approved
 *   any open state ─cancel→ cancelled;  any open state ─edit→ pending (new revision)
 */
const MOVES: Record<PostStatus, readonly PostStatus[]> = {
  draft: ['pending', 'draft', 'cancelled'],
  pending: ['approved', 'changes_requested', 'rejected', 'cancelled', 'expired', 'pending'],
  changes_requested: ['pending', 'cancelled'],
  approved: ['published', 'pending', 'cancelled'],
  expired: ['approved', 'pending', 'cancelled'],
  rejected: [],
  cancelled: [],
  published: [],
};

export function canMove(from: PostStatus, to: PostStatus): boolean {
  return MOVES[from].includes(to);
}

/** States in which the author may still edit (which always makes a new revision). */
export const EDITABLE: readonly PostStatus[] = ['draft', 'pending', 'changes_requested', 'approved', 'expired'];

/** States that are over: nothing more will happen to the post. */
export const FINAL: readonly PostStatus[] = ['rejected', 'cancelled', 'published'];

/** How a status reads in a sentence: "Post #4 is …". */
export const STATUS_PHRASES: Record<PostStatus, string> = {
  draft: 'a draft that was not submitted',
  pending: 'waiting for approval',
  changes_requested: 'waiting for the author to make changes',
  approved: 'approved',
  rejected: 'rejected',
  cancelled: 'cancelled',
  expired: 'expired: its publish time passed before it was approved',
  published: 'published',
};

export const STATUS_LABELS: Record<PostStatus, string> = {
  draft: 'Draft',
  pending: 'Waiting for approval',
  changes_requested: 'Changes requested',
  approved: 'Approved',
  rejected: 'Rejected',
  cancelled: 'Cancelled',
  expired: 'Expired',
  published: 'Published',
};

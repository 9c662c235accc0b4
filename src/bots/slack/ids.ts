/**
 * The ids Slack echoes back to us: action ids on buttons, callback ids on dialogs, block ids
 * on inputs, and the small values buttons carry. One place, so listeners and builders agree.
 */
import { z } from 'zod';

export const ACTION = {
  approve: 'gl_approve',
  requestChanges: 'gl_request_changes',
  reject: 'gl_reject',
  editDraft: 'gl_edit_draft',
  cancelPost: 'gl_cancel_post',
  fullText: 'gl_full_text',
  /** Every image of a post with its whole alt text. */
  images: 'gl_images',
  /** Link buttons (open the card) still send an action; it is acknowledged and ignored. */
  openLink: 'gl_open_link',
  /** Typing in the draft text / changing networks: refreshes the live limits. */
  draftChanged: 'gl_draft_changed',
  /** Publishing: value `postId:publicationId`. */
  retry: 'gl_retry',
  markPublished: 'gl_mark_published',
  /** After expiry or downtime: value `postId:revisionId`. */
  approveNow: 'gl_approve_now',
  publishNow: 'gl_publish_now',
  reschedule: 'gl_reschedule',
} as const;

export const CALLBACK = {
  draft: 'gl_draft',
  /** The draft dialog's second step: alt text for each uploaded image. */
  draftImages: 'gl_draft_images',
  /** The draft dialog's video step: the video received and checked, then submitted. */
  draftVideo: 'gl_draft_video',
  decisionComment: 'gl_decision_comment',
  fullText: 'gl_full_text',
  images: 'gl_images',
  reschedule: 'gl_reschedule',
} as const;

export const BLOCK = {
  text: 'text',
  networks: 'networks',
  publishAt: 'publish_at',
  mediaUrl: 'media_url',
  /** The draft dialog's file_input (uploaded images or one video). */
  files: 'files',
  /** `variant_<network>`: that network's own text. */
  variantPrefix: 'variant_',
  /** `alt_<n>`: image n's alt text, in the second step. */
  altPrefix: 'alt_',
  limits: 'limits',
  comment: 'comment',
  cardActions: 'card_actions',
} as const;

/** The one action id inside each input block. */
export const INPUT_ACTION = 'value';

/** A button's value: which post, at which revision (decisions bind to the revision shown). */
export interface PostRef {
  postId: number;
  revisionId: number;
}

export const encodeRef = (ref: PostRef): string => `${ref.postId}:${ref.revisionId}`;

const RefSchema = z
  .string()
  .regex(/^\d+:\d+$/)
  .transform((v) => {
    const [postId, revisionId] = v.split(':').map(Number);
    return { postId: postId!, revisionId: revisionId! };
  });

export function decodeRef(value: unknown): PostRef | undefined {
  const parsed = RefSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** A publishing button's value: which publication of which post. */
export function decodePublicationRef(value: unknown): { postId: number; publicationId: number } | undefined {
  const pair = decodeRef(value);
  return pair && { postId: pair.postId, publicationId: pair.revisionId };
}

/**
 * Why an image was not stored, in the author's words (rule 7 in docs/architecture.md). The chat layer shows
 * `userMessage` next to the field and keeps the draft; `reason` lets it decide what else to
 * do (offer a retry after a timeout, say), and `cause` keeps the system's own error for logs.
 *
 * Every message is built here, so the wording is the same whether the bytes came from Slack,
 * Teams or anywhere else, and a limit is always named with the setting that raises it.
 */
import { UserFacingError } from '../domain/errors.js';
import { IMAGE_TYPE_NAMES, type ImageType } from '../domain/image-format.js';
import { formatMegabytes } from '../domain/megabytes.js';

export type MediaRejectionReason =
  /** Over MEDIA_MAX_MB, declared up front or counted while arriving. */
  | 'too_large'
  /** Not a JPEG, PNG, GIF or WebP by its first bytes (or empty), whatever its name or Content-Type says. */
  | 'not_an_image'
  /** Not an MP4 or MOV whose movie description can be read (no video track, cut short, another format). */
  | 'not_a_video'
  /** Starts like an image, but the header that holds its size is cut off or broken. */
  | 'damaged'
  /** The bytes stopped coming (the sender went away or cancelled). */
  | 'interrupted'
  /** A download did not start, or did not finish, in time. */
  | 'timeout'
  /** A download was answered with an error, refused (a redirect to http), or could not connect. */
  | 'download_failed'
  /** The disk under MEDIA_DIR is full (or the quota is used up). */
  | 'disk_full'
  /** Any other failure to write the file. */
  | 'storage_failed';

/** Error codes a full disk shows as: no space left, or the user's quota reached. */
const FULL_DISK_CODES = new Set(['ENOSPC', 'EDQUOT']);

export class MediaRejected extends UserFacingError {
  readonly reason: MediaRejectionReason;

  constructor(reason: MediaRejectionReason, userMessage: string, options?: { cause?: unknown }) {
    super(userMessage, options);
    this.name = 'MediaRejected';
    this.reason = reason;
  }

  /** `size` when it is known (a declared Content-Length); otherwise the file was counted past the limit. */
  static tooLarge(maxBytes: number, size?: number, what: 'image' | 'video' = 'image'): MediaRejected {
    const limit = formatMegabytes(maxBytes, 'down');
    const actual = size === undefined ? `larger than ${limit}` : formatMegabytes(size, 'up');
    const setting = what === 'video' ? 'VIDEO_MAX_MB' : 'MEDIA_MAX_MB';
    return new MediaRejected('too_large', `That file is ${actual}; ${what}s can be at most ${limit} (${setting}).`);
  }

  static notAnImage(empty = false): MediaRejected {
    return new MediaRejected(
      'not_an_image',
      empty ? 'That file is empty.' : 'That file is not a JPEG, PNG, GIF or WebP image, whatever its name says.',
    );
  }

  static damaged(type: ImageType): MediaRejected {
    return new MediaRejected(
      'damaged',
      `That file starts like a ${IMAGE_TYPE_NAMES[type]} image, but it is cut off or damaged, so its size cannot be read; save it again and retry.`,
    );
  }

  static interrupted(cause: unknown): MediaRejected {
    return new MediaRejected('interrupted', 'The image stopped arriving before it was complete; try again.', { cause });
  }

  /** A failure of the disk under the store, worded for the author with a pointer for the admin. */
  static storing(cause: unknown): MediaRejected {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    if (code && FULL_DISK_CODES.has(code)) {
      return new MediaRejected(
        'disk_full',
        'Greenlight’s storage for images is full, so the image was not kept; try again once an admin has freed space (MEDIA_DIR).',
        { cause },
      );
    }
    return new MediaRejected(
      'storage_failed',
      'Greenlight could not save the image because of a problem on its server; try again, and tell an admin if it keeps happening.',
      { cause },
    );
  }
}

/**
 * How far an X video upload has come, saved so that a later attempt of the same publication
 * (after a crash, a rate limit, a processing that outlasted the wait) carries on with the same
 * media id instead of sending the whole video again (issue 15).
 *
 * Nothing in an upload is public, so a checkpoint that cannot be used (unreadable, for other
 * bytes, expired) is simply ignored: the next attempt starts a new upload, which is safe.
 */
import { saveOrStop } from '../checkpoint-save.js';
import { z } from 'zod';
import type { PublishRequest } from '../publisher.js';

export const X_VIDEO_CHECKPOINT_KEY = 'xVideo';

/**
 * A media id closer than this to its expiry is not carried on: the segments left, X's
 * processing and the post all have to fit before X forgets it.
 */
export const X_VIDEO_RESUME_MARGIN_MS = 15 * 60_000;

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

const XVideoProgress = z.object({
  mediaId: z.string().regex(/^\d+$/),
  /** The approved video it is for: a checkpoint is never applied to other bytes. */
  sha256,
  bytes: z.number().int().positive(),
  /** The segment size the upload was cut in; segments counted in another size mean other bytes. */
  segmentBytes: z.number().int().positive(),
  /** When X forgets the media id (INITIALIZE's or FINALIZE's `expires_after_secs`). */
  expiresAt: z.string().datetime({ offset: true }),
  /** Segments X acknowledged, from index 0. */
  segmentsDone: z.number().int().nonnegative(),
  /** sha256 of the bytes X acknowledged (the first `segmentsDone` segments), to check the store still has them. */
  sentSha256: sha256,
  /** FINALIZE answered: only X's processing is left. */
  finalized: z.boolean(),
});

export type XVideoProgress = z.infer<typeof XVideoProgress>;

const Saved = z.object({ [X_VIDEO_CHECKPOINT_KEY]: XVideoProgress });

/** The sha256 of no bytes: what an upload has sent before its first segment. */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export type EarlierUpload = { usable: XVideoProgress } | { ignored: string } | undefined;

/** An earlier attempt's upload of this very video that can still be carried on, or why not. */
export function readXVideoCheckpoint(
  raw: Record<string, unknown> | null | undefined,
  video: { sha256: string; bytes: number },
  segmentBytes: number,
  now: Date,
): EarlierUpload {
  if (!raw || !(X_VIDEO_CHECKPOINT_KEY in raw)) return undefined;
  const parsed = Saved.safeParse(raw);
  if (!parsed.success) return { ignored: 'unreadable' };
  const saved = parsed.data[X_VIDEO_CHECKPOINT_KEY];
  if (saved.sha256 !== video.sha256 || saved.bytes !== video.bytes) return { ignored: 'for other bytes' };
  if (saved.segmentBytes !== segmentBytes || saved.segmentsDone > Math.ceil(video.bytes / segmentBytes))
    return { ignored: 'cut in other segments' };
  if (Date.parse(saved.expiresAt) - now.getTime() < X_VIDEO_RESUME_MARGIN_MS) return { ignored: 'expired' };
  return { usable: saved };
}

/** Saves progress before the next step; a failure stops the upload there, for a later attempt. */
export function saveXVideoProgress(save: PublishRequest['saveCheckpoint'], progress: XVideoProgress): Promise<void> {
  return saveOrStop(
    save,
    { [X_VIDEO_CHECKPOINT_KEY]: { ...progress } },
    {
      network: 'x',
      message:
        'Greenlight could not record how far the video upload to X had come, so it stopped before going further; nothing was posted, it will try again.',
    },
  );
}

/**
 * The media id Mastodon gave an uploaded video, saved as soon as `POST /api/v2/media` answered,
 * so that a later attempt of the same publication (after a crash, or a transcoding that
 * outlasted the wait) looks at that attachment instead of uploading the video again (issue 15).
 * Mastodon's upload is one request, so there is nothing partial to carry on.
 *
 * Nothing is public until the status, so a checkpoint that cannot be used (unreadable, for other
 * bytes) is ignored: the next attempt uploads again, which is safe.
 */
import { saveOrStop } from '../checkpoint-save.js';
import { z } from 'zod';
import type { PublishRequest } from '../publisher.js';

export const MASTODON_VIDEO_CHECKPOINT_KEY = 'mastodonVideo';

const MastodonVideoUpload = z.object({
  mediaId: z.string().min(1),
  /** The approved video it holds: a checkpoint is never applied to other bytes. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().positive(),
});

export type MastodonVideoUpload = z.infer<typeof MastodonVideoUpload>;

const Saved = z.object({ [MASTODON_VIDEO_CHECKPOINT_KEY]: MastodonVideoUpload });

/** The attachment an earlier attempt uploaded of this very video, or why it is not used. */
export function readMastodonVideoCheckpoint(
  raw: Record<string, unknown> | null | undefined,
  video: { sha256: string; bytes: number },
): { usable: MastodonVideoUpload } | { ignored: string } | undefined {
  if (!raw || !(MASTODON_VIDEO_CHECKPOINT_KEY in raw)) return undefined;
  const parsed = Saved.safeParse(raw);
  if (!parsed.success) return { ignored: 'unreadable' };
  const saved = parsed.data[MASTODON_VIDEO_CHECKPOINT_KEY];
  if (saved.sha256 !== video.sha256 || saved.bytes !== video.bytes) return { ignored: 'for other bytes' };
  return { usable: saved };
}

/** Saves the attachment before waiting on it; a failure stops here, for a later attempt. */
export function saveMastodonVideoUpload(save: PublishRequest['saveCheckpoint'], upload: MastodonVideoUpload): Promise<void> {
  return saveOrStop(
    save,
    { [MASTODON_VIDEO_CHECKPOINT_KEY]: { ...upload } },
    {
      network: 'mastodon',
      message:
        'Greenlight could not record the video it uploaded to Mastodon, so it stopped before going further; nothing was posted, it will try again.',
    },
  );
}

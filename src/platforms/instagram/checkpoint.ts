import { saveOrStop } from '../checkpoint-save.js';
import { z } from 'zod';
import { PublishError, type PublishRequest } from '../publisher.js';

/**
 * What an Instagram attempt saves before each step whose outcome could be unknown:
 * the container it created, when, and whether it went on to call `media_publish`.
 */
const InstagramCheckpointSchema = z.object({
  containerId: z.string().regex(/^\d+$/),
  /** ISO instant the container was created; published media cannot be older. */
  createdAt: z.string().datetime({ offset: true }),
  /** Set just before `media_publish`: from then on the post may exist. */
  publishRequestedAt: z.string().datetime({ offset: true }).optional(),
});

export type InstagramCheckpoint = z.infer<typeof InstagramCheckpointSchema>;

/**
 * An earlier attempt's progress, or null when there was none. A checkpoint that exists but
 * cannot be read is an unknown outcome: that attempt may have published.
 */
export function readCheckpoint(raw: Record<string, unknown> | null | undefined): InstagramCheckpoint | null {
  if (!raw || Object.keys(raw).length === 0) return null;
  const parsed = InstagramCheckpointSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new PublishError({
    kind: 'unknown',
    network: 'instagram',
    message:
      "Greenlight's record of an earlier Instagram attempt could not be read, so that attempt may have published: check the account before retrying.",
    cause: parsed.error,
  });
}

/** Saves progress; failing to save means we must stop before doing anything visible. */
export function saveProgress(save: PublishRequest['saveCheckpoint'], checkpoint: InstagramCheckpoint): Promise<void> {
  return saveOrStop(
    save,
    { ...checkpoint },
    {
      network: 'instagram',
      message: 'Greenlight could not record its progress with Instagram, so it stopped before publishing; nothing was posted.',
    },
  );
}

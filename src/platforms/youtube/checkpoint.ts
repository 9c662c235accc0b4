import { saveOrStop } from '../checkpoint-save.js';
import { z } from 'zod';
import { PublishError, type PublishRequest } from '../publisher.js';

const instant = z.string().datetime({ offset: true });

/**
 * What a YouTube attempt saves, so the next attempt carries on instead of uploading again:
 * the resumable session (saved before the first byte is sent), the moment a request carrying
 * the last byte was about to leave (from then on the video may exist), and the video once
 * YouTube made it.
 */
const YouTubeCheckpointSchema = z.object({
  sessionUri: z.string().url(),
  /** The approved video the session is for; a checkpoint is never applied to other bytes. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  totalBytes: z.number().int().positive(),
  startedAt: instant,
  finalChunkAt: instant.optional(),
  videoId: z.string().min(1).optional(),
  thumbnailSet: z.boolean().optional(),
});

export type YouTubeCheckpoint = z.infer<typeof YouTubeCheckpointSchema>;

const unknown = (message: string, cause?: unknown) => new PublishError({ kind: 'unknown', network: 'youtube', message, cause });

/**
 * An earlier attempt's progress, or null when there was none. One that exists but cannot be
 * read, or that is for other bytes, is an unknown outcome: that attempt may have made a video.
 */
export function readCheckpoint(
  raw: Record<string, unknown> | null | undefined,
  video: { sha256: string; bytes: number },
): YouTubeCheckpoint | null {
  if (!raw || Object.keys(raw).length === 0) return null;
  const parsed = YouTubeCheckpointSchema.safeParse(raw);
  if (!parsed.success) {
    throw unknown(
      "Greenlight's record of an earlier YouTube upload could not be read, so that upload may have made a video: check the channel in YouTube Studio before retrying.",
      parsed.error,
    );
  }
  if (parsed.data.sha256 !== video.sha256 || parsed.data.totalBytes !== video.bytes) {
    throw unknown(
      'An earlier YouTube upload of this post was of a different file, so it may have made a video: check the channel in YouTube Studio before retrying.',
    );
  }
  return parsed.data;
}

/** Saves progress before a step that needs it; failing to save stops the attempt before that step. */
export function saveProgress(save: PublishRequest['saveCheckpoint'], checkpoint: YouTubeCheckpoint): Promise<void> {
  return saveOrStop(
    save,
    { ...checkpoint },
    {
      network: 'youtube',
      message:
        'Greenlight could not record its progress with the YouTube upload, so it stopped before going further; nothing was published.',
    },
  );
}

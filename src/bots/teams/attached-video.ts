/**
 * A video attached in the chat with Greenlight, taken into the media store from OneDrive's
 * pre-authorised link (no token: see attached-media.ts), read as it streams and described from
 * the file itself once complete (MP4 or MOV, its length, size and dimensions). It may take
 * minutes, so it runs after the turn has been answered (after-turn.ts).
 */
import type { PostVideo } from '../../domain/post.js';
import { downloadVideo } from '../../media/media-download.js';
import { MediaRejected } from '../../media/media-rejected.js';
import type { MediaLimits, MediaStore } from '../../media/media-store.js';
import type { AttachedVideo } from './attached-media.js';

/** Until OneDrive's answer starts, and for the whole file. */
export const VIDEO_HEADERS_TIMEOUT_MS = 15_000;
export const VIDEO_TIMEOUT_MS = 30 * 60_000;

export type ReceivedVideo = { ok: true; video: PostVideo } | { ok: false; message: string };

/** The store words a few of its refusals for an image; those are said for a video here. */
function videoMessage(error: MediaRejected): string {
  switch (error.reason) {
    case 'interrupted':
      return 'The video stopped arriving before it was complete; send it again.';
    case 'disk_full':
      return 'Greenlight’s storage for media is full, so the video was not kept; try again once an admin has freed space (MEDIA_DIR).';
    case 'storage_failed':
      return 'Greenlight could not save the video because of a problem on its server; try again, and tell an admin if it keeps happening.';
    default:
      return error.userMessage;
  }
}

/** Downloads `attached` into `store` and describes it; a problem in words for the person otherwise. */
export async function receiveTeamsVideo(
  attached: AttachedVideo,
  store: MediaStore,
  limits: MediaLimits,
  options: { allowHttp: boolean; onBytes?: (received: number, total: number | null) => void },
): Promise<ReceivedVideo> {
  try {
    const stored = await downloadVideo(attached.url, store, {
      token: '',
      limits,
      headersTimeoutMs: VIDEO_HEADERS_TIMEOUT_MS,
      timeoutMs: VIDEO_TIMEOUT_MS,
      allowHttp: options.allowHttp,
      ...(options.onBytes ? { onBytes: options.onBytes } : {}),
    });
    const { sha256, bytes, container, durationSeconds, width, height, videoCodec, audioCodec } = stored;
    return { ok: true, video: { sha256, bytes, container, durationSeconds, width, height, videoCodec, audioCodec, name: attached.name } };
  } catch (error) {
    if (error instanceof MediaRejected) return { ok: false, message: videoMessage(error) };
    throw error;
  }
}

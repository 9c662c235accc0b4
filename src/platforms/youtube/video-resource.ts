import type { youtube_v3 } from '@googleapis/youtube';
import type { PublishRequest } from '../publisher.js';
import type { YouTubeDetails } from '../../domain/post.js';

/**
 * How far ahead the approved time must be for YouTube to hold the video until then. YouTube
 * refuses a `publishAt` that is not in the future, and one a moment away could have passed by
 * the time the upload finishes; such a post simply goes out now, as approved.
 */
export const SCHEDULE_AHEAD_MIN_MS = 2 * 60_000;

/** Whether YouTube itself will make the video public at the approved time (it waits as private until then). */
export function schedulesOnYouTube(
  youtube: Pick<YouTubeDetails, 'privacy'>,
  publishAt: Date | null | undefined,
  now: Date,
): publishAt is Date {
  return youtube.privacy === 'public' && publishAt instanceof Date && publishAt.getTime() - now.getTime() > SCHEDULE_AHEAD_MIN_MS;
}

/**
 * The video's details as videos.insert takes them (parts `snippet` and `status`): exactly the
 * approved title, description (the post text), tags, category, privacy and made-for-kids.
 * A public video for later waits as private with `publishAt`, the only way YouTube schedules;
 * YouTube cannot schedule an unlisted one, so that goes up unlisted at once.
 */
export function videoResource(
  request: Pick<PublishRequest, 'text' | 'publishAt'> & { youtube: YouTubeDetails },
  now: Date,
): youtube_v3.Schema$Video {
  const { youtube } = request;
  const scheduled = schedulesOnYouTube(youtube, request.publishAt, now);
  return {
    snippet: {
      title: youtube.title.trim(),
      description: request.text,
      ...(youtube.tags.length ? { tags: youtube.tags } : {}),
      categoryId: youtube.categoryId,
    },
    status: {
      privacyStatus: scheduled ? 'private' : youtube.privacy,
      ...(scheduled ? { publishAt: request.publishAt!.toISOString() } : {}),
      selfDeclaredMadeForKids: youtube.madeForKids,
    },
  };
}

export const watchUrl = (videoId: string) => `https://www.youtube.com/watch?v=${encodeURIComponent(videoId)}`;

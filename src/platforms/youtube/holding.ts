import type { youtube_v3 } from '@googleapis/youtube';
import type { YouTubeDetails } from '../../domain/post.js';
import { PublishError } from '../publisher.js';
import type { YouTubeClient } from './client.js';
import { schedulesOnYouTube } from './video-resource.js';

/**
 * Changes a video's privacy (and publish time) with videos.update. That call replaces the
 * whole status part, resetting what is not sent, so the rest of the status (made for kids,
 * licence, embedding) is sent back as it was. Without `publishAt` the publish time is cleared.
 */
export async function updatePrivacy(
  client: YouTubeClient,
  videoId: string,
  current: youtube_v3.Schema$VideoStatus,
  change: { privacyStatus: 'private' | 'public'; publishAt?: string },
  signal?: AbortSignal,
): Promise<void> {
  const kept: youtube_v3.Schema$VideoStatus = {};
  if (typeof current.embeddable === 'boolean') kept.embeddable = current.embeddable;
  if (current.license) kept.license = current.license;
  if (typeof current.publicStatsViewable === 'boolean') kept.publicStatsViewable = current.publicStatsViewable;
  if (typeof current.selfDeclaredMadeForKids === 'boolean') kept.selfDeclaredMadeForKids = current.selfDeclaredMadeForKids;
  if (typeof current.containsSyntheticMedia === 'boolean') kept.containsSyntheticMedia = current.containsSyntheticMedia;
  await client.call(
    'videos.update',
    (api, options) => api.videos.update({ part: ['status'], requestBody: { id: videoId, status: { ...kept, ...change } } }, options),
    { retry: true, ...(signal ? { signal } : {}) },
  );
}

/**
 * After the upload, or when Greenlight looks again at the approved time: brings the video's
 * visibility in line with what was approved, and says whether YouTube still holds it.
 *
 * - approved public for later: held as private with `publishAt` at the approved time (moved
 *   there if the video waits for another time);
 * - approved public now (or its time has come): public, made so now if it still waits;
 * - approved unlisted: as uploaded.
 *
 * A video someone made private on YouTube (no publish time) is left alone: a person chose that.
 */
export async function settleVisibility(
  client: YouTubeClient,
  args: {
    videoId: string;
    youtube: YouTubeDetails;
    publishAt: Date | null | undefined;
    status: youtube_v3.Schema$VideoStatus;
    signal?: AbortSignal | undefined;
  },
): Promise<{ heldUntil?: Date }> {
  const { videoId, youtube, status, signal } = args;
  if (youtube.privacy !== 'public' || status.privacyStatus === 'public' || status.privacyStatus === 'unlisted') return {};
  if (status.privacyStatus !== 'private') return {};
  const now = client.clock.now();
  if (!status.publishAt) {
    throw new PublishError({
      kind: 'permanent',
      network: 'youtube',
      message: `The video (${videoId}) is private on YouTube and no longer scheduled: someone changed it in YouTube Studio, so Greenlight leaves it as it is.`,
    });
  }
  if (schedulesOnYouTube(youtube, args.publishAt, now)) {
    const approved = args.publishAt.toISOString();
    if (new Date(status.publishAt).getTime() !== args.publishAt.getTime()) {
      await updatePrivacy(client, videoId, status, { privacyStatus: 'private', publishAt: approved }, signal);
      client.logger.info('YouTube video moved to the approved time', { videoId, publishAt: approved });
    }
    return { heldUntil: args.publishAt };
  }
  // The approved time has come (or was brought forward): YouTube's own publishAt is later,
  // or YouTube is late, so it is made public now, as approved.
  await updatePrivacy(client, videoId, status, { privacyStatus: 'public' }, signal);
  client.logger.info('YouTube video made public at the approved time', { videoId, scheduledFor: status.publishAt });
  return {};
}

/**
 * What a Reel needs beyond an image post (issue 15): Instagram takes a video only as a link it
 * downloads from (`video_url`), so Greenlight hands it a signed link to the approved file
 * under PUBLIC_URL, and refuses what Instagram would refuse anyway before anything is sent.
 */
import { formatMegabytes } from '../../domain/megabytes.js';
import { PublishError, type PublishVideo } from '../publisher.js';
import { defaultInstagramRules } from '../rules/instagram.js';
import type { ContainerState } from './container.js';

/**
 * How long Instagram may fetch the video from its link: it downloads it while the container is
 * IN_PROGRESS, which for a long Reel on a busy day can take a while; a later attempt that
 * carries on with the same container needs no new link, and a new container gets a new one.
 */
export const INSTAGRAM_VIDEO_LINK_VALID_MS = 2 * 60 * 60_000;

export const NO_PUBLIC_URL_FOR_VIDEO =
  'Instagram takes videos only from a public link, and this Greenlight has no PUBLIC_URL to give Instagram the video from. Nothing was posted; an admin can set PUBLIC_URL, then retry.';

const fail = (message: string) => new PublishError({ kind: 'permanent', network: 'instagram', message });

/** The container and the size, as Instagram's Reels rules say; the draft was checked against the same rules. */
export function checkReel(video: PublishVideo): void {
  if (video.container !== 'mp4' && video.container !== 'mov') {
    throw fail(`Instagram takes Reels as MP4 or MOV; this video is ${String(video.container).toUpperCase()}. Nothing was posted.`);
  }
  const rules = 'rules' in defaultInstagramRules.media.video ? defaultInstagramRules.media.video.rules : undefined;
  if (rules && video.bytes > rules.maxBytes) {
    throw fail(
      `The video is ${formatMegabytes(video.bytes, 'up')}; Instagram takes Reels up to ${formatMegabytes(rules.maxBytes, 'down')}. Nothing was posted.`,
    );
  }
}

/** A Reel's container that ended in ERROR or EXPIRED, in plain words with Instagram's own status text. */
export function reelFailed(state: ContainerState): PublishError {
  const said = state.detail?.replace(/\s+/g, ' ').trim();
  const quoted = said ? ` (Instagram said: "${said}")` : '';
  if (state.status === 'EXPIRED') {
    return fail(
      `Instagram let the prepared Reel expire before it could be published${quoted}, so nothing was posted. Retry to send the video to Instagram again.`,
    );
  }
  return fail(
    `Instagram could not process the video${quoted}, so nothing was posted. Instagram takes Reels as MP4 or MOV with H.264 or HEVC video and AAC sound, 3 seconds to 15 minutes long; export the video again in that format and upload it.`,
  );
}

import type { PublishVideo } from './publisher.js';
import { PublishError } from './publisher.js';
import type { NetworkRules } from './rules/types.js';
import { videoViolations } from './rules/violations.js';

/**
 * A publisher's own guard before a byte of a video goes: what its network's video rules refuse
 * anyway (format, codecs, length, size, shape). Drafting checked the same rules, so this only
 * fires when the rules changed after approval (Mastodon's instance limits) or the store gives
 * something else; then nothing is sent and a person hears why.
 */
export function checkApprovedVideo(video: PublishVideo, rules: NetworkRules): void {
  const problems = videoViolations(rules.network, rules.media.video, video).map((v) => v.message);
  if (video.bytes < 1) problems.push('the video is empty');
  if (problems.length)
    throw new PublishError({ kind: 'permanent', network: rules.network, message: `${problems.join('; ')}. Nothing was posted.` });
}

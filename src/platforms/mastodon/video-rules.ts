import { NETWORK_LABELS } from '../../domain/network.js';
import type { NetworkRules, PostContent, RuleViolation, VideoSupport } from '../rules/types.js';
import { videoViolations } from '../rules/violations.js';
import type { InstanceLimits, VideoType } from './instance.js';

const CONTAINERS: Record<VideoType, 'mp4' | 'mov'> = { 'video/mp4': 'mp4', 'video/quicktime': 'mov' };

/**
 * Mastodon's rules with the instance's own video limits (`video_size_limit`, the video types it
 * lists), read in `init` like its character limit: a draft is checked against what this
 * instance takes, so a video it would refuse is never approved for it.
 */
export function withInstanceVideo(rules: NetworkRules, limits: Pick<InstanceLimits, 'videoSizeLimit' | 'videoTypes'>): NetworkRules {
  const stock = rules.media.video;
  if ('none' in stock) return rules;
  const containers = limits.videoTypes.map((type) => CONTAINERS[type]);
  const label = NETWORK_LABELS[rules.network];
  const video: VideoSupport =
    containers.length > 0
      ? { rules: { ...stock.rules, maxBytes: limits.videoSizeLimit, containers } }
      : { none: `This ${label} instance takes no MP4 or MOV videos; choose images or leave ${label} out.` };
  return Object.freeze({
    ...rules,
    media: Object.freeze({ ...rules.media, video }),
    validate: (content: PostContent): RuleViolation[] => [
      ...rules.validate({ ...content, video: null }),
      ...(content.video ? videoViolations(rules.network, video, content.video) : []),
    ],
  });
}

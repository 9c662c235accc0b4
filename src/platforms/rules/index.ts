import type { NetworkId } from '../../domain/network.js';
import type { NetworkRules } from './types.js';
import { blueskyRules } from './bluesky.js';
import { facebookRules } from './facebook.js';
import { defaultInstagramRules } from './instagram.js';
import { linkedinRules } from './linkedin.js';
import { defaultMastodonRules } from './mastodon.js';
import { pinterestRules } from './pinterest.js';
import { sandboxRules } from './sandbox.js';
import { xRules } from './x.js';
import { youtubeRules } from './youtube.js';

export type { ContentImage, ContentVideo, MediaRules, NetworkRules, PostContent, RuleViolation, TextUsage } from './types.js';
export { blueskyRules, BLUESKY_MAX_BYTES } from './bluesky.js';
export { facebookRules } from './facebook.js';
export { defaultInstagramRules, instagramRules, type InstagramLimits } from './instagram.js';
export { linkedinRules } from './linkedin.js';
export { defaultMastodonRules, mastodonRules, type MastodonLimits } from './mastodon.js';
export { pinterestRules } from './pinterest.js';
export { sandboxRules } from './sandbox.js';
export { xRules } from './x.js';
export {
  youtubeRules,
  youtubeTitleProblems,
  youtubeTagsLength,
  YOUTUBE_DESCRIPTION_MAX_BYTES,
  YOUTUBE_TITLE_MAX,
  YOUTUBE_TAGS_MAX,
} from './youtube.js';

/**
 * Each network's rules as shipped. Mastodon's are stock Mastodon's until its publisher
 * has read the instance's real limits (`mastodonRules(...)`) at start-up.
 */
export const defaultRules: Readonly<Record<NetworkId, NetworkRules>> = Object.freeze({
  sandbox: sandboxRules,
  x: xRules,
  linkedin: linkedinRules,
  facebook: facebookRules,
  instagram: defaultInstagramRules,
  pinterest: pinterestRules,
  mastodon: defaultMastodonRules,
  bluesky: blueskyRules,
  youtube: youtubeRules,
});

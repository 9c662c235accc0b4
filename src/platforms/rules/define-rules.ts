import type { NetworkId } from '../../domain/network.js';
import type { MediaRules, NetworkRules, PostContent, RuleViolation, TextUsage } from './types.js';
import { hasMedia, mediaViolations, needsImage, needsVideo, textTooLong, videoViolations } from './violations.js';

/** What most networks take: a few images of any common format, any shape. */
export const ALL_IMAGE_FORMATS = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] as const;

export interface RulesDefinition {
  network: NetworkId;
  limit: number;
  /** Shown to people next to the count. */
  unit: string;
  requiresMedia: boolean;
  /** Videos only (YouTube): a draft needs a video; images and image links are not taken. */
  videoOnly?: boolean;
  /** How many images, which formats and shapes it takes. */
  media: MediaRules;
  /** The text's size the way the network counts it. */
  count(text: string): number;
  /** Network-specific checks beyond length and media, e.g. Instagram's hashtag cap. */
  extraChecks?(content: PostContent): RuleViolation[];
}

/**
 * Builds a network's rules from how it counts: the length check and the image checks
 * are the same everywhere, so each network file only says what differs.
 */
export function defineRules(definition: RulesDefinition): NetworkRules {
  const { network, limit, unit, requiresMedia, media, count, extraChecks } = definition;
  const videoOnly = definition.videoOnly ?? false;
  const measure = (text: string): TextUsage => ({ used: count(text), limit, unit });
  return Object.freeze({
    network,
    limit,
    requiresMedia,
    videoOnly,
    media: Object.freeze({ ...media, formats: Object.freeze([...media.formats]) }),
    measure,
    validate(content: PostContent): RuleViolation[] {
      const violations: RuleViolation[] = [];
      const usage = measure(content.text);
      if (usage.used > limit) violations.push(textTooLong(network, usage));
      if (extraChecks) violations.push(...extraChecks(content));
      if (videoOnly && !content.video) violations.push(needsVideo(network));
      else if (requiresMedia && !hasMedia(content)) violations.push(needsImage(network));
      violations.push(...mediaViolations(network, media, content.images ?? []));
      if (content.video) violations.push(...videoViolations(network, media.video, content.video));
      return violations;
    },
  });
}

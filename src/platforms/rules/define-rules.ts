import type { NetworkId } from '../../domain/network.js';
import type { NetworkRules, PostContent, RuleViolation, TextUsage } from './types.js';
import { hasMedia, needsImage, textTooLong } from './violations.js';

export interface RulesDefinition {
  network: NetworkId;
  limit: number;
  /** Shown to people next to the count. */
  unit: string;
  requiresMedia: boolean;
  /** The text's size the way the network counts it. */
  count(text: string): number;
  /** Network-specific checks beyond length and media, e.g. Instagram's hashtag cap. */
  extraChecks?(content: PostContent): RuleViolation[];
}

/**
 * Builds a network's rules from how it counts: the length check and the image check
 * are the same everywhere, so each network file only says what differs.
 */
export function defineRules(definition: RulesDefinition): NetworkRules {
  const { network, limit, unit, requiresMedia, count, extraChecks } = definition;
  const measure = (text: string): TextUsage => ({ used: count(text), limit, unit });
  return Object.freeze({
    network,
    limit,
    requiresMedia,
    measure,
    validate(content: PostContent): RuleViolation[] {
      const violations: RuleViolation[] = [];
      const usage = measure(content.text);
      if (usage.used > limit) violations.push(textTooLong(network, usage));
      if (extraChecks) violations.push(...extraChecks(content));
      if (requiresMedia && !hasMedia(content)) violations.push(needsImage(network));
      return violations;
    },
  });
}

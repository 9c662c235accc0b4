import { NETWORK_LABELS, type NetworkId } from '../../domain/network.js';
import type { PostContent, RuleViolation, TextUsage } from './types.js';

const numbers = new Intl.NumberFormat('en-US');

/** "X: 312 of 280 characters" */
export function textTooLong(network: NetworkId, usage: TextUsage): RuleViolation {
  return {
    network,
    field: 'text',
    message: `${NETWORK_LABELS[network]}: ${numbers.format(usage.used)} of ${numbers.format(usage.limit)} ${usage.unit}`,
  };
}

/** "Instagram: 31 hashtags, at most 30" */
export function tooMany(network: NetworkId, what: string, count: number, max: number): RuleViolation {
  return {
    network,
    field: 'text',
    message: `${NETWORK_LABELS[network]}: ${numbers.format(count)} ${what}, at most ${numbers.format(max)}`,
  };
}

/** "Instagram needs an image" */
export function needsImage(network: NetworkId): RuleViolation {
  return { network, field: 'mediaUrl', message: `${NETWORK_LABELS[network]} needs an image` };
}

export function hasMedia(content: PostContent): boolean {
  return content.mediaUrl !== null && content.mediaUrl.trim() !== '';
}

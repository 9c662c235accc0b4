import { NETWORK_LABELS, type NetworkId } from '../../domain/network.js';
import type { NetworkRules } from '../../platforms/rules/types.js';

/** One network a suggestion is written for, with its budget as the network counts it. */
export interface CaptionTarget {
  network: NetworkId;
  label: string;
  limit: number;
  unit: string;
  /** Size of `text` as the network counts it. */
  measure(text: string): number;
}

/**
 * A suggestion must also fit the chat's text field (`fieldMaxChars`; Slack's holds 3,000
 * characters), or "Use this" could not put it there whole; for Facebook's 63,206 that is the
 * real limit.
 */
export function captionTarget(rules: NetworkRules, fieldMaxChars: number | null): CaptionTarget {
  const capped = fieldMaxChars !== null && rules.limit > fieldMaxChars;
  return {
    network: rules.network,
    label: NETWORK_LABELS[rules.network],
    limit: capped ? fieldMaxChars : rules.limit,
    unit: capped ? 'characters' : rules.measure('').unit,
    // Capped: both counts must fit, the network's and the text field's characters.
    measure: capped ? (text) => Math.max(rules.measure(text).used, Array.from(text).length) : (text) => rules.measure(text).used,
  };
}

/** How far over its target's limit a text is (0 when it fits). */
export function overshoot(target: CaptionTarget, text: string): number {
  return Math.max(0, target.measure(text) - target.limit);
}

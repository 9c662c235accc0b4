import type { NetworkId } from '../../domain/network.js';

/** What a network is asked to publish. */
export interface PostContent {
  text: string;
  mediaUrl: string | null;
}

/** A rule a draft breaks on one network, phrased for the author: "X: 312 of 280 characters". */
export interface RuleViolation {
  network: NetworkId;
  /** The draft field the author has to change. */
  field: 'text' | 'mediaUrl';
  message: string;
}

/** How much of a network's text budget a text uses, counted the way that network counts. */
export interface TextUsage {
  used: number;
  limit: number;
  /** Shown to people: "characters", "weighted characters", "graphemes". */
  unit: string;
}

/** One network's publishing rules: pure, no I/O, safe to call on every keystroke-sized change. */
export interface NetworkRules {
  readonly network: NetworkId;
  /** Text budget, counted by `measure`. */
  readonly limit: number;
  readonly requiresMedia: boolean;
  measure(text: string): TextUsage;
  validate(content: PostContent): RuleViolation[];
}

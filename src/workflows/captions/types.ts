import type { NetworkId } from '../../domain/network.js';

export const TONES = ['professional', 'friendly', 'playful'] as const;
export type Tone = (typeof TONES)[number];
export const DEFAULT_TONE: Tone = 'professional';

export function isTone(value: unknown): value is Tone {
  return typeof value === 'string' && (TONES as readonly string[]).includes(value);
}

/** What the author asks for: their draft's text, the networks chosen, a tone. Nothing else is sent. */
export interface CaptionRequest {
  text: string;
  networks: NetworkId[];
  tone: Tone;
  /** The chat's text field limit (see CaptionInput), or null. */
  fieldMaxChars: number | null;
}

/** One suggestion, counted by its network's rules. */
export interface CaptionSuggestion {
  /** Unique and unguessable: `<batch>.<n>`; what a "Use this" button carries. */
  id: string;
  network: NetworkId;
  text: string;
  used: number;
  limit: number;
  unit: string;
  /** Still too long after one regeneration, so cut at a word boundary. */
  shortened: boolean;
}

/** The suggestions for one request, kept server-side so chat buttons only carry an id. */
export interface CaptionBatch {
  id: string;
  ownerId: number;
  createdAt: Date;
  tone: Tone;
  suggestions: CaptionSuggestion[];
}

export type CaptionOutcome =
  | { ok: true; batch: CaptionBatch }
  /** Something the author can fix in the dialog (no text, no network): shown as it is. */
  | { ok: false; kind: 'input'; message: string }
  /** The model could not help: shown as "Suggestions unavailable: <reason>". */
  | { ok: false; kind: 'unavailable'; reason: string };

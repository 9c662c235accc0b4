import { isNetworkId, type NetworkId } from '../../domain/network.js';
import type { NetworkCatalog } from '../../platforms/catalog.js';
import { DEFAULT_TONE, isTone, type CaptionRequest } from './types.js';

/** What a dialog holds when the author asks for suggestions, as raw as it arrives. */
export interface CaptionInput {
  text: string;
  networks: readonly string[];
  tone?: string | null;
  /**
   * The most characters the chat's text field holds (Slack's: 3,000), so "Use this" can put a
   * suggestion there whole; absent when the field has no limit of its own.
   */
  fieldMaxChars?: number;
}

export type CaptionRequestCheck = { ok: true; request: CaptionRequest } | { ok: false; message: string };

/**
 * Is there something to suggest from? Pure, so a dialog can answer at once instead of
 * showing "Writing suggestions…" for a request that cannot be made.
 */
export function checkCaptionRequest(input: CaptionInput, catalog: NetworkCatalog): CaptionRequestCheck {
  const text = input.text.trim();
  if (!text) return { ok: false, message: 'Write a first version of the text, then ask for suggestions: they start from your draft.' };
  const networks = [...new Set(input.networks)].filter((n): n is NetworkId => isNetworkId(n) && catalog.has(n));
  if (!networks.length)
    return { ok: false, message: 'Choose at least one network, then ask for suggestions: they are written for each network.' };
  return {
    ok: true,
    request: { text, networks, tone: isTone(input.tone) ? input.tone : DEFAULT_TONE, fieldMaxChars: input.fieldMaxChars ?? null },
  };
}

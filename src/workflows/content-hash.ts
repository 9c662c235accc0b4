import { createHash } from 'node:crypto';
import type { NetworkId } from '../domain/network.js';

/**
 * What an approval is an approval of (DESIGN rule 1): the text as it will be published,
 * the networks, the image. Text is NFC-normalised so an invisible re-encoding is not a
 * "change"; network order does not matter; any real edit changes the hash.
 */
export function contentHash(content: { text: string; networks: readonly NetworkId[]; mediaUrl: string | null }): string {
  const canonical = JSON.stringify({
    text: content.text.normalize('NFC'),
    networks: [...new Set(content.networks)].sort(),
    mediaUrl: content.mediaUrl,
  });
  return createHash('sha256').update(canonical).digest('hex');
}

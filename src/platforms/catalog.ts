import { NETWORK_IDS, NETWORK_LABELS, type NetworkId } from '../domain/network.js';
import type { Publisher } from './publisher.js';
import type { NetworkRules, PostContent, RuleViolation } from './rules/types.js';

/** The networks this deployment can publish to: the sandbox plus every configured network. */
export interface NetworkCatalog {
  /** Offered to authors, in a stable order (sandbox first). */
  available(): NetworkId[];
  has(network: string): network is NetworkId;
  rules(network: NetworkId): NetworkRules;
  publisher(network: NetworkId): Publisher;
}

/**
 * The rules a draft is checked with for a publisher that does not (yet) publish videos:
 * the network's own, with its video support turned off, so a video is refused next to the
 * field instead of being approved and then dropped or failed at publishing time.
 */
export function withoutVideo(rules: NetworkRules): NetworkRules {
  const none = `Greenlight does not publish videos to ${NETWORK_LABELS[rules.network]} yet; choose images or leave ${NETWORK_LABELS[rules.network]} out.`;
  const media = Object.freeze({ ...rules.media, video: { none } });
  return Object.freeze({
    ...rules,
    media,
    validate: (content: PostContent): RuleViolation[] => [
      ...rules.validate({ ...content, video: null }),
      ...(content.video ? [{ network: rules.network, field: 'images' as const, message: none }] : []),
    ],
  });
}

export function createCatalog(publishers: readonly Publisher[]): NetworkCatalog {
  const byId = new Map(publishers.map((p) => [p.network, p] as const));
  const rulesOf = (publisher: Publisher): NetworkRules => (publisher.publishesVideo || 'none' in publisher.rules.media.video ? publisher.rules : withoutVideo(publisher.rules));
  const order = NETWORK_IDS.filter((id) => byId.has(id));
  const get = (network: NetworkId): Publisher => {
    const publisher = byId.get(network);
    if (!publisher) throw new Error(`network ${network} is not configured`);
    return publisher;
  };
  return {
    available: () => [...order],
    has: (network: string): network is NetworkId => byId.has(network as NetworkId),
    // Read each time: a publisher's rules may change after `init` (Mastodon's instance limits).
    rules: (network) => rulesOf(get(network)),
    publisher: get,
  };
}

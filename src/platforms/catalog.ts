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

/**
 * The rules for a network that fetches uploads from Greenlight's links (Instagram) when there
 * is no PUBLIC_URL to serve them from: uploaded images and videos are refused next to the
 * field when drafting, instead of failing once approved. An image link still works.
 */
export function withoutUploads(rules: NetworkRules): NetworkRules {
  const label = NETWORK_LABELS[rules.network];
  const message = `${label} takes uploaded images and videos only when Greenlight has a PUBLIC_URL (${label} fetches them by link): ask an admin to set it, or give an image link.`;
  return Object.freeze({
    ...rules,
    media: Object.freeze({ ...rules.media, video: { none: message } }),
    validate: (content: PostContent): RuleViolation[] => {
      const uploads = (content.images?.length ?? 0) > 0 || !!content.video;
      const own = rules.validate({ ...content, images: [], video: null });
      return uploads
        ? [...own.filter((v) => v.field !== 'mediaUrl' || content.mediaUrl), { network: rules.network, field: 'images', message }]
        : own;
    },
  });
}

export interface CatalogOptions {
  /** PUBLIC_URL is set: Greenlight serves signed links to uploads (networks that fetch by link need them). */
  mediaLinks?: boolean;
}

export function createCatalog(publishers: readonly Publisher[], options: CatalogOptions = {}): NetworkCatalog {
  const byId = new Map(publishers.map((p) => [p.network, p] as const));
  const rulesOf = (publisher: Publisher): NetworkRules => {
    const rules = publisher.publishesVideo || 'none' in publisher.rules.media.video ? publisher.rules : withoutVideo(publisher.rules);
    // Checked only when said: tests and tools that build a catalog by hand keep the network's own rules.
    return publisher.fetchesUploadsByLink && options.mediaLinks === false ? withoutUploads(rules) : rules;
  };
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

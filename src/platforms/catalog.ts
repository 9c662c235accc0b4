import { NETWORK_IDS, type NetworkId } from '../domain/network.js';
import type { Publisher } from './publisher.js';
import type { NetworkRules } from './rules/types.js';

/** The networks this deployment can publish to: the sandbox plus every configured network. */
export interface NetworkCatalog {
  /** Offered to authors, in a stable order (sandbox first). */
  available(): NetworkId[];
  has(network: string): network is NetworkId;
  rules(network: NetworkId): NetworkRules;
  publisher(network: NetworkId): Publisher;
}

export function createCatalog(publishers: readonly Publisher[]): NetworkCatalog {
  const byId = new Map(publishers.map((p) => [p.network, p] as const));
  const order = NETWORK_IDS.filter((id) => byId.has(id));
  const get = (network: NetworkId): Publisher => {
    const publisher = byId.get(network);
    if (!publisher) throw new Error(`network ${network} is not configured`);
    return publisher;
  };
  return {
    available: () => [...order],
    has: (network: string): network is NetworkId => byId.has(network as NetworkId),
    rules: (network) => get(network).rules,
    publisher: get,
  };
}

import type { NetworkId } from '../../src/domain/network.js';
import type { EngagementMetrics } from '../../src/domain/publication.js';
import type { MetricsTarget, PublishRequest, PublishResult, Publisher } from '../../src/platforms/publisher.js';
import { defaultRules } from '../../src/platforms/rules/index.js';

/**
 * A publisher with a network's real rules that records instead of calling the network:
 * for workflow tests that are about approval, not about any network's API.
 */
export class RecordingPublisher implements Publisher {
  readonly rules;
  readonly published: PublishRequest[] = [];
  constructor(readonly network: NetworkId) {
    this.rules = defaultRules[network];
  }
  async publish(request: PublishRequest): Promise<PublishResult> {
    this.published.push(request);
    return { externalId: `${this.network}-${request.publicationId}`, url: `https://${this.network}.example/${request.publicationId}` };
  }
  async fetchMetrics(targets: MetricsTarget[]): Promise<Map<string, EngagementMetrics>> {
    return new Map(targets.map((t) => [t.externalId, { likes: 1, comments: 0, shares: 0, impressions: 10, clicks: null, saves: null }]));
  }
}

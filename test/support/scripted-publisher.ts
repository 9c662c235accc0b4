import type { NetworkId } from '../../src/domain/network.js';
import type { EngagementMetrics } from '../../src/domain/publication.js';
import type { MetricsTarget, PublishRequest, PublishResult, Publisher } from '../../src/platforms/publisher.js';
import { defaultRules } from '../../src/platforms/rules/index.js';

type Step = { ok: true } | { error: Error } | { hang: true };

/**
 * A publisher with a network's real rules whose next answers a test scripts: success, a
 * PublishError of any kind, or a call that never returns. With nothing scripted it succeeds.
 * Every call is recorded, so a test can count sends.
 */
export class ScriptedPublisher implements Publisher {
  readonly rules;
  readonly calls: PublishRequest[] = [];
  readonly #script: Step[] = [];
  metrics = new Map<string, EngagementMetrics>();
  metricsError: Error | undefined;

  constructor(readonly network: NetworkId) {
    this.rules = defaultRules[network];
  }

  next(...steps: Step[]): this {
    this.#script.push(...steps);
    return this;
  }

  async publish(request: PublishRequest): Promise<PublishResult> {
    this.calls.push(request);
    const step = this.#script.shift() ?? { ok: true };
    if ('error' in step) throw step.error;
    if ('hang' in step) return new Promise(() => undefined);
    return { externalId: `${this.network}-${request.publicationId}-${this.calls.length}`, url: `https://${this.network}.example/p/${request.publicationId}` };
  }

  async fetchMetrics(targets: MetricsTarget[]): Promise<Map<string, EngagementMetrics>> {
    if (this.metricsError) throw this.metricsError;
    return new Map(targets.filter((t) => this.metrics.has(t.externalId)).map((t) => [t.externalId, this.metrics.get(t.externalId)!]));
  }
}

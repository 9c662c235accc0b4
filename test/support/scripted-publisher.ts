import type { NetworkId } from '../../src/domain/network.js';
import type { EngagementMetrics } from '../../src/domain/publication.js';
import {
  PublishError,
  type MetricsTarget,
  type PublishRequest,
  type PublishResult,
  type Publisher,
} from '../../src/platforms/publisher.js';
import { defaultRules } from '../../src/platforms/rules/index.js';

type Step = { ok: true } | { error: Error } | { hang: true };

export interface ScriptedNetwork {
  /** Mark each send (see `Publisher.marksSending`); default false: the safe reading of an old publisher. */
  marksSending?: boolean;
  resumeAfterCrash?: (sendingAt: Date, now: Date) => boolean;
  /** Waits for the network's turn before the send is marked and leaves (a rate limiter). */
  turn?: (signal: AbortSignal | undefined) => Promise<void>;
}

/**
 * A publisher with a network's real rules whose next answers a test scripts: success, a
 * PublishError of any kind, or a call that never returns. With nothing scripted it succeeds.
 * Every call is recorded, so a test can count sends; a marking publisher also records what
 * left (`sent`), after its turn and its mark.
 */
export class ScriptedPublisher implements Publisher {
  readonly rules;
  readonly calls: PublishRequest[] = [];
  readonly sent: PublishRequest[] = [];
  readonly #script: Step[] = [];
  readonly marksSending: boolean;
  readonly resumeAfterCrash: ((sendingAt: Date, now: Date) => boolean) | undefined;
  metrics = new Map<string, EngagementMetrics>();
  metricsError: Error | undefined;

  constructor(
    readonly network: NetworkId,
    private readonly options: ScriptedNetwork = {},
  ) {
    this.rules = defaultRules[network];
    this.marksSending = options.marksSending ?? false;
    this.resumeAfterCrash = options.resumeAfterCrash;
  }

  next(...steps: Step[]): this {
    this.#script.push(...steps);
    return this;
  }

  async publish(request: PublishRequest): Promise<PublishResult> {
    this.calls.push(request);
    await this.options.turn?.(request.signal);
    if (this.marksSending) await request.markSending?.();
    this.sent.push(request);
    const step = this.#script.shift() ?? { ok: true };
    if ('error' in step) throw step.error;
    if ('hang' in step) {
      // No answer ever comes; like a real request, it gives up when aborted, outcome unknown.
      return new Promise((_, reject) =>
        request.signal?.addEventListener('abort', () =>
          reject(
            new PublishError({
              kind: 'unknown',
              network: this.network,
              message: `The request to ${this.network} was cancelled after it was sent`,
            }),
          ),
        ),
      );
    }
    return {
      externalId: `${this.network}-${request.publicationId}-${this.calls.length}`,
      url: `https://${this.network}.example/p/${request.publicationId}`,
    };
  }

  async fetchMetrics(targets: MetricsTarget[]): Promise<Map<string, EngagementMetrics>> {
    if (this.metricsError) throw this.metricsError;
    return new Map(targets.filter((t) => this.metrics.has(t.externalId)).map((t) => [t.externalId, this.metrics.get(t.externalId)!]));
  }
}

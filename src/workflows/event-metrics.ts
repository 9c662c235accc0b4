import type { Metrics } from '../observability/metrics.js';
import type { DomainEvent, Notifier } from './events.js';

/**
 * Counts publications and decisions from the events every change announces after it commits,
 * so each is counted once, where it happened, whichever path made it (a send, a crashed claim
 * found by recovery, downtime beyond the grace period, a decision from any chat).
 */
export function countEvents(metrics: Metrics): Notifier {
  return {
    async notify(event: DomainEvent) {
      switch (event.type) {
        case 'post.decided':
          return metrics.decision(event.decision.kind);
        case 'publication.published':
          return metrics.publication(event.publication.network, 'published');
        case 'publication.held':
          return metrics.publication(event.publication.network, 'held');
        case 'publication.failed':
          return metrics.publication(event.publication.network, event.willRetry ? 'retry' : 'failed');
        case 'publication.needs_attention':
          return metrics.publication(event.publication.network, 'needs_attention');
        case 'publication.missed':
          return metrics.publication(event.publication.network, 'missed');
      }
    },
  };
}

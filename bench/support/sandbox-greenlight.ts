import type { Store } from '../../db/store.js';
import { systemClock } from '../../src/domain/clock.js';
import { createLogger } from '../../src/observability/logger.js';
import { createCatalog } from '../../src/platforms/catalog.js';
import { SandboxPublisher } from '../../src/platforms/sandbox/publisher.js';
import { listedApprovers } from '../../src/workflows/approvers.js';
import { EventBus } from '../../src/workflows/events.js';
import { createGreenlight } from '../../src/workflows/greenlight.js';
import { newsPolicy } from '../../src/workflows/news/news-policy.js';

/**
 * The real workflows over `store`, on the sandbox network (benchmarks). No chat delivers the
 * news, but Slack's is written to the outbox as it would be with Slack on: it is part of the
 * cost of a decision.
 */
export function sandboxGreenlight(store: Store, slackApprovers: string[] = []) {
  const logger = createLogger({ level: 'error' });
  return createGreenlight({
    store,
    clock: systemClock,
    catalog: createCatalog([new SandboxPublisher()]),
    approvers: listedApprovers({ slack: slackApprovers }),
    policy: { requiredApprovals: 1, allowSelfApproval: false },
    events: new EventBus(logger),
    news: newsPolicy({ news: ['slack'], digest: ['slack'] }),
    logger,
  });
}

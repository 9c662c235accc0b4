import type { Store } from '../../db/store.js';
import { systemClock } from '../../src/domain/clock.js';
import { createLogger } from '../../src/observability/logger.js';
import { createCatalog } from '../../src/platforms/catalog.js';
import { SandboxPublisher } from '../../src/platforms/sandbox/publisher.js';
import { listedApprovers } from '../../src/workflows/approvers.js';
import { EventBus } from '../../src/workflows/events.js';
import { createGreenlight } from '../../src/workflows/greenlight.js';

/** The real workflows over `store`, on the sandbox network, with no chat attached (benchmarks). */
export function sandboxGreenlight(store: Store, slackApprovers: string[] = []) {
  const logger = createLogger({ level: 'error' });
  return createGreenlight({
    store,
    clock: systemClock,
    catalog: createCatalog([new SandboxPublisher()]),
    approvers: listedApprovers({ slack: slackApprovers }),
    policy: { requiredApprovals: 1, allowSelfApproval: false },
    events: new EventBus(logger),
    logger,
  });
}

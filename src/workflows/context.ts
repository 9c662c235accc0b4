import type { Store } from '../../db/store.js';
import type { Clock } from '../domain/clock.js';
import type { MediaLinkPolicy } from '../domain/media-links.js';
import type { Logger } from '../observability/logger.js';
import type { NetworkCatalog } from '../platforms/catalog.js';
import type { ApprovalPolicy } from './approval-policy.js';
import type { ApproverDirectory } from './approvers.js';
import type { Notifier } from './events.js';

/** What every workflow needs, injected once by the composition root (or a test). */
export interface WorkflowContext {
  store: Store;
  clock: Clock;
  catalog: NetworkCatalog;
  approvers: ApproverDirectory;
  policy: ApprovalPolicy;
  /** Which image links drafts may carry; default: https on the public internet only. */
  media?: MediaLinkPolicy;
  events: Notifier;
  logger: Logger;
}

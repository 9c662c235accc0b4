import type { Store } from '../../db/store.js';
import type { Clock } from '../domain/clock.js';
import type { LinkedMedia } from '../media/signed-links.js';
import type { MediaLimits, MediaStore } from '../media/media-store.js';
import type { MediaLinkPolicy } from '../domain/media-links.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { NetworkCatalog } from '../platforms/catalog.js';
import type { ApprovalPolicy } from './approval-policy.js';
import type { ApproverDirectory } from './approvers.js';
import type { Notifier } from './events.js';
import type { NewsPolicy } from './news/news-policy.js';
import type { DraftRules } from './draft-validation.js';

/** What every workflow needs, injected once by the composition root (or a test). */
export interface WorkflowContext {
  store: Store;
  clock: Clock;
  catalog: NetworkCatalog;
  approvers: ApproverDirectory;
  policy: ApprovalPolicy;
  /** Which image links drafts may carry; default: https on the public internet only. */
  media?: MediaLinkPolicy;
  /** Rules drafts follow beyond the networks' own (REQUIRE_ALT_TEXT). */
  draftRules?: DraftRules;
  /** Where uploaded images' bytes are kept; absent, a post with uploaded images cannot be sent. */
  mediaStore?: MediaStore;
  /** Signed, expiring links to uploaded images under PUBLIC_URL, for networks that fetch by URL; absent without PUBLIC_URL. */
  mediaLinks?: { urlFor(media: LinkedMedia, validForMs: number): Promise<string> };
  /** What the store accepts (MEDIA_MAX_MB): chats pass it when they hand it an upload. */
  mediaLimits?: MediaLimits;
  /** What the store accepts of a video (VIDEO_MAX_MB). */
  videoLimits?: MediaLimits;
  /** In-process listeners (the scheduler); never waits for a chat. */
  events: Notifier;
  /** Which chats hear about what: the outbox rows each change writes. */
  news: NewsPolicy;
  logger: Logger;
  /** What /metrics counts (lateness, AI suggestions); absent or NO_METRICS: nothing is kept. */
  metrics?: Metrics;
}

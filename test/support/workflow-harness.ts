import { SqliteStore } from '../../db/sqlite/store.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { ChatPlatform, Person } from '../../src/domain/post.js';
import { createMemoryLogger } from '../../src/observability/logger.js';
import { createCatalog } from '../../src/platforms/catalog.js';
import { SandboxPublisher } from '../../src/platforms/sandbox/publisher.js';
import type { ApprovalPolicy } from '../../src/workflows/approval-policy.js';
import { listedApprovers } from '../../src/workflows/approvers.js';
import type { DraftInput } from '../../src/workflows/draft-validation.js';
import { EventBus, type DomainEvent } from '../../src/workflows/events.js';
import { createGreenlight } from '../../src/workflows/greenlight.js';
import { RecordingPublisher } from './rules-publisher.js';
import { tempDir } from './temp-db.js';
import { NO_NEWS } from '../../src/workflows/news/news-policy.js';

export interface Harness {
  gl: ReturnType<typeof createGreenlight>;
  store: SqliteStore;
  clock: ManualClock;
  events: DomainEvent[];
  dbFile: string;
  person(id: string, name?: string, platform?: ChatPlatform): Promise<Person>;
  draft(overrides?: Partial<DraftInput>): DraftInput;
  close(): Promise<void>;
}

/**
 * The real workflow core over a real SQLite file, with a manual clock and every network
 * offered (each with its real rules). Approvers are U_APPROVER1..3 on Slack.
 */
export async function workflowHarness(policy: Partial<ApprovalPolicy> = {}): Promise<Harness> {
  const tmp = tempDir();
  const dbFile = tmp.file();
  const store = SqliteStore.open(dbFile);
  const clock = new ManualClock('2026-03-02T09:00:00Z');
  const logger = createMemoryLogger();
  const bus = new EventBus(logger);
  const events: DomainEvent[] = [];
  bus.subscribe({ notify: async (e) => void events.push(e) });
  const publishers = [
    new SandboxPublisher(),
    ...(['x', 'linkedin', 'facebook', 'instagram', 'pinterest', 'mastodon', 'bluesky'] as const).map((n) => new RecordingPublisher(n)),
  ];
  const gl = createGreenlight({
    store,
    clock,
    catalog: createCatalog(publishers),
    approvers: listedApprovers({ slack: ['U_APPROVER1', 'U_APPROVER2', 'U_APPROVER3'] }),
    policy: { requiredApprovals: 1, allowSelfApproval: false, ...policy },
    events: bus,
    news: NO_NEWS,
    logger,
  });
  return {
    gl,
    store,
    clock,
    events,
    dbFile,
    person: (id, name = id, platform = 'slack') =>
      gl.identify({ platform, platformUserId: id, displayName: name, timezone: 'Europe/Berlin' }),
    draft: (overrides = {}) => ({
      text: 'Our spring sale starts Monday!',
      networks: ['sandbox'],
      publishAt: new Date(clock.now().getTime() + 24 * 3600_000),
      timezone: 'Europe/Berlin',
      mediaUrl: null,
      ...overrides,
    }),
    close: async () => {
      await store.close();
      tmp.cleanup();
    },
  };
}

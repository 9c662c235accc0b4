import { SqliteStore } from '../../db/sqlite/store.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { Person } from '../../src/domain/post.js';
import { ManualTimers } from '../../src/domain/timers.js';
import { createMemoryLogger } from '../../src/observability/logger.js';
import { createCatalog } from '../../src/platforms/catalog.js';
import { SandboxPublisher } from '../../src/platforms/sandbox/publisher.js';
import { listedApprovers } from '../../src/workflows/approvers.js';
import type { DraftInput } from '../../src/workflows/draft-validation.js';
import { EventBus, type DomainEvent } from '../../src/workflows/events.js';
import { createGreenlight } from '../../src/workflows/greenlight.js';
import { DEFAULT_SCHEDULER_OPTIONS, Scheduler, type SchedulerOptions } from '../../src/workflows/publishing/scheduler.js';
import type { Publisher } from '../../src/platforms/publisher.js';
import { ScriptedPublisher } from './scripted-publisher.js';
import { tempDir } from './temp-db.js';
import type { MediaStore } from '../../src/media/media-store.js';
import { NO_NEWS } from '../../src/workflows/news/news-policy.js';

export interface SchedulerHarness {
  gl: ReturnType<typeof createGreenlight>;
  store: SqliteStore;
  clock: ManualClock;
  timers: ManualTimers;
  scheduler: Scheduler;
  x: ScriptedPublisher;
  events: DomainEvent[];
  /** Where the workflows' events go: subscribe a notifier (a chat) of your own. */
  bus: EventBus;
  logs: string[];
  author: Person;
  approver: Person;
  /** Submits and approves a post; returns its id. */
  approved(overrides?: Partial<DraftInput>): Promise<number>;
  pending(overrides?: Partial<DraftInput>): Promise<number>;
  /** A fresh scheduler on the same database (a restart). */
  restart(options?: Partial<SchedulerOptions>): Promise<Scheduler>;
  close(): Promise<void>;
}

export const HOUR = 3600_000;
export const MINUTE = 60_000;

/**
 * The real workflows, store and scheduler on a SQLite file, with a manual clock and timers.
 * The networks are the sandbox and a scripted X, unless `networks` gives others (they may use
 * the harness's clock and timers).
 */
export async function schedulerHarness(
  options: Partial<SchedulerOptions> = {},
  start = '2026-03-02T08:00:00Z',
  networks?: (time: { clock: ManualClock; timers: ManualTimers }) => { x: ScriptedPublisher; others?: Publisher[] },
  extra: { mediaStore?: MediaStore } = {},
): Promise<SchedulerHarness> {
  const tmp = tempDir();
  const store = SqliteStore.open(tmp.file());
  const clock = new ManualClock(start);
  const timers = new ManualTimers(clock);
  const logger = createMemoryLogger();
  const bus = new EventBus(logger);
  const events: DomainEvent[] = [];
  bus.subscribe({ notify: async (e) => void events.push(e) });
  const chosen = networks?.({ clock, timers }) ?? { x: new ScriptedPublisher('x') };
  const x = chosen.x;
  const gl = createGreenlight({
    store,
    clock,
    catalog: createCatalog([new SandboxPublisher({ now: () => clock.now() }), x, ...(chosen.others ?? [])]),
    approvers: listedApprovers({ slack: ['U_APPROVER'] }),
    policy: { requiredApprovals: 1, allowSelfApproval: false },
    events: bus,
    news: NO_NEWS,
    logger,
    ...(extra.mediaStore ? { mediaStore: extra.mediaStore } : {}),
  });
  const make = (o: Partial<SchedulerOptions> = {}) =>
    new Scheduler(gl.ctx, timers, {
      ...DEFAULT_SCHEDULER_OPTIONS,
      owner: 'test-process',
      leaseMs: 60_000,
      graceMs: HOUR,
      concurrency: 4,
      // Refilling every simulated minute over simulated days only makes tests slow.
      refillEveryMs: 10 * MINUTE,
      ...options,
      ...o,
    });
  let scheduler = make();
  bus.subscribe({ notify: (e) => scheduler.notify(e) });
  const author = await gl.identify({ platform: 'slack', platformUserId: 'U_AUTHOR', displayName: 'Author', timezone: 'Europe/Berlin' });
  const approver = await gl.identify({ platform: 'slack', platformUserId: 'U_APPROVER', displayName: 'Approver' });
  const draft = (o: Partial<DraftInput>): DraftInput => ({
    text: 'Scheduled post',
    networks: ['x'],
    publishAt: new Date(clock.now().getTime() + HOUR),
    timezone: 'Europe/Berlin',
    mediaUrl: null,
    ...o,
  });
  const h: SchedulerHarness = {
    gl,
    store,
    clock,
    timers,
    get scheduler() {
      return scheduler;
    },
    x,
    events,
    bus,
    logs: logger.lines,
    author,
    approver,
    async pending(o = {}) {
      const result = await gl.submitDraft(author, draft(o));
      if (!result.ok) throw new Error(JSON.stringify(result));
      return result.post.post.id;
    },
    async approved(o = {}) {
      const id = await h.pending(o);
      const post = (await gl.getPost(id))!;
      const decided = await gl.decide(approver, { postId: id, revisionId: post.revision.id, kind: 'approve' });
      if (!decided.ok) throw new Error(decided.refusal.refused);
      await scheduler.idle();
      return id;
    },
    async restart(o = {}) {
      await scheduler.stop();
      scheduler = make(o);
      scheduler.start();
      await scheduler.idle();
      return scheduler;
    },
    async close() {
      await scheduler.stop();
      await store.close();
      tmp.cleanup();
    },
  };
  return h;
}

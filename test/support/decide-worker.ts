/**
 * A separate process that decides on one post at an agreed instant, for the test that two
 * approvers clicking at the same moment (from two Greenlight processes) get one outcome.
 * Usage: node --import tsx decide-worker.ts <db> <postId> <revisionId> <userId> <kind> <required> <goAtMs>
 */
import { SqliteStore } from '../../db/sqlite/store.js';
import { systemClock } from '../../src/domain/clock.js';
import type { DecisionKind } from '../../src/domain/post.js';
import { createMemoryLogger } from '../../src/observability/logger.js';
import { createCatalog } from '../../src/platforms/catalog.js';
import { SandboxPublisher } from '../../src/platforms/sandbox/publisher.js';
import { listedApprovers } from '../../src/workflows/approvers.js';
import { EventBus } from '../../src/workflows/events.js';
import { createGreenlight } from '../../src/workflows/greenlight.js';
import { NO_NEWS } from '../../src/workflows/news/news-policy.js';

const [db, postId, revisionId, userId, kind, required, goAt] = process.argv.slice(2);
const store = SqliteStore.open(db!);
const logger = createMemoryLogger();
const gl = createGreenlight({
  store,
  clock: systemClock,
  catalog: createCatalog([new SandboxPublisher()]),
  approvers: listedApprovers({ slack: ['U_APPROVER1', 'U_APPROVER2'] }),
  policy: { requiredApprovals: Number(required), allowSelfApproval: false },
  events: new EventBus(logger),
  news: NO_NEWS,
  logger,
});
const person = await gl.identify({ platform: 'slack', platformUserId: userId!, displayName: userId! });
// Both processes are loaded and waiting; spin to the agreed instant so the clicks coincide.
while (Date.now() < Number(goAt)) {
  /* busy-wait: a timer would add up to a millisecond of jitter */
}
const result = await gl.decide(person, {
  postId: Number(postId),
  revisionId: Number(revisionId),
  kind: kind as DecisionKind,
  comment: 'now',
});
process.stdout.write(JSON.stringify(result.ok ? { ok: true, outcome: result.outcome } : { ok: false, code: result.refusal.code }));
await store.close();

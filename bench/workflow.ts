/**
 * `npm run bench:workflow`: decisions per second through the real workflow (submit + approve,
 * with audit, on a SQLite file) against raw better-sqlite3 single-row insert transactions on
 * a file with the same settings, measured in the same run. Budget: ratio ≥ 0.25.
 */
import { SqliteStore } from '../db/sqlite/store.js';
import { openSqlite } from '../db/sqlite/connection.js';
import { tempDir } from '../test/support/temp-db.js';
import { sandboxGreenlight } from './support/sandbox-greenlight.js';

const N = Number(process.env.BENCH_N ?? 3000);
const tmp = tempDir('greenlight-bench-');

function rawInsertsPerSecond(n: number): number {
  const db = openSqlite(tmp.file('raw.db'));
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, post_id INTEGER NOT NULL, kind TEXT NOT NULL, at INTEGER NOT NULL)');
  const insert = db.prepare('INSERT INTO t (post_id, kind, at) VALUES (?, ?, ?)');
  const tx = db.transaction((i: number) => insert.run(i, 'approve', Date.now()));
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) tx.immediate(i);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  db.close();
  return n / seconds;
}

/** `concurrency` submit+approve pipelines run at once, as when many people click together. */
async function workflowDecisionsPerSecond(n: number, concurrency: number): Promise<number> {
  const store = SqliteStore.open(tmp.file(`workflow-${concurrency}-${n}.db`));
  const gl = sandboxGreenlight(store, ['U_APPROVER']);
  const author = await gl.identify({ platform: 'slack', platformUserId: 'U_AUTHOR', displayName: 'Author' });
  const approver = await gl.identify({ platform: 'slack', platformUserId: 'U_APPROVER', displayName: 'Approver' });
  const start = process.hrtime.bigint();
  let next = 0;
  const pipeline = async () => {
    for (let i = next++; i < n; i = next++) {
      const submitted = await gl.submitDraft(author, {
      text: `Post number ${i}`,
      networks: ['sandbox'],
      publishAt: null,
      timezone: 'UTC',
      mediaUrl: null,
    });
    if (!submitted.ok) throw new Error('submit failed');
    const decided = await gl.decide(approver, { postId: submitted.post.post.id, revisionId: submitted.post.revision.id, kind: 'approve' });
    if (!decided.ok || decided.outcome !== 'approved') throw new Error('approve failed');
    }
  };
  await Promise.all(Array.from({ length: concurrency }, pipeline));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const audit = await store.listAudit({ limit: 10 * n });
  if (audit.length !== 3 * n) throw new Error(`expected ${3 * n} audit entries, found ${audit.length}`);
  await store.close();
  return n / seconds;
}

// Warm up both paths (JIT, page cache) before measuring.
rawInsertsPerSecond(500);
await workflowDecisionsPerSecond(200, 1);
tmp.cleanup();
const tmp2 = tempDir('greenlight-bench-');
Object.assign(tmp, tmp2);

const raw = rawInsertsPerSecond(N * 4);
console.log(`raw better-sqlite3 single-row insert transactions: ${raw.toFixed(0)}/s (baseline)`);
for (const concurrency of [1, 32]) {
  const workflow = await workflowDecisionsPerSecond(N, concurrency);
  const ratio = workflow / raw;
  console.log(
    `workflow decisions (submit + approve, with audit), ${String(concurrency).padStart(2)} at once: ${workflow.toFixed(0)}/s  ` +
      `ratio ${ratio.toFixed(3)} (budget ≥ 0.25: ${ratio >= 0.25 ? 'within' : 'NOT met'})`,
  );
}
tmp2.cleanup();

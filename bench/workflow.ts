/**
 * `npm run bench:workflow`: decisions per second through the real workflow (submit + approve,
 * with audit, on a SQLite file) against raw better-sqlite3 single-row insert transactions on
 * a file with the same settings, measured in the same run. Budget: ratio ≥ 0.25.
 *
 * For reference it also runs hand-written SQL doing the same writes and reads as a decision
 * (no workflow, no ORM), grouped the same way: the ceiling any workflow on this schema has.
 */
import type Database from 'better-sqlite3';
import { migrateSqlite, openSqlite } from '../db/sqlite/connection.js';
import { SqliteStore } from '../db/sqlite/store.js';
import { tempDir } from '../test/support/temp-db.js';
import { seedPeople } from './support/seed.js';
import { sandboxGreenlight } from './support/sandbox-greenlight.js';

const N = Number(process.env.BENCH_N ?? 3000);
const tmp = tempDir('greenlight-bench-');
let files = 0;
const freshFile = () => tmp.file(`bench-${files++}.db`);
const perSecond = (n: number, start: bigint) => n / (Number(process.hrtime.bigint() - start) / 1e9);

function rawInsertsPerSecond(n: number): number {
  const db = openSqlite(freshFile());
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, post_id INTEGER NOT NULL, kind TEXT NOT NULL, at INTEGER NOT NULL)');
  const insert = db.prepare('INSERT INTO t (post_id, kind, at) VALUES (?, ?, ?)');
  const tx = db.transaction((i: number) => insert.run(i, 'approve', Date.now()));
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) tx.immediate(i);
  const rate = perSecond(n, start);
  db.close();
  return rate;
}

/** `concurrency` submit+approve pipelines run at once, as when many people click together. */
async function workflowDecisionsPerSecond(n: number, concurrency: number): Promise<number> {
  const store = SqliteStore.open(freshFile());
  const gl = sandboxGreenlight(store, ['U_APPROVER']);
  const author = await gl.identify({ platform: 'slack', platformUserId: 'U_AUTHOR', displayName: 'Author' });
  const approver = await gl.identify({ platform: 'slack', platformUserId: 'U_APPROVER', displayName: 'Approver' });
  const start = process.hrtime.bigint();
  let next = 0;
  const pipeline = async () => {
    for (let i = next++; i < n; i = next++) {
      const draft = { text: `Post number ${i}`, networks: ['sandbox'], publishAt: null, timezone: 'UTC', mediaUrl: null };
      const submitted = await gl.submitDraft(author, draft);
      if (!submitted.ok) throw new Error('submit failed');
      const decided = await gl.decide(approver, { postId: submitted.post.post.id, revisionId: submitted.post.revision.id, kind: 'approve' });
      if (!decided.ok || decided.outcome !== 'approved') throw new Error('approve failed');
    }
  };
  await Promise.all(Array.from({ length: concurrency }, pipeline));
  const rate = perSecond(n, start);
  const audit = await store.listAudit({ limit: 10 * n });
  if (audit.length !== 3 * n) throw new Error(`expected ${3 * n} audit entries, found ${audit.length}`);
  await store.close();
  return rate;
}

/** The same rows written and read as a decision makes, by hand, `group` decisions per transaction. */
function handWrittenDecisionsPerSecond(n: number, group: number): number {
  const db: Database.Database = openSqlite(freshFile());
  migrateSqlite(db);
  const now = Date.now();
  const { author, approver } = seedPeople(db, now);
  const q = {
    post: db.prepare("INSERT INTO posts (status, author_id, publish_zone, origin_platform, created_at, updated_at) VALUES ('pending', ?, 'UTC', 'slack', ?, ?) RETURNING id"),
    revision: db.prepare(
      "INSERT INTO revisions (post_id, number, text, networks, content_hash, author_id, created_at) VALUES (?, 1, ?, '[\"sandbox\"]', 'hash', ?, ?) RETURNING id",
    ),
    setPost: db.prepare('UPDATE posts SET status = ?, current_revision_id = ?, updated_at = ? WHERE id = ?'),
    audit: db.prepare("INSERT INTO audit_log (at, platform, actor_id, actor_label, action, post_id, revision_id, details) VALUES (?, 'slack', ?, 'x', ?, ?, ?, '{}')"),
    head: db.prepare('SELECT * FROM posts p JOIN revisions r ON r.id = p.current_revision_id JOIN people a ON a.id = p.author_id WHERE p.id = ?'),
    decisions: db.prepare('SELECT * FROM decisions d JOIN people a ON a.id = d.approver_id WHERE d.post_id = ?'),
    publications: db.prepare('SELECT * FROM publications WHERE post_id = ?'),
    decision: db.prepare("INSERT INTO decisions (post_id, revision_id, approver_id, kind, platform, created_at) VALUES (?, ?, ?, 'approve', 'slack', ?) RETURNING id"),
    publication: db.prepare("INSERT INTO publications (post_id, revision_id, network, status, due_at, created_at, updated_at) VALUES (?, ?, 'sandbox', 'scheduled', ?, ?, ?)"),
    savepoint: db.prepare('SAVEPOINT u'),
    release: db.prepare('RELEASE u'),
  };
  const unit = (work: () => void) => {
    q.savepoint.run();
    work();
    q.release.run();
  };
  const start = process.hrtime.bigint();
  for (let done = 0; done < n; done += group) {
    const size = Math.min(group, n - done);
    const made: Array<[number, number]> = [];
    db.transaction(() => {
      for (let i = 0; i < size; i++) {
        unit(() => {
          const post = (q.post.get(author, now, now) as { id: number }).id;
          const revision = (q.revision.get(post, `Post ${done + i}`, author, now) as { id: number }).id;
          q.setPost.run('pending', revision, now, post);
          q.audit.run(now, author, 'post.submitted', post, revision);
          made.push([post, revision]);
        });
      }
    }).immediate();
    db.transaction(() => {
      for (const [post, revision] of made) {
        unit(() => {
          q.head.get(post);
          q.decisions.all(post);
          q.publications.all(post);
          q.setPost.run('approved', revision, now, post);
          q.decision.get(post, revision, approver, now);
          q.publication.run(post, revision, now, now, now);
          q.publications.all(post);
          q.audit.run(now, approver, 'decision.approve', post, revision);
          q.audit.run(now, approver, 'post.approved', post, revision);
        });
      }
    }).immediate();
  }
  const rate = perSecond(n, start);
  db.close();
  return rate;
}

// Warm up every path (JIT, page cache) before measuring.
rawInsertsPerSecond(500);
await workflowDecisionsPerSecond(200, 1);
handWrittenDecisionsPerSecond(200, 1);

const raw = rawInsertsPerSecond(N * 4);
const verdict = (ratio: number) => `ratio ${ratio.toFixed(3)} (budget ≥ 0.25: ${ratio >= 0.25 ? 'within' : 'NOT met'})`;
console.log(`raw better-sqlite3 single-row insert transactions: ${raw.toFixed(0)}/s (baseline)`);
for (const concurrency of [1, 32]) {
  const workflow = await workflowDecisionsPerSecond(N, concurrency);
  console.log(`workflow decisions (submit + approve, with audit), ${String(concurrency).padStart(2)} at once: ${workflow.toFixed(0)}/s  ${verdict(workflow / raw)}`);
}
for (const group of [1, 32]) {
  const hand = handWrittenDecisionsPerSecond(N, group);
  console.log(`  reference: hand-written SQL for the same rows, ${String(group).padStart(2)} per commit: ${hand.toFixed(0)}/s  ratio ${(hand / raw).toFixed(3)}`);
}
tmp.cleanup();

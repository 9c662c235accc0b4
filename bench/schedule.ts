/**
 * `npm run bench:schedule`: the scheduler and the digest at scale, each figure next to its
 * baseline from the same run.
 *  1. 100,000 scheduled publications: start-up time and resident memory against the same
 *     start-up on an empty database. Budget: under 2 s and under 100 MB more.
 *  2. 1,000 publications due in the same second on the sandbox: all done within 5 s, p50
 *     lateness under 200 ms; baseline: 1,000 bare node-schedule jobs at one instant.
 *  3. The digest over 1,000,000 metric snapshots: under 500 ms, and within 10× a bare indexed
 *     aggregate query over the same table. Then, for information (no budget), how long
 *     pruning that table takes per chunk and in all.
 *  4. 50 posts due at one instant on each of three networks: the sandbox, a network that
 *     answers in 50 ms and limits nothing, and X, whose own limiter allows a burst of 10 and
 *     then 1 post per 9 s. Budget: every post on the two unlimited networks out within 2 s of
 *     its time (p99); X's in due order, at its limit (the bare limiter's own schedule is the
 *     baseline). Takes about six minutes: X's last post is due out 360 s after the first.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import schedule from 'node-schedule';
import { openSqlite, migrateSqlite } from '../db/sqlite/connection.js';
import { SqliteStore } from '../db/sqlite/store.js';
import { startApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/observability/logger.js';
import { buildDigest } from '../src/workflows/digest/build-digest.js';
import { SNAPSHOT_PRUNE_CHUNK } from '../src/workflows/metrics/prune-snapshots.js';
import { seedPosts, seedSnapshots } from './support/seed.js';
import { median } from './support/stats.js';
import { tempDir } from '../test/support/temp-db.js';
import { sandboxGreenlight } from './support/sandbox-greenlight.js';
import { seedBurst, unlimitedNetwork } from './support/burst.js';
import { startXFake } from '../test/fakes/x/server.js';
import { createXPublisher } from '../src/platforms/x/publisher.js';
import { SandboxPublisher } from '../src/platforms/sandbox/publisher.js';

const tmp = tempDir('greenlight-bench-');
const MB = 1024 * 1024;
const verdict = (ok: boolean) => (ok ? 'within budget' : 'OVER BUDGET');
/** `npm run bench:schedule -- 4` runs row 4 alone; no argument runs them all. */
const only = process.argv.slice(2).map(Number);
const wanted = (row: number) => only.length === 0 || only.includes(row);
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

// 1. Start-up with 100,000 scheduled publications ------------------------------------------------
function probe(file: string): { ms: number; rss: number; timers: number } {
  const script = fileURLToPath(new URL('./support/startup-probe.ts', import.meta.url));
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', script, file], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1)!);
}
if (wanted(1)) {
  const empty = tmp.file('empty.db');
  const full = tmp.file('full.db');
  const db = openSqlite(full);
  migrateSqlite(db);
  const now = Date.now();
  seedPosts(db, { count: 100_000, network: 'sandbox', status: 'scheduled', firstDue: now + 60_000, spacingMs: 86_400, now });
  db.close();
  probe(empty); // warm the OS file cache for the code
  const base = probe(empty);
  const loaded = probe(full);
  const extraMb = (loaded.rss - base.rss) / MB;
  console.log('1. start-up with 100,000 scheduled publications');
  console.log(`   empty database:   ${base.ms.toFixed(0).padStart(5)} ms, ${(base.rss / MB).toFixed(0)} MB resident`);
  console.log(
    `   100,000 due:      ${loaded.ms.toFixed(0).padStart(5)} ms, ${(loaded.rss / MB).toFixed(0)} MB resident, ${loaded.timers} timers in the window`,
  );
  console.log(
    `   → ${loaded.ms.toFixed(0)} ms (budget < 2000) ${verdict(loaded.ms < 2000)}; +${extraMb.toFixed(1)} MB (budget < 100) ${verdict(extraMb < 100)}`,
  );
}

// 2. 1,000 publications due in the same second ------------------------------------------------------
if (wanted(2)) {
  // Baseline: how late node-schedule itself runs 1,000 jobs set for one instant.
  const at = Date.now() + 1500;
  const bare: number[] = [];
  await new Promise<void>((resolve) => {
    for (let i = 0; i < 1000; i++) {
      schedule.scheduleJob(new Date(at), () => {
        bare.push(Date.now() - at);
        if (bare.length === 1000) resolve();
      });
    }
  });
  bare.sort((a, b) => a - b);

  const file = tmp.file('burst.db');
  const db = openSqlite(file);
  migrateSqlite(db);
  const due = Math.ceil((Date.now() + 4000) / 1000) * 1000; // a whole second, a few seconds away
  seedPosts(db, { count: 1000, network: 'sandbox', status: 'scheduled', firstDue: due, spacingMs: 0, now: Date.now() });
  db.close();
  const app = await startApp(loadConfig({ DATABASE_URL: `file:${file}` }), {
    logger: createLogger({ level: 'error' }),
    port: 0,
    host: '127.0.0.1',
  });
  const store = new SqliteStore(openSqlite(file));
  const done = () => store.sqlite.prepare("SELECT count(*) AS n FROM publications WHERE status = 'published'").get() as { n: number };
  while (done().n < 1000 && Date.now() < due + 30_000) await new Promise((r) => setTimeout(r, 20));
  const rows = store.sqlite.prepare('SELECT published_at - due_at AS late FROM publications ORDER BY late').all() as Array<{
    late: number;
  }>;
  const late = rows.map((r) => r.late);
  const allDone = Math.max(...late);
  console.log('2. 1,000 publications due in the same second (sandbox)');
  console.log(`   bare node-schedule, 1,000 jobs at one instant: p50 ${pct(bare, 50)} ms, last ${bare.at(-1)} ms late`);
  console.log(
    `   Greenlight: p50 ${pct(late, 50)} ms, p99 ${pct(late, 99)} ms late; all ${done().n} done ${allDone} ms after they fell due`,
  );
  console.log(
    `   → all done in ${allDone} ms (budget < 5000) ${verdict(done().n === 1000 && allDone < 5000)}; p50 ${pct(late, 50)} ms (budget < 200) ${verdict(pct(late, 50) < 200)}`,
  );
  await store.close();
  await app.stop();
}

// 3. The digest over 1,000,000 snapshots -------------------------------------------------------------
if (wanted(3)) {
  const file = tmp.file('metrics.db');
  const db = openSqlite(file);
  migrateSqlite(db);
  const now = Date.now();
  const day = 24 * 3600_000;
  // 8,000 posts published over the last 14 days, figures every hour for 7 days after each:
  // about a million snapshots, as an hourly METRICS_CRON would leave them.
  const count = 8000;
  const spacing = (14 * day) / count;
  const ids = seedPosts(db, { count, network: 'x', status: 'published', firstDue: now - 14 * day, spacingMs: spacing, now });
  const publications = ids.map((id, i) => ({ id, publishedAt: now - 14 * day + i * spacing }));
  const rows = seedSnapshots(db, publications, now, 3600_000, 7 * day);
  db.pragma('optimize');
  db.close();

  const store = SqliteStore.open(file);
  const bare = store.sqlite.prepare(
    'SELECT publication_id, MAX(taken_at) AS latest FROM metric_snapshots WHERE taken_at <= ? GROUP BY publication_id',
  );
  const gl = sandboxGreenlight(store);
  const time = async (fn: () => unknown, runs = 5) => {
    await fn(); // warm
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await fn();
      samples.push(performance.now() - t);
    }
    return median(samples);
  };
  const bareMs = await time(() => bare.all(now));
  const digestMs = await time(() => buildDigest(gl.ctx, { kind: 'daily', zone: 'UTC' }));
  const ratio = digestMs / bareMs;
  console.log(`3. the digest over ${rows.toLocaleString('en-US')} metric snapshots (${ids.length.toLocaleString('en-US')} posts)`);
  console.log(`   bare indexed aggregate (latest snapshot per post): ${bareMs.toFixed(1)} ms`);
  console.log(`   digest (yesterday, totals, week chart, queue):     ${digestMs.toFixed(1)} ms`);
  console.log(
    `   → ${digestMs.toFixed(0)} ms (budget < 500) ${verdict(digestMs < 500)}; ${ratio.toFixed(2)}× the bare query (budget ≤ 10×) ${verdict(ratio <= 10)}`,
  );

  // Pruning the same table as if all of it were past the retention period: how long one
  // chunk holds the event loop (and the write lock), and the whole backlog (no budget).
  const everything = new Date(now + 1);
  const count1 = (sql: string) => (store.sqlite.prepare(sql).get() as { n: number }).n;
  const postsWithFigures = count1('SELECT count(DISTINCT publication_id) AS n FROM metric_snapshots');
  const chunkStart = performance.now();
  let pruned = await store.pruneMetricSnapshots(everything, SNAPSHOT_PRUNE_CHUNK);
  const chunkMs = performance.now() - chunkStart;
  for (let n = pruned; n === SNAPSHOT_PRUNE_CHUNK; pruned += n) n = await store.pruneMetricSnapshots(everything, SNAPSHOT_PRUNE_CHUNK);
  const allMs = performance.now() - chunkStart;
  const kept = count1('SELECT count(*) AS n FROM metric_snapshots');
  if (kept !== postsWithFigures) throw new Error(`pruning kept ${kept} snapshots for ${postsWithFigures} posts with figures`);
  console.log(
    `   pruning superseded snapshots: one chunk of ${SNAPSHOT_PRUNE_CHUNK.toLocaleString('en-US')} in ${chunkMs.toFixed(1)} ms; all ${pruned.toLocaleString('en-US')} in ${(allMs / 1000).toFixed(1)} s; ${kept.toLocaleString('en-US')} kept, the latest of each post with figures`,
  );
  await store.close();
}

// 4. Three networks due at one instant, one of them rate-limited ------------------------------------
if (wanted(4)) {
  const count = 50;
  const logger = createLogger({ level: 'error' });
  const xFake = await startXFake();
  const fast = await unlimitedNetwork('linkedin', 50);
  const file = tmp.file('lanes.db');
  const db = openSqlite(file);
  migrateSqlite(db);
  const due = Math.ceil((Date.now() + 5000) / 1000) * 1000;
  seedBurst(db, { count, networks: ['x', 'linkedin', 'sandbox'], due, now: Date.now() });
  db.close();
  const x = createXPublisher({ accessToken: xFake.token, apiUrl: xFake.url }, { logger });
  const app = await startApp(loadConfig({ DATABASE_URL: `file:${file}` }), {
    logger,
    port: 0,
    host: '127.0.0.1',
    publishers: [new SandboxPublisher(), x, fast.publisher],
  });
  const store = new SqliteStore(openSqlite(file));
  const lateness = (network: string) =>
    (
      store.sqlite
        .prepare("SELECT published_at - due_at AS late FROM publications WHERE network = ? AND status = 'published' ORDER BY late")
        .all(network) as Array<{ late: number }>
    ).map((r) => r.late);
  const open = () => (store.sqlite.prepare("SELECT count(*) AS n FROM publications WHERE status <> 'published'").get() as { n: number }).n;
  while (open() > 0 && Date.now() < due + 600_000) await new Promise((r) => setTimeout(r, 100));
  // Baseline: X's limiter alone lets the first 10 go at once and then one every 9 s.
  const ideal = Array.from({ length: count }, (_, i) => Math.max(0, i - 9) * 9000);
  const order = xFake.tweets.map((t) => Number(/Burst post (\d+)/.exec(t.text)?.[1]));
  const inOrder = order.length === count && order.every((n, i) => n === i);
  const xLate = lateness('x');
  const gaps = xFake.server
    .requestsTo('POST', '/2/tweets')
    .map((r) => r.at)
    .map((at, i, all) => (i ? at - all[i - 1]! : 0))
    .slice(10);
  console.log('4. 50 posts due at one instant on each of three networks (X limited to a burst of 10, then 1 per 9 s)');
  for (const network of ['sandbox', 'linkedin'] as const) {
    const late = lateness(network);
    const label = network === 'sandbox' ? 'sandbox:                ' : 'unlimited (50 ms fake): ';
    console.log(`   ${label} p50 ${pct(late, 50)} ms, p99 ${pct(late, 99)} ms, last ${late.at(-1)} ms late (${late.length} of ${count})`);
  }
  console.log(
    `   X:                       p50 ${(pct(xLate, 50) / 1000).toFixed(1)} s, last ${(xLate.at(-1)! / 1000).toFixed(1)} s late (${xLate.length} of ${count}); its limiter alone: last ${(ideal.at(-1)! / 1000).toFixed(0)} s`,
  );
  console.log(
    `   X after its burst: median gap ${(median(gaps) / 1000).toFixed(2)} s between posts; received in due order: ${inOrder ? 'yes' : `no (${order.join(',')})`}`,
  );
  const p99 = Math.max(pct(lateness('sandbox'), 99), pct(lateness('linkedin'), 99));
  console.log(
    `   → unlimited networks p99 ${p99} ms (budget < 2000) ${verdict(p99 < 2000)}; X in due order ${verdict(inOrder)}, last ${(xLate.at(-1)! / 1000).toFixed(0)} s vs its limiter's ${(ideal.at(-1)! / 1000).toFixed(0)} s (${(xLate.at(-1)! / ideal.at(-1)!).toFixed(2)}×) ${verdict(xLate.at(-1)! < ideal.at(-1)! + 10_000)}`,
  );
  await store.close();
  await app.stop();
  await xFake.close();
  await fast.server.close();
}

schedule.gracefulShutdown();
tmp.cleanup();

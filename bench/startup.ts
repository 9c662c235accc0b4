/**
 * `npm run bench:startup`: how long `npm start` takes until Greenlight answers `/healthz`, and
 * how much memory it holds then, against a bare Bolt app started the same way in the same run.
 *
 * Each contender is a fresh `node` process (what `npm start` execs), timed from spawn to the
 * first 200 from /healthz (polled every 10 ms); its resident memory is read from /proc one
 * second after that, when start-up work has settled. Greenlight runs the compiled build
 * (dist/, built by `npm install`) as a Slack app talking to a fake Slack Web API, like the bare
 * app, on a database that exists (a restart: the first round, not counted, creates it). Also
 * shown, outside the budget: Greenlight with no configuration (the playground), the TypeScript
 * sources run through tsx (`npm run dev`), and on Node 22.1+, where Greenlight turns on Node's
 * compile cache (src/start.ts), the bare app with that cache on as well.
 * Budget: Greenlight (Slack) ready ≤ 1.5× the bare app, resident memory ≤ 2×.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import nodeModule from 'node:module';
import { fileURLToPath } from 'node:url';
import { WORKSPACE_DEFAULTS } from '../test/fakes/slack/index.js';
import { freePort } from '../test/support/free-port.js';
import { tempDir } from '../test/support/temp-db.js';
import { benchProcesses, jsonLine } from './support/processes.js';
import { median } from './support/stats.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const SETTLE_MS = 1000;
const SECRET = 'benchbenchbenchbenchbenchbench00';
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const DIST_MAIN = here('../dist/main.js');
const SRC_MAIN = here('../src/start.ts');

interface Contender {
  name: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  budgeted?: boolean;
}

interface Sample {
  readyMs: number;
  rssMb: number;
}

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

async function startOnce(contender: Contender): Promise<Sample> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, contender.args, {
    cwd: contender.cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), ...contender.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let errors = '';
  child.stderr!.on('data', (d) => (errors += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${contender.name} exited (${child.exitCode}): ${errors}`);
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const readyMs = performance.now() - started;
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    return { readyMs, rssMb: rssMb(child.pid!) };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

const { run, stopAll } = benchProcesses();
const tmp = tempDir('greenlight-bench-startup-');
try {
  const fake = await run([here('./support/fake-slack-process.ts'), 'U0APPROVER'], {}, jsonLine);
  const fakeUrl = (JSON.parse(fake.found) as { url: string }).url;
  const slack = {
    PLAYGROUND: 'off',
    SLACK_BOT_TOKEN: WORKSPACE_DEFAULTS.botToken,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: fakeUrl,
    SLACK_APPROVAL_CHANNEL: 'C0APPROVALS',
    SLACK_APPROVERS: 'U0APPROVER',
  };
  const contenders: Contender[] = [
    {
      name: 'bare Bolt app',
      args: [here('./support/bare-bolt-startup.mjs'), SECRET, WORKSPACE_DEFAULTS.botToken, fakeUrl],
      env: {},
      cwd: tmp.dir,
    },
    {
      name: 'Greenlight (Slack)',
      args: [DIST_MAIN],
      env: { ...slack, DATABASE_URL: `file:${tmp.file('slack.db')}` },
      cwd: tmp.dir,
      budgeted: true,
    },
    {
      name: 'Greenlight (defaults: playground)',
      args: [DIST_MAIN],
      env: { DATABASE_URL: `file:${tmp.file('playground.db')}` },
      cwd: tmp.dir,
    },
    // Greenlight turns on Node's compile cache (22.1+): so can any app, and this row shows the
    // bare one with it too, for the fair comparison.
    ...('enableCompileCache' in nodeModule
      ? [
          {
            name: 'bare Bolt app, compile cache on',
            args: [here('./support/bare-bolt-startup.mjs'), SECRET, WORKSPACE_DEFAULTS.botToken, fakeUrl],
            env: { NODE_COMPILE_CACHE: tmp.file('bare-compile-cache') },
            cwd: tmp.dir,
          },
        ]
      : []),
    {
      name: 'Greenlight (Slack) through tsx',
      args: ['--import', 'tsx', SRC_MAIN],
      env: { ...slack, DATABASE_URL: `file:${tmp.file('slack.db')}` },
      cwd: here('..'),
    },
  ];
  const samples = new Map<string, Sample[]>(contenders.map((c) => [c.name, []]));
  // Round 0 creates the databases and warms the file cache; it is not counted.
  for (let round = 0; round <= ROUNDS; round++) {
    for (const contender of contenders) {
      const sample = await startOnce(contender);
      if (round > 0) samples.get(contender.name)!.push(sample);
    }
  }

  const summary = (name: string) => {
    const all = samples.get(name)!;
    return { readyMs: median(all.map((s) => s.readyMs)), rssMb: median(all.map((s) => s.rssMb)) };
  };
  const bare = summary('bare Bolt app');
  console.log(`start-up until /healthz answers, median of ${ROUNDS} starts each (Node ${process.versions.node})`);
  console.log('contender                              ready ms   ×bare   RSS MB   ×bare');
  let withinBudget = true;
  for (const contender of contenders) {
    const s = summary(contender.name);
    const ready = s.readyMs / bare.readyMs;
    const rss = s.rssMb / bare.rssMb;
    console.log(
      `${contender.name.padEnd(38)} ${s.readyMs.toFixed(0).padStart(8)} ${ready.toFixed(2).padStart(7)} ${s.rssMb.toFixed(0).padStart(8)} ${rss.toFixed(2).padStart(7)}`,
    );
    if (contender.budgeted && (ready > 1.5 || rss > 2)) withinBudget = false;
  }
  console.log(`budget (Greenlight (Slack): ready ≤ 1.5× the bare app, resident memory ≤ 2×): ${withinBudget ? 'met' : 'NOT met'}`);
  if (!withinBudget) process.exitCode = 1;
} finally {
  stopAll();
  tmp.cleanup();
}

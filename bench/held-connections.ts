/**
 * `npm run bench:connections`: what unauthenticated clients that hold connections open cost
 * Greenlight, measured on a real `npm start` process (Slack over HTTP), as resident memory
 * against the same process idle in the same run.
 *  1. 300 connections to POST /slack/events, each trickling a body a few bytes at a time.
 *  2. 300 connections each sending almost a whole body (1 MiB less a byte) at once and then
 *     holding it: the shape of the probe that took an unguarded Bolt from 140 to 704 MB with
 *     150 connections.
 * Budget: each adds under 50 MB. Also printed: how the server answered them.
 */
import fs from 'node:fs';
import net from 'node:net';
import { execFileSync } from 'node:child_process';
import { SLACK_BODY_LIMIT } from '../src/bots/slack/request-gate.js';
import { startFakeSlackApi, WORKSPACE_DEFAULTS } from '../test/fakes/slack/index.js';
import { startGreenlightProcess } from '../test/support/greenlight-process.js';
import { postSigned, slashCommand } from '../test/support/slack-requests.js';
import { tempDir } from '../test/support/temp-db.js';

const CONNECTIONS = 300;
const HOLD_MS = 3_000;
const MB = 1024 * 1024;
const SECRET = 'f00dfacecafebeef0123456789abcdef';
const verdict = (ok: boolean) => (ok ? 'within budget' : 'OVER BUDGET');

function residentBytes(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
  } catch {
    return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) * 1024;
  }
}

/** Highest resident memory of `pid` seen while `during` runs, sampled every 50 ms. */
async function peakDuring(pid: number, during: Promise<unknown>): Promise<number> {
  let peak = residentBytes(pid);
  let done = false;
  void during.finally(() => (done = true));
  while (!done) {
    peak = Math.max(peak, residentBytes(pid));
    await new Promise((r) => setTimeout(r, 50));
  }
  return Math.max(peak, residentBytes(pid));
}

interface Held {
  /** What the server answered each connection ("closed" when it hung up without a status). */
  answers: Map<string, number>;
}

/** Opens CONNECTIONS connections that each send the headers of a signed-looking request and then `body(socket)`; closes them after HOLD_MS. */
async function hold(port: number, declared: number, body: (socket: net.Socket) => (() => void) | void): Promise<Held> {
  const answers = new Map<string, number>();
  const count = (what: string) => answers.set(what, (answers.get(what) ?? 0) + 1);
  const sockets = await Promise.all(
    Array.from(
      { length: CONNECTIONS },
      () =>
        new Promise<{ socket: net.Socket; stop: () => void; answered: () => boolean }>((resolve) => {
          const socket = net.connect(port, '127.0.0.1');
          let answered = false;
          socket.on('data', (d) => {
            if (!answered)
              count(
                String(d)
                  .split('\r\n')[0]!
                  .replace(/^HTTP\/1\.1 /, ''),
              );
            answered = true;
          });
          socket.on('error', () => undefined);
          socket.on('close', () => {
            if (!answered) count('closed without an answer');
            answered = true;
          });
          socket.on('connect', () => {
            socket.write(
              'POST /slack/events HTTP/1.1\r\nHost: greenlight\r\nContent-Type: application/x-www-form-urlencoded\r\n' +
                `X-Slack-Request-Timestamp: ${Math.floor(Date.now() / 1000)}\r\nX-Slack-Signature: v0=${'0'.repeat(64)}\r\n` +
                `Content-Length: ${declared}\r\n\r\n`,
            );
            const stop = body(socket) ?? (() => undefined);
            resolve({
              socket,
              stop: () => {
                stop();
                answered = true;
              },
              answered: () => answered,
            });
          });
        }),
    ),
  );
  await new Promise((r) => setTimeout(r, HOLD_MS));
  for (const { socket, stop, answered } of sockets) {
    if (!answered() && !socket.destroyed) count('still open, unanswered, after the hold');
    stop();
    socket.destroy();
  }
  return { answers };
}

const fake = await startFakeSlackApi();
const tmp = tempDir('greenlight-bench-');
const app = await startGreenlightProcess({
  SLACK_BOT_TOKEN: WORKSPACE_DEFAULTS.botToken,
  SLACK_SIGNING_SECRET: SECRET,
  SLACK_API_URL: fake.url,
  SLACK_APPROVAL_CHANNEL: 'C0APPROVALS',
  SLACK_APPROVERS: 'U0ALICE',
  DATABASE_URL: `file:${tmp.file()}`,
});
const pid = app.child.pid!;
try {
  // Warm up: the code paths a real request takes, so the idle figure includes them.
  for (let i = 0; i < 20; i++) {
    await postSigned(
      `http://127.0.0.1:${app.port}/slack/events`,
      slashCommand({ command: '/queue', userId: 'U0ALICE', channelId: 'C0GENERAL' }),
      { signingSecret: SECRET },
    );
  }
  await new Promise((r) => setTimeout(r, 500));
  const idle = residentBytes(pid);
  console.log(`idle Greenlight (Slack over HTTP): ${(idle / MB).toFixed(0)} MB resident`);

  const rows: Array<[string, () => Promise<Held>]> = [
    [
      `1. ${CONNECTIONS} connections trickling a body`,
      () =>
        hold(app.port, 200_000, (socket) => {
          socket.write('payload=');
          const timer = setInterval(() => socket.writable && socket.write('a'), 200);
          return () => clearInterval(timer);
        }),
    ],
    [
      `2. ${CONNECTIONS} connections each sending ${((SLACK_BODY_LIMIT - 1) / 1024).toFixed(0)} KiB and holding`,
      () =>
        hold(app.port, SLACK_BODY_LIMIT, (socket) => {
          socket.write(Buffer.alloc(SLACK_BODY_LIMIT - 1, 'a'));
        }),
    ],
  ];
  for (const [name, run] of rows) {
    const before = residentBytes(pid);
    let held: Held | undefined;
    const peak = await peakDuring(
      pid,
      run().then((h) => (held = h)),
    );
    const added = (peak - idle) / MB;
    console.log(name);
    console.log(
      `   peak ${(peak / MB).toFixed(0)} MB resident (${(before / MB).toFixed(0)} MB before): +${added.toFixed(1)} MB over idle, ${(peak / idle).toFixed(2)}× idle (budget < 50 MB) ${verdict(added < 50)}`,
    );
    console.log(`   answers: ${[...held!.answers].map(([k, v]) => `${v} × ${k}`).join(', ')}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  const health = await fetch(`http://127.0.0.1:${app.port}/healthz`);
  console.log(`afterwards /healthz answers ${health.status}`);
} finally {
  await app.stop('SIGTERM');
  await fake.close();
  tmp.cleanup();
}

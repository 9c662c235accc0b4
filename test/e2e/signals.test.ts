/**
 * `npm start` as a supervisor runs it: the test starts npm in a process group of its own and
 * signals either npm's pid alone (a container runtime, a supervisor) or the whole group (a
 * terminal's Ctrl-C, systemd's control-group kill). Either way Greenlight must stop
 * gracefully and leave nothing behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../support/greenlight-process.js';
import { freePort } from '../support/free-port.js';
import { tempDir } from '../support/temp-db.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));

let tmp: ReturnType<typeof tempDir> | undefined;
let started: ChildProcess | undefined;

/** True while any process of the group npm leads is alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

afterEach(() => {
  // Whatever a failed test left running must not outlive it.
  if (started?.pid && groupAlive(started.pid)) process.kill(-started.pid, 'SIGKILL');
  started = undefined;
  tmp?.cleanup();
  tmp = undefined;
});

/** `npm start` in its own process group, once its output shows `ready` (default: listening, and /healthz answering). */
async function npmStart(ready?: string) {
  tmp = tempDir();
  const port = await freePort();
  const child = spawn('npm', ['start'], {
    cwd: repo,
    detached: true, // its own process group, as under a supervisor or a terminal
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      DATABASE_URL: `file:${tmp.file()}`,
      npm_config_update_notifier: 'false',
    },
  });
  started = child;
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await eventually(
    () => output.includes(ready ?? `listening on port ${port}`) || child.exitCode !== null,
    30_000,
    ready ?? 'Greenlight to listen',
  );
  if (!ready) expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  return { pid: child.pid!, port, exited, output: () => output };
}

describe('signals reach Greenlight through npm start', () => {
  it('SIGTERM to npm alone stops Greenlight gracefully and leaves no process and no open port', async () => {
    const app = await npmStart();
    process.kill(app.pid, 'SIGTERM');
    expect(await app.exited).toBe(0);
    await eventually(() => !groupAlive(app.pid), 10_000, 'every process of the group to exit');
    expect(app.output()).toContain('SIGTERM: finishing work in flight, then stopping');
    expect(app.output()).toMatch(/INFO \[greenlight\] stopped/);
    expect(await portFree(app.port)).toBe(true);
  });

  it('SIGINT to the whole group (Ctrl-C in a terminal) stops it gracefully once, not as a forced second signal', async () => {
    const app = await npmStart();
    process.kill(-app.pid, 'SIGINT');
    await eventually(() => !groupAlive(app.pid), 10_000, 'every process of the group to exit');
    expect(app.output()).toMatch(/INFO \[greenlight\] stopped/);
    expect(app.output().match(/SIGINT: finishing work in flight/g)).toHaveLength(1);
    expect(await portFree(app.port)).toBe(true);
  });

  it('SIGTERM while it is still starting (the database just opened) stops it gracefully once started, not by Node’s default', async () => {
    const app = await npmStart('created a new database');
    process.kill(app.pid, 'SIGTERM');
    expect(await app.exited).toBe(0);
    expect(app.output()).toContain('SIGTERM: finishing work in flight, then stopping');
    expect(app.output()).toMatch(/INFO \[greenlight\] stopped/);
    await eventually(() => !groupAlive(app.pid), 10_000, 'every process of the group to exit');
  });

  it('SIGTERM to the whole group (a control-group kill) stops it gracefully too', async () => {
    const app = await npmStart();
    process.kill(-app.pid, 'SIGTERM');
    await eventually(() => !groupAlive(app.pid), 10_000, 'every process of the group to exit');
    expect(app.output()).toMatch(/INFO \[greenlight\] stopped/);
    expect(await portFree(app.port)).toBe(true);
  });
});

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { tempDir } from '../support/temp-db.js';
import { BUILT_MAIN } from '../support/built.js';

/** Only PATH/HOME: the process must run on its embedded defaults, not on this machine's env. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, ...extra };
}

function start(cwd: string, env: Record<string, string>) {
  const child = spawn(process.execPath, [BUILT_MAIN], { cwd, env: cleanEnv(env) });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  // 'close', not 'exit': by then everything the process printed has been read from its pipes.
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const waitFor = async (text: string, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!output.includes(text)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`never printed "${text}":\n${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { child, exited, waitFor, output: () => output };
}

let tmp: ReturnType<typeof tempDir>;
afterEach(() => tmp?.cleanup());

describe('npm start on a fresh machine', () => {
  it('creates ./data/greenlight.db, prints one line per feature, answers /healthz, and stops cleanly on SIGTERM', async () => {
    tmp = tempDir();
    const port = await freePort();
    const app = start(tmp.dir, { PORT: String(port) });
    await app.waitFor(`listening on port ${port}`);

    expect(fs.existsSync(path.join(tmp.dir, 'data', 'greenlight.db'))).toBe(true);
    const lines = app.output().split('\n');
    for (const feature of [
      'database',
      'playground',
      'slack',
      'teams',
      'ai captions',
      'digest',
      'sandbox',
      'x',
      'linkedin',
      'facebook',
      'instagram',
      'pinterest',
      'mastodon',
      'bluesky',
    ]) {
      expect(
        lines.filter((l) => new RegExp(`\\] (on |off)  ${feature} +`).test(l)),
        feature,
      ).toHaveLength(1);
    }
    // No chat configured: the playground plays Slack, and start-up says where to open it.
    expect(app.output()).toMatch(/on {3}slack +the playground's own workspace/);
    expect(app.output()).toContain(`playground: open http://localhost:${port}/ in your browser`);
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Greenlight playground');

    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({
      ok: true,
      database: 'reachable',
      problems: [],
      checks: [{ name: 'chat outbox', ok: true, detail: 'no chat updates waiting' }],
      scheduler: 'running',
      nextDuePublication: null,
    });
    expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).toBe(404);

    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
    expect(app.output()).toContain('SIGTERM: finishing work in flight, then stopping');
    expect(app.output()).toContain('stopped');
  });

  it('refuses to start on an invalid value, with one line naming the variable', async () => {
    tmp = tempDir();
    const app = start(tmp.dir, { PORT: 'eighty', REQUIRED_APPROVALS: '0' });
    expect(await app.exited).toBe(1);
    expect(app.output().trim().split('\n')).toEqual([
      'greenlight: PORT: must be a whole number (got "eighty")',
      'greenlight: REQUIRED_APPROVALS: must be between 1 and 10 (got "0")',
    ]);
    expect(fs.existsSync(path.join(tmp.dir, 'data'))).toBe(false);
  });

  it('reads .env from the working directory', async () => {
    tmp = tempDir();
    fs.writeFileSync(path.join(tmp.dir, '.env'), 'DIGEST_TIMEZONE=Moon/Base\n');
    const app = start(tmp.dir, {});
    expect(await app.exited).toBe(1);
    expect(app.output()).toContain('DIGEST_TIMEZONE: must be an IANA time zone');
  });
});

import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { tempDir } from '../support/temp-db.js';
import { BUILT_MAIN } from '../support/built.js';

let tmp: ReturnType<typeof tempDir> | undefined;
afterEach(() => tmp?.cleanup());

describe('npm start with LOG_FORMAT=json', () => {
  it('prints nothing but JSON lines on stdout, from start-up to a clean stop, secrets masked', async () => {
    tmp = tempDir();
    const port = await freePort();
    const apiKey = 'sk-jsonlogs-e2e-0123456789abcdef';
    const child = spawn(process.execPath, [BUILT_MAIN], {
      cwd: tmp.dir,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PORT: String(port),
        DATABASE_URL: `file:${tmp.file()}`,
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'debug',
        OPENAI_API_KEY: apiKey,
        OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    // 'close', not 'exit': by then everything the process printed has been read from its pipes.
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const deadline = Date.now() + 20_000;
    while (!stdout.includes(`"msg":"listening on port ${port}"`)) {
      if (Date.now() > deadline || child.exitCode !== null) {
        child.kill('SIGKILL');
        throw new Error(`Greenlight did not start:\n${stdout}\n${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);

    const lines = stdout.split('\n');
    expect(lines.pop()).toBe('');
    const records = lines.map((line) => {
      expect(() => JSON.parse(line), line).not.toThrow();
      return JSON.parse(line) as Record<string, unknown>;
    });
    for (const record of records) {
      expect(record).toMatchObject({
        level: expect.stringMatching(/^(debug|info|warn|error)$/),
        msg: expect.any(String),
        scope: expect.stringMatching(/^greenlight/),
      });
      expect(new Date(record.time as string).toISOString()).toBe(record.time);
    }
    const messages = records.map((r) => r.msg);
    expect(messages).toContain(`listening on port ${port}`);
    expect(messages).toContain('SIGTERM: finishing work in flight, then stopping');
    expect(messages.at(-1)).toBe('stopped');
    expect(messages.some((m) => /^on +ai captions/.test(m as string))).toBe(true);
    // Nothing of the logger's goes to stderr, and the key is nowhere.
    expect(stderr).not.toContain('listening on port');
    expect(stdout + stderr).not.toContain(apiKey);
  }, 30_000);
});

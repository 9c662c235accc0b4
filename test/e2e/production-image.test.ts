/**
 * What the Dockerfile's final stage holds, without a Docker engine (none runs on the machines
 * this suite runs on): this project's compiled build and its production dependencies only
 * (`npm prune --omit=dev`, as the build stage does), started with the image's environment and
 * command, checked with the image's own HEALTHCHECK command, then stopped as the runtime stops
 * it. A module that reaches for a development dependency, or a file the build leaves behind,
 * fails here.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_MAIN } from '../support/built.js';
import { freePort } from '../support/free-port.js';
import { eventually } from '../support/greenlight-process.js';
import { tempDir } from '../support/temp-db.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
/** The last stage of the Dockerfile, its continued lines joined. */
const finalStage = dockerfile
  .slice(dockerfile.lastIndexOf('\nFROM '))
  .replace(/\\\n\s*/g, ' ')
  .split('\n')
  .filter((l) => !l.startsWith('#'));
const instruction = (name: string) => finalStage.find((l) => l.startsWith(`${name} `))?.slice(name.length + 1);
const execForm = (name: string) => JSON.parse(instruction(name)!.replace(/^.*?(?=\[)/, '')) as string[];
/** `ENV A=1 B=2` → { A: '1', B: '2' } (the form the Dockerfile uses). */
const imageEnv = Object.fromEntries([...instruction('ENV')!.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!]));

let tmp: ReturnType<typeof tempDir>;
let app: string;

beforeAll(async () => {
  tmp = tempDir('greenlight-image-');
  app = path.join(tmp.dir, 'app');
  fs.mkdirSync(app);
  for (const file of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(ROOT, file), path.join(app, file));
  fs.cpSync(path.dirname(BUILT_MAIN), path.join(app, 'dist'), { recursive: true });
  // Hard links: the whole tree in a moment, and pruning unlinks files here, never the originals.
  await run('cp', ['-al', path.join(ROOT, 'node_modules'), path.join(app, 'node_modules')]);
  await run('npm', ['prune', '--omit=dev', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: app });
}, 120_000);
afterAll(() => tmp?.cleanup());

describe('the production image (Dockerfile final stage, without Docker)', () => {
  it('holds no package that only development needs, and the ones Greenlight runs on', () => {
    const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean }>;
    };
    const devOnly = Object.entries(lock.packages).filter(([where, p]) => where && p.dev);
    expect(devOnly.map(([where]) => where)).toContain('node_modules/tsx');
    for (const [where] of devOnly) expect(fs.existsSync(path.join(app, where)), where).toBe(false);
    for (const name of ['better-sqlite3', '@slack/bolt', 'botbuilder', 'esbuild'])
      expect(fs.existsSync(path.join(app, 'node_modules', name)), name).toBe(true);
  });

  it('starts with the image’s environment and command, passes its HEALTHCHECK, and stops on SIGTERM with exit code 0', async () => {
    const port = await freePort();
    const data = path.join(tmp.dir, 'data');
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...imageEnv,
      PORT: String(port),
      DATABASE_URL: imageEnv.DATABASE_URL!.replace('/data', data),
      MEDIA_DIR: imageEnv.MEDIA_DIR!.replace('/data', data),
    };
    fs.mkdirSync(path.join(data, 'db'), { recursive: true });
    const [command, ...args] = execForm('CMD');
    const child = spawn(command === 'node' ? process.execPath : command!, args, { cwd: app, env });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      await eventually(() => output.includes(`listening on port ${port}`) || child.exitCode !== null, 20_000, 'start-up');
      expect(output).toContain(`listening on port ${port}`);
      expect(output).toMatch(/on {3}database {5}SQLite .*data\/db\/greenlight\.db/);
      expect(output).not.toMatch(/on {3}playground/);

      const [hcCommand, ...hcArgs] = execForm('HEALTHCHECK');
      expect(hcCommand).toBe('node');
      await expect(run(process.execPath, hcArgs, { env })).resolves.toBeDefined();
      // The same check fails when nothing answers (it is a real check).
      await expect(run(process.execPath, hcArgs, { env: { ...env, PORT: String(await freePort()) } })).rejects.toMatchObject({ code: 1 });

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(output).toContain('stopped');
    } finally {
      child.kill('SIGKILL');
    }
  });
});

/**
 * Start-up and the database, the way the probe found it: Greenlight as a real process on
 * its embedded defaults, the data folder deleted during a run, a database that cannot be
 * written, paths that cannot be used. What must hold: a fresh machine just starts; a
 * database that existed is never silently replaced by an empty one; every refusal is one
 * line naming DATABASE_URL and the cause.
 */
import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../db/open.js';
import { eventually } from '../support/greenlight-process.js';
import { freePort } from '../support/free-port.js';
import { tempDir } from '../support/temp-db.js';
import { BUILT_MAIN } from '../support/built.js';

/**
 * Root ignores file modes, and tests may run as root: then the process runs as `nobody`, so
 * a read-only file or folder is read-only to it, as it is to a service account.
 */
const unprivileged: SpawnOptions = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

let tmp: ReturnType<typeof tempDir> | undefined;
const children: ChildProcess[] = [];
afterEach(() => {
  // A test that failed half-way must not leave Greenlight running (it did, for an hour).
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  tmp?.cleanup();
  tmp = undefined;
});

function run(cwd: string, env: Record<string, string>, args: string[] = [], extra: SpawnOptions = {}) {
  const child = spawn(process.execPath, [BUILT_MAIN, ...args], {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    ...extra,
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  // 'close', not 'exit': by then everything the process printed has been read from its pipes.
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    exited,
    output: () => output,
    listening: (port: number) =>
      eventually(() => output.includes(`listening on port ${port}`) || child.exitCode !== null, 20_000, 'Greenlight to listen'),
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** What a refused start printed: exactly one line. */
async function refusal(started: ReturnType<typeof run>): Promise<string> {
  expect(await started.exited).toBe(1);
  const lines = started.output().trim().split('\n');
  expect(lines, started.output()).toHaveLength(1);
  return lines[0]!;
}

describe('start-up never silently replaces a database that existed', () => {
  it('starts on a fresh machine, and after the data folder is deleted during a run it says so, refuses to restart empty, and starts over only with --init', async () => {
    tmp = tempDir();
    const port = await freePort();
    const env = { PORT: String(port) };
    const dbFile = path.join(tmp.dir, 'data', 'greenlight.db');
    const marker = path.join(tmp.dir, '.data-greenlight.db.marker');

    const first = run(tmp.dir, env);
    await first.listening(port);
    expect(first.output()).toMatch(/created a new database \.\/data\/greenlight\.db \(database [0-9a-f-]{36}, created /);
    const id = JSON.parse(fs.readFileSync(marker, 'utf8')).id as string;
    const meta = new Database(dbFile, { readonly: true });
    expect(meta.prepare("SELECT value FROM greenlight_meta WHERE key = 'database_id'").pluck().get()).toBe(id);
    meta.close();

    fs.rmSync(path.join(tmp.dir, 'data'), { recursive: true });
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(503);
    // Logged before /healthz answers, but it comes through another pipe than the answer: it
    // may be read after it (seen on Node 24 with the suite running two files at once).
    const deleted = /ERROR \[greenlight\] database: the database file \.\/data\/greenlight\.db was deleted while Greenlight had it open/;
    await eventually(() => deleted.test(first.output()), 5_000, 'the deletion to be logged').catch(() => undefined);
    expect(first.output()).toMatch(deleted);
    expect(await first.stop()).toBe(0);

    const second = run(tmp.dir, env);
    const line = await refusal(second);
    expect(line).toContain('greenlight: DATABASE_URL=file:./data/greenlight.db: the database file ./data/greenlight.db is missing.');
    expect(line).toContain(`database ${id}`);
    expect(line).toContain('--init');
    expect(fs.existsSync(path.join(tmp.dir, 'data'))).toBe(false);

    const third = run(tmp.dir, env, ['--init']);
    await third.listening(port);
    expect(third.output()).toMatch(
      new RegExp(`WARN \\[greenlight\\] --init: the new database ./data/greenlight.db takes the place of database ${id}`),
    );
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    expect(JSON.parse(fs.readFileSync(marker, 'utf8')).id).not.toBe(id);
    expect(await third.stop()).toBe(0);

    // The new database is now the one that exists: a plain restart uses it.
    const fourth = run(tmp.dir, env);
    await fourth.listening(port);
    expect(fourth.output()).not.toContain('created a new database');
    expect(await fourth.stop()).toBe(0);
  });

  it('refuses a different database put in its place, and accepts it with --init', async () => {
    tmp = tempDir();
    const one = path.join(tmp.dir, 'data', 'greenlight.db');
    const other = path.join(tmp.dir, 'other', 'greenlight.db');
    await (await openStore(`file:${one}`)).close();
    await (await openStore(`file:${other}`)).close();
    fs.copyFileSync(other, one);

    await expect(openStore(`file:${one}`)).rejects.toThrow(
      new RegExp(
        `^DATABASE_URL=file:${one}: ${one} is database [0-9a-f-]{36}, created .*, not the one that was there\\. Greenlight kept database`,
      ),
    );
    const warnings: string[] = [];
    const adopted = await openStore(`file:${one}`, { init: true, log: { info: () => undefined, warn: (m) => warnings.push(m) } });
    await adopted.close();
    expect(warnings).toEqual([expect.stringMatching(/^--init: .* is accepted in place of database /)]);
    await (await openStore(`file:${one}`)).close();
  });

  it('refuses an empty file put where the database was', async () => {
    tmp = tempDir();
    const file = path.join(tmp.dir, 'data', 'greenlight.db');
    await (await openStore(`file:${file}`)).close();
    fs.rmSync(file);
    fs.writeFileSync(file, '');
    await expect(openStore(`file:${file}`)).rejects.toThrow(/is not the database that was there: it has no identity/);
    expect(fs.statSync(file).size).toBe(0);
  });

  it('gives a database from before identities existed one, without refusing it', async () => {
    tmp = tempDir();
    const file = path.join(tmp.dir, 'data', 'greenlight.db');
    await (await openStore(`file:${file}`)).close();
    const raw = new Database(file);
    raw.exec('DELETE FROM greenlight_meta');
    raw.close();
    fs.rmSync(path.join(tmp.dir, '.data-greenlight.db.marker'));
    const store = await openStore(`file:${file}`);
    await store.close();
    expect(JSON.parse(fs.readFileSync(path.join(tmp.dir, '.data-greenlight.db.marker'), 'utf8')).id).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('start-up names DATABASE_URL and the cause in one line', () => {
  it('a read-only database file: refused at start, not "healthy" and then failing every round', async () => {
    tmp = tempDir();
    const data = path.join(tmp.dir, 'data');
    await (await openStore(`file:${path.join(data, 'greenlight.db')}`)).close();
    fs.chmodSync(path.dirname(tmp.dir), 0o755);
    fs.chmodSync(tmp.dir, 0o777);
    fs.chmodSync(data, 0o777); // SQLite may create its -wal and -shm files; only the database is read-only
    fs.chmodSync(path.join(data, 'greenlight.db'), 0o444);
    const line = await refusal(run(tmp.dir, { PORT: String(await freePort()) }, [], unprivileged));
    expect(line).toBe(
      'greenlight: DATABASE_URL=file:./data/greenlight.db: cannot write to the database ./data/greenlight.db: attempt to write a readonly database (SQLITE_READONLY)',
    );
  });

  it('a folder it may not write in (as on a read-only mount)', async () => {
    tmp = tempDir();
    const data = path.join(tmp.dir, 'data');
    fs.mkdirSync(data);
    fs.chmodSync(path.dirname(tmp.dir), 0o755);
    fs.chmodSync(tmp.dir, 0o755);
    fs.chmodSync(data, 0o555);
    const line = await refusal(run(tmp.dir, { PORT: String(await freePort()) }, [], unprivileged));
    // On a read-only mount the cause reads "… is on a read-only file system".
    expect(line).toBe(
      `greenlight: DATABASE_URL=file:./data/greenlight.db: cannot open ./data/greenlight.db: the folder ${data} cannot be used (EACCES: permission denied, access '${data}')`,
    );
  });

  it('a path through a file, a folder in the database’s place, and a file that is not a database', async () => {
    tmp = tempDir();
    const notFolder = path.join(tmp.dir, 'plain-file');
    fs.writeFileSync(notFolder, 'x');
    const line = await refusal(run(tmp.dir, { PORT: String(await freePort()), DATABASE_URL: `file:${notFolder}/greenlight.db` }));
    expect(line).toMatch(new RegExp(`^greenlight: DATABASE_URL=file:${notFolder}/greenlight.db: .*ENOTDIR`));

    const folder = path.join(tmp.dir, 'folder.db');
    fs.mkdirSync(folder);
    await expect(openStore(`file:${folder}`)).rejects.toThrow(
      `DATABASE_URL=file:${folder}: cannot open ${folder}: ${folder} is a folder, not a database file`,
    );

    const garbage = path.join(tmp.dir, 'garbage.db');
    fs.writeFileSync(garbage, 'this is not a database, only some text long enough to have a header '.repeat(20));
    await expect(openStore(`file:${garbage}`)).rejects.toThrow(
      new RegExp(`^DATABASE_URL=file:${garbage}: file is not a database \\(SQLITE_NOTADB\\)$`),
    );
  });
});

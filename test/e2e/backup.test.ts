/**
 * `npm run backup -- FILE`: the real command, in its own process, copying the database of a
 * Greenlight that is running and writing in this one. The copy is then opened by the store
 * and restored the way docs/operations.md says. Refusals leave nothing at FILE and no temporary file.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { readIdentity } from '../../db/sqlite/identity.js';
import { SqliteStore } from '../../db/sqlite/store.js';
import type { NewPost } from '../../db/store.js';
import { startApp, type RunningApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { Person } from '../../src/domain/post.js';
import { ManualTimers } from '../../src/domain/timers.js';
import { createMemoryLogger } from '../../src/observability/logger.js';
import { tempDir } from '../support/temp-db.js';
import { BUILT_BACKUP } from '../support/built.js';

let app: RunningApp | undefined;
let tmp: ReturnType<typeof tempDir> | undefined;
afterEach(async () => {
  await app?.stop().catch(() => undefined);
  app = undefined;
  tmp?.cleanup();
  tmp = undefined;
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The command as `npm run backup` runs it, with only the environment given (no .env: cwd is a temp folder). */
function backup(args: string[], env: Record<string, string>, cwd: string): Promise<Run> {
  const child = spawn(process.execPath, [BUILT_BACKUP, ...args], {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const LINE = /^backed up database (\S+) to (.+): \d+(?:\.\d)? (KB|MB), (\d+) posts?, (\d+) publications?, integrity ok, in \d+\.\d\d s\n$/;

/** What the backup folder holds: the backups themselves, nothing temporary beside them. */
const listing = (folder: string) => fs.readdirSync(folder).sort();

async function startGreenlight() {
  tmp = tempDir();
  const dbFile = path.join(tmp.dir, 'data', 'greenlight.db');
  const clock = new ManualClock('2026-03-02T09:00:00Z');
  const config = loadConfig({ DATABASE_URL: `file:${dbFile}` });
  const options = { clock, timers: new ManualTimers(clock), logger: createMemoryLogger(), port: 0, host: '127.0.0.1' };
  app = await startApp(config, options);
  const backups = path.join(tmp.dir, 'backups');
  fs.mkdirSync(backups);
  return { dbFile, backups, clock, restart: () => startApp(config, options) };
}

const newPost = (author: Person, text: string, at: Date): NewPost => ({
  at,
  author,
  status: 'pending',
  publishAt: null,
  publishZone: 'UTC',
  originPlatform: 'slack',
  revision: { text, networks: ['sandbox'], mediaUrl: null, contentHash: `h-${text.slice(0, 12)}`, aiAssisted: false },
  audit: [{ platform: 'slack', actorId: author.id, actorLabel: 'Ann', action: 'post.submitted' }],
});

/** A small Greenlight database of its own, closed (for the refusals). */
async function greenlightDatabase(file: string, posts = 3): Promise<void> {
  const store = SqliteStore.open(file);
  const at = new Date('2026-03-02T09:00:00Z');
  const author = await store.upsertPerson({ platform: 'slack', platformUserId: 'U1', displayName: 'Ann' }, at);
  for (let i = 0; i < posts; i++) await store.createPost(newPost(author, `Post ${i} ${'x'.repeat(2000)}`, at));
  // An identity, as Greenlight records on its first start (db/sqlite/open-file.ts).
  store.sqlite
    .prepare("INSERT INTO greenlight_meta (key, value) VALUES ('database_id', 'test-db'), ('created_at', ?)")
    .run(at.toISOString());
  await store.close();
}

describe('npm run backup', () => {
  it('copies the database of a running Greenlight that keeps writing; the copy holds all that was committed before, passes integrity_check, and restores', async () => {
    const { dbFile, backups, clock, restart } = await startGreenlight();
    const running = app!;
    const store = running.store;
    const author = await running.greenlight.identify({ platform: 'slack', platformUserId: 'U_ANN', displayName: 'Ann' });
    const approver = await running.greenlight.identify({ platform: 'slack', platformUserId: 'U_BOB', displayName: 'Bob' });

    // More pages than one default backup step (100), so a copy that was not one snapshot
    // would show torn or missing rows below.
    const texts = new Map<number, string>();
    const seeded = await Promise.all(
      Array.from({ length: 200 }, (_, i) => store.createPost(newPost(author, `Seed ${i} ${'lorem ipsum '.repeat(300)}`, clock.now()))),
    );
    for (const p of seeded) texts.set(p.post.id, p.revision.text);
    for (const p of seeded.slice(0, 40)) {
      const result = await store.updatePost(p.post.id, (post) => ({
        at: clock.now(),
        status: 'approved',
        decision: { revisionId: post.revision.id, approver, kind: 'approve', comment: null, platform: 'slack' },
        createPublications: [{ network: 'sandbox', revisionId: post.revision.id, dueAt: new Date('2026-04-01T09:00:00Z') }],
        audit: [{ platform: 'slack', actorId: approver.id, actorLabel: 'Bob', action: 'decision.approve' }],
      }));
      expect(result.ok).toBe(true);
    }
    const pages = (store as SqliteStore).sqlite.pragma('page_count', { simple: true }) as number;
    expect(pages).toBeGreaterThan(200);

    // Greenlight keeps taking drafts, through the product's own path, all the while.
    let writing = true;
    const written: number[] = [];
    let firstWrites!: () => void;
    const warmedUp = new Promise<void>((resolve) => (firstWrites = resolve));
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        const text = `Live ${i}`;
        const result = await running.greenlight.submitDraft(author, {
          text,
          networks: ['sandbox'],
          publishAt: null,
          timezone: 'UTC',
          mediaUrl: null,
        });
        if (!result.ok) throw new Error(`draft refused: ${JSON.stringify(result)}`);
        texts.set(result.post.post.id, text);
        written.push(result.post.post.id);
        if (written.length === 5) firstWrites();
      }
    })();
    await warmedUp;

    const committedBefore = [...seeded.map((p) => p.post.id), ...written];
    const target = path.join(backups, 'greenlight-2026-03-02.db');
    const run = await backup([target], { DATABASE_URL: `file:${dbFile}` }, tmp!.dir);
    const writtenWhileBackingUp = written.length - (committedBefore.length - seeded.length);
    writing = false;
    await writer;

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const line = LINE.exec(run.stdout);
    expect(line, run.stdout).not.toBeNull();
    // Greenlight was not held up: drafts were committed while the command ran.
    expect(writtenWhileBackingUp).toBeGreaterThan(0);

    // One self-contained file, for its owner only, nothing left beside it.
    expect(listing(backups)).toEqual(['greenlight-2026-03-02.db']);
    expect(fs.statSync(target).mode & 0o077).toBe(0);
    const raw = new Database(target, { readonly: true, fileMustExist: true });
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(raw.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(raw.pragma('foreign_key_check')).toEqual([]);
    const source = new Database(dbFile, { readonly: true });
    expect(readIdentity(raw)).toEqual(readIdentity(source));
    source.close();
    expect(line![1]).toBe(readIdentity(raw)!.id);
    raw.close();
    expect(line![2]).toBe(target);

    // The store opens the copy; it holds every post committed before the command began, as written,
    // and is one moment of the database: posts 1..n with nothing torn.
    const copy = SqliteStore.open(target);
    try {
      const postCount = copy.sqlite.prepare('SELECT count(*) FROM posts').pluck().get() as number;
      const maxId = copy.sqlite.prepare('SELECT max(id) FROM posts').pluck().get() as number;
      expect(maxId).toBe(postCount);
      expect(postCount).toBeGreaterThanOrEqual(committedBefore.length);
      for (const id of committedBefore) {
        const post = await copy.getPost(id);
        expect(post?.revision.text, `post ${id}`).toBe(texts.get(id));
      }
      for (let id = 1; id <= postCount; id++) expect((await copy.getPost(id))?.revision.text, `post ${id}`).toBe(texts.get(id));
      const publications = copy.sqlite.prepare('SELECT count(*) FROM publications').pluck().get() as number;
      expect(publications).toBe(40);
      expect([Number(line![4]), Number(line![5])]).toEqual([postCount, publications]);
    } finally {
      await copy.close();
    }

    // Restore as docs/operations.md says: stop, copy the backup over the database, remove -wal/-shm, start.
    await running.stop();
    app = undefined;
    fs.copyFileSync(target, dbFile);
    for (const suffix of ['-wal', '-shm']) fs.rmSync(dbFile + suffix, { force: true });
    app = await restart();
    const restored = (app.store as SqliteStore).sqlite.prepare('SELECT count(*) FROM posts').pluck().get();
    expect(restored).toBe(Number(line![4]));
    expect((await app.store.getPost(committedBefore.at(-1)!))?.revision.text).toBe(texts.get(committedBefore.at(-1)!));
  });

  it('writes a relative FILE where the command was typed (npm runs scripts in the package folder)', async () => {
    tmp = tempDir();
    const db = tmp.file();
    await greenlightDatabase(db);
    const typedIn = path.join(tmp.dir, 'typed-in');
    fs.mkdirSync(typedIn);
    const run = await backup(['copy.db'], { DATABASE_URL: `file:${db}`, INIT_CWD: typedIn }, tmp.dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(LINE);
    expect(run.stdout).toContain(`to ${path.join(typedIn, 'copy.db')}:`);
    expect(listing(typedIn)).toEqual(['copy.db']);
  });

  describe('refuses, writing nothing', () => {
    it('without FILE, or with two', async () => {
      tmp = tempDir();
      const none = await backup([], { DATABASE_URL: `file:${tmp.file()}` }, tmp.dir);
      expect(none.code).not.toBe(0);
      expect(none.stderr).toContain('greenlight backup: name the file to write the backup to');
      expect(none.stderr).toContain('usage: npm run backup -- FILE');
      const two = await backup(['a.db', 'b.db'], { DATABASE_URL: `file:${tmp.file()}` }, tmp.dir);
      expect(two.code).not.toBe(0);
      expect(two.stderr).toContain('one file only');
      expect(listing(tmp.dir)).toEqual([]);
    });

    it('when FILE exists (unless --force), and never over the database itself', async () => {
      tmp = tempDir();
      const db = tmp.file();
      await greenlightDatabase(db, 2);
      const target = tmp.file('old-backup.db');
      fs.writeFileSync(target, 'the previous backup');

      const refused = await backup([target], { DATABASE_URL: `file:${db}` }, tmp.dir);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toBe(`greenlight backup: ${target} already exists; choose another name, or add --force to replace it\n`);
      expect(fs.readFileSync(target, 'utf8')).toBe('the previous backup');

      const itself = await backup([db, '--force'], { DATABASE_URL: `file:${db}` }, tmp.dir);
      expect(itself.code).not.toBe(0);
      expect(itself.stderr).toContain(`${db} is the database itself`);

      const forced = await backup([target, '--force'], { DATABASE_URL: `file:${db}` }, tmp.dir);
      expect(forced.code).toBe(0);
      expect(forced.stdout).toMatch(/, 2 posts, 0 publications, integrity ok, /);
      const copy = new Database(target, { readonly: true });
      expect(readIdentity(copy)?.id).toBe('test-db');
      copy.close();
      expect(listing(tmp.dir)).toEqual(['greenlight.db', 'old-backup.db']);
    });

    it('when FILE is in a folder that does not exist, or is a folder', async () => {
      tmp = tempDir();
      const db = tmp.file();
      await greenlightDatabase(db);
      const missing = path.join(tmp.dir, 'no-such-folder', 'x.db');
      const run = await backup([missing], { DATABASE_URL: `file:${db}` }, tmp.dir);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain(`the folder ${path.dirname(missing)} does not exist`);
      expect(fs.existsSync(path.dirname(missing))).toBe(false);

      const folder = await backup([tmp.dir], { DATABASE_URL: `file:${db}` }, tmp.dir);
      expect(folder.code).not.toBe(0);
      expect(folder.stderr).toContain(`${tmp.dir} is a folder; name a file in it`);
      expect(listing(tmp.dir)).toEqual(['greenlight.db']);
    });

    it('when the database is missing (and does not create it), or is not a Greenlight database', async () => {
      tmp = tempDir();
      const db = tmp.file('gone.db');
      const target = tmp.file('backup.db');
      const run = await backup([target], { DATABASE_URL: `file:${db}` }, tmp.dir);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain(`the database file ${db} does not exist, so there is nothing to back up`);
      expect(listing(tmp.dir)).toEqual([]);

      const other = tmp.file('other.db');
      const sqlite = new Database(other);
      sqlite.exec('CREATE TABLE notes (body TEXT)');
      sqlite.close();
      const foreign = await backup([target], { DATABASE_URL: `file:${other}` }, tmp.dir);
      expect(foreign.code).not.toBe(0);
      expect(foreign.stderr).toContain(`${other} is not a Greenlight database`);
      expect(listing(tmp.dir)).toEqual(['other.db']);
    });

    it('for PostgreSQL, naming the pg_dump command and never the password', async () => {
      tmp = tempDir();
      const target = tmp.file('backup.dump');
      const run = await backup([target], { DATABASE_URL: 'postgres://greenlight:s3cret-pw@db.example.com/greenlight' }, tmp.dir);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain('does not run on PostgreSQL yet');
      expect(run.stderr).toContain(`pg_dump --format=custom --file="${target}" "$DATABASE_URL"`);
      expect(run.stdout + run.stderr).not.toContain('s3cret-pw');
      expect(listing(tmp.dir)).toEqual([]);
    });

    it('when the copy fails its check (a damaged database): no FILE, an old FILE untouched, no temporary file', async () => {
      tmp = tempDir();
      const db = tmp.file();
      await greenlightDatabase(db, 60);
      // Damage one page of an index on posts (pages are copied as they are, so the copy has it too).
      const sqlite = new Database(db);
      sqlite.pragma('wal_checkpoint(TRUNCATE)');
      sqlite.pragma('journal_mode = DELETE');
      const pageSize = sqlite.pragma('page_size', { simple: true }) as number;
      const rootpage = sqlite
        .prepare("SELECT rootpage FROM sqlite_master WHERE type = 'index' AND tbl_name = 'posts' LIMIT 1")
        .pluck()
        .get() as number;
      expect(sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
      sqlite.close();
      const fd = fs.openSync(db, 'r+');
      fs.writeSync(fd, Buffer.alloc(pageSize - 200, 0x5a), 0, pageSize - 200, (rootpage - 1) * pageSize + 100);
      fs.closeSync(fd);

      const target = tmp.file('backup.db');
      const run = await backup([target], { DATABASE_URL: `file:${db}` }, tmp.dir);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toMatch(
        /^greenlight backup: the copy failed SQLite's integrity check \(.+\); the database itself may be damaged.*\n$/,
      );
      expect(listing(tmp.dir)).toEqual(['greenlight.db']);

      fs.writeFileSync(target, 'the previous backup');
      const forced = await backup([target, '--force'], { DATABASE_URL: `file:${db}` }, tmp.dir);
      expect(forced.code).not.toBe(0);
      expect(forced.stderr).toContain('integrity check');
      expect(fs.readFileSync(target, 'utf8')).toBe('the previous backup');
      expect(listing(tmp.dir)).toEqual(['backup.db', 'greenlight.db']);
    });
  });
});

/**
 * A consistent copy of Greenlight's SQLite database, taken while Greenlight may be running
 * in another process (`npm run backup`, see backup.ts).
 *
 * The copy is SQLite's online backup API, all pages in one step: that step reads one
 * snapshot (a WAL read transaction, which never blocks Greenlight's writers), so the copy
 * holds exactly what was committed when it began. Smaller steps would let a busy Greenlight
 * restart the copy after every commit, and it might never finish.
 *
 * The copy is written to a hidden temporary file beside the target and takes the target's
 * name only after it is complete, verified and flushed to disk: a crash or a failure leaves
 * the target as it was (absent, or the previous backup with --force), never half-written.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { readIdentity, type DatabaseIdentity } from './identity.js';
import { markerPath, readMarker } from './marker.js';
import { UserFacingError } from '../../src/domain/errors.js';

export interface BackupRequest {
  /** `DATABASE_URL` as configured. */
  databaseUrl: string;
  /** Where the copy goes (made absolute against the working directory). */
  target: string;
  /** Replace a file already at `target`. */
  force?: boolean;
  /** Told the temporary file's name once it exists (the CLI removes it on a signal). */
  onTemporary?: (file: string | undefined) => void;
}

export interface BackupReport {
  target: string;
  bytes: number;
  posts: number;
  publications: number;
  identity: DatabaseIdentity;
  elapsedMs: number;
}

/** Tables a Greenlight database cannot be without; a copy lacking one is no backup. */
const CORE_TABLES = ['greenlight_meta', 'people', 'posts', 'revisions', 'decisions', 'publications', 'audit_log'];

/** SQLite's own files beside a database; a stale one beside a new copy would be read with it. */
const SIDECARS = ['-wal', '-shm', '-journal'];

const refuse = (message: string, cause?: unknown): never => {
  throw new UserFacingError(message, cause === undefined ? undefined : { cause });
};

/** SQLite's words and code, or the system's, in one line. */
function reason(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message;
}

function statOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

const sameFile = (a: fs.Stats | undefined, b: fs.Stats | undefined) => !!a && !!b && a.dev === b.dev && a.ino === b.ino;

/** The database file a `file:` URL names; PostgreSQL and in-memory databases are refused here. */
export function sqliteFileOf(databaseUrl: string, target: string): string {
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    // The URL holds the password: the command names the variable, never its value.
    refuse(
      'DATABASE_URL names a PostgreSQL database; this command copies SQLite only (and Greenlight does not run on ' +
        `PostgreSQL yet). Use PostgreSQL's own tool: pg_dump --format=custom --file=${JSON.stringify(target)} "$DATABASE_URL"`,
    );
  }
  if (!databaseUrl.startsWith('file:')) refuse('DATABASE_URL: must start with file: (SQLite)');
  const file = databaseUrl.slice('file:'.length);
  if (file === '' || file === ':memory:')
    refuse(`DATABASE_URL=${databaseUrl}: an in-memory database lives only inside Greenlight's process and cannot be backed up`);
  return path.resolve(file);
}

/** Everything that can be said about the target before anything is written. */
function checkTarget(target: string, source: string, force: boolean): void {
  const folder = path.dirname(target);
  const folderStat = statOrUndefined(folder);
  if (!folderStat)
    refuse(`the folder ${folder} does not exist; create it first (mkdir -p ${JSON.stringify(folder)}) or choose another place`);
  if (!folderStat!.isDirectory()) refuse(`${folder} is not a folder, so ${target} cannot be written`);

  const sidecar = SIDECARS.find((suffix) => target.endsWith(suffix));
  if (sidecar) refuse(`${target}: a name ending in ${sidecar} is one SQLite gives its own files beside a database; choose another name`);
  const existing = statOrUndefined(target);
  if (existing?.isDirectory()) refuse(`${target} is a folder; name a file in it, e.g. ${path.join(target, 'greenlight-YYYY-MM-DD.db')}`);
  for (const suffix of ['', ...SIDECARS]) {
    if (sameFile(existing, statOrUndefined(source + suffix)))
      refuse(`${target} is the database itself (DATABASE_URL); write the backup somewhere else`);
  }
  if (existing && !force) refuse(`${target} already exists; choose another name, or add --force to replace it`);
  for (const suffix of SIDECARS) {
    if (statOrUndefined(target + suffix)) {
      refuse(
        `${target + suffix} exists: ${target} looks like a database in use, and SQLite would read that file with the copy; choose another name`,
      );
    }
  }
}

/**
 * Opens the database to read it (never creating it); explains a missing or foreign file.
 * Opened as Greenlight opens it, not read-only: a read-only connection to a stopped database
 * leaves SQLite's -wal and -shm files behind, while this one, when it is the last to close,
 * folds the WAL back in and removes them as Greenlight's own stop does. (SQLite falls back to
 * reading only where the file cannot be written.)
 */
function openSource(databaseUrl: string, source: string): { sqlite: Database.Database; identity: DatabaseIdentity } {
  const stat = statOrUndefined(source);
  if (!stat) {
    const marker = readMarker(markerPath(source));
    const kept = marker.found
      ? ` The marker ${markerPath(source)} says Greenlight kept ${marker.identity ? `database ${marker.identity.id}` : 'a database'} there: it has gone missing.`
      : '';
    refuse(`DATABASE_URL=${databaseUrl}: the database file ${source} does not exist, so there is nothing to back up.${kept}`);
  }
  if (stat!.isDirectory()) refuse(`DATABASE_URL=${databaseUrl}: ${source} is a folder, not a database file`);
  let sqlite: Database.Database;
  try {
    sqlite = new Database(source, { fileMustExist: true });
  } catch (error) {
    return refuse(`DATABASE_URL=${databaseUrl}: cannot open ${source}: ${reason(error)}`, error);
  }
  try {
    // A reader waits out a moment of recovery or checkpointing in Greenlight instead of failing.
    sqlite.pragma('busy_timeout = 5000');
    let identity: DatabaseIdentity | undefined;
    try {
      identity = readIdentity(sqlite);
    } catch (error) {
      refuse(`DATABASE_URL=${databaseUrl}: cannot read ${source}: ${reason(error)}`, error);
    }
    if (!identity) refuse(`DATABASE_URL=${databaseUrl}: ${source} is not a Greenlight database (it has no identity in greenlight_meta)`);
    return { sqlite, identity: identity! };
  } catch (error) {
    sqlite.close();
    throw error;
  }
}

/** Opens the finished copy read-only and proves it whole: integrity, identity, tables. */
function verifyCopy(file: string, expected: DatabaseIdentity): { posts: number; publications: number } {
  const copy = new Database(file, { readonly: true, fileMustExist: true });
  try {
    let problems: { integrity_check: string }[];
    try {
      problems = copy.pragma('integrity_check') as { integrity_check: string }[];
    } catch (error) {
      problems = [{ integrity_check: reason(error) }];
    }
    if (problems.length !== 1 || problems[0]!.integrity_check !== 'ok') {
      // One line: SQLite's first findings (a report can run to thousands of lines).
      const findings = problems
        .map((p) => p.integrity_check)
        .join('; ')
        .replace(/\s+/g, ' ');
      const shown = findings.length > 240 ? `${findings.slice(0, 240)} …` : findings;
      refuse(`the copy failed SQLite's integrity check (${shown}); the database itself may be damaged: run PRAGMA integrity_check on it`);
    }
    const identity = readIdentity(copy);
    if (identity?.id !== expected.id)
      refuse(`the copy is not database ${expected.id} (it has ${identity ? `identity ${identity.id}` : 'no identity'})`);
    const tables = new Set(copy.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
    const missing = CORE_TABLES.filter((t) => !tables.has(t));
    if (missing.length > 0) refuse(`the copy lacks Greenlight's tables ${missing.join(', ')}`);
    const count = (table: string) => copy.prepare(`SELECT count(*) FROM "${table}"`).pluck().get() as number;
    return { posts: count('posts'), publications: count('publications') };
  } finally {
    copy.close();
  }
}

function removeQuietly(file: string): void {
  for (const suffix of ['', ...SIDECARS]) fs.rmSync(file + suffix, { force: true });
}

function fsyncPath(file: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some systems cannot fsync a folder; the file itself was synced already.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Gives the finished copy its name: replacing only with --force, and never a file that appeared meanwhile. */
function publish(temporary: string, target: string, force: boolean): void {
  if (force) {
    fs.renameSync(temporary, target);
    return;
  }
  try {
    // A hard link fails if the name is taken, where a rename would silently replace it.
    fs.linkSync(temporary, target);
    fs.rmSync(temporary);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') refuse(`${target} appeared while the backup ran; nothing was replaced (add --force to replace it)`);
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK', 'ENOSYS'].includes(code ?? '')) throw error;
  }
  // A file system without hard links: check, then rename.
  if (statOrUndefined(target)) refuse(`${target} appeared while the backup ran; nothing was replaced (add --force to replace it)`);
  fs.renameSync(temporary, target);
}

export async function backupDatabase(request: BackupRequest): Promise<BackupReport> {
  const started = performance.now();
  const target = path.resolve(request.target);
  const force = request.force ?? false;
  const source = sqliteFileOf(request.databaseUrl, request.target);
  checkTarget(target, source, force);
  const { sqlite, identity } = openSource(request.databaseUrl, source);

  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.partial`);
  let created = false;
  try {
    try {
      // Created here, not by SQLite, so that the copy (it holds tokens) is readable by its owner only.
      fs.closeSync(fs.openSync(temporary, 'wx', 0o600));
      created = true;
      request.onTemporary?.(temporary);
      await sqlite.backup(temporary, { progress: () => 0x7fffffff });
    } catch (error) {
      refuse(`could not write the copy beside ${target}: ${reason(error)}`, error);
    } finally {
      sqlite.close();
    }
    // The copy carries the database's WAL setting; a backup is one self-contained file instead
    // (Greenlight turns WAL back on when it opens a restored copy).
    const copy = new Database(temporary, { fileMustExist: true });
    try {
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
    const counts = verifyCopy(temporary, identity);
    fsyncPath(temporary);
    publish(temporary, target, force);
    created = false;
    request.onTemporary?.(undefined);
    fsyncPath(path.dirname(target));
    return { target, bytes: fs.statSync(target).size, ...counts, identity, elapsedMs: performance.now() - started };
  } finally {
    if (created) {
      removeQuietly(temporary);
      request.onTemporary?.(undefined);
    }
  }
}

/** The one line `npm run backup` prints. */
export function describeBackup(report: BackupReport): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const size = report.bytes < 1024 * 1024 ? `${Math.ceil(report.bytes / 1024)} KB` : `${(report.bytes / (1024 * 1024)).toFixed(1)} MB`;
  return (
    `backed up database ${report.identity.id} to ${report.target}: ${size}, ` +
    `${plural(report.posts, 'post')}, ${plural(report.publications, 'publication')}, ` +
    `integrity ok, in ${(report.elapsedMs / 1000).toFixed(2)} s`
  );
}

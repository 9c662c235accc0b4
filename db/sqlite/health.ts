import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { StoreHealth } from '../store.js';

/** Below this much free space on its disk the database is as good as full. */
export const MIN_FREE_BYTES = 1024 * 1024;

/** SQLite result codes that mean the storage itself is failing, not a write being refused. */
const STORAGE_CODES = /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|CORRUPT|NOTADB|PERM)/;

function isStorageError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && STORAGE_CODES.test(code);
}

interface FileId {
  dev: number;
  ino: number;
}

const describe = (error: unknown): string => {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' ? `${message} (${code})` : message;
};

/**
 * Whether a SQLite database can still do what Greenlight needs of it. "Reachable" is not
 * enough: a full disk, a read-only file and a file deleted under the process all still
 * answer `SELECT 1`.
 *
 * - A probe write, rolled back: it needs new pages, so a database that cannot grow fails it,
 *   and a read-only or locked one fails at once. It runs outside the store's group commit,
 *   in one synchronous call, so no queued write can land inside it.
 * - The path still names the file that was opened (same device and inode): a deleted data
 *   folder or a file put in its place leaves the process writing to a file no one will open
 *   again.
 * - Free space on the disk: in WAL mode a rolled-back write never reaches the disk, so a
 *   full disk is seen there (or in the next real write, below), not by the probe.
 * - The last real write, if it failed for a storage reason: the probe then commits instead,
 *   and only its success clears the failure.
 */
export class SqliteHealth {
  readonly #opened: FileId | undefined;
  #lastWriteFailure: string | undefined;

  constructor(
    private readonly sqlite: Database.Database,
    /** The file as configured; null for an in-memory database. */
    private readonly file: string | null,
    private readonly minFreeBytes = MIN_FREE_BYTES,
  ) {
    if (file) {
      const stat = fs.statSync(file);
      this.#opened = { dev: stat.dev, ino: stat.ino };
    }
  }

  /**
   * A write (a whole group, or one unit in it) failed; remembered when the cause is the
   * storage, until the check's own committed write succeeds. (A group committing is no proof:
   * it may have written nothing.)
   */
  writeFailed(error: unknown): void {
    if (isStorageError(error)) this.#lastWriteFailure = describe(error);
  }

  async check(): Promise<StoreHealth> {
    if (!this.sqlite.open) return { ok: false, problems: ['the database is closed'] };
    const problems = this.#fileProblems();
    const probe = this.#probeWrite(this.#lastWriteFailure ? 'commit' : 'rollback');
    if (probe) problems.push(`cannot write to the database ${this.#name()}: ${probe}`);
    else if (this.#lastWriteFailure) problems.push(`writes to ${this.#name()} fail: ${this.#lastWriteFailure}`);
    return { ok: problems.length === 0, problems };
  }

  #name(): string {
    return this.file ?? 'the in-memory database';
  }

  /** Synchronous on purpose: two tiny system calls, and SQLite's own I/O is synchronous anyway. */
  #fileProblems(): string[] {
    if (!this.file || !this.#opened) return [];
    let stat: fs.Stats;
    try {
      stat = fs.statSync(this.file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return [
          `the database file ${this.file} was deleted while Greenlight had it open: what it writes now is lost when it stops. Restore the file from a backup and restart Greenlight.`,
        ];
      }
      return [`the database file ${this.file} cannot be examined: ${describe(error)}`];
    }
    if (stat.dev !== this.#opened.dev || stat.ino !== this.#opened.ino) {
      return [
        `the database file ${this.file} was replaced by another file while Greenlight had it open: Greenlight still writes to the one it opened. Restart it to use the file now there.`,
      ];
    }
    try {
      const disk = fs.statfsSync(path.dirname(this.file));
      const free = disk.bavail * disk.bsize;
      if (free < this.minFreeBytes) return [`the disk holding ${this.file} is full (${Math.floor(free / 1024)} KiB free)`];
    } catch {
      // Not every platform reports free space; the probe and real writes still speak.
    }
    return [];
  }

  /**
   * The probe, undone. After a real write failed it commits instead: only a commit shows that
   * writes reach the disk again (and then the failure is forgotten).
   */
  #probeWrite(end: 'rollback' | 'commit'): string | undefined {
    // Only ever between group commits (the store flushes synchronously); never inside one.
    if (this.sqlite.inTransaction) return undefined;
    try {
      const pageSize = this.sqlite.pragma('page_size', { simple: true }) as number;
      this.sqlite.exec('BEGIN IMMEDIATE');
      try {
        const upsert = this.sqlite.prepare("INSERT OR REPLACE INTO greenlight_meta (key, value) VALUES ('health_probe', ?)");
        upsert.run('x'.repeat(2 * pageSize));
        if (end === 'commit') {
          this.sqlite.prepare("DELETE FROM greenlight_meta WHERE key = 'health_probe'").run();
          this.sqlite.exec('COMMIT');
          this.#lastWriteFailure = undefined;
        }
      } finally {
        if (this.sqlite.inTransaction) this.sqlite.exec('ROLLBACK');
      }
      return undefined;
    } catch (error) {
      return describe(error);
    }
  }
}

import fs from 'node:fs';
import path from 'node:path';
import { UserFacingError } from '../../src/domain/errors.js';
import { readIdentity, recordIdentity, type DatabaseIdentity } from './identity.js';
import { markerPath, readMarker, writeMarker } from './marker.js';
import { SqliteStore } from './store.js';

export interface OpenFileOptions {
  /** `--init`: a new database may take the place of one that existed (never deletes one). */
  init?: boolean;
  now?: () => Date;
  /** Where notices go (the logger at start-up). */
  log?: { info(message: string): void; warn(message: string): void };
}

const describeIdentity = (identity: DatabaseIdentity | undefined) =>
  identity ? `database ${identity.id}, created ${identity.createdAt}` : 'a database';

/**
 * Opens a SQLite database file, creating it on a fresh machine, but never silently in place
 * of one that existed: after the data folder was deleted during a run, a restart used to make
 * an empty database (posts, decisions and the audit log gone) and report itself healthy.
 *
 * The database records its identity (greenlight_meta) and a marker beside its folder records
 * that identity too (see marker.ts). Missing file + marker → refused. A file that is not the
 * database the marker names (another one, or an empty one put in its place) → refused.
 * `init` allows both, and says so in the log. Where the marker cannot be written (a
 * read-only parent folder), Greenlight runs without this protection and warns.
 */
export async function openDatabaseFile(file: string, options: OpenFileOptions = {}): Promise<SqliteStore> {
  const now = options.now ?? (() => new Date());
  const markerFile = markerPath(file);
  const marker = readMarker(markerFile);
  const existed = exists(file);
  const before = marker.found ? ` Greenlight kept ${describeIdentity(marker.identity)} there (marker ${markerFile}).` : '';
  const remedy =
    ' Put the right file back (from a backup), or start with --init (npm start -- --init) to begin with a new, empty database.';

  if (!existed && marker.found && !options.init) {
    throw new UserFacingError(`the database file ${file} is missing.${before}${remedy}`);
  }
  let found: DatabaseIdentity | undefined;
  const store = openExplained(file, {
    inspect: (sqlite) => {
      found = readIdentity(sqlite);
      if (!marker.found || options.init || !existed) return;
      if (!found)
        throw new UserFacingError(
          `${file} is not the database that was there: it has no identity (a new or empty file?).${before}${remedy}`,
        );
      if (marker.identity && found.id !== marker.identity.id) {
        throw new UserFacingError(`${file} is ${describeIdentity(found)}, not the one that was there.${before}${remedy}`);
      }
    },
  });
  try {
    const identity = found ?? recordIdentity(store.sqlite, now());
    if (!existed) {
      options.log?.info(`created a new database ${file} (${describeIdentity(identity)})`);
      if (marker.found) options.log?.warn(`--init: the new database ${file} takes the place of ${describeIdentity(marker.identity)}`);
    } else if (options.init && marker.found && marker.identity?.id !== identity.id) {
      options.log?.warn(`--init: ${file} (${describeIdentity(identity)}) is accepted in place of ${describeIdentity(marker.identity)}`);
    }
    if (!marker.found || marker.identity?.id !== identity.id) {
      try {
        writeMarker(markerFile, file, identity);
      } catch (error) {
        options.log?.warn(
          `could not write the marker ${markerFile} (${(error as Error).message}): if ${file} goes missing, a restart will create an empty database without asking`,
        );
      }
    }
    return store;
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** SQLite says only "unable to open database file"; the file system says why. */
function openExplained(file: string, options: Parameters<typeof SqliteStore.open>[1]): SqliteStore {
  try {
    return SqliteStore.open(file, options);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== 'SQLITE_CANTOPEN') throw error;
    throw new UserFacingError(`cannot open ${file}: ${whyNotOpen(file)}`, { cause: error });
  }
}

function whyNotOpen(file: string): string {
  const attempt = (what: string, target: string, mode: number): string | undefined => {
    try {
      fs.accessSync(target, mode);
      return undefined;
    } catch (error) {
      return `${what} ${target} ${(error as NodeJS.ErrnoException).code === 'EROFS' ? 'is on a read-only file system' : `cannot be used (${(error as Error).message})`}`;
    }
  };
  const folder = path.dirname(path.resolve(file));
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) return `${file} is a folder, not a database file`;
  return (
    (fs.existsSync(file)
      ? (attempt('the file', file, fs.constants.R_OK) ?? attempt('the file', file, fs.constants.W_OK))
      : attempt('the folder', folder, fs.constants.W_OK)) ?? 'SQLite could not open it (SQLITE_CANTOPEN)'
  );
}

/** Whether the file is there; a path that cannot be examined is an error, not "missing". */
function exists(file: string): boolean {
  try {
    fs.statSync(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

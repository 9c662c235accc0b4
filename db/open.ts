import { UserFacingError } from '../src/domain/errors.js';
import type { Store } from './store.js';
import { openDatabaseFile, type OpenFileOptions } from './sqlite/open-file.js';
import { SqliteStore } from './sqlite/store.js';

export interface OpenStoreOptions extends OpenFileOptions {
  /** Refuse a database that cannot take writes now (Greenlight itself; not the audit export). */
  requireWritable?: boolean;
}

/** The cause in one line: SQLite's words and code, or the system's. */
function cause(error: unknown): string {
  if (error instanceof UserFacingError) return error.userMessage;
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message;
}

/**
 * Opens the database a `DATABASE_URL` names and brings its schema up to date.
 * `file:path` (or `file::memory:`) is SQLite; `postgres://` is reserved for the
 * multi-replica deployment, which is not built yet. Whatever goes wrong is one line that
 * names DATABASE_URL and the cause (a read-only mount used to be a stack trace).
 */
export async function openStore(databaseUrl: string, options: OpenStoreOptions = {}): Promise<Store> {
  if (databaseUrl.startsWith('file:')) {
    const file = databaseUrl.slice('file:'.length) || ':memory:';
    let store: SqliteStore;
    try {
      store = file === ':memory:' ? SqliteStore.open(file) : await openDatabaseFile(file, options);
    } catch (error) {
      throw new UserFacingError(`DATABASE_URL=${databaseUrl}: ${cause(error)}`, { cause: error });
    }
    if (options.requireWritable) {
      const health = await store.health();
      if (!health.ok) {
        await store.close();
        throw new UserFacingError(`DATABASE_URL=${databaseUrl}: ${health.problems.join('; ')}`);
      }
    }
    return store;
  }
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new UserFacingError('DATABASE_URL: PostgreSQL is not supported yet; use file:path/to.db (see README, "Missing")');
  }
  throw new UserFacingError('DATABASE_URL: must start with file: (SQLite) or postgres://');
}

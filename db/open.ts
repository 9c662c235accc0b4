import { UserFacingError } from '../src/domain/errors.js';
import type { Store } from './store.js';
import { SqliteStore } from './sqlite/store.js';

/**
 * Opens the database a `DATABASE_URL` names and brings its schema up to date.
 * `file:path` (or `file::memory:`) is SQLite; `postgres://` is reserved for the
 * multi-replica deployment, which is not built yet.
 */
export async function openStore(databaseUrl: string): Promise<Store> {
  if (databaseUrl.startsWith('file:')) {
    return SqliteStore.open(databaseUrl.slice('file:'.length) || ':memory:');
  }
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new UserFacingError(
      'DATABASE_URL: PostgreSQL is not supported yet; use file:path/to.db (see README, "Missing")',
    );
  }
  throw new UserFacingError('DATABASE_URL: must start with file: (SQLite) or postgres://');
}

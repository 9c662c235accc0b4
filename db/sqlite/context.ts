/** What the SQLite store's parts (posts.ts, people.ts, …) share: one connection and one way to write. */
import type Database from 'better-sqlite3';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type * as schema from './schema.js';
import type { Statements } from './statements.js';

export type Db = BetterSQLite3Database<typeof schema>;

export interface SqliteContext {
  readonly db: Db;
  readonly sqlite: Database.Database;
  /** The hot-path statements, compiled once per connection (statements.ts). */
  readonly q: Statements;
  /**
   * Runs `work` (synchronous) atomically in the next group commit (group-commit.ts). Everything
   * one Store method writes goes in one `work`, so it is one transaction.
   */
  readonly write: <T>(work: () => T) => Promise<T>;
}

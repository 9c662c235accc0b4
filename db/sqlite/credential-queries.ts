/**
 * The `credentials` table: read a value, and write one only if it is still what the caller
 * last read (compare-and-set). Callers run the write inside a write transaction, so two
 * processes that both read the same old value cannot both replace it.
 */
import { and, eq } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { ms } from './rows.js';
import * as schema from './schema.js';

type Db = BetterSQLite3Database<typeof schema>;
const { credentials } = schema;

export function readCredential(db: Db, key: string): string | undefined {
  return db.select({ value: credentials.value }).from(credentials).where(eq(credentials.key, key)).get()?.value;
}

/** True when `value` was written: the row was absent (`expected` undefined) or held exactly `expected`. */
export function compareAndSetCredential(db: Db, key: string, value: string, expected: string | undefined, at: Date): boolean {
  if (expected === undefined) {
    const inserted = db
      .insert(credentials)
      .values({ key, value, createdAt: ms(at), updatedAt: ms(at) })
      .onConflictDoNothing()
      .run();
    return inserted.changes === 1;
  }
  const updated = db
    .update(credentials)
    .set({ value, updatedAt: ms(at) })
    .where(and(eq(credentials.key, key), eq(credentials.value, expected)))
    .run();
  return updated.changes === 1;
}

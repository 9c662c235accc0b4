import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';

/** Which database this is: made once, when Greenlight first opens it, and never changed. */
export interface DatabaseIdentity {
  id: string;
  /** When the identity was recorded: the database's creation, or its first start with one. */
  createdAt: string;
}

/** The identity recorded in `greenlight_meta`, if any (none yet on a new or older database). */
export function readIdentity(sqlite: Database.Database): DatabaseIdentity | undefined {
  const table = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'greenlight_meta'").get();
  if (!table) return undefined;
  const rows = sqlite.prepare("SELECT key, value FROM greenlight_meta WHERE key IN ('database_id', 'created_at')").all() as {
    key: string;
    value: string;
  }[];
  const value = (key: string) => rows.find((r) => r.key === key)?.value;
  const id = value('database_id');
  return id ? { id, createdAt: value('created_at') ?? 'unknown' } : undefined;
}

/** Records an identity unless one exists (two processes starting at once agree on one). */
export function recordIdentity(sqlite: Database.Database, now: Date): DatabaseIdentity {
  return sqlite
    .transaction(() => {
      const insert = sqlite.prepare('INSERT OR IGNORE INTO greenlight_meta (key, value) VALUES (?, ?)');
      insert.run('database_id', randomUUID());
      insert.run('created_at', now.toISOString());
      return readIdentity(sqlite)!;
    })
    .immediate();
}

/**
 * The `seen_requests` table: chat requests already acted on (a dialog submission, a click),
 * so a captured request sent again is recognised. Keys only need to outlive the window in
 * which a signed request is accepted at all, so old ones are deleted as new ones arrive.
 */
import type { Database, Statement } from 'better-sqlite3';

export class SeenRequestQueries {
  readonly #insert: Statement<[{ key: string; at: number }]>;
  readonly #prune: Statement<[{ before: number }]>;
  readonly #forget: Statement<[{ key: string }]>;

  constructor(sqlite: Database) {
    this.#insert = sqlite.prepare('INSERT INTO seen_requests (key, seen_at) VALUES (@key, @at) ON CONFLICT (key) DO NOTHING');
    // Through the seen_at index: a handful of rows at most, since every call prunes.
    this.#prune = sqlite.prepare('DELETE FROM seen_requests WHERE seen_at < @before');
    this.#forget = sqlite.prepare('DELETE FROM seen_requests WHERE key = @key');
  }

  /** True when `key` was not there (it is now). Keys seen before `forgetBefore` are dropped first. */
  remember(key: string, at: number, forgetBefore: number): boolean {
    this.#prune.run({ before: forgetBefore });
    return this.#insert.run({ key, at }).changes === 1;
  }

  forget(key: string): void {
    this.#forget.run({ key });
  }
}

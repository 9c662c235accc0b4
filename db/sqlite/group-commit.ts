import type Database from 'better-sqlite3';

/** Most units of work one commit may carry; keeps a burst from holding the write lock long. */
const MAX_GROUP = 256;

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

interface QueuedWrite {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * The SQLite store's writes, in group commits.
 *
 * Every write asked for while the event loop is busy joins one `BEGIN IMMEDIATE … COMMIT`, in
 * the order they were asked for. A unit that throws is undone alone (see `#commitGroup`); a
 * caller's promise settles only after the commit, so nothing is reported done before it is
 * durable. One commit per burst instead of one per click is what lets many approvers click
 * at once; a lone write still commits on the next turn of the event loop. `BEGIN IMMEDIATE`
 * makes a second process wait for the write lock (busy timeout) instead of deciding on stale
 * state.
 */
export class GroupCommit {
  readonly #sqlite: Database.Database;
  /** Told of every write that failed (the group's, or one unit's), for the store's health. */
  readonly #writeFailed: (error: unknown) => void;
  readonly #queue: QueuedWrite[] = [];
  #flushScheduled = false;
  #inGroup = false;
  /** What to run once the group being committed has committed (see `afterCommit`). */
  readonly #afterCommit = new Set<() => void>();
  readonly #tx: Record<'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollbackTo', Database.Statement>;

  constructor(sqlite: Database.Database, writeFailed: (error: unknown) => void) {
    this.#sqlite = sqlite;
    this.#writeFailed = writeFailed;
    this.#tx = {
      begin: sqlite.prepare('BEGIN IMMEDIATE'),
      commit: sqlite.prepare('COMMIT'),
      rollback: sqlite.prepare('ROLLBACK'),
      savepoint: sqlite.prepare('SAVEPOINT unit'),
      release: sqlite.prepare('RELEASE unit'),
      rollbackTo: sqlite.prepare('ROLLBACK TO unit'),
    };
  }

  /** Runs `work` (synchronous) atomically in the next group commit. */
  write<T>(work: () => T): Promise<T> {
    if (this.#inGroup) return Promise.resolve(this.#unit(work)); // called from inside a unit: join it
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  /**
   * Called from inside a unit: runs `callback` once after this group commits, after every
   * caller's promise in it has settled (the news listeners). Not run if the commit fails.
   */
  afterCommit(callback: () => void): void {
    this.#afterCommit.add(callback);
  }

  /** Commits every write already asked for, now (before the database is closed). */
  drain(): void {
    while (this.#queue.length) this.#flush();
  }

  #unit<T>(work: () => T): T {
    this.#tx.savepoint.run();
    try {
      const value = work();
      this.#tx.release.run();
      return value;
    } catch (error) {
      // On some errors (a full disk, I/O) SQLite has already rolled the whole transaction
      // back: there is no savepoint left to return to, and the caller must hear the cause.
      if (this.#sqlite.inTransaction) {
        this.#tx.rollbackTo.run();
        this.#tx.release.run();
      }
      throw error;
    }
  }

  #flush(): void {
    this.#flushScheduled = false;
    const group = this.#queue.splice(0, MAX_GROUP);
    if (this.#queue.length) {
      this.#flushScheduled = true;
      setImmediate(() => this.#flush());
    }
    if (!group.length) return;
    if (!this.#sqlite.open) {
      for (const item of group) item.reject(new Error('the database is closed'));
      return;
    }
    let outcomes: Outcome[];
    this.#afterCommit.clear();
    try {
      outcomes = this.#commitGroup(group);
    } catch (error) {
      // BEGIN or COMMIT failed (lock timeout, disk full): nothing in the group happened.
      if (this.#sqlite.inTransaction) this.#tx.rollback.run();
      this.#writeFailed(error);
      for (const item of group) item.reject(error);
      return;
    } finally {
      this.#inGroup = false;
    }
    for (const outcome of outcomes) if (!outcome.ok) this.#writeFailed(outcome.error);
    group.forEach((item, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    });
    if (this.#afterCommit.size) {
      const callbacks = [...this.#afterCommit];
      this.#afterCommit.clear();
      for (const callback of callbacks) callback();
    }
  }

  /**
   * Runs the group's units in one transaction. Units almost never throw (a refusal is a
   * return value), so they first run back to back without savepoints, which measured about
   * a third of a decision's SQL time. If one does throw, the whole transaction is rolled
   * back and the group runs again with a savepoint per unit, so only that unit is undone. Running
   * a unit twice is safe: its work only reads and writes the database (and `updatePost`'s
   * `decide` is pure), and the rollback puts the database back as the first run found it.
   */
  #commitGroup(group: readonly QueuedWrite[]): Outcome[] {
    this.#tx.begin.run();
    this.#inGroup = true;
    const values: unknown[] = [];
    try {
      for (const item of group) values.push(item.work());
      this.#tx.commit.run();
      return values.map((value) => ({ ok: true, value }));
    } catch {
      if (this.#sqlite.inTransaction) this.#tx.rollback.run();
    }
    this.#tx.begin.run();
    const outcomes: Outcome[] = group.map((item) => {
      try {
        return { ok: true, value: this.#unit(item.work) };
      } catch (error) {
        // The transaction is gone with every unit's work in it: the whole group failed.
        if (!this.#sqlite.inTransaction) throw error;
        return { ok: false, error };
      }
    });
    this.#tx.commit.run();
    return outcomes;
  }
}

/**
 * The chat outbox's reads and writes (rule 10 in docs/architecture.md). Claims are per lane and compare-and-set
 * on the lease, so several processes sharing the database deliver each lane in order, one
 * owner at a time. Callers run the writes inside a write transaction.
 */
import type Database from 'better-sqlite3';
import type { ChatPlatform } from '../../src/domain/post.js';
import type { NewsClaim, NewsHealth, NewsInput, NewsItem, NewsSettlement } from '../store.js';

interface OutboxRow {
  id: number;
  platform: string;
  lane: string;
  kind: string;
  post_id: number | null;
  payload: string;
  attempts: number;
  outcome_unknown: number;
  progress: string | null;
  created_at: number;
}

export class OutboxQueries {
  readonly #insert: Database.Statement;
  readonly #dueLanes: Database.Statement;
  readonly #laneRows: Database.Statement;
  readonly #claimRow: Database.Statement;
  readonly #progress: Database.Statement;
  readonly #delivered: Database.Statement;
  readonly #retry: Database.Statement;
  readonly #failed: Database.Statement;
  readonly #release: Database.Statement;
  readonly #renew: Database.Statement;
  readonly #hurry: Database.Statement;
  readonly #nextDue: Database.Statement;
  readonly #pendingStats: Database.Statement;
  readonly #failedStats: Database.Statement;
  readonly #lastFailure: Database.Statement;
  readonly #prune: Database.Statement;

  constructor(sqlite: Database.Database) {
    this.#insert = sqlite.prepare(
      `INSERT INTO chat_outbox (platform, lane, kind, post_id, payload, status, attempts, next_attempt_at, outcome_unknown, created_at, updated_at)
       VALUES (@platform, @lane, @kind, @postId, @payload, 'pending', 0, @at, 0, @at, @at)`,
    );
    // A lane is due when its first pending row (its head) is; a lane any owner holds a live
    // lease on is skipped (its rows are being delivered, or a newer row must wait behind them).
    // Walks the due rows in order through the pending index and keeps the heads, so a claim
    // costs the lanes it returns, not the whole backlog (claims run after every delivery).
    this.#dueLanes = sqlite.prepare(
      `SELECT o.lane FROM chat_outbox o
       WHERE o.status = 'pending' AND o.platform = @platform AND o.next_attempt_at <= @now
         AND NOT EXISTS (SELECT 1 FROM chat_outbox e WHERE e.lane = o.lane AND e.status = 'pending' AND e.id < o.id)
         AND NOT EXISTS (SELECT 1 FROM chat_outbox c WHERE c.lane = o.lane AND c.status = 'pending' AND c.lease_until > @now)
       ORDER BY o.next_attempt_at, o.id
       LIMIT @lanes`,
    );
    this.#laneRows = sqlite.prepare(
      `SELECT id, platform, lane, kind, post_id, payload, attempts, outcome_unknown, progress, created_at
       FROM chat_outbox WHERE lane = @lane AND status = 'pending' ORDER BY id`,
    );
    // Until this attempt says otherwise, assume it may reach the chat: a crash then leaves
    // `outcome_unknown` set and the next attempt looks before it sends.
    this.#claimRow = sqlite.prepare(
      `UPDATE chat_outbox SET claim_owner = @owner, lease_until = @leaseUntil, attempts = attempts + 1, outcome_unknown = 1, updated_at = @now
       WHERE id = @id AND status = 'pending'`,
    );
    const mine = `id = @id AND status = 'pending' AND claim_owner = @owner`;
    this.#progress = sqlite.prepare(`UPDATE chat_outbox SET progress = json_patch(coalesce(progress, '{}'), @patch) WHERE ${mine}`);
    this.#delivered = sqlite.prepare(
      `UPDATE chat_outbox SET status = 'delivered', claim_owner = NULL, lease_until = NULL, last_error = NULL, updated_at = @at, delivered_at = @at WHERE ${mine}`,
    );
    this.#retry = sqlite.prepare(
      `UPDATE chat_outbox SET claim_owner = NULL, lease_until = NULL, next_attempt_at = @retryAt, last_error = @error, outcome_unknown = @unknown, updated_at = @at WHERE ${mine}`,
    );
    this.#failed = sqlite.prepare(
      `UPDATE chat_outbox SET status = 'failed', claim_owner = NULL, lease_until = NULL, last_error = @error, updated_at = @at WHERE ${mine}`,
    );
    this.#hurry = sqlite.prepare(
      `UPDATE chat_outbox SET next_attempt_at = @now WHERE status = 'pending' AND platform = @platform AND next_attempt_at > @now AND claim_owner IS NULL`,
    );
    this.#renew = sqlite.prepare(`UPDATE chat_outbox SET lease_until = @leaseUntil WHERE ${mine}`);
    this.#release = sqlite.prepare(
      `UPDATE chat_outbox SET claim_owner = NULL, lease_until = NULL, next_attempt_at = @at, outcome_unknown = 1, updated_at = @at
       WHERE status = 'pending' AND claim_owner = @owner`,
    );
    this.#nextDue = sqlite.prepare(`SELECT min(next_attempt_at) AS at FROM chat_outbox WHERE status = 'pending' AND platform = @platform`);
    this.#pendingStats = sqlite.prepare(`SELECT count(*) AS n, min(created_at) AS oldest FROM chat_outbox WHERE status = 'pending'`);
    this.#failedStats = sqlite.prepare(`SELECT count(*) AS n FROM chat_outbox WHERE status = 'failed' AND updated_at >= @since`);
    this.#lastFailure = sqlite.prepare(
      `SELECT updated_at AS at, kind, last_error AS error FROM chat_outbox WHERE status = 'failed' AND updated_at >= @since ORDER BY updated_at DESC, id DESC LIMIT 1`,
    );
    this.#prune = sqlite.prepare(
      `DELETE FROM chat_outbox WHERE id IN (SELECT id FROM chat_outbox WHERE status <> 'pending' AND updated_at < @before LIMIT @limit)`,
    );
  }

  insert(items: readonly NewsInput[], at: Date): void {
    for (const item of items) {
      this.#insert.run({
        platform: item.platform,
        lane: item.lane,
        kind: item.kind,
        postId: item.postId,
        payload: item.payload,
        at: at.getTime(),
      });
    }
  }

  claim(claim: NewsClaim): NewsItem[][] {
    const now = claim.now.getTime();
    const due = this.#dueLanes.all({ platform: claim.platform, now, lanes: claim.lanes + claim.busy.size }) as Array<{ lane: string }>;
    const lanes = due.filter(({ lane }) => !claim.busy.has(lane)).slice(0, claim.lanes);
    return lanes.map(({ lane }) => {
      const rows = this.#laneRows.all({ lane }) as OutboxRow[];
      for (const row of rows) this.#claimRow.run({ id: row.id, owner: claim.owner, leaseUntil: claim.leaseUntil.getTime(), now });
      return rows.map(toItem);
    });
  }

  settle(ids: readonly number[], owner: string, settlement: NewsSettlement, at: Date): void {
    const base = { owner, at: at.getTime() };
    for (const id of ids) {
      if (settlement.status === 'delivered') this.#delivered.run({ ...base, id });
      else if (settlement.status === 'retry') {
        const progress = settlement.progress?.get(id);
        // Before the retry releases the claim (the progress update checks the owner).
        if (progress && Object.keys(progress).length) this.#progress.run({ id, owner, patch: JSON.stringify(progress) });
        this.#retry.run({
          ...base,
          id,
          retryAt: settlement.retryAt.getTime(),
          error: settlement.error,
          unknown: settlement.maybeDelivered ? 1 : 0,
        });
      } else this.#failed.run({ ...base, id, error: settlement.error });
    }
  }

  hurry(platform: ChatPlatform, now: Date): void {
    this.#hurry.run({ platform, now: now.getTime() });
  }

  renew(ids: readonly number[], owner: string, leaseUntil: Date): void {
    for (const id of ids) this.#renew.run({ id, owner, leaseUntil: leaseUntil.getTime() });
  }

  release(owner: string, at: Date): void {
    this.#release.run({ owner, at: at.getTime() });
  }

  nextDue(platform: ChatPlatform): Date | undefined {
    const row = this.#nextDue.get({ platform }) as { at: number | null };
    return row.at === null ? undefined : new Date(row.at);
  }

  health(failedSince: Date): NewsHealth {
    const pending = this.#pendingStats.get() as { n: number; oldest: number | null };
    const since = failedSince.getTime();
    const failed = this.#failedStats.get({ since }) as { n: number };
    const last = this.#lastFailure.get({ since }) as { at: number; kind: string; error: string | null } | undefined;
    return {
      pending: pending.n,
      oldestPendingAt: pending.oldest === null ? null : new Date(pending.oldest),
      failed: failed.n,
      lastFailure: last ? { at: new Date(last.at), kind: last.kind, error: last.error ?? '' } : null,
    };
  }

  prune(before: Date, limit: number): number {
    return this.#prune.run({ before: before.getTime(), limit }).changes;
  }
}

function toItem(row: OutboxRow): NewsItem {
  return {
    id: row.id,
    platform: row.platform as ChatPlatform,
    lane: row.lane,
    kind: row.kind,
    postId: row.post_id,
    payload: row.payload,
    attempts: row.attempts + 1,
    // The value before this claim set it: what the previous attempt left.
    lookFirst: row.outcome_unknown === 1,
    progress: row.progress ? (JSON.parse(row.progress) as Record<string, unknown>) : {},
    createdAt: new Date(row.created_at),
  };
}

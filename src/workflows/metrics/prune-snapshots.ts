import type { WorkflowContext } from '../context.js';

/**
 * How long every engagement snapshot is kept. Older ones are deleted unless they are a
 * post's latest: the digest looks back a week at most, and a post's figures stop being
 * collected a week after it went out, so its last snapshot is all that is ever read again.
 */
export const SNAPSHOT_RETENTION_MS = 35 * 24 * 3600_000;

/**
 * Rows deleted per transaction: a chunk holds the event loop and the write lock for a few
 * milliseconds (`npm run bench:schedule`), so even a large first backlog never delays a
 * Slack acknowledgement for long.
 */
export const SNAPSHOT_PRUNE_CHUNK = 1_000;

/** Deletes superseded snapshots older than the retention period; returns how many. */
export async function pruneSnapshots(ctx: WorkflowContext): Promise<number> {
  const before = new Date(ctx.clock.now().getTime() - SNAPSHOT_RETENTION_MS);
  let deleted = 0;
  for (;;) {
    const n = await ctx.store.pruneMetricSnapshots(before, SNAPSHOT_PRUNE_CHUNK);
    deleted += n;
    if (n < SNAPSHOT_PRUNE_CHUNK) return deleted;
  }
}

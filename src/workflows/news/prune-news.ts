import type { WorkflowContext } from '../context.js';

/** Delivered and given-up news is kept a week (for /healthz and for looking into a complaint). */
const KEEP_MS = 7 * 24 * 3600_000;
const CHUNK = 1000;

/** Deletes settled outbox rows older than a week, a chunk per commit so no write waits long. */
export async function pruneNews(ctx: WorkflowContext): Promise<number> {
  const before = new Date(ctx.clock.now().getTime() - KEEP_MS);
  let total = 0;
  for (;;) {
    const n = await ctx.store.pruneNews(before, CHUNK);
    total += n;
    if (n < CHUNK) return total;
  }
}

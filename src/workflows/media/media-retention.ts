import type { WorkflowContext } from '../context.js';

const DAY_MS = 24 * 3600_000;
/** A part file older than this belongs to an upload that will never finish (its process died). */
const ABANDONED_MS = DAY_MS;

export interface MediaRetentionResult {
  deleted: number;
  kept: number;
  abandonedParts: number;
}

/**
 * Deletes uploaded images nothing needs any more (MEDIA_RETENTION_DAYS): no unfinished post
 * shows them, no publication still to be sent or decided on uses them, no post using them
 * changed within the retention time, and they were not stored within it either (an upload a
 * draft has not been written for yet). What is approved never loses its media: a publication
 * that may still go out keeps its revision's images whatever their age.
 */
export async function pruneMedia(ctx: WorkflowContext, retentionDays: number): Promise<MediaRetentionResult> {
  const result: MediaRetentionResult = { deleted: 0, kept: 0, abandonedParts: 0 };
  const media = ctx.mediaStore;
  if (!media) return result;
  const now = ctx.clock.now().getTime();
  const cutoff = new Date(now - retentionDays * DAY_MS);
  // Read after listing would miss an image a draft took meanwhile; read before, and anything
  // stored since the cutoff is kept anyway.
  const inUse = await ctx.store.mediaInUse(cutoff);
  for await (const file of media.list()) {
    if (inUse.has(file.sha256) || file.storedAt >= cutoff) {
      result.kept++;
      continue;
    }
    if (await media.delete(file.sha256, { storedBefore: cutoff })) result.deleted++;
    else result.kept++;
  }
  result.abandonedParts = await media.removeAbandoned(new Date(now - ABANDONED_MS));
  if (result.deleted || result.abandonedParts) ctx.logger.info('media retention', { ...result, retentionDays });
  return result;
}

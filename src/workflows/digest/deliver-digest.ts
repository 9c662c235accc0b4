import type { WorkflowContext } from '../context.js';
import { buildDigest, type Digest, type DigestRequest } from './build-digest.js';
import { renderEngagementChart } from './chart-png.js';

/** Where a digest is shown; each chat bot implements it. */
export interface DigestSink {
  postDigest(digest: Digest, chart: Buffer | null): Promise<void>;
}

/** The week's chart as a PNG, or null when it cannot be drawn (the digest goes out without it). */
export function chartFor(ctx: WorkflowContext, digest: Digest): Buffer | null {
  try {
    return renderEngagementChart({ title: digest.chart.title, days: digest.chart.days, series: digest.chart.series });
  } catch (error) {
    ctx.logger.error('could not draw the engagement chart; sending the digest without it', { error });
    return null;
  }
}

/** Builds the digest and hands it to every chat; one chat failing does not stop the others. */
export async function deliverDigest(ctx: WorkflowContext, sinks: readonly DigestSink[], request: DigestRequest): Promise<Digest> {
  const digest = await buildDigest(ctx, request);
  const chart = chartFor(ctx, digest);
  const results = await Promise.allSettled(sinks.map((s) => s.postDigest(digest, chart)));
  for (const r of results) {
    if (r.status === 'rejected') ctx.logger.error('a chat could not post the digest', { error: r.reason });
  }
  return digest;
}

import type { ChatPlatform } from '../../domain/post.js';
import type { WorkflowContext } from '../context.js';
import { buildDigest, type Digest, type DigestRequest } from './build-digest.js';
import { renderEngagementChart } from './chart-png.js';

/** The week's chart as a PNG, or null when it cannot be drawn (the digest goes out without it). */
export function chartFor(ctx: WorkflowContext, digest: Digest): Buffer | null {
  try {
    return renderEngagementChart({ title: digest.chart.title, days: digest.chart.days, series: digest.chart.series });
  } catch (error) {
    ctx.logger.error('could not draw the engagement chart; sending the digest without it', { error });
    return null;
  }
}

/**
 * Builds the digest and queues it in the outbox for every chat with a digest channel (or only
 * those of `platforms`): each chat posts it when it can, and an outage only delays it.
 */
export async function deliverDigest(ctx: WorkflowContext, request: DigestRequest, platforms?: readonly ChatPlatform[]): Promise<Digest> {
  const digest = await buildDigest(ctx, request);
  const news = ctx.news.forDigest(digest).filter((n) => !platforms || platforms.includes(n.platform));
  await ctx.store.enqueueNews(news, ctx.clock.now());
  return digest;
}

import { NETWORK_LABELS, type NetworkId } from '../domain/network.js';
import { formatInstant } from '../domain/time.js';
import type { WorkflowContext } from './context.js';

const DAY_MS = 24 * 3600_000;

/**
 * What a draft's networks' daily allowances say about one more post today (YouTube: 10,000
 * units, 1,600 an upload, back at midnight Pacific), counted from Greenlight's own posts to
 * each network since the allowance was last renewed and those due before it is renewed. A
 * notice, not a refusal: a post over the allowance still goes out, after the reset.
 */
export async function quotaNotices(ctx: WorkflowContext, networks: readonly NetworkId[], zone: string): Promise<string[]> {
  const now = ctx.clock.now();
  const notices: string[] = [];
  for (const network of networks) {
    const quota = ctx.catalog.has(network) ? ctx.catalog.publisher(network).quota : undefined;
    if (!quota) continue;
    const label = NETWORK_LABELS[network];
    const resets = quota.resetsAfter(now);
    const allowed = Math.floor(quota.unitsPerDay / quota.unitsPerPost);
    const counted = await ctx.store.countNetworkPosts(network, new Date(resets.getTime() - DAY_MS), resets);
    const when = formatInstant(resets, zone);
    if (counted + 1 > allowed) {
      notices.push(
        `⚠️ ${label}'s daily quota allows ${allowed} upload${allowed === 1 ? '' : 's'}, and ${counted} ${counted === 1 ? 'is' : 'are'} done or due before it renews at ${when}: one due sooner waits until then. An admin can ask ${label} for more (see docs/networks.md).`,
      );
    } else {
      notices.push(`${label}: upload ${counted + 1} of the ${allowed} its daily quota allows (it renews at ${when}).`);
    }
  }
  return notices;
}

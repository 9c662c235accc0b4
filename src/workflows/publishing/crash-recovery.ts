import type { ClaimedPublication, SettledPublication } from '../../../db/store.js';
import type { Publication } from '../../domain/publication.js';
import type { Publisher } from '../../platforms/publisher.js';
import type { WorkflowContext } from '../context.js';
import { eventFor } from './publish-one.js';

/** What becomes of a claim whose lease ran out: its process died (or stalled) mid-send. */
export type StaleClaimVerdict =
  /** Its request never left: scheduled again as it was, the attempt not counted. */
  | { action: 'release' }
  /** Its request left, and the network recognises a repeat: taken over and sent again. */
  | { action: 'resume' }
  /** Its request may have reached the network: a person checks before anything is retried. */
  | { action: 'abandon'; error: string };

export const UNKNOWN_AFTER_CRASH = 'Greenlight stopped while this was being published, so whether it went out is unknown.';

/**
 * The verdict on one stale claim (rule 2 in docs/architecture.md). Only a publisher that declares it marks
 * its sends is believed when a claim carries no mark; for any other, every crashed claim
 * may have gone out.
 */
export function verdictFor(claim: Publication, publisher: Publisher | undefined, now: Date): StaleClaimVerdict {
  if (!publisher?.marksSending) return { action: 'abandon', error: UNKNOWN_AFTER_CRASH };
  if (claim.sendingAt === null) return { action: 'release' };
  if (publisher.resumeAfterCrash?.(claim.sendingAt, now)) return { action: 'resume' };
  return { action: 'abandon', error: UNKNOWN_AFTER_CRASH };
}

export interface RecoveredClaims {
  released: Publication[];
  /** Now claimed by `owner`, to be sent again at once. */
  resumed: ClaimedPublication[];
  abandoned: SettledPublication[];
}

/** How many stale claims one pass looks at; the next pass (a minute later at most) takes the rest. */
const PASS_LIMIT = 1000;

/**
 * Recovers the claims other processes left whose lease ran out by now. Each verdict is
 * applied as a compare-and-set on the claim as seen (same owner, lease still run out, and
 * for a release still unmarked), so a process that was only slow and marks or renews
 * meanwhile keeps its claim, and two processes recovering at once act on each claim once.
 * This process's own lapsed claims (its renewals failed) are left to the sends still
 * holding them, which settle them or time out: taking one over would send it twice at once.
 */
export async function recoverStaleClaims(ctx: WorkflowContext, claim: { owner: string; leaseMs: number }): Promise<RecoveredClaims> {
  const { store, clock, catalog, logger } = ctx;
  const now = clock.now();
  const recovered: RecoveredClaims = { released: [], resumed: [], abandoned: [] };
  // All asked for at once, so they share one commit.
  await Promise.all(
    (await store.staleClaims(now, PASS_LIMIT))
      .filter((stale) => stale.claimOwner !== claim.owner)
      .map(async (stale) => {
        const publisher = catalog.has(stale.network) ? catalog.publisher(stale.network) : undefined;
        const verdict = verdictFor(stale, publisher, now);
        const ref = { id: stale.id, owner: stale.claimOwner ?? '', now };
        switch (verdict.action) {
          case 'release':
            if (await store.releaseClaim(stale.id, ref.owner, now, now)) recovered.released.push(stale);
            return;
          case 'resume': {
            const resumed = await store.resumeStaleClaim(ref, { owner: claim.owner, leaseUntil: new Date(now.getTime() + claim.leaseMs) });
            if (resumed) recovered.resumed.push(resumed);
            return;
          }
          case 'abandon': {
            const settled = await store.abandonStaleClaim(ref, verdict.error, (s) => ctx.news.forEvent(eventFor(s, 'needs_attention')));
            if (settled) recovered.abandoned.push(settled);
            return;
          }
        }
      }),
  );
  const { released, resumed, abandoned } = recovered;
  if (released.length + resumed.length + abandoned.length) {
    logger.info('recovered claims left by a stopped process', {
      released: released.length,
      resumed: resumed.length,
      needsAttention: abandoned.length,
    });
  }
  return recovered;
}

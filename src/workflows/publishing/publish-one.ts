import type { ClaimedPublication, PublishOutcome, SettledPublication } from '../../../db/store.js';
import { NETWORK_LABELS } from '../../domain/network.js';
import type { WorkflowContext } from '../context.js';
import type { DomainEvent } from '../events.js';
import { afterFailure, type RetryPolicy } from './retry-policy.js';

export interface PublishOneOptions {
  /** Who claims (this process). */
  owner: string;
  /** How long a claim lasts without renewal; renewed every third of it while the call runs. */
  leaseMs: number;
  retry: RetryPolicy;
  /** Aborted at shutdown: a call cut off after sending is an unknown outcome. */
  signal?: AbortSignal;
}

/** The event that tells people how an attempt ended. */
export function eventFor(settled: SettledPublication, outcome: PublishOutcome['status']): DomainEvent {
  const { post, publication } = settled;
  switch (outcome) {
    case 'published':
      return { type: 'publication.published', post, publication };
    case 'scheduled':
      return { type: 'publication.failed', post, publication, willRetry: true };
    case 'failed':
      return { type: 'publication.failed', post, publication, willRetry: false };
    case 'needs_attention':
      return { type: 'publication.needs_attention', post, publication };
  }
}

/** Claims due publications in the database (only one process can claim each). */
export function claimDue(ctx: WorkflowContext, ids: readonly number[], options: PublishOneOptions): Promise<ClaimedPublication[]> {
  const now = ctx.clock.now();
  return ctx.store.claimPublications(ids, { owner: options.owner, now, leaseUntil: new Date(now.getTime() + options.leaseMs) });
}

/**
 * Sends one publication this process has claimed, at most once (DESIGN rule 2): the claim in
 * the database came first (only one process can hold it), the network gets the approved
 * revision's content, and the claim's owner records the outcome. Returns undefined if the
 * claim was lost meanwhile.
 */
export async function sendClaimed(ctx: WorkflowContext, claimed: ClaimedPublication, options: PublishOneOptions): Promise<SettledPublication | undefined> {
  const { store, clock, logger } = ctx;
  const { publication, content, checkpoint } = claimed;

  const heartbeat = setInterval(() => {
    void store.renewLease(publication.id, options.owner, new Date(clock.now().getTime() + options.leaseMs)).catch((error: unknown) => {
      logger.warn('could not renew a publishing claim', { publication: publication.id, error });
    });
  }, Math.max(1000, options.leaseMs / 3));
  heartbeat.unref();

  let outcome: PublishOutcome;
  try {
    if (!ctx.catalog.has(publication.network)) {
      outcome = { status: 'failed', error: `${NETWORK_LABELS[publication.network]} is no longer connected in this workspace.` };
    } else {
      const result = await ctx.catalog.publisher(publication.network).publish({
        publicationId: publication.id,
        text: content.text,
        mediaUrl: content.mediaUrl,
        signal: options.signal,
        checkpoint,
        saveCheckpoint: (progress) => store.saveCheckpoint(publication.id, options.owner, progress),
      });
      outcome = { status: 'published', externalId: result.externalId, url: result.url };
    }
  } catch (error) {
    outcome = afterFailure(error, publication.attempts, clock.now(), options.retry);
    logger.warn('publishing failed', { post: publication.postId, network: publication.network, attempt: publication.attempts, outcome: outcome.status, error });
  } finally {
    clearInterval(heartbeat);
  }

  const settled = await store.settlePublication(publication.id, options.owner, outcome, clock.now(), (s) => ctx.news.forEvent(eventFor(s, outcome.status)));
  if (!settled) {
    // The claim was lost (its lease ran out and it was marked needs_attention): the record
    // already says "unknown", which is the truth as far as the database knows.
    logger.error('a publishing claim was lost before its outcome was recorded', { publication: publication.id, outcome: outcome.status });
    return undefined;
  }
  await ctx.events.notify(eventFor(settled, outcome.status));
  return settled;
}

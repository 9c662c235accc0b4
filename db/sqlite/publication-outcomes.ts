/**
 * How publications end: an attempt settled by its claim's owner, and recovery from claims
 * whose process died (resumed or abandoned) or from due times missed while Greenlight was
 * down. Each writes its audit and, when asked, its chat news in the same transaction.
 */
import { eq } from 'drizzle-orm';
import type { Publication } from '../../src/domain/publication.js';
import type { ClaimedPublication, PublishOutcome, SettledNews, SettledPublication, StaleClaimRef } from '../store.js';
import { insertAudit, SYSTEM } from './audit.js';
import type { SqliteContext } from './context.js';
import type { News } from './news.js';
import { loadPost } from './post-loader.js';
import { claimedPublication } from './publication-claims.js';
import type { PublicationQueries } from './publication-queries.js';
import { toPublication } from './rows.js';
import * as schema from './schema.js';

export class PublicationOutcomes {
  constructor(
    private readonly ctx: SqliteContext,
    private readonly pubs: PublicationQueries,
    private readonly news: News,
  ) {}

  settle(id: number, owner: string, outcome: PublishOutcome, at: Date, news?: SettledNews): Promise<SettledPublication | undefined> {
    return this.ctx.write(() => {
      const row = this.pubs.settle(id, owner, outcome, at);
      if (!row) {
        this.#auditLateOutcome(id, outcome, at);
        return undefined;
      }
      const details: Record<string, unknown> = { network: row.network, publicationId: row.id, attempts: row.attempts };
      if (outcome.status === 'published' || outcome.status === 'held')
        Object.assign(details, { url: outcome.url, externalId: outcome.externalId });
      else
        Object.assign(details, {
          error: outcome.error,
          ...(outcome.status === 'scheduled' ? { retryAt: outcome.retryAt.toISOString() } : {}),
        });
      const action = outcome.status === 'scheduled' ? 'publication.retry_scheduled' : `publication.${outcome.status}`;
      const done = this.pubs.completePostIfDone(row.postId, at);
      insertAudit(
        this.ctx.q,
        [{ ...SYSTEM, action, details }, ...(done ? [{ ...SYSTEM, action: 'post.published' }] : [])],
        at,
        row.postId,
        row.revisionId,
      );
      return this.#settled(row, at, news);
    });
  }

  /** The publication as settled, with its post, and the news about it written in the same transaction. */
  #settled(row: typeof schema.publications.$inferSelect, at: Date, news: SettledNews | undefined): SettledPublication {
    const settled = { publication: toPublication(row), post: loadPost(this.ctx.q, row.postId)! };
    if (news) this.news.insert(news(settled), at);
    return settled;
  }

  /**
   * The claim was lost before the network answered (its lease ran out and it was flagged):
   * the record stays as it is, but what the network said, a link above all, is audited so
   * whoever resolves it (and the exported log) can see the post did go out, and where.
   */
  #auditLateOutcome(id: number, outcome: PublishOutcome, at: Date): void {
    const publication = this.ctx.db.select().from(schema.publications).where(eq(schema.publications.id, id)).get();
    if (!publication) return;
    const said =
      outcome.status === 'published' || outcome.status === 'held'
        ? { url: outcome.url, externalId: outcome.externalId }
        : { error: outcome.error };
    const details = { network: publication.network, publicationId: id, outcome: outcome.status, ...said, status: publication.status };
    insertAudit(this.ctx.q, [{ ...SYSTEM, action: 'publication.late_outcome', details }], at, publication.postId, publication.revisionId);
  }

  staleClaims(now: Date, limit: number): Publication[] {
    return this.pubs.staleClaims(now, limit).map(toPublication);
  }

  resumeStale(stale: StaleClaimRef, claim: { owner: string; leaseUntil: Date }): Promise<ClaimedPublication | undefined> {
    return this.ctx.write(() => {
      const row = this.pubs.resumeStale(stale.id, stale.owner, stale.now, claim.owner, claim.leaseUntil, stale.now);
      if (!row) return undefined;
      insertAudit(
        this.ctx.q,
        [
          {
            ...SYSTEM,
            action: 'publication.resumed',
            details: {
              network: row.network,
              publicationId: row.id,
              sendingAt: new Date(row.sendingAt!).toISOString(),
              reason: 'claim expired',
            },
          },
        ],
        stale.now,
        row.postId,
        row.revisionId,
      );
      return claimedPublication(this.ctx.q, row);
    });
  }

  abandonStale(stale: StaleClaimRef, error: string, news?: SettledNews): Promise<SettledPublication | undefined> {
    return this.ctx.write(() => {
      const row = this.pubs.abandonStale(stale.id, stale.owner, stale.now, error, stale.now);
      if (!row) return undefined;
      insertAudit(
        this.ctx.q,
        [
          {
            ...SYSTEM,
            action: 'publication.needs_attention',
            details: { network: row.network, publicationId: row.id, reason: 'claim expired' },
          },
        ],
        stale.now,
        row.postId,
        row.revisionId,
      );
      return this.#settled(row, stale.now, news);
    });
  }

  markMissed(cutoff: Date, at: Date, news?: SettledNews): Promise<SettledPublication[]> {
    return this.ctx.write(() =>
      this.pubs.markMissed(cutoff, at, 'It fell due while Greenlight was not running, later than the grace period allows.').map((row) => {
        insertAudit(
          this.ctx.q,
          [
            {
              ...SYSTEM,
              action: 'publication.missed',
              details: { network: row.network, publicationId: row.id, dueAt: new Date(row.dueAt).toISOString() },
            },
          ],
          at,
          row.postId,
          row.revisionId,
        );
        return this.#settled(row, at, news);
      }),
    );
  }
}

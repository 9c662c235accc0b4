/**
 * The scheduler taking publications to send and holding them while it sends: what falls due,
 * claims with their leases, the sending mark, checkpoints, and giving a claim back. The
 * compare-and-set SQL is in publication-queries.ts; settling and recovery are in
 * publication-outcomes.ts.
 */
import { asc, count, eq, inArray } from 'drizzle-orm';
import type { NetworkId } from '../../src/domain/network.js';
import { textFor, type PostImage, type PostVideo, type TextVariants, type YouTubeDetails } from '../../src/domain/post.js';
import type { PublicationStatus } from '../../src/domain/publication.js';
import type { ClaimedPublication, DueItem, UpcomingPublication } from '../store.js';
import type { SqliteContext } from './context.js';
import type { PublicationQueries } from './publication-queries.js';
import { parseReference, toPublication } from './rows.js';
import * as schema from './schema.js';
import type { Statements } from './statements.js';

/** A claimed row with what to send: its own revision's content (the one that was approved). */
export function claimedPublication(q: Statements, row: typeof schema.publications.$inferSelect): ClaimedPublication {
  const [text, mediaUrl, images, variants, video, youtube] = q.revisionContent.rows({ id: row.revisionId })[0] as [
    string,
    string | null,
    string,
    string,
    string | null,
    string | null,
  ];
  const publication = toPublication(row);
  const content = {
    text: textFor({ text, variants: JSON.parse(variants) as TextVariants }, publication.network),
    mediaUrl,
    images: JSON.parse(images) as PostImage[],
    video: video ? (JSON.parse(video) as PostVideo) : null,
    youtube: youtube ? (JSON.parse(youtube) as YouTubeDetails) : null,
  };
  const [publishAt] = q.postPublishAt.rows({ id: row.postId })[0] as [number | null];
  return { publication, content, publishAt: publishAt === null ? null : new Date(publishAt), checkpoint: parseReference(row.checkpoint) };
}

export class PublicationClaims {
  constructor(
    private readonly ctx: SqliteContext,
    private readonly pubs: PublicationQueries,
  ) {}

  dueItems(until: Date, limit: number, reminderLeadMs: number): DueItem[] {
    return this.pubs.dueItems(until, limit, reminderLeadMs);
  }

  claim(ids: readonly number[], claim: { owner: string; now: Date; leaseUntil: Date }): Promise<ClaimedPublication[]> {
    return this.ctx.write(() =>
      ids.flatMap((id) => {
        const row = this.pubs.claim(id, claim.owner, claim.now, claim.leaseUntil);
        return row ? [claimedPublication(this.ctx.q, row)] : [];
      }),
    );
  }

  renewLease(id: number, owner: string, leaseUntil: Date): Promise<boolean> {
    return this.ctx.write(() => this.pubs.renew(id, owner, leaseUntil));
  }

  markSending(id: number, owner: string, at: Date): Promise<boolean> {
    return this.ctx.write(() => this.pubs.markSending(id, owner, at));
  }

  release(id: number, owner: string, at: Date, staleBy?: Date): Promise<boolean> {
    return this.ctx.write(() => this.pubs.release(id, owner, at, staleBy));
  }

  saveCheckpoint(id: number, owner: string, checkpoint: Record<string, unknown>): Promise<void> {
    return this.ctx.write(() => this.pubs.saveCheckpoint(id, owner, checkpoint));
  }

  nextDue(): UpcomingPublication | undefined {
    const row = this.ctx.db
      .select({
        postId: schema.publications.postId,
        network: schema.publications.network,
        dueAt: schema.publications.dueAt,
        status: schema.publications.status,
      })
      .from(schema.publications)
      .where(eq(schema.publications.status, 'scheduled'))
      .orderBy(asc(schema.publications.dueAt))
      .limit(1)
      .get();
    return (
      row && { postId: row.postId, network: row.network as NetworkId, dueAt: new Date(row.dueAt), status: row.status as PublicationStatus }
    );
  }

  /** For the /metrics gauges. */
  count(statuses: readonly PublicationStatus[]): number {
    if (!statuses.length) return 0;
    const row = this.ctx.db
      .select({ n: count() })
      .from(schema.publications)
      .where(inArray(schema.publications.status, [...statuses]))
      .get();
    return row?.n ?? 0;
  }
}

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../db/sqlite/store.js';
import type { NetworkId } from '../../src/domain/network.js';
import type { Person } from '../../src/domain/post.js';
import { tempDir } from '../support/temp-db.js';

const t0 = new Date('2026-03-02T09:00:00Z');
const later = (ms: number) => new Date(t0.getTime() + ms);
let tmp: ReturnType<typeof tempDir>;
/** Two stores on one file: two processes sharing the database. */
let a: SqliteStore;
let b: SqliteStore;
let author: Person;

beforeEach(async () => {
  tmp = tempDir();
  a = SqliteStore.open(tmp.file());
  b = SqliteStore.open(tmp.file());
  author = await a.upsertPerson({ platform: 'slack', platformUserId: 'U1', displayName: 'Ann' }, t0);
});
afterEach(async () => {
  await a.close();
  await b.close();
  tmp.cleanup();
});

/** An approved post with one publication per network, due at `dueAt`; returns the publication ids. */
async function approved(networks: NetworkId[], dueAt = t0, text = 'Hello'): Promise<number[]> {
  const post = await a.createPost({
    at: t0,
    author,
    status: 'pending',
    publishAt: dueAt,
    publishZone: 'UTC',
    originPlatform: 'slack',
    revision: { text, networks, mediaUrl: null, contentHash: text, aiAssisted: false },
    audit: [],
  });
  const result = await a.updatePost(post.post.id, (p) => ({
    at: t0,
    status: 'approved',
    createPublications: networks.map((network) => ({ network, revisionId: p.revision.id, dueAt })),
    audit: [],
  }));
  if (!result.ok) throw new Error(result.refusal.refused);
  return result.after.publications.map((p) => p.id);
}

const claim = (store: SqliteStore, ids: number[], owner: string, leaseMs = 60_000, now = t0) =>
  store.claimPublications(ids, { owner, now, leaseUntil: new Date(now.getTime() + leaseMs) });
const row = (id: number) =>
  a.sqlite.prepare('SELECT status, attempts, claim_owner AS owner, sending_at AS sendingAt FROM publications WHERE id = ?').get(id) as {
    status: string;
    attempts: number;
    owner: string | null;
    sendingAt: number | null;
  };

describe('what a claimed publication sends', () => {
  it("is the approved revision's images in order with alt text, and the network's own text where it has one", async () => {
    const images = [
      { sha256: 'a'.repeat(64), type: 'image/png' as const, bytes: 120, width: 800, height: 600, alt: 'A red bicycle' },
      { sha256: 'b'.repeat(64), type: 'image/jpeg' as const, bytes: 340, width: 1080, height: 1350, alt: null },
    ];
    const post = await a.createPost({
      at: t0,
      author,
      status: 'pending',
      publishAt: t0,
      publishZone: 'UTC',
      originPlatform: 'slack',
      revision: {
        text: 'A long LinkedIn text about bicycles.',
        networks: ['x', 'linkedin'],
        mediaUrl: null,
        images,
        variants: { x: 'Bikes!' },
        contentHash: 'h',
        aiAssisted: false,
      },
      audit: [],
    });
    // Read back from the database, not from what createPost returned.
    const stored = (await b.getPost(post.post.id))!;
    expect(stored.revision.images).toEqual(images);
    expect(stored.revision.variants).toEqual({ x: 'Bikes!' });
    const result = await a.updatePost(post.post.id, (p) => ({
      at: t0,
      status: 'approved',
      createPublications: (['x', 'linkedin'] as const).map((network) => ({ network, revisionId: p.revision.id, dueAt: t0 })),
      audit: [],
    }));
    if (!result.ok) throw new Error(result.refusal.refused);
    const claimed = await claim(
      b,
      result.after.publications.map((p) => p.id),
      'b',
    );
    const sent = Object.fromEntries(claimed.map((c) => [c.publication.network, c.content]));
    expect(sent.x).toEqual({ text: 'Bikes!', mediaUrl: null, images, video: null, youtube: null });
    expect(sent.linkedin).toEqual({ text: 'A long LinkedIn text about bicycles.', mediaUrl: null, images, video: null, youtube: null });
  });
});

describe('publication claims (compare-and-set, shared by processes)', () => {
  it('reads what is due per network, each network soonest first and bounded on its own', async () => {
    const xs = [];
    for (let i = 0; i < 5; i++) xs.push(...(await approved(['x'], t0, `x ${i}`)));
    const [m] = await approved(['mastodon'], later(1000), 'm');
    const due = await a.dueItems(later(1000), 3, 0);
    const pubs = due.filter((d) => d.kind === 'publication');
    expect(pubs.map((d) => [d.network, d.id])).toEqual([
      ['x', xs[0]],
      ['x', xs[1]],
      ['x', xs[2]],
      ['mastodon', m],
    ]);
  });

  it('one claim per publication, whichever process asks', async () => {
    const [id] = await approved(['x']);
    const [first, second] = await Promise.all([claim(a, [id!], 'A'), claim(b, [id!], 'B')]);
    expect(first.length + second.length).toBe(1);
    expect(row(id!)).toMatchObject({ status: 'publishing', attempts: 1, sendingAt: null });
  });

  it('marks a send only for the claim’s owner, keeps the first mark, and a definite answer clears it', async () => {
    const [id] = await approved(['x']);
    await claim(a, [id!], 'A');
    expect(await b.markSending(id!, 'B', later(10))).toBe(false);
    expect(await a.markSending(id!, 'A', later(10))).toBe(true);
    expect(await a.markSending(id!, 'A', later(20))).toBe(true);
    expect(row(id!).sendingAt).toBe(later(10).getTime());
    await a.settlePublication(id!, 'A', { status: 'scheduled', retryAt: later(60_000), error: 'X asked to wait' }, later(30));
    expect(row(id!)).toMatchObject({ status: 'scheduled', sendingAt: null });
  });

  it('an unknown outcome keeps the mark: a request really was in flight', async () => {
    const [id] = await approved(['x']);
    await claim(a, [id!], 'A');
    await a.markSending(id!, 'A', later(10));
    const settled = await a.settlePublication(id!, 'A', { status: 'needs_attention', error: 'X did not answer' }, later(30));
    expect(settled!.publication).toMatchObject({ status: 'needs_attention', sendingAt: later(10) });
  });

  it('gives back an unmarked claim as it was, the attempt uncounted; never a marked one', async () => {
    const [id, other] = await approved(['x', 'mastodon']);
    await claim(a, [id!, other!], 'A');
    await a.markSending(other!, 'A', later(10));
    expect(await b.releaseClaim(id!, 'B', later(20))).toBe(false);
    expect(await a.releaseClaim(id!, 'A', later(20))).toBe(true);
    expect(row(id!)).toMatchObject({ status: 'scheduled', attempts: 0, owner: null });
    expect(await a.releaseClaim(other!, 'A', later(20))).toBe(false);
    expect(row(other!).status).toBe('publishing');
    // Due as before: the next claim takes it.
    expect(await claim(b, [id!], 'B', 60_000, later(30))).toHaveLength(1);
  });

  it('lists lapsed claims and recovers each once: a live owner that renewed or marked meanwhile keeps it', async () => {
    const [quiet, renewed, marked] = await approved(['x', 'mastodon', 'bluesky']);
    await claim(a, [quiet!, renewed!, marked!], 'A', 1000);
    const lapsed = later(2000);
    expect((await b.staleClaims(lapsed, 10)).map((p) => p.id).sort()).toEqual([quiet!, renewed!, marked!].sort());
    // A was only slow: it renews one claim and marks another before B acts.
    await a.renewLease(renewed!, 'A', later(60_000));
    await a.markSending(marked!, 'A', lapsed);
    expect(await b.releaseClaim(renewed!, 'A', lapsed, lapsed)).toBe(false);
    expect(await b.releaseClaim(marked!, 'A', lapsed, lapsed)).toBe(false);
    const [one, two] = await Promise.all([b.releaseClaim(quiet!, 'A', lapsed, lapsed), a.releaseClaim(quiet!, 'A', lapsed, lapsed)]);
    expect([one, two].filter(Boolean)).toHaveLength(1);
    expect(row(quiet!).status).toBe('scheduled');
    expect(row(renewed!).status).toBe('publishing');
  });

  it('resumes a marked lapsed claim for the new owner with its content, once; or abandons it, once', async () => {
    const [resumable, doubtful] = await approved(['mastodon', 'x'], t0, 'Spring sale');
    await claim(a, [resumable!, doubtful!], 'A', 1000);
    await a.markSending(resumable!, 'A', later(500));
    await a.markSending(doubtful!, 'A', later(500));
    const lapsed = later(2000);
    const ref = { id: resumable!, owner: 'A', now: lapsed };
    const [r1, r2] = await Promise.all([
      b.resumeStaleClaim(ref, { owner: 'B', leaseUntil: later(60_000) }),
      a.resumeStaleClaim(ref, { owner: 'C', leaseUntil: later(60_000) }),
    ]);
    const resumed = r1 ?? r2;
    expect([r1, r2].filter(Boolean)).toHaveLength(1);
    expect(resumed).toMatchObject({
      content: { text: 'Spring sale', mediaUrl: null },
      publication: { status: 'publishing', attempts: 2, sendingAt: later(500) },
    });
    expect(await b.abandonStaleClaim({ id: resumable!, owner: 'A', now: lapsed }, 'unknown')).toBeUndefined();

    const abandoned = await b.abandonStaleClaim(
      { id: doubtful!, owner: 'A', now: lapsed },
      'Greenlight stopped while this was being published',
    );
    expect(abandoned!.publication).toMatchObject({ status: 'needs_attention', sendingAt: later(500), claimOwner: null });
    expect(await a.abandonStaleClaim({ id: doubtful!, owner: 'A', now: lapsed }, 'again')).toBeUndefined();
    expect((await a.listAudit({})).map((e) => e.action)).toEqual(
      expect.arrayContaining(['publication.resumed', 'publication.needs_attention']),
    );
  });

  it('never takes over a claim whose lease has not run out', async () => {
    const [id] = await approved(['mastodon']);
    await claim(a, [id!], 'A', 60_000);
    await a.markSending(id!, 'A', later(10));
    const now = later(30_000);
    expect(await b.staleClaims(now, 10)).toEqual([]);
    expect(await b.resumeStaleClaim({ id: id!, owner: 'A', now }, { owner: 'B', leaseUntil: later(90_000) })).toBeUndefined();
    expect(await b.abandonStaleClaim({ id: id!, owner: 'A', now }, 'x')).toBeUndefined();
    expect(await b.releaseClaim(id!, 'A', now, now)).toBe(false);
  });
});

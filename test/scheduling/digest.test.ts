import { inflateSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { buildDigestMessage } from '../../src/bots/slack/blocks/digest.js';
import { buildDigest } from '../../src/workflows/digest/build-digest.js';
import { chartFor } from '../../src/workflows/digest/deliver-digest.js';
import { collectMetrics } from '../../src/workflows/metrics/collect-metrics.js';
import { pruneSnapshots, SNAPSHOT_RETENTION_MS } from '../../src/workflows/metrics/prune-snapshots.js';
import { HOUR, schedulerHarness, type SchedulerHarness } from '../support/scheduler-harness.js';

let h: SchedulerHarness;
afterEach(async () => h?.close());

const m = (likes: number, comments: number, shares: number, impressions: number | null) => ({
  likes,
  comments,
  shares,
  impressions,
  clicks: null,
  saves: null,
});

/** Publishes a post on X at the clock's current time; returns its external id. */
async function publishNow(text: string): Promise<string> {
  const id = await h.approved({ publishAt: null, text });
  return (await h.gl.getPost(id))!.publications[0]!.externalId!;
}

function pngSize(png: Buffer): { width: number; height: number; valid: boolean } {
  const signature = png.subarray(0, 8).equals(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]));
  const idat = [];
  let offset = 8;
  let width = 0;
  let height = 0;
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    if (type === 'IHDR') {
      width = png.readUInt32BE(offset + 8);
      height = png.readUInt32BE(offset + 12);
    }
    if (type === 'IDAT') idat.push(png.subarray(offset + 8, offset + 8 + length));
    offset += 12 + length;
  }
  const pixels = inflateSync(Buffer.concat(idat));
  return { width, height, valid: signature && pixels.length === height * (1 + width * 3) };
}

describe('engagement digest', () => {
  it('shows yesterday’s posts with figures and changes, totals against the day before, the top post, the queue and today', async () => {
    // Day before yesterday (Sun 1 Mar, UTC): one X post.
    h = await schedulerHarness({}, '2026-03-01T10:00:00Z');
    h.scheduler.start();
    await h.scheduler.idle();
    const older = await publishNow('Sunday post');
    h.x.metrics.set(older, m(10, 1, 1, 500));
    await collectMetrics(h.gl.ctx);

    // Yesterday (Mon 2 Mar): two posts, figures collected twice.
    h.clock.set('2026-03-02T09:00:00Z');
    const monA = await publishNow('Monday morning launch announcement');
    h.clock.set('2026-03-02T15:00:00Z');
    const monB = await publishNow('Monday afternoon tip');
    h.x.metrics.set(older, m(12, 1, 2, 600));
    h.x.metrics.set(monA, m(30, 4, 5, null));
    h.x.metrics.set(monB, m(5, 0, 0, 100));
    await collectMetrics(h.gl.ctx);
    h.clock.set('2026-03-02T22:00:00Z');
    h.x.metrics.set(monA, m(50, 6, 9, null));
    h.x.metrics.set(monB, m(8, 1, 0, 300));
    await collectMetrics(h.gl.ctx);

    // Today (Tue 3 Mar, 09:00 UTC): one post waiting, one scheduled later today.
    h.clock.set('2026-03-03T08:00:00Z');
    await h.pending({ text: 'Waiting for a decision', publishAt: new Date('2026-03-04T09:00:00Z') });
    await h.approved({ text: 'Goes out this afternoon', publishAt: new Date('2026-03-03T15:00:00Z') });
    h.clock.set('2026-03-03T09:00:00Z');

    const digest = await buildDigest(h.gl.ctx, { kind: 'daily', zone: 'UTC' });
    expect(digest.title).toBe('Engagement digest for Mon 2 Mar');
    expect(digest.from).toEqual(new Date('2026-03-02T00:00:00Z'));
    expect(digest.to).toEqual(new Date('2026-03-03T00:00:00Z'));
    // Both were published within the day: all they have, they gained since the day before.
    expect(digest.posts.map((p) => [p.excerpt, p.figures, p.change])).toEqual([
      [
        'Monday morning launch announcement',
        { likes: 50, comments: 6, shares: 9, impressions: null },
        { likes: 50, comments: 6, shares: 9, impressions: null },
      ],
      [
        'Monday afternoon tip',
        { likes: 8, comments: 1, shares: 0, impressions: 300 },
        { likes: 8, comments: 1, shares: 0, impressions: 300 },
      ],
    ]);
    expect(digest.top?.excerpt).toBe('Monday morning launch announcement');
    expect(digest.totals).toEqual([
      {
        network: 'x',
        label: 'X',
        posts: 2,
        current: { likes: 58, comments: 7, shares: 9, impressions: 300 },
        // The Sunday post as of the end of Sunday (its first snapshot).
        previous: { likes: 10, comments: 1, shares: 1, impressions: 500 },
        previousPosts: 1,
      },
    ]);
    expect(digest.waiting.map((w) => w.excerpt)).toEqual(['Waiting for a decision']);
    expect(digest.waitingTotal).toBe(1);
    expect(digest.today.map((t) => [t.excerpt, t.dueAt])).toEqual([['Goes out this afternoon', new Date('2026-03-03T15:00:00Z')]]);

    // The chart: engagement gained per day. Sunday +12; Monday: the Sunday post +3, Monday's posts +74.
    expect(digest.chart.days).toEqual(['Tue 24 Feb', 'Wed 25 Feb', 'Thu 26 Feb', 'Fri 27 Feb', 'Sat 28 Feb', 'Sun 1 Mar', 'Mon 2 Mar']);
    expect(digest.chart.series).toEqual([{ network: 'x', label: 'X', values: [0, 0, 0, 0, 0, 12, 77] }]);

    const png = chartFor(h.gl.ctx, digest)!;
    expect(pngSize(png)).toEqual({ width: 800, height: 400, valid: true });

    const message = buildDigestMessage(digest);
    const text = JSON.stringify(message.blocks);
    expect(text).toContain('👁 n/a');
    expect(text).toContain('❤️ 50 (+50)');
    expect(text).toContain('❤️ 58 (▲ 480%)');
    expect(text).toContain('Top post');
    expect(text).toContain('Waiting for a decision');
    expect(message.blocks.length).toBeLessThanOrEqual(50);
  });

  it('the last-24-hours digest (/digest) covers the 24 hours up to now, with figures as of now', async () => {
    h = await schedulerHarness({}, '2026-03-02T10:00:00Z');
    h.scheduler.start();
    await h.scheduler.idle();
    const post = await publishNow('Steady performer');
    h.clock.set('2026-03-02T11:00:00Z');
    h.x.metrics.set(post, m(10, 2, 1, 1000));
    await collectMetrics(h.gl.ctx);
    h.clock.set('2026-03-03T09:00:00Z');
    h.x.metrics.set(post, m(25, 2, 4, 2500));
    await collectMetrics(h.gl.ctx);
    h.clock.set('2026-03-03T09:30:00Z');
    const recent = await buildDigest(h.gl.ctx, { kind: 'recent', zone: 'UTC' });
    expect(recent.title).toBe('Engagement, last 24 hours');
    expect(recent.from).toEqual(new Date('2026-03-02T09:30:00Z'));
    expect(recent.posts.map((p) => [p.excerpt, p.figures])).toEqual([
      ['Steady performer', { likes: 25, comments: 2, shares: 4, impressions: 2500 }],
    ]);
    // The scheduled digest covers the previous calendar day, with figures as of its end.
    const daily = await buildDigest(h.gl.ctx, { kind: 'daily', zone: 'UTC' });
    expect(daily.posts.map((p) => p.figures)).toEqual([{ likes: 10, comments: 2, shares: 1, impressions: 1000 }]);
    h.clock.set('2026-03-03T10:30:00Z');
    expect((await buildDigest(h.gl.ctx, { kind: 'recent', zone: 'UTC' })).posts).toEqual([]);
  });

  it('counts a daylight-saving day as the 23 hours it has in the digest’s zone', async () => {
    h = await schedulerHarness({}, '2026-03-28T23:30:00Z'); // 00:30 on Sun 29 Mar in Berlin
    h.scheduler.start();
    await h.scheduler.idle();
    await publishNow('Just after midnight');
    h.clock.set('2026-03-29T21:59:00Z'); // 23:59 CEST, still Sunday
    await publishNow('Just before midnight');
    h.clock.set('2026-03-29T22:01:00Z'); // 00:01 on Monday
    await publishNow('Monday already');
    h.clock.set('2026-03-30T07:00:00Z'); // 09:00 CEST
    const digest = await buildDigest(h.gl.ctx, { kind: 'daily', zone: 'Europe/Berlin' });
    expect(digest.title).toBe('Engagement digest for Sun 29 Mar');
    expect(digest.to.getTime() - digest.from.getTime()).toBe(23 * HOUR);
    expect(digest.posts.map((p) => p.excerpt).sort()).toEqual(['Just after midnight', 'Just before midnight']);
  });

  it('stays within Slack’s 50 blocks with many posts, summarising the rest', async () => {
    h = await schedulerHarness({}, '2026-03-02T08:00:00Z');
    h.scheduler.start();
    await h.scheduler.idle();
    for (let i = 0; i < 40; i++) await publishNow(`Post number ${i}`);
    for (let i = 0; i < 15; i++) await h.pending({ text: `Pending ${i}`, publishAt: new Date('2026-03-05T09:00:00Z') });
    h.clock.set('2026-03-03T09:00:00Z');
    const message = buildDigestMessage(await buildDigest(h.gl.ctx, { kind: 'daily', zone: 'UTC' }));
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    const text = JSON.stringify(message.blocks);
    expect(text).toContain('…and 20 more posts.');
    expect(text).toContain('see `/queue`');
  });

  it('keeps collecting when one network’s figures cannot be read', async () => {
    h = await schedulerHarness({}, '2026-03-02T08:00:00Z');
    h.scheduler.start();
    await h.scheduler.idle();
    await publishNow('Will not get figures');
    h.x.metricsError = new Error('X is down');
    const sandboxPost = await h.approved({ publishAt: null, networks: ['sandbox'] });
    const result = await collectMetrics(h.gl.ctx);
    expect(result).toEqual({ snapshots: 1, failed: ['x'] });
    const sandboxPub = (await h.gl.getPost(sandboxPost))!.publications[0]!;
    expect((await h.store.latestMetrics([sandboxPub.id], h.clock.now())).get(sandboxPub.id)).toMatchObject({ likes: 0 });
    expect(h.logs.some((l) => l.includes('could not read engagement figures'))).toBe(true);
  });

  it('forgets snapshots older than the retention period that a later one supersedes, keeping every post’s latest', async () => {
    h = await schedulerHarness({}, '2026-01-01T10:00:00Z');
    h.scheduler.start();
    await h.scheduler.idle();
    const old = await publishNow('January post');
    for (const [day, likes] of [
      [1, 1],
      [3, 2],
      [6, 3],
    ] as const) {
      h.clock.set(new Date(Date.parse('2026-01-01T10:00:00Z') + day * 24 * HOUR));
      h.x.metrics.set(old, m(likes, 0, 0, null));
      await collectMetrics(h.gl.ctx);
    }
    h.clock.set('2026-03-01T10:00:00Z');
    const recent = await publishNow('March post');
    for (const likes of [5, 7]) {
      h.clock.set(new Date(h.clock.now().getTime() + HOUR));
      h.x.metrics.set(recent, m(likes, 0, 0, null));
      await collectMetrics(h.gl.ctx);
    }
    const snapshots = () =>
      h.store.sqlite.prepare('SELECT publication_id AS p, likes FROM metric_snapshots ORDER BY id').all() as Array<{
        p: number;
        likes: number;
      }>;
    const [oldPub, recentPub] = [(await h.gl.getPost(1))!.publications[0]!.id, (await h.gl.getPost(2))!.publications[0]!.id];
    const before = await h.store.latestMetrics([oldPub, recentPub], h.clock.now());

    // One chunk at a time: a limit of 1 deletes the oldest superseded one only.
    const cutoff = new Date(h.clock.now().getTime() - SNAPSHOT_RETENTION_MS);
    expect(await h.store.pruneMetricSnapshots(cutoff, 1)).toBe(1);
    expect(snapshots().map((r) => r.likes)).toEqual([2, 3, 5, 7]);
    expect(await pruneSnapshots(h.gl.ctx)).toBe(1);
    expect(snapshots()).toEqual([
      { p: oldPub, likes: 3 },
      { p: recentPub, likes: 5 },
      { p: recentPub, likes: 7 },
    ]);
    expect(await h.store.latestMetrics([oldPub, recentPub], h.clock.now())).toEqual(before);
    // Nothing more to do; and the recent post's snapshots are kept until they are old too.
    expect(await pruneSnapshots(h.gl.ctx)).toBe(0);
    h.clock.set(new Date(h.clock.now().getTime() + SNAPSHOT_RETENTION_MS + HOUR));
    expect(await pruneSnapshots(h.gl.ctx)).toBe(1);
    expect(snapshots()).toEqual([
      { p: oldPub, likes: 3 },
      { p: recentPub, likes: 7 },
    ]);
  });
});

/**
 * The chat outbox's rules, in the store (rule 10 in docs/architecture.md): lanes are claimed whole, in order,
 * by one owner at a time; a lane waits while any of it is leased or its head is backing off;
 * what an attempt finished and whether it may have reached the chat survive a failure.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../db/sqlite/store.js';
import type { NewsInput } from '../../db/store.js';
import { tempDir } from '../support/temp-db.js';

const t0 = new Date('2026-03-02T09:00:00Z');
const later = (ms: number) => new Date(t0.getTime() + ms);
let tmp: ReturnType<typeof tempDir>;
let store: SqliteStore;

const news = (lane: string, kind = 'post.decided', platform: 'slack' | 'teams' = 'slack'): NewsInput => ({
  platform,
  lane,
  kind,
  postId: null,
  payload: '{}',
});
const claim = (owner: string, at = t0, lanes = 8, busy: ReadonlySet<string> = new Set()) =>
  store.claimNews({ platform: 'slack', owner, now: at, leaseUntil: later(at.getTime() - t0.getTime() + 60_000), lanes, busy });
const lanesOf = (claimed: Awaited<ReturnType<typeof claim>>) => claimed.map((rows) => `${rows[0]!.lane}:${rows.length}`);
/** The first row of the first lane claimed. */
const onlyRow = (claimed: Awaited<ReturnType<typeof claim>>) => {
  expect(claimed).toHaveLength(1);
  return claimed[0]![0]!;
};

beforeEach(() => {
  tmp = tempDir();
  store = SqliteStore.open(tmp.file());
});
afterEach(async () => {
  await store.close();
  tmp.cleanup();
});

describe('chat outbox', () => {
  it('claims whole lanes, oldest first, only for its platform, and not a lane someone holds', async () => {
    await store.enqueueNews(
      [news('slack:post:1'), news('slack:post:2'), news('slack:post:1', 'publication.published'), news('teams:post:3', 'x', 'teams')],
      t0,
    );
    const first = await claim('a');
    expect(lanesOf(first)).toEqual(['slack:post:1:2', 'slack:post:2:1']);
    expect(first[0]!.map((r) => r.kind)).toEqual(['post.decided', 'publication.published']);
    expect(first[0]![0]).toMatchObject({ attempts: 1, lookFirst: false, progress: {} });

    // News written to a held lane waits behind it, for anyone.
    await store.enqueueNews([news('slack:post:1', 'post.reminder')], t0);
    expect(await claim('b')).toEqual([]);
    // Once it is delivered, the newer row is claimed on its own.
    await store.settleNews(
      first[0]!.map((r) => r.id),
      'a',
      { status: 'delivered' },
      t0,
    );
    expect(lanesOf(await claim('b'))).toEqual(['slack:post:1:1']);
  });

  it('a lane the claimant is delivering is never claimed again, though its lease has lapsed', async () => {
    await store.enqueueNews([news('slack:post:1'), news('slack:post:2')], t0);
    await claim('a');
    const lapsed = later(5 * 60_000);
    expect(lanesOf(await claim('a', lapsed, 8, new Set(['slack:post:1'])))).toEqual(['slack:post:2:1']);
    // Another process takes over a lapsed lease, and is told to look before sending.
    const takeover = await claim('b', lapsed);
    expect(lanesOf(takeover)).toEqual(['slack:post:1:1']);
    expect(takeover[0]![0]).toMatchObject({ attempts: 2, lookFirst: true });
  });

  it('a lane whose head is backing off waits whole, though newer rows in it are due; due lanes come oldest due first', async () => {
    await store.enqueueNews([news('slack:post:1'), news('slack:post:2')], t0);
    const [one, two] = await claim('a');
    await store.settleNews(
      [one![0]!.id],
      'a',
      { status: 'retry', retryAt: later(30_000), error: 'Slack answered HTTP 503', maybeDelivered: false },
      t0,
    );
    await store.settleNews(
      [two![0]!.id],
      'a',
      { status: 'retry', retryAt: later(10_000), error: 'Slack answered HTTP 503', maybeDelivered: false },
      t0,
    );
    await store.enqueueNews([news('slack:post:1', 'publication.published'), news('slack:post:3')], later(1_000));
    expect(lanesOf(await claim('b', later(5_000)))).toEqual(['slack:post:3:1']);
    // post:2's head falls due before post:1's: it is handed out first.
    expect(lanesOf(await claim('c', later(31_000)))).toEqual(['slack:post:2:1', 'slack:post:1:2']);
  });

  it('a retry keeps what the attempt finished, waits for its time, and keeps looking first once unsure', async () => {
    await store.enqueueNews([news('slack:post:1')], t0);
    const row = onlyRow(await claim('a'));
    await store.settleNews(
      [row.id],
      'a',
      {
        status: 'retry',
        retryAt: later(10_000),
        error: 'Slack answered HTTP 503',
        maybeDelivered: true,
        progress: new Map([[row.id, { thread: true }]]),
      },
      t0,
    );
    expect(await claim('a', later(5_000))).toEqual([]);
    expect(await store.nextNewsDue('slack')).toEqual(later(10_000));
    const again = onlyRow(await claim('a', later(10_000)));
    expect(again).toMatchObject({ id: row.id, attempts: 2, lookFirst: true, progress: { thread: true } });

    // A definite refusal after an unsure attempt: the row still looks first next time.
    await store.settleNews(
      [again.id],
      'a',
      { status: 'retry', retryAt: later(20_000), error: 'ratelimited', maybeDelivered: true },
      later(10_000),
    );
    const third = onlyRow(await claim('a', later(20_000)));
    expect(third).toMatchObject({ lookFirst: true, progress: { thread: true } });
  });

  it('is given back at shutdown, hurried when the chat is back, reported in health, and pruned after a week', async () => {
    await store.enqueueNews([news('slack:post:1'), news('slack:post:2')], t0);
    expect(lanesOf(await claim('a'))).toHaveLength(2);
    await store.releaseNews('a', later(1_000));
    const retaken = await claim('b', later(1_000));
    expect(lanesOf(retaken)).toEqual(['slack:post:1:1', 'slack:post:2:1']);
    expect(retaken.every((rows) => rows[0]!.lookFirst)).toBe(true);

    await store.settleNews(
      [retaken[0]![0]!.id],
      'b',
      { status: 'retry', retryAt: later(3_600_000), error: 'down', maybeDelivered: false },
      later(1_000),
    );
    await store.settleNews([retaken[1]![0]!.id], 'b', { status: 'failed', error: 'gave up after 200 attempts: down' }, later(1_000));
    await store.hurryNews('slack', later(2_000));
    expect(await store.nextNewsDue('slack')).toEqual(later(2_000));

    const health = await store.newsHealth(t0);
    expect(health).toMatchObject({
      pending: 1,
      oldestPendingAt: t0,
      failed: 1,
      lastFailure: { kind: 'post.decided', error: 'gave up after 200 attempts: down' },
    });

    expect(await store.pruneNews(later(1_000), 100)).toBe(0);
    expect(await store.pruneNews(later(7 * 24 * 3600_000), 100)).toBe(1);
  });

  it('tells its listeners after a commit that wrote news, not before and not for other writes', async () => {
    let told = 0;
    store.onNewsWritten(() => told++);
    await store.appendAudit([{ platform: 'cli', actorId: null, actorLabel: 'ops', action: 'noted' }], t0);
    expect(told).toBe(0);
    const written = store.enqueueNews([news('slack:digest', 'digest')], t0);
    expect(told).toBe(0);
    await written;
    expect(told).toBe(1);
  });
});

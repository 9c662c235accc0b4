import { afterEach, describe, expect, it } from 'vitest';
import type { NetworkId } from '../../src/domain/network.js';
import type { Publication } from '../../src/domain/publication.js';
import { HOUR, schedulerHarness, type SchedulerHarness } from '../support/scheduler-harness.js';
import { manualLimiter } from '../support/manual-limiter.js';
import { ScriptedPublisher } from '../support/scripted-publisher.js';

let h: SchedulerHarness;
afterEach(async () => h?.close());

/** Resolves once `n` publications on `network` were reported published (a signal, not a sleep). */
function published(network: NetworkId, n: number): Promise<void> {
  const count = () => h.events.filter((e) => e.type === 'publication.published' && e.publication.network === network).length;
  return new Promise((resolve) => {
    if (count() >= n) return resolve();
    h.bus.subscribe({ notify: async () => void (count() >= n && resolve()) });
  });
}

async function publications(network: NetworkId): Promise<Publication[]> {
  const posts = await h.gl.ctx.store.listPosts({ limit: 1000, oldestFirst: true });
  return posts.flatMap((p) => p.publications).filter((p) => p.network === network);
}

/** 50 posts on `networks`, all due at `at`, approved in order (post i says "Post i"). */
async function burst(networks: NetworkId[], at: Date, count = 50): Promise<void> {
  for (let i = 0; i < count; i++) await h.approved({ text: `Post ${i}`, networks, publishAt: at });
}

const textOf = (p: { text: string }) => p.text;

describe('per-network lanes (manual clock, no sleeps)', () => {
  it('50 due at once on three networks: the unlimited two all go at their time, the limited one in due order at its limit', async () => {
    // X allows one post per 9 s (its own limiter); Mastodon here limits nothing; the sandbox never does.
    let mastodon!: ScriptedPublisher;
    h = await schedulerHarness({ leaseMs: 24 * HOUR }, '2026-03-02T08:00:00Z', (time) => {
      const limiter = manualLimiter(time, { capacity: 1, refillPerSecond: 1 / 9 });
      mastodon = new ScriptedPublisher('mastodon', { marksSending: true });
      return { x: new ScriptedPublisher('x', { marksSending: true, turn: (signal) => limiter.acquire(signal) }), others: [mastodon] };
    });
    h.scheduler.start();
    await h.scheduler.idle();
    const due = new Date(h.clock.now().getTime() + HOUR);
    await burst(['x', 'mastodon', 'sandbox'], due);

    await h.timers.advanceTo(due);
    await Promise.all([published('sandbox', 50), published('mastodon', 50), published('x', 1)]);
    // The clock has not moved: every unlimited post went out at its time, none behind X.
    for (const network of ['sandbox', 'mastodon'] as const) {
      const done = await publications(network);
      expect(done.map((p) => p.status)).toEqual(Array(50).fill('published'));
      expect(new Set(done.map((p) => p.publishedAt!.getTime()))).toEqual(new Set([due.getTime()]));
    }
    expect(mastodon.sent.map(textOf)).toEqual(Array.from({ length: 50 }, (_, i) => `Post ${i}`));
    // X: one out, at most its in-flight bound claimed and waiting for its turn (unmarked: a
    // crash now would simply give them back), the rest not even claimed.
    const x = await publications('x');
    const claimed = x.filter((p) => p.status === 'publishing');
    expect(claimed.length).toBeGreaterThan(0);
    expect(claimed.length).toBeLessThanOrEqual(4);
    expect(h.scheduler.inFlight('x')).toBeLessThanOrEqual(4);
    expect(claimed.every((p) => p.sendingAt === null)).toBe(true);
    expect(x.filter((p) => p.status === 'scheduled').length).toBeGreaterThanOrEqual(45);

    for (let i = 1; i < 50; i++) {
      await h.timers.advance(9000);
      await published('x', i + 1);
    }
    expect(h.x.sent.map(textOf)).toEqual(Array.from({ length: 50 }, (_, i) => `Post ${i}`));
    const xs = (await publications('x')).sort((a, b) => a.publishedAt!.getTime() - b.publishedAt!.getTime());
    expect(xs.map((p) => p.publishedAt!.getTime() - due.getTime())).toEqual(Array.from({ length: 50 }, (_, i) => i * 9000));
    expect(xs.every((p) => p.attempts === 1)).toBe(true);
  });

  it('a network that stops answering holds only its in-flight bound; every other network goes on', async () => {
    h = await schedulerHarness({ leaseMs: 24 * HOUR }, '2026-03-02T08:00:00Z', () => ({
      x: new ScriptedPublisher('x', { marksSending: true }),
    }));
    h.x.next(...Array.from({ length: 20 }, () => ({ hang: true as const })));
    h.scheduler.start();
    await h.scheduler.idle();
    const due = new Date(h.clock.now().getTime() + HOUR);
    await burst(['x', 'sandbox'], due, 20);
    await h.timers.advanceTo(due);
    await published('sandbox', 20);

    expect(h.x.sent).toHaveLength(4);
    const x = await publications('x');
    expect(x.filter((p) => p.status === 'publishing').map((p) => p.sendingAt)).toEqual(Array(4).fill(due));
    expect(x.filter((p) => p.status === 'scheduled')).toHaveLength(16);
    // Shutdown cuts off what was on the wire: those four are unknown, the rest were never claimed.
    await h.scheduler.stop(50);
    const after = await publications('x');
    expect(after.filter((p) => p.status === 'needs_attention')).toHaveLength(4);
    expect(after.filter((p) => p.status === 'scheduled')).toHaveLength(16);
  });

  it('a shutdown gives back the claims still waiting for their turn: scheduled as they were, no attempt counted', async () => {
    let limited = true;
    h = await schedulerHarness({ leaseMs: 24 * HOUR }, '2026-03-02T08:00:00Z', (time) => {
      const limiter = manualLimiter(time, { capacity: 1, refillPerSecond: 1 / 9 });
      return {
        x: new ScriptedPublisher('x', { marksSending: true, turn: async (signal) => (limited ? limiter.acquire(signal) : undefined) }),
      };
    });
    h.scheduler.start();
    await h.scheduler.idle();
    const due = new Date(h.clock.now().getTime() + HOUR);
    await burst(['x'], due, 6);
    await h.timers.advanceTo(due);
    await published('x', 1);
    const waiting = (await publications('x')).filter((p) => p.status === 'publishing');
    expect(waiting.length).toBeGreaterThan(0);
    expect(waiting.length).toBeLessThanOrEqual(4);

    await h.scheduler.stop();
    const after = await publications('x');
    expect(after.map((p) => [p.status, p.attempts])).toEqual([['published', 1], ...Array(5).fill(['scheduled', 0])]);
    expect(h.events.map((e) => e.type)).not.toContain('publication.needs_attention');
    expect(h.events.map((e) => e.type)).not.toContain('publication.failed');
    expect(h.x.sent).toHaveLength(1);

    // The next start sends them, in due order (X no longer limiting, to keep this short).
    limited = false;
    await h.restart({ leaseMs: 24 * HOUR });
    expect(h.x.sent.map(textOf)).toEqual(Array.from({ length: 6 }, (_, i) => `Post ${i}`));
    expect((await publications('x')).map((p) => [p.status, p.attempts])).toEqual(Array(6).fill(['published', 1]));
  });
});

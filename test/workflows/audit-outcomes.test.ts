/**
 * The audit export alone answers "was everything approved published once, and where, or
 * why not?": every way a publication can end is in it, and the check below reads nothing
 * but the exported lines.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PublishError } from '../../src/platforms/publisher.js';
import { exportAudit } from '../../src/workflows/audit-export.js';
import { HOUR, MINUTE, schedulerHarness, type SchedulerHarness } from '../support/scheduler-harness.js';

let h: SchedulerHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

interface Line {
  action: string;
  actor: string;
  postId: number;
  details: Record<string, unknown>;
}

/** What happened to each approved (post, network), read from the export alone. */
function reconcile(lines: Line[]) {
  const approved = new Set<string>();
  const history = new Map<string, Line[]>();
  for (const line of lines) {
    if (line.action === 'post.approved') for (const network of line.details.networks as string[]) approved.add(`${line.postId}:${network}`);
    if (line.action.startsWith('publication.')) {
      const key = `${line.postId}:${line.details.network}`;
      history.set(key, [...(history.get(key) ?? []), line]);
    }
  }
  return [...approved].map((key) => {
    const entries = history.get(key) ?? [];
    // A send Greenlight made: recorded as it settled, or reported after its claim was lost.
    const sends = entries.filter(
      (e) => e.action === 'publication.published' || (e.action === 'publication.late_outcome' && e.details.outcome === 'published'),
    );
    return {
      key,
      actions: entries.map((e) => e.action.slice('publication.'.length)),
      sends: sends.length,
      urls: entries.map((e) => e.details.url).filter((u): u is string => typeof u === 'string'),
    };
  });
}

describe('the audit trail covers every publication outcome', () => {
  it('lets "nothing lost, nothing twice" be checked from the export alone', async () => {
    h = await schedulerHarness({ graceMs: HOUR });
    const harness = h;
    h.scheduler.start();
    await h.scheduler.idle();
    const pubId = async (postId: number) => (await harness.gl.getPost(postId))!.publications[0]!.id;

    const both = await h.approved({ publishAt: null, networks: ['x', 'sandbox'], text: 'Both' });

    h.x.next({ error: new PublishError({ kind: 'permanent', network: 'x', message: 'X refused this post as duplicate content' }) });
    const refused = await h.approved({ publishAt: null, text: 'Refused once' });
    expect(await h.gl.retryPublication(h.approver, refused, await pubId(refused))).toMatchObject({ ok: true });
    await h.scheduler.idle();

    h.x.next({
      error: new PublishError({ kind: 'retryable', network: 'x', message: 'X is rate limiting (429)', retryAfterMs: 10 * MINUTE }),
    });
    const flaky = await h.approved({ publishAt: null, text: 'Flaky' });
    await h.timers.advance(HOUR);
    await h.scheduler.idle();

    h.x.next({ error: new PublishError({ kind: 'unknown', network: 'x', message: 'X did not answer in time' }) });
    const unknown = await h.approved({ publishAt: null, text: 'Unknown' });
    expect(await h.gl.markPublished(h.approver, unknown, await pubId(unknown), 'https://x.com/acme/status/7')).toMatchObject({ ok: true });

    const cancelled = await h.approved({ publishAt: new Date(h.clock.now().getTime() + 5 * HOUR), text: 'Cancelled' });
    expect(await h.gl.cancel(h.author, cancelled)).toMatchObject({ ok: true });

    const missed = await h.approved({ publishAt: new Date(h.clock.now().getTime() + 10 * MINUTE), text: 'Missed' });
    await h.scheduler.stop();
    h.clock.advance(2 * HOUR);
    await h.restart();
    await h.scheduler.stop();

    // A send whose claim ran out while the network was still answering: the publication was
    // flagged, and then the network said it went out, and where.
    const lost = await h.approved({ publishAt: null, text: 'Claim lost' });
    const lostPub = await pubId(lost);
    const now = h.clock.now();
    expect(
      await h.store.claimPublications([lostPub], { owner: 'slow-process', now, leaseUntil: new Date(now.getTime() + MINUTE) }),
    ).toHaveLength(1);
    expect(await h.store.markSending(lostPub, 'slow-process', now)).toBe(true);
    h.clock.advance(2 * MINUTE);
    expect(await h.store.abandonStaleClaim({ id: lostPub, owner: 'slow-process', now: h.clock.now() }, 'claim expired')).toBeDefined();
    const late = await h.store.settlePublication(
      lostPub,
      'slow-process',
      { status: 'published', externalId: 'x-99', url: 'https://x.com/acme/status/99' },
      h.clock.now(),
    );
    expect(late).toBeUndefined(); // the claim was lost: the record still says "unknown"

    let out = '';
    await exportAudit(h.store, { format: 'jsonl' }, (chunk) => void (out += chunk));
    const lines = out
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Line);
    const outcomes = reconcile(lines);

    // Nothing lost: every approved (post, network) has an outcome; nothing twice: one send at most.
    for (const o of outcomes) {
      expect(o.actions.length, o.key).toBeGreaterThan(0);
      expect(o.sends, o.key).toBeLessThanOrEqual(1);
    }
    const of = (postId: number, network = 'x') => outcomes.find((o) => o.key === `${postId}:${network}`);
    expect(of(both)).toMatchObject({ actions: ['published'], sends: 1, urls: [expect.stringMatching(/^https:\/\/x\.example\//)] });
    expect(of(both, 'sandbox')).toMatchObject({ actions: ['published'], sends: 1, urls: [expect.stringMatching(/^https:\/\/sandbox/)] });
    expect(of(refused)).toMatchObject({ actions: ['failed', 'retry', 'published'], sends: 1 });
    expect(of(flaky)).toMatchObject({ actions: ['retry_scheduled', 'published'], sends: 1 });
    expect(of(unknown)).toMatchObject({
      actions: ['needs_attention', 'marked_published'],
      sends: 0,
      urls: ['https://x.com/acme/status/7'],
    });
    expect(of(cancelled)).toMatchObject({ actions: ['cancelled'], sends: 0 });
    expect(of(missed)).toMatchObject({ actions: ['missed'], sends: 0 });
    expect(of(lost)).toMatchObject({ actions: ['needs_attention', 'late_outcome'], sends: 1, urls: ['https://x.com/acme/status/99'] });
    expect(outcomes).toHaveLength(8);

    // Each says why, where and who.
    const entry = (postId: number, action: string) => lines.find((l) => l.postId === postId && l.action === `publication.${action}`)!;
    expect(entry(refused, 'failed').details).toMatchObject({ network: 'x', error: 'X refused this post as duplicate content' });
    expect(entry(refused, 'retry')).toMatchObject({ actor: 'Approver (slack:U_APPROVER)', details: { network: 'x', was: 'failed' } });
    expect(entry(flaky, 'retry_scheduled').details).toMatchObject({ error: 'X is rate limiting (429)', retryAt: expect.any(String) });
    expect(entry(unknown, 'needs_attention').details).toMatchObject({ error: 'X did not answer in time' });
    expect(entry(unknown, 'marked_published')).toMatchObject({ actor: 'Approver (slack:U_APPROVER)' });
    expect(entry(cancelled, 'cancelled')).toMatchObject({
      actor: 'Author (slack:U_AUTHOR)',
      details: { network: 'x', publicationId: expect.any(Number) },
    });
    expect(entry(lost, 'needs_attention').details).toMatchObject({ reason: 'claim expired' });
    expect(entry(lost, 'late_outcome').details).toMatchObject({ outcome: 'published', externalId: 'x-99', status: 'needs_attention' });
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { PublishError } from '../../src/platforms/publisher.js';
import { eventually } from '../support/greenlight-process.js';
import { HOUR, MINUTE, schedulerHarness, type SchedulerHarness } from '../support/scheduler-harness.js';

let h: SchedulerHarness;
afterEach(async () => h?.close());

const types = () => h.events.map((e) => e.type);
const pubOf = async (postId: number) => (await h.gl.getPost(postId))!.publications[0]!;

describe('scheduled publishing (manual clock, no sleeps)', () => {
  it('publishes at the due time, exactly once, and marks the post published', async () => {
    h = await schedulerHarness();
    h.scheduler.start();
    await h.scheduler.idle();
    const id = await h.approved({ publishAt: new Date(h.clock.now().getTime() + HOUR) });
    await h.timers.advance(HOUR - 1000);
    expect(h.x.calls).toHaveLength(0);
    await h.timers.advance(1000);
    await h.scheduler.idle();
    expect(h.x.calls).toHaveLength(1);
    expect(h.x.calls[0]).toMatchObject({ text: 'Scheduled post', mediaUrl: null, publicationId: (await pubOf(id)).id });
    const post = (await h.gl.getPost(id))!;
    expect(post.post.status).toBe('published');
    expect(post.publications[0]).toMatchObject({ status: 'published', attempts: 1, url: expect.stringContaining('x.example') });
    expect(post.publications[0]!.publishedAt).toEqual(new Date('2026-03-02T09:00:00Z'));
    await h.timers.advance(10 * HOUR);
    expect(h.x.calls).toHaveLength(1);
    const actions = (await h.store.listAudit({})).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['publication.published', 'post.published']));
    expect(types()).toContain('publication.published');
  });

  it('publishes an "as soon as approved" post right away', async () => {
    h = await schedulerHarness();
    h.scheduler.start();
    await h.scheduler.idle();
    await h.approved({ publishAt: null });
    expect(h.x.calls).toHaveLength(1);
  });

  it('sends what an approval makes due once requests being answered are (or after its wait), and exactly once', async () => {
    let answering: (() => void) | undefined;
    const waits: number[] = [];
    const foreground = {
      quiet: (maxMs: number) => {
        waits.push(maxMs);
        return answering ? new Promise<void>((resolve) => (answering = resolve)) : Promise.resolve();
      },
    };
    h = await schedulerHarness({ foreground, yieldMs: 50 });
    h.scheduler.start();
    await h.scheduler.idle();
    answering = () => undefined; // a burst of clicks is being answered
    const id = await h.pending({ publishAt: null });
    const post = (await h.gl.getPost(id))!;
    const decided = await h.gl.decide(h.approver, { postId: id, revisionId: post.revision.id, kind: 'approve' });
    expect(decided.ok).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(h.x.calls).toHaveLength(0);
    expect(waits.at(-1)).toBe(50);
    const quiet = answering;
    answering = undefined;
    quiet();
    await h.scheduler.idle();
    expect(h.x.calls).toHaveLength(1);
    expect((await pubOf(id)).status).toBe('published');
  });

  it('an in-process listener slow to take an event never makes the next post late, nor holds idle() up', async () => {
    h = await schedulerHarness();
    // A listener that does not return from publication events until it is released.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const heard: string[] = [];
    h.bus.subscribe({
      notify: async (e) => {
        if (e.type !== 'publication.published') return;
        await released;
        heard.push(`post ${e.post.post.id} published`);
      },
    });
    h.scheduler.start();
    await h.scheduler.idle();
    const first = await h.pending({ publishAt: new Date(h.clock.now().getTime() + HOUR) });
    const second = await h.pending({ publishAt: new Date(h.clock.now().getTime() + HOUR + MINUTE) });
    for (const id of [first, second]) {
      const post = (await h.gl.getPost(id))!;
      expect((await h.gl.decide(h.approver, { postId: id, revisionId: post.revision.id, kind: 'approve' })).ok).toBe(true);
    }

    await h.timers.advance(HOUR);
    await h.scheduler.idle();
    expect(h.x.calls).toHaveLength(1);
    await h.timers.advance(MINUTE);
    await h.scheduler.idle();
    // The listener still holds the first event, and the second post went out on time all the same.
    expect(h.x.calls).toHaveLength(2);
    expect((await pubOf(second)).publishedAt).toEqual(new Date(h.clock.now()));
    expect(heard).toEqual([]);
    release();
    await eventually(() => heard.length === 2, 5_000, 'the listener to hear both');
    expect(heard).toEqual([`post ${first} published`, `post ${second} published`]);
  });

  it('keeps timers only for a bounded window and refills it as time passes', async () => {
    h = await schedulerHarness({ windowMs: 15 * MINUTE, refillEveryMs: MINUTE, windowLimit: 5 });
    h.scheduler.start();
    await h.scheduler.idle();
    for (let i = 0; i < 30; i++)
      await h.approved({ publishAt: new Date(h.clock.now().getTime() + 2 * HOUR + i * MINUTE), text: `Post ${i}` });
    // Nothing is due within 15 minutes: only the refill timer exists.
    expect(h.scheduler.timerCount).toBe(0);
    await h.timers.advance(2 * HOUR - 10 * MINUTE);
    expect(h.scheduler.timerCount).toBe(5);
    expect(h.timers.size).toBeLessThanOrEqual(6);
    await h.timers.advance(40 * MINUTE);
    await h.scheduler.idle();
    expect(h.x.calls.map((c) => c.text)).toEqual(Array.from({ length: 30 }, (_, i) => `Post ${i}`));
  });

  it('rebuilds from the database on restart', async () => {
    h = await schedulerHarness();
    h.scheduler.start();
    await h.scheduler.idle();
    const id = await h.approved({ publishAt: new Date(h.clock.now().getTime() + 30 * MINUTE) });
    await h.scheduler.stop();
    await h.timers.advance(31 * MINUTE); // down: nothing runs
    expect(h.x.calls).toHaveLength(0);
    await h.restart();
    expect(h.x.calls).toHaveLength(1);
    expect((await pubOf(id)).status).toBe('published');
  });

  it('catches up at start within PUBLISH_GRACE_MINUTES; older posts wait for a decision', async () => {
    h = await schedulerHarness({ graceMs: HOUR });
    const soon = await h.approved({ publishAt: new Date(h.clock.now().getTime() + 10 * MINUTE), text: 'Due 10 min in' });
    const early = await h.approved({ publishAt: new Date(h.clock.now().getTime() + 1 * MINUTE), text: 'Due 1 min in' });
    // Greenlight was down until 80 minutes later: one is 70 min late (beyond the grace), one 79.
    h.clock.advance(80 * MINUTE);
    const late = await h.approved({ publishAt: new Date(h.clock.now().getTime() + MINUTE), text: 'Fresh' });
    h.clock.advance(2 * MINUTE);
    await h.restart();
    expect(h.x.calls.map((c) => c.text)).toEqual(['Fresh']);
    expect((await pubOf(soon)).status).toBe('missed');
    expect((await pubOf(early)).status).toBe('missed');
    expect((await pubOf(late)).status).toBe('published');
    expect(types().filter((t) => t === 'publication.missed')).toHaveLength(2);

    // An approver decides: publish one now, reschedule the other.
    expect(await h.gl.publishMissedNow(h.approver, soon)).toMatchObject({ ok: true });
    await h.scheduler.idle();
    expect((await pubOf(soon)).status).toBe('published');
    const at = new Date(h.clock.now().getTime() + 3 * HOUR);
    expect(await h.gl.reschedule(h.approver, early, at, 'Europe/Berlin')).toMatchObject({ ok: true });
    expect(await pubOf(early)).toMatchObject({ status: 'scheduled', dueAt: at });
    await h.timers.advance(3 * HOUR);
    await h.scheduler.idle();
    expect(h.x.calls.map((c) => c.text)).toEqual(['Fresh', 'Due 10 min in', 'Due 1 min in']);
    // Nobody but an approver decides.
    expect(await h.gl.publishMissedNow(h.author, soon)).toMatchObject({ ok: false, refusal: { code: 'not_approver' } });
  });

  it('expires a post still waiting at its publish time; "approve and publish now" publishes it', async () => {
    h = await schedulerHarness();
    h.scheduler.start();
    await h.scheduler.idle();
    const id = await h.pending({ publishAt: new Date(h.clock.now().getTime() + HOUR) });
    await h.timers.advance(HOUR);
    await h.scheduler.idle();
    const post = (await h.gl.getPost(id))!;
    expect(post.post.status).toBe('expired');
    expect(post.publications).toEqual([]);
    expect(types()).toContain('post.expired');
    // A plain approval of the expired post is refused; the explicit fresh decision works.
    expect(await h.gl.decide(h.approver, { postId: id, revisionId: post.revision.id, kind: 'approve' })).toMatchObject({
      ok: false,
      refusal: { code: 'not_pending' },
    });
    expect(await h.gl.approveAndPublishNow(h.author, id, post.revision.id)).toMatchObject({ ok: false, refusal: { code: 'not_approver' } });
    expect(await h.gl.approveAndPublishNow(h.approver, id, post.revision.id)).toMatchObject({ ok: true, outcome: 'approved' });
    await h.scheduler.idle();
    expect(h.x.calls).toHaveLength(1);
    expect((await h.gl.getPost(id))!.post.status).toBe('published');
  });

  it('reschedules an expired post back into approval', async () => {
    h = await schedulerHarness();
    h.scheduler.start();
    await h.scheduler.idle();
    const id = await h.pending({ publishAt: new Date(h.clock.now().getTime() + HOUR) });
    await h.timers.advance(HOUR);
    await h.scheduler.idle();
    expect(await h.gl.reschedule(h.approver, id, new Date(h.clock.now().getTime() - MINUTE), 'UTC')).toMatchObject({
      ok: false,
      refusal: { code: 'past' },
    });
    expect(await h.gl.reschedule(h.approver, id, new Date(h.clock.now().getTime() + 5 * HOUR), 'UTC')).toMatchObject({
      ok: true,
      post: { post: { status: 'pending' } },
    });
  });

  it('reminds approvers once, 2 hours before a pending post is due', async () => {
    h = await schedulerHarness();
    h.scheduler.start();
    await h.scheduler.idle();
    await h.pending({ publishAt: new Date(h.clock.now().getTime() + 3 * HOUR) });
    await h.timers.advance(59 * MINUTE);
    expect(types()).not.toContain('post.reminder');
    await h.timers.advance(2 * MINUTE);
    await h.scheduler.idle();
    expect(types().filter((t) => t === 'post.reminder')).toHaveLength(1);
    await h.timers.advance(30 * MINUTE);
    await h.scheduler.idle();
    expect(types().filter((t) => t === 'post.reminder')).toHaveLength(1);
  });

  it('retries a retryable failure after the wait the network asked for, then publishes', async () => {
    h = await schedulerHarness();
    h.scheduler.start();
    await h.scheduler.idle();
    h.x.next({
      error: new PublishError({ kind: 'retryable', network: 'x', message: 'X is rate limiting (429)', retryAfterMs: 10 * MINUTE }),
    });
    const id = await h.approved({ publishAt: null });
    let pub = await pubOf(id);
    expect(pub).toMatchObject({ status: 'scheduled', attempts: 1, lastError: 'X is rate limiting (429)' });
    expect(pub.nextAttemptAt!.getTime() - h.clock.now().getTime()).toBeGreaterThanOrEqual(10 * MINUTE);
    expect(h.events.find((e) => e.type === 'publication.failed')).toMatchObject({ willRetry: true });
    await h.timers.advance(9 * MINUTE);
    expect(h.x.calls).toHaveLength(1);
    await h.timers.advance(pub.nextAttemptAt!.getTime() - h.clock.now().getTime());
    await h.scheduler.idle();
    pub = await pubOf(id);
    expect(pub).toMatchObject({ status: 'published', attempts: 2 });
  });

  it('gives up after the retry budget, with a Retry for approvers', async () => {
    h = await schedulerHarness({ retry: { maxAttempts: 3, baseMs: MINUTE, maxMs: 5 * MINUTE } });
    h.scheduler.start();
    await h.scheduler.idle();
    const flaky = () => ({ error: new PublishError({ kind: 'retryable', network: 'x', message: 'X is having problems (503)' }) });
    h.x.next(flaky(), flaky(), flaky());
    const id = await h.approved({ publishAt: null });
    await h.timers.advance(HOUR);
    await h.scheduler.idle();
    const pub = await pubOf(id);
    expect(pub).toMatchObject({ status: 'failed', attempts: 3, lastError: 'Gave up after 3 attempts: X is having problems (503)' });
    expect(h.events.filter((e) => e.type === 'publication.failed').map((e) => (e as { willRetry: boolean }).willRetry)).toEqual([
      true,
      true,
      false,
    ]);
    expect(await h.gl.retryPublication(h.approver, id, pub.id)).toMatchObject({ ok: true });
    await h.scheduler.idle();
    expect(await pubOf(id)).toMatchObject({ status: 'published', attempts: 1 });
  });

  it('a permanent failure fails at once, with the network’s words', async () => {
    h = await schedulerHarness();
    h.scheduler.start();
    await h.scheduler.idle();
    h.x.next({ error: new PublishError({ kind: 'permanent', network: 'x', message: 'X refused this post as duplicate content' }) });
    const id = await h.approved({ publishAt: null });
    expect(await pubOf(id)).toMatchObject({ status: 'failed', attempts: 1, lastError: 'X refused this post as duplicate content' });
    await h.timers.advance(5 * HOUR);
    expect(h.x.calls).toHaveLength(1);
  });

  it('an unknown outcome is never retried by itself: needs attention, then a person decides', async () => {
    h = await schedulerHarness();
    h.scheduler.start();
    await h.scheduler.idle();
    h.x.next({ error: new PublishError({ kind: 'unknown', network: 'x', message: 'X did not answer in time' }) });
    const id = await h.approved({ publishAt: null });
    const pub = await pubOf(id);
    expect(pub).toMatchObject({ status: 'needs_attention' });
    expect(pub.lastError).toBe('X did not answer in time');
    await h.timers.advance(24 * HOUR);
    expect(h.x.calls).toHaveLength(1);
    expect(await h.gl.markPublished(h.author, id, pub.id)).toMatchObject({ ok: false, refusal: { code: 'not_approver' } });
    expect(await h.gl.markPublished(h.approver, id, pub.id, 'https://x.com/acme/status/1')).toMatchObject({
      ok: true,
      post: { post: { status: 'published' } },
    });
    expect(await pubOf(id)).toMatchObject({ status: 'published', url: 'https://x.com/acme/status/1' });
    expect(h.x.calls).toHaveLength(1);
  });

  it('a crash inside a publisher (not a PublishError) is treated as an unknown outcome', async () => {
    h = await schedulerHarness();
    h.scheduler.start();
    await h.scheduler.idle();
    h.x.next({ error: new TypeError('undefined is not a function') });
    const id = await h.approved({ publishAt: null });
    expect(await pubOf(id)).toMatchObject({ status: 'needs_attention' });
  });

  it('a claim whose process died mid-call becomes needs attention when its lease runs out, and is not resent', async () => {
    h = await schedulerHarness({ leaseMs: 30_000 });
    const id = await h.approved({ publishAt: null });
    const pub = await pubOf(id);
    // Another process claimed it and died while the network call was in flight.
    expect(
      await h.store.claimPublications([pub.id], {
        owner: 'dead-process',
        now: h.clock.now(),
        leaseUntil: new Date(h.clock.now().getTime() + 30_000),
      }),
    ).toHaveLength(1);
    h.scheduler.start();
    await h.scheduler.idle();
    await h.scheduler.idle();
    expect((await pubOf(id)).status).toBe('publishing');
    await h.timers.advance(31_000);
    await h.scheduler.idle();
    expect(await pubOf(id)).toMatchObject({
      status: 'needs_attention',
      lastError: expect.stringContaining('Greenlight stopped while this was being published'),
    });
    expect(h.x.calls).toHaveLength(0);
  });

  it('an edit after approval cancels the scheduled send; only the new revision, once approved, goes out', async () => {
    h = await schedulerHarness();
    h.scheduler.start();
    await h.scheduler.idle();
    const id = await h.approved({ publishAt: new Date(h.clock.now().getTime() + HOUR), text: 'Old text' });
    const revised = await h.gl.reviseDraft(h.author, id, null, {
      text: 'New text',
      networks: ['x'],
      publishAt: new Date(h.clock.now().getTime() + HOUR),
      timezone: 'Europe/Berlin',
      mediaUrl: null,
    });
    expect(revised.ok).toBe(true);
    await h.timers.advance(2 * HOUR);
    await h.scheduler.idle();
    expect(h.x.calls).toHaveLength(0);
    expect((await h.gl.getPost(id))!.post.status).toBe('expired');
  });
});

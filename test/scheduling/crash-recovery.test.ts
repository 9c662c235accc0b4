import { afterEach, describe, expect, it } from 'vitest';
import type { Publication } from '../../src/domain/publication.js';
import { PublishError } from '../../src/platforms/publisher.js';
import { HOUR, MINUTE, schedulerHarness, type SchedulerHarness } from '../support/scheduler-harness.js';
import { ScriptedPublisher, type ScriptedNetwork } from '../support/scripted-publisher.js';

let h: SchedulerHarness;
afterEach(async () => h?.close());

const LEASE = 30_000;
const pubOf = async (postId: number): Promise<Publication> => (await h.gl.getPost(postId))!.publications[0]!;
const types = () => h.events.map((e) => e.type);
const actions = async () => (await h.store.listAudit({})).map((a) => a.action);

/** X as scripted, and a post on it that another process claimed (and maybe began sending) before it died. */
async function crashedClaim(x: ScriptedNetwork, sent: boolean): Promise<{ id: number; publication: Publication }> {
  h = await schedulerHarness({ leaseMs: LEASE }, '2026-03-02T08:00:00Z', () => ({ x: new ScriptedPublisher('x', x) }));
  const id = await h.approved({ publishAt: null });
  const pub = await pubOf(id);
  const now = h.clock.now();
  expect(
    await h.store.claimPublications([pub.id], { owner: 'dead-process', now, leaseUntil: new Date(now.getTime() + LEASE) }),
  ).toHaveLength(1);
  if (sent) expect(await h.store.markSending(pub.id, 'dead-process', now)).toBe(true);
  return { id, publication: await pubOf(id) };
}

/** This process starts and lives past the dead one's lease. */
async function outliveTheLease(): Promise<void> {
  h.scheduler.start();
  await h.scheduler.idle();
  await h.timers.advance(LEASE + 1000);
  await h.scheduler.idle();
}

describe('a crash flags only what may have reached the network', () => {
  it('a claim that never began sending is taken back and published, the attempt not counted, nobody told', async () => {
    const { id } = await crashedClaim({ marksSending: true }, false);
    await outliveTheLease();
    expect(h.x.sent).toHaveLength(1);
    expect(await pubOf(id)).toMatchObject({ status: 'published', attempts: 1, sendingAt: null });
    expect(types()).not.toContain('publication.needs_attention');
    expect(await actions()).not.toContain('publication.needs_attention');
  });

  it('a claim whose request left, on a network that cannot recognise a repeat, needs attention and is not resent', async () => {
    const { id, publication } = await crashedClaim({ marksSending: true }, true);
    await outliveTheLease();
    expect(h.x.calls).toHaveLength(0);
    expect(await pubOf(id)).toMatchObject({
      status: 'needs_attention',
      sendingAt: publication.sendingAt,
      lastError: expect.stringContaining('Greenlight stopped while this was being published'),
    });
    expect(types()).toContain('publication.needs_attention');
  });

  it('a claim whose request left, on a network that recognises the repeat, is sent again at once and published', async () => {
    const { id, publication } = await crashedClaim({ marksSending: true, resumeAfterCrash: () => true }, true);
    await outliveTheLease();
    expect(h.x.sent).toHaveLength(1);
    expect(h.x.sent[0]!.publicationId).toBe(publication.id);
    expect(await pubOf(id)).toMatchObject({ status: 'published', attempts: 2, sendingAt: null });
    expect(types()).not.toContain('publication.needs_attention');
    expect(await actions()).toEqual(expect.arrayContaining(['publication.resumed', 'publication.published']));
  });

  it('once the network would no longer recognise the repeat (Greenlight was down too long), it needs attention', async () => {
    const withinAnHour = (sendingAt: Date, now: Date) => now.getTime() - sendingAt.getTime() < 55 * MINUTE;
    const { id } = await crashedClaim({ marksSending: true, resumeAfterCrash: withinAnHour }, true);
    h.clock.advance(2 * HOUR); // down for two hours
    await h.restart({ graceMs: 24 * HOUR });
    expect(h.x.calls).toHaveLength(0);
    expect(await pubOf(id)).toMatchObject({ status: 'needs_attention' });
  });

  it('a repeat that the network turns away (rate limit) cannot tell about the first send: it needs attention', async () => {
    const { id } = await crashedClaim({ marksSending: true, resumeAfterCrash: () => true }, true);
    h.x.next({ error: new PublishError({ kind: 'retryable', network: 'x', message: 'X is rate limiting (429)', retryAfterMs: MINUTE }) });
    await outliveTheLease();
    const pub = await pubOf(id);
    expect(pub.status).toBe('needs_attention');
    expect(pub.lastError).toContain('turned away (X is rate limiting (429))');
    expect(pub.lastError).toContain('whether the first attempt went out is unknown');
  });

  it('a publisher that does not declare it marks its sends: every crashed claim is an unknown outcome', async () => {
    const { id } = await crashedClaim({}, false);
    await outliveTheLease();
    expect(h.x.calls).toHaveLength(0);
    expect((await pubOf(id)).status).toBe('needs_attention');
  });

  it('a claim taken back while its send waited for its turn never sends; the publication still goes out once', async () => {
    // This process's send waits for X's turn; meanwhile its lease lapses (its renewals failed)
    // and another process takes the claim back.
    const turns: Array<() => void> = [];
    let turnAsked: (() => void) | undefined;
    const asked = (n: number) =>
      new Promise<void>((resolve) => (turns.length >= n ? resolve() : (turnAsked = () => turns.length >= n && resolve())));
    h = await schedulerHarness({ leaseMs: LEASE }, '2026-03-02T08:00:00Z', () => ({
      x: new ScriptedPublisher('x', {
        marksSending: true,
        turn: () =>
          new Promise<void>((resolve) => {
            turns.push(resolve);
            turnAsked?.();
          }),
      }),
    }));
    h.scheduler.start();
    await h.scheduler.idle();
    const id = await h.approved({ publishAt: new Date(h.clock.now().getTime() + MINUTE) });
    await h.timers.advance(MINUTE);
    await asked(1);
    const pub = await pubOf(id);
    h.clock.advance(LEASE + 1000);
    expect(await h.store.releaseClaim(pub.id, 'test-process', h.clock.now(), h.clock.now())).toBe(true);
    await h.scheduler.kick(); // the taken-back publication is due again
    turns[0]!(); // the first send's turn comes: its mark is refused, it sends nothing
    await asked(2); // the same publication, claimed anew
    turns[1]!();
    await h.scheduler.idle();
    expect(h.x.calls).toHaveLength(2);
    expect(h.x.sent).toHaveLength(1);
    expect(await pubOf(id)).toMatchObject({ status: 'published', attempts: 1 });
    expect(types()).not.toContain('publication.needs_attention');
    expect(h.logs.join('\n')).toContain('a publishing claim was lost before its outcome was recorded');
  });
});

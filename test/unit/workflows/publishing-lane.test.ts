import { describe, expect, it } from 'vitest';
import type { ClaimedPublication } from '../../../db/store.js';
import { createMemoryLogger } from '../../../src/observability/logger.js';
import { PublishingLane, type LaneWork } from '../../../src/workflows/publishing/lane.js';

/** A claimed publication as the lane sees it (only its id matters here). */
const claimedAs = (id: number) =>
  ({ publication: { id }, content: { text: `Post ${id}`, mediaUrl: null }, checkpoint: null }) as unknown as ClaimedPublication;

/** Work whose sends finish when the test says so; claims succeed unless `taken` has the id. */
function scriptedWork() {
  const sending = new Map<number, { finish: () => void; signal: AbortSignal; markSent: () => void }>();
  const log: string[] = [];
  const taken = new Set<number>();
  let wanted = 0;
  const work: LaneWork = {
    claim: async (ids) => {
      log.push(`claim ${ids.join(',')}`);
      return ids.filter((id) => !taken.has(id)).map(claimedAs);
    },
    send: (claimed, control) =>
      new Promise<void>((resolve) => {
        const id = claimed.publication.id;
        log.push(`send ${id}`);
        sending.set(id, { finish: () => (sending.delete(id), resolve()), signal: control.signal, markSent: control.onSending });
        control.signal.addEventListener('abort', () => {
          log.push(`called off ${id}`);
          sending.delete(id);
          resolve();
        });
      }),
    giveBack: async (claimed) => void log.push(`give back ${claimed.publication.id}`),
    wantMore: () => void wanted++,
  };
  return { work, sending, log, taken, wanted: () => wanted };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('a publishing lane', () => {
  it('claims in due order only as slots free up, never more than its bound at once', async () => {
    const w = scriptedWork();
    const lane = new PublishingLane('x', 2, w.work, createMemoryLogger());
    lane.offer([1, 2, 3, 4, 5], false);
    await turn();
    expect(w.log).toEqual(['claim 1,2', 'send 1', 'send 2']);
    expect(lane.inFlight).toBe(2);
    w.sending.get(1)!.finish();
    await turn();
    w.sending.get(2)!.finish();
    await turn();
    expect(w.log.slice(3)).toEqual(['claim 3', 'send 3', 'claim 4', 'send 4']);
    w.sending.get(3)!.finish();
    w.sending.get(4)!.finish();
    await turn();
    w.sending.get(5)!.finish();
    await lane.idle();
    expect(w.log.filter((l) => l.startsWith('send'))).toEqual(['send 1', 'send 2', 'send 3', 'send 4', 'send 5']);
    expect(lane.inFlight).toBe(0);
  });

  it('what the database says replaces what it knew; when the list runs out and there was more, it asks again', async () => {
    const w = scriptedWork();
    const lane = new PublishingLane('x', 1, w.work, createMemoryLogger());
    lane.offer([1, 2, 3], true);
    await turn();
    lane.offer([3], true); // 2 was cancelled meanwhile; 1 is in flight here
    w.sending.get(1)!.finish();
    await turn();
    expect(w.log).toEqual(['claim 1', 'send 1', 'claim 3', 'send 3']);
    expect(w.wanted()).toBe(0);
    w.sending.get(3)!.finish();
    await lane.idle();
    expect(w.wanted()).toBe(1);
  });

  it('a publication offered again while its own send runs (its claim was taken back) is claimed anew only after that send ends', async () => {
    const w = scriptedWork();
    const lane = new PublishingLane('x', 4, w.work, createMemoryLogger());
    lane.offer([1], false);
    await turn();
    lane.offer([1], false);
    await turn();
    expect(w.log).toEqual(['claim 1', 'send 1']);
    w.sending.get(1)!.finish();
    await turn();
    expect(w.log).toEqual(['claim 1', 'send 1', 'claim 1', 'send 1']);
    w.sending.get(1)!.finish();
    await lane.idle();
  });

  it('on stop, calls off the sends still waiting for their turn, lets leaving ones run, and gives back claims that arrive late', async () => {
    const w = scriptedWork();
    const lane = new PublishingLane('x', 2, w.work, createMemoryLogger());
    lane.offer([1, 2, 3], false);
    await turn();
    w.sending.get(1)!.markSent();
    lane.stop();
    await turn();
    expect(w.log).toEqual(['claim 1,2', 'send 1', 'send 2', 'called off 2']);
    expect(w.sending.has(1)).toBe(true);
    lane.abort(new Error('out of time'));
    await lane.idle();
    expect(w.log.at(-1)).toBe('called off 1');

    const late = scriptedWork();
    let release!: (c: ClaimedPublication[]) => void;
    late.work.claim = () => new Promise((resolve) => (release = resolve));
    const other = new PublishingLane('mastodon', 2, late.work, createMemoryLogger());
    other.offer([7], false);
    other.stop();
    release([claimedAs(7)]);
    await other.idle();
    expect(late.log).toEqual(['give back 7']);
  });
});

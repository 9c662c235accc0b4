/**
 * Networks that hold a post until its time by themselves (YouTube's publishAt): the post goes
 * to the network as soon as it is approved, waits there as "held" (private), and is confirmed
 * public at its time, even if Greenlight was down then. Cancelling or editing it first keeps
 * it private on the network; if the network cannot confirm that, nothing changes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EngagementMetrics } from '../../src/domain/publication.js';
import type { PostVideo, YouTubeDetails } from '../../src/domain/post.js';
import {
  PublishError,
  type MetricsTarget,
  type PublishRequest,
  type PublishResult,
  type Publisher,
} from '../../src/platforms/publisher.js';
import { youtubeRules } from '../../src/platforms/rules/youtube.js';
import { nextQuotaReset } from '../../src/platforms/youtube/quota.js';
import type { DraftInput } from '../../src/workflows/draft-validation.js';
import { HOUR, MINUTE, schedulerHarness, type SchedulerHarness } from '../support/scheduler-harness.js';
import { ScriptedPublisher } from '../support/scripted-publisher.js';

/** Holds a public video until `publishAt`, as YouTube does; records what it was asked. */
class HoldingPublisher implements Publisher {
  readonly network = 'youtube' as const;
  readonly rules = youtubeRules;
  readonly publishesVideo = true;
  readonly marksSending = true;
  /** Two uploads a day, renewed at midnight Pacific as YouTube's quota is. */
  readonly quota = { unitsPerDay: 3200, unitsPerPost: 1600, resetsAfter: nextQuotaReset };
  readonly calls: PublishRequest[] = [];
  readonly withdrawn: string[] = [];
  failWithdraw = false;
  #videos = 0;
  constructor(private readonly now: () => Date) {}
  schedulesOnNetwork(content: { youtube: YouTubeDetails | null }): boolean {
    return content.youtube?.privacy === 'public';
  }
  async publish(request: PublishRequest): Promise<PublishResult> {
    this.calls.push(request);
    const saved = request.checkpoint?.videoId;
    if (typeof saved === 'string') {
      // At its time: confirm it went public (a withdrawn one never does).
      if (this.withdrawn.includes(saved))
        throw new PublishError({ kind: 'permanent', network: 'youtube', message: 'The video is private on YouTube.' });
      return { externalId: saved, url: `https://youtube.example/${saved}` };
    }
    const id = `v${++this.#videos}`;
    await request.saveCheckpoint?.({ videoId: id });
    await request.markSending?.();
    const url = `https://youtube.example/${id}`;
    return request.publishAt && request.publishAt > this.now()
      ? { externalId: id, url, heldUntil: request.publishAt }
      : { externalId: id, url };
  }
  async withdraw(externalId: string): Promise<void> {
    if (this.failWithdraw) throw new PublishError({ kind: 'retryable', network: 'youtube', message: 'YouTube is not answering' });
    this.withdrawn.push(externalId);
  }
  async fetchMetrics(_targets: MetricsTarget[]): Promise<Map<string, EngagementMetrics>> {
    return new Map();
  }
}

const video: PostVideo = {
  sha256: 'a'.repeat(64),
  bytes: 5_000_000,
  container: 'mp4',
  durationSeconds: 30,
  width: 1920,
  height: 1080,
  videoCodec: 'avc1.640028',
  audioCodec: 'mp4a.40.2',
  name: 'tour.mp4',
};
const youtube = { title: 'Shop tour', tags: 'shop', categoryId: '22', privacy: 'public', madeForKids: false };
const post = (o: Partial<DraftInput> = {}): Partial<DraftInput> => ({
  text: 'A tour of the new shop',
  networks: ['youtube'],
  video,
  youtube,
  ...o,
});

let h: SchedulerHarness;
let yt: HoldingPublisher;
afterEach(async () => h?.close());

async function start() {
  h = await schedulerHarness({}, undefined, ({ clock }) => {
    yt = new HoldingPublisher(() => clock.now());
    return { x: new ScriptedPublisher('x'), others: [yt] };
  });
  h.scheduler.start();
}

const publication = async (postId: number) => (await h.gl.getPost(postId))!.publications.find((p) => p.network === 'youtube')!;

describe('a post held on its network until its time', () => {
  it('goes to the network at approval with its time, is held there, and is confirmed public at that time', async () => {
    await start();
    const at = new Date(h.clock.now().getTime() + 5 * HOUR);
    const id = await h.approved(post({ publishAt: at }));
    await h.scheduler.idle();
    expect(yt.calls).toHaveLength(1);
    expect(yt.calls[0]!.publishAt).toEqual(at);
    expect(yt.calls[0]!.youtube).toMatchObject({ title: 'Shop tour', privacy: 'public', madeForKids: false });
    expect(yt.calls[0]!.video?.sha256).toBe(video.sha256);
    expect(await publication(id)).toMatchObject({ status: 'held', externalId: 'v1', url: 'https://youtube.example/v1', dueAt: at });
    expect((await h.gl.getPost(id))!.post.status).toBe('approved');
    expect(h.events.map((e) => e.type)).toContain('publication.held');

    await h.timers.advanceTo(new Date(at.getTime() + MINUTE));
    await h.scheduler.idle();
    expect(yt.calls).toHaveLength(2);
    expect(yt.calls[1]!.checkpoint).toEqual({ videoId: 'v1' });
    expect(await publication(id)).toMatchObject({ status: 'published', externalId: 'v1' });
    expect((await h.gl.getPost(id))!.post.status).toBe('published');
  });

  it('is confirmed public after a restart long past its time: the network published it, so it is not "missed"', async () => {
    await start();
    const at = new Date(h.clock.now().getTime() + 2 * HOUR);
    const id = await h.approved(post({ publishAt: at }));
    await h.scheduler.idle();
    await h.scheduler.stop();
    h.clock.set(at.getTime() + 3 * HOUR); // beyond the hour of grace
    await h.restart();
    expect(await publication(id)).toMatchObject({ status: 'published', externalId: 'v1' });
    expect(h.events.map((e) => e.type)).not.toContain('publication.missed');
  });

  it('is not rescheduled while held: the network would still publish it at the old time', async () => {
    await start();
    const at = new Date(h.clock.now().getTime() + 5 * HOUR);
    const id = await h.approved(post({ publishAt: at }));
    await h.scheduler.idle();
    const refused = await h.gl.reschedule(h.approver, id, new Date(at.getTime() + HOUR), 'UTC');
    expect(refused).toMatchObject({ ok: false, refusal: { code: 'held_on_network' } });
    expect(!refused.ok && refused.refusal.refused).toBe(
      `Post #${id} is already on YouTube, waiting to go public at Mon 2 Mar 2026, 13:00 UTC. To change its time, cancel it (YouTube keeps it private) and submit it again.`,
    );
    expect(await publication(id)).toMatchObject({ status: 'held', dueAt: at });
  });

  it('an unlisted video (YouTube cannot hold those) goes out at its time, not before', async () => {
    await start();
    const at = new Date(h.clock.now().getTime() + 2 * HOUR);
    const id = await h.approved(post({ publishAt: at, youtube: { ...youtube, privacy: 'unlisted' } }));
    await h.scheduler.idle();
    expect(yt.calls).toHaveLength(0);
    expect(await publication(id)).toMatchObject({ status: 'scheduled', dueAt: at });
  });

  it('cancelling before its time keeps it private on the network; if the network cannot confirm, nothing changes', async () => {
    await start();
    const at = new Date(h.clock.now().getTime() + 5 * HOUR);
    const id = await h.approved(post({ publishAt: at }));
    await h.scheduler.idle();
    expect((await publication(id)).status).toBe('held');

    yt.failWithdraw = true;
    const refused = await h.gl.cancel(h.author, id);
    expect(refused).toMatchObject({ ok: false, refusal: { code: 'withdraw_failed' } });
    expect(!refused.ok && refused.refusal.refused).toMatch(
      /could not make sure it stays private \(YouTube is not answering\)\. Nothing was changed/,
    );
    expect((await h.gl.getPost(id))!.post.status).toBe('approved');
    expect((await publication(id)).status).toBe('held');

    yt.failWithdraw = false;
    expect((await h.gl.cancel(h.author, id)).ok).toBe(true);
    expect(yt.withdrawn).toEqual(['v1']);
    expect((await publication(id)).status).toBe('cancelled');
    // Its time comes and goes: nothing is confirmed or published.
    await h.timers.advanceTo(new Date(at.getTime() + HOUR));
    await h.scheduler.idle();
    expect(yt.calls).toHaveLength(1);
    expect((await h.gl.getPost(id))!.post.status).toBe('cancelled');
  });

  it('editing before its time withdraws the held copy; the new revision goes again once approved', async () => {
    await start();
    const at = new Date(h.clock.now().getTime() + 5 * HOUR);
    const id = await h.approved(post({ publishAt: at }));
    await h.scheduler.idle();
    const before = (await h.gl.getPost(id))!;
    const revised = await h.gl.reviseDraft(h.author, id, before.revision.id, {
      ...(post({ publishAt: at }) as DraftInput),
      timezone: 'Europe/Berlin',
      youtube: { ...youtube, title: 'Shop tour, take two' },
    });
    expect(revised.ok).toBe(true);
    expect(yt.withdrawn).toEqual(['v1']);
    expect((await publication(id)).status).toBe('cancelled');
    const after = (await h.gl.getPost(id))!;
    expect((await h.gl.decide(h.approver, { postId: id, revisionId: after.revision.id, kind: 'approve' })).ok).toBe(true);
    await h.scheduler.idle();
    expect(yt.calls).toHaveLength(2);
    expect(yt.calls[1]!.youtube?.title).toBe('Shop tour, take two');
    // A fresh upload, not the withdrawn one: the revived publication starts without a checkpoint.
    expect(yt.calls[1]!.checkpoint).toBeNull();
    expect(await publication(id)).toMatchObject({ status: 'held', externalId: 'v2' });
  });

  it('counts the day’s uploads against the network’s daily quota, and says when one more would wait for the renewal', async () => {
    await start();
    const at = new Date(h.clock.now().getTime() + 5 * HOUR);
    expect(await h.gl.quotaNotices(['youtube', 'x'], 'UTC')).toEqual([
      'YouTube: upload 1 of the 2 its daily quota allows (it renews at Tue 3 Mar 2026, 08:00 UTC).',
    ]);
    await h.approved(post({ publishAt: at }));
    await h.scheduler.idle();
    expect(await h.gl.quotaNotices(['youtube'], 'UTC')).toEqual([
      'YouTube: upload 2 of the 2 its daily quota allows (it renews at Tue 3 Mar 2026, 08:00 UTC).',
    ]);
    await h.approved(post({ publishAt: at, text: 'Another tour' }));
    await h.scheduler.idle();
    const [notice] = await h.gl.quotaNotices(['youtube'], 'Europe/Berlin');
    expect(notice).toMatch(
      /^⚠️ YouTube's daily quota allows 2 uploads, and 2 are done or due before it renews at Tue 3 Mar 2026, 09:00 CET: one due sooner waits until then\./,
    );
    // The next Pacific day starts afresh.
    await h.timers.advanceTo(new Date('2026-03-03T08:01:00Z'));
    expect((await h.gl.quotaNotices(['youtube'], 'UTC'))[0]).toMatch(/^YouTube: upload 1 of the 2/);
  });
});

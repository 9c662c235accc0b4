/**
 * The engagement digest as a Slack workspace sees it: `/digest` (posted for approvers,
 * private for everyone else) and the daily digest on DIGEST_CRON in DIGEST_TIMEZONE, with the
 * chart uploaded as a PNG through files.uploadV2. Figures come from a ScriptedPublisher's
 * metrics, read by the real metrics job (METRICS_CRON) as the manual clock passes the hour.
 */
import { inflateSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../../src/bots/slack/ids.js';
import type { Env } from '../../../src/config.js';
import type { EngagementMetrics } from '../../../src/domain/publication.js';
import { SandboxPublisher } from '../../../src/platforms/sandbox/publisher.js';
import type { FakeFile, FakeMessage } from '../../fakes/slack/index.js';
import { ScriptedPublisher } from '../../support/scripted-publisher.js';
import { AUTHOR, BOB, CAROL, MALLORY, shownText, slackHarness, type SlackHarness } from '../../support/slack-harness.js';

const DIGEST = 'C0DIGEST';
const CHART_TITLE = 'Engagement (likes + comments + shares), last 7 days';

let h: SlackHarness;
let x: ScriptedPublisher;
afterEach(async () => h?.close());

async function start(env: Env, startAt: string): Promise<void> {
  x = new ScriptedPublisher('x');
  h = await slackHarness(
    { SLACK_DIGEST_CHANNEL: DIGEST, ...env },
    { publishers: [new SandboxPublisher(), x], manualTimers: true, startAt },
  );
  await h.app.settled();
}

const figures = (likes: number, comments: number, shares: number, impressions: number | null): EngagementMetrics => ({
  likes,
  comments,
  shares,
  impressions,
  clicks: null,
  saves: null,
});

/** Drafts a post for X and has Bob approve it; returns its post id once the scheduler is quiet. */
async function approvedPost(text: string, publishAt: Date | null): Promise<number> {
  const card = await h.draftPost(AUTHOR, { text, networks: ['x'], publishAt });
  const since = h.fake.calls.length;
  await h.clickMessage(BOB, card, ACTION.approve);
  await h.next(
    'chat.postMessage',
    (c) => String(c.args.text).includes('approved post #') && c.args.channel === h.fake.state.dms.get(AUTHOR),
    since,
  );
  await h.app.settled();
  return Number(/^Post #(\d+)/.exec(card.text ?? '')![1]);
}

const externalIdOf = async (postId: number) => (await h.app.greenlight.getPost(postId))!.publications[0]!.externalId!;

/** PNG signature, IHDR size, and whether the IDAT data inflates to exactly height × (1 + width × 3) RGB bytes. */
function inspectPng(png: Buffer): { signature: boolean; width: number; height: number; pixelsOk: boolean } {
  const signature = png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  for (let offset = 8; offset + 8 <= png.length; ) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    if (type === 'IHDR') {
      width = png.readUInt32BE(offset + 8);
      height = png.readUInt32BE(offset + 12);
    }
    if (type === 'IDAT') idat.push(png.subarray(offset + 8, offset + 8 + length));
    offset += 12 + length;
  }
  const pixelsOk = idat.length > 0 && inflateSync(Buffer.concat(idat)).length === height * (1 + width * 3);
  return { signature, width, height, pixelsOk };
}

/** The chart upload that went with `digest`: one completed PNG of 800×400 in the digest's thread. */
function expectChartIn(digest: FakeMessage): FakeFile {
  const files = [...h.fake.state.files.values()];
  expect(files).toHaveLength(1);
  const file = files[0]!;
  expect(file).toMatchObject({
    filename: 'engagement-last-7-days.png',
    completed: true,
    channel: DIGEST,
    thread_ts: digest.ts,
    title: CHART_TITLE,
    alt_text: `Chart: ${CHART_TITLE}`,
  });
  expect(file.declaredLength).toBe(file.bytes!.length);
  expect(inspectPng(file.bytes!)).toEqual({ signature: true, width: 800, height: 400, pixelsOk: true });
  // Sharing the file posts it in the digest's thread, where people see it.
  const shared = h.fake.state.thread(DIGEST, digest.ts);
  expect(shared.map((m) => m.files?.map((f) => f.name))).toEqual([['engagement-last-7-days.png']]);
  return file;
}

describe('Slack: the engagement digest', () => {
  it('/digest by an approver posts the last 24 hours with collected figures and the chart to SLACK_DIGEST_CHANNEL; others see it privately', async () => {
    await start({}, '2026-03-02T10:00:00Z');
    const launch = await approvedPost('Launch day is here', null);
    const behind = await approvedPost('Behind the scenes', null);
    await h.draftPost(AUTHOR, { text: 'Still waiting for a look', networks: ['x'], publishAt: null });
    expect(x.calls).toHaveLength(2);
    x.metrics.set(await externalIdOf(launch), figures(42, 7, 3, 1234));
    x.metrics.set(await externalIdOf(behind), figures(5, 0, 1, null));

    // The metrics job runs on the hour (METRICS_CRON default), reading what the network reports.
    await h.timers!.advance(60 * 60_000);
    expect(h.fake.state.messagesIn(DIGEST)).toEqual([]);

    // Carol is an approver through the S0MANAGERS user group.
    let since = h.fake.calls.length;
    const response = await h.command(CAROL, '/digest');
    expect(response.status).toBe(200);
    const confirmation = await h.next('response_url', (c) => c.args.response_type === 'ephemeral', since);
    expect(confirmation.args.text).toBe(`Posting the digest to <#${DIGEST}>.`);
    expect(h.fake.state.ephemeralsFor(CAROL).map((e) => e.text)).toEqual([`Posting the digest to <#${DIGEST}>.`]);

    await h.app.settled();
    const posted = h.fake.state.messagesIn(DIGEST);
    expect(posted).toHaveLength(1);
    const digest = posted[0]!;
    expect(digest.text).toBe('Engagement, last 24 hours: 2 published, 1 waiting for approval, 0 scheduled today');
    const shown = shownText(digest);
    expect(shown).toContain('📊 Engagement, last 24 hours');
    expect(shown).toContain('2 posts published in the last 24 hours · times in UTC');
    expect(shown).toContain('*X* (2 posts): ❤️ 47 · 💬 7 · 🔁 4 · 👁 1.2K');
    expect(shown).toContain(
      '🏆 *Top post*: *X* <https://x.example/p/1|“Launch day is here”>\n❤️ 42 (+42) · 💬 7 (+7) · 🔁 3 (+3) · 👁 1.2K (+1.2K)',
    );
    // A figure the network did not give is "n/a", not 0.
    expect(shown).toContain('*X* <https://x.example/p/2|“Behind the scenes”>\n❤️ 5 (+5) · 💬 0 (±0) · 🔁 1 (+1) · 👁 n/a');
    expect(shown).toContain(`*#3* “Still waiting for a look” by <@${AUTHOR}> · waiting 1 h`);
    expectChartIn(digest);
    expect(h.fake.callsTo('files.completeUploadExternal')).toHaveLength(1);

    // Mallory is not an approver: the same digest, only for her; nothing in the channel.
    since = h.fake.calls.length;
    await h.command(MALLORY, '/digest');
    const privately = await h.next('response_url', () => true, since);
    expect(privately.args.response_type).toBe('ephemeral');
    const seen = h.fake.state.ephemeralsFor(MALLORY);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.channel).toBe('C0GENERAL');
    expect(shownText(seen[0])).toContain('📊 Engagement, last 24 hours');
    expect(shownText(seen[0])).toContain('❤️ 42 (+42) · 💬 7 (+7) · 🔁 3 (+3) · 👁 1.2K (+1.2K)');
    expect(h.fake.state.messagesIn(DIGEST)).toHaveLength(1);
    expect(h.fake.calls.slice(since).map((c) => c.method)).not.toContain('chat.postMessage');
    expect(h.fake.calls.slice(since).map((c) => c.method)).not.toContain('files.getUploadURLExternal');
    expect(h.fake.state.files.size).toBe(1);
  });

  it('posts the daily digest for yesterday once, at 09:00 in DIGEST_TIMEZONE, with the chart; not before', async () => {
    // Mon 2 Mar, 23:30 in Berlin (CET, UTC+1).
    await start({ DIGEST_CRON: '0 9 * * *', DIGEST_TIMEZONE: 'Europe/Berlin' }, '2026-03-02T22:30:00Z');
    const monday = await approvedPost('Monday evening news', null);
    // 00:30 on Tuesday in Berlin, though still Monday in UTC: not "yesterday" on Tuesday morning.
    await approvedPost('Just after midnight', new Date('2026-03-02T23:30:00Z'));
    await approvedPost('Tuesday afternoon', new Date('2026-03-03T15:00:00Z'));
    x.metrics.set(await externalIdOf(monday), figures(30, 2, 1, null));
    expect(h.app.jobs.find((j) => j.name === 'daily digest')!.next).toEqual(new Date('2026-03-03T08:00:00Z'));

    // Until 08:59:59 in Berlin: metrics collected every hour, the midnight post published, no digest.
    await h.timers!.advanceTo(new Date('2026-03-03T07:59:59Z'));
    await h.app.settled();
    expect(x.calls.map((c) => c.text)).toEqual(['Monday evening news', 'Just after midnight']);
    expect(h.fake.state.messagesIn(DIGEST)).toEqual([]);
    expect(h.fake.state.files.size).toBe(0);

    await h.timers!.advance(1000);
    await h.app.settled();
    const posted = h.fake.state.messagesIn(DIGEST);
    expect(posted).toHaveLength(1);
    const shown = shownText(posted[0]);
    expect(shown).toContain('📊 Engagement digest for Mon 2 Mar');
    expect(shown).toContain('1 post published yesterday · times in Europe/Berlin');
    expect(shown).toContain('*X* <https://x.example/p/1|“Monday evening news”>\n❤️ 30 (+30) · 💬 2 (+2) · 🔁 1 (+1) · 👁 n/a');
    expect(shown).toContain('*X* (1 post): ❤️ 30 · 💬 2 · 🔁 1 · 👁 n/a');
    expect(shown).not.toContain('Just after midnight');
    expect(shown).toContain('16:00 CET · *X* · #3 “Tuesday afternoon”');
    expectChartIn(posted[0]!);

    // Once: the rest of the morning passes without another.
    await h.timers!.advance(2 * 60 * 60_000);
    expect(h.fake.state.messagesIn(DIGEST)).toHaveLength(1);
    expect(h.fake.state.files.size).toBe(1);
    expect(h.app.jobs.find((j) => j.name === 'daily digest')!.next).toEqual(new Date('2026-03-04T08:00:00Z'));
  });
});

/**
 * rule 8 (docs/architecture.md) as Slack sees it: after a busy day (failures, retries, an expiry, the
 * reschedule dialog, App Home, the digest with its chart), no token or secret appears in
 * anything Greenlight sent to Slack, in anything the fake workspace now shows, in any uploaded
 * file, or in Greenlight's own log lines.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../../src/bots/slack/ids.js';
import { PublishError } from '../../../src/platforms/publisher.js';
import { SandboxPublisher } from '../../../src/platforms/sandbox/publisher.js';
import { WORKSPACE_DEFAULTS, type FakeMessage } from '../../fakes/slack/index.js';
import { ScriptedPublisher } from '../../support/scripted-publisher.js';
import {
  APPROVALS,
  AUTHOR,
  BOB,
  MALLORY,
  shownText,
  SIGNING_SECRET,
  slackHarness,
  type SlackHarness,
} from '../../support/slack-harness.js';

const X_TOKEN = 'x-user-token-0123456789abcdefSECRET';
const DIGEST = 'C0DIGEST';
const MINUTE = 60_000;

let h: SlackHarness;
afterEach(async () => h?.close());

/** Everything the fake Slack received or shows, as text (file bytes as latin1). */
function everythingSlackSaw(): string[] {
  const state = h.fake.state;
  return [
    ...h.fake.calls.map((c) => JSON.stringify(c)),
    ...[...state.channels.values()].map((m) => JSON.stringify(m)),
    ...[...state.ephemerals.values()].map((e) => JSON.stringify(e)),
    JSON.stringify([...state.views.values()]),
    JSON.stringify([...state.homes.values()]),
    ...[...state.files.values()].flatMap((f) => [JSON.stringify({ ...f, bytes: undefined }), f.bytes?.toString('latin1') ?? '']),
  ];
}

describe('Slack: secrets never reach chat', () => {
  it('no token or secret appears in any message, dialog, ephemeral, file or log line', async () => {
    const x = new ScriptedPublisher('x');
    x.next(
      { error: new PublishError({ kind: 'retryable', network: 'x', message: 'X is busy right now (HTTP 503).', retryAfterMs: MINUTE }) },
      { ok: true },
      // A network's message that quotes the token back must not carry it into Slack.
      {
        error: new PublishError({
          kind: 'permanent',
          network: 'x',
          message: `X refused the post (HTTP 403). (X said: "bad token ${X_TOKEN}")`,
        }),
      },
    );
    h = await slackHarness(
      { X_ACCESS_TOKEN: X_TOKEN, SLACK_DIGEST_CHANNEL: DIGEST },
      { publishers: [new SandboxPublisher(), x], manualTimers: true, startAt: '2026-03-02T10:00:00Z' },
    );
    await h.app.settled();
    const approve = async (card: FakeMessage) => {
      const since = h.fake.calls.length;
      await h.clickMessage(BOB, card, ACTION.approve);
      await h.next('chat.postMessage', (c) => String(c.args.text).includes('approved post #'), since);
      await h.app.settled();
    };

    // A retryable failure, then success; a permanent failure, then an approver's Retry.
    const first = await h.draftPost(AUTHOR, { text: 'First', networks: ['x'], publishAt: null });
    await approve(first);
    await h.timers!.advance(MINUTE);
    await h.app.settled();
    const second = await h.draftPost(AUTHOR, { text: 'Second', networks: ['x'], publishAt: null });
    await approve(second);
    const failed = h.fake.state.thread(APPROVALS, second.ts).at(-1)!;
    let since = h.fake.calls.length;
    await h.clickMessage(BOB, failed, ACTION.retry);
    await h.next('chat.postMessage', (c) => c.args.thread_ts === second.ts && String(c.args.text).includes('Published on X'), since);
    await h.app.settled();
    expect(x.calls).toHaveLength(4);

    // An expiry and the reschedule dialog.
    const third = await h.draftPost(AUTHOR, { text: 'Third', networks: ['x'], publishAt: new Date('2026-03-02T10:30:00Z') });
    await h.timers!.advance(30 * MINUTE);
    await h.app.settled();
    since = h.fake.calls.length;
    await h.clickMessage(BOB, h.fake.state.thread(APPROVALS, third.ts).at(-1)!, ACTION.reschedule);
    await h.next('views.open', (c) => c.response.ok === true, since);

    // Metrics on the hour, then the digest for an approver (with the chart) and for someone else.
    for (const post of [1, 2])
      x.metrics.set((await h.app.greenlight.getPost(post))!.publications[0]!.externalId!, {
        likes: 3,
        comments: 1,
        shares: 0,
        impressions: 10,
        clicks: null,
        saves: null,
      });
    await h.timers!.advance(30 * MINUTE);
    since = h.fake.calls.length;
    await h.command(BOB, '/digest');
    await h.next('response_url', () => true, since);
    since = h.fake.calls.length;
    await h.command(MALLORY, '/digest');
    await h.next('response_url', () => true, since);
    await h.openHome(AUTHOR);
    // The digest reaches its channel as news, after the commands are answered.
    await h.app.settled();

    // The scan is not vacuous: it covers what people saw, the chart's bytes and the logs.
    const seen = everythingSlackSaw();
    const all = seen.join('\n');
    expect(all).toContain('Published on X');
    expect(all).toContain('X is busy right now');
    expect(all).toContain('gl_reschedule');
    expect(shownText(h.fake.state.messagesIn(DIGEST)[0])).toContain('❤️ 6');
    expect([...h.fake.state.files.values()][0]!.bytes!.length).toBeGreaterThan(1000);
    expect(h.logs.length).toBeGreaterThan(20);

    for (const secret of [WORKSPACE_DEFAULTS.botToken, SIGNING_SECRET, X_TOKEN]) {
      expect(
        seen.filter((text) => text.includes(secret)),
        `Slack saw ${secret}`,
      ).toEqual([]);
      expect(
        h.logs.filter((line) => line.includes(secret)),
        `a log line has ${secret}`,
      ).toEqual([]);
    }
    // No Slack token of any kind, even one not configured here.
    expect(all).not.toMatch(/\bx(?:ox[a-z]|app)-[A-Za-z0-9-]{8,}/);
  });
});

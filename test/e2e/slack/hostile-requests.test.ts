/**
 * What an attacker who can reach POST /slack/events (and one who captured a signed request)
 * can do: replays, timestamps from the future, big or never-ending bodies. Driven through
 * the real Bolt receiver, as Slack's requests are.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../../src/bots/slack/ids.js';
import { AUTHOR, BOB, SIGNING_SECRET, draftValues, slackHarness, type SlackHarness } from '../../support/slack-harness.js';
import { blockActionsFromMessage, postSigned, slashCommand, viewSubmission } from '../../support/slack-requests.js';

let h: SlackHarness;
afterEach(async () => h?.close());

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('a captured request sent again', () => {
  it('a replayed dialog submission creates no second post and is answered quietly', async () => {
    h = await slackHarness();
    const dialog = await h.openDraft(AUTHOR);
    const body = viewSubmission({ userId: AUTHOR, view: dialog, values: draftValues({ text: 'Only once' }) });
    const timestamp = nowSeconds();
    const first = await postSigned(h.eventsUrl, body, { signingSecret: SIGNING_SECRET, timestamp });
    expect(first).toMatchObject({ status: 200, text: '' });
    await h.next('chat.postMessage', (c) => String(c.args.text).includes('is waiting for approval'), 0);

    const calls = h.fake.calls.length;
    for (let i = 0; i < 3; i++) {
      const replay = await postSigned(h.eventsUrl, body, { signingSecret: SIGNING_SECRET, timestamp });
      expect(replay).toMatchObject({ status: 200, text: '' });
    }
    // Even a fresh signature (a second submit of the same dialog) is the same submission.
    expect((await h.send(body)).text).toBe('');
    expect(await h.app.store.listPosts({})).toHaveLength(1);
    expect(h.fake.calls.slice(calls).map((c) => c.method)).toEqual([]);
  });

  it('a dialog answered with errors can be corrected and submitted again', async () => {
    h = await slackHarness();
    const dialog = await h.openDraft(AUTHOR);
    const refused = await h.submit(AUTHOR, dialog, draftValues({ text: '' }));
    expect(refused.json).toMatchObject({ response_action: 'errors' });
    const since = h.fake.calls.length;
    expect((await h.submit(AUTHOR, dialog, draftValues({ text: 'Fixed' }))).text).toBe('');
    await h.next('chat.postMessage', (c) => String(c.args.text).includes('is waiting for approval'), since);
    expect(await h.app.store.listPosts({})).toHaveLength(1);
  });

  it('a replayed click is acted on once', async () => {
    h = await slackHarness({ REQUIRED_APPROVALS: '2' });
    const card = await h.draftPost(AUTHOR, { text: 'Approve me once' });
    const body = blockActionsFromMessage({ userId: BOB, message: card, actionId: ACTION.approve });
    const timestamp = nowSeconds();
    let since = h.fake.calls.length;
    expect((await postSigned(h.eventsUrl, body, { signingSecret: SIGNING_SECRET, timestamp })).status).toBe(200);
    await h.next('chat.postMessage', (c) => c.args.thread_ts === card.ts, since);
    expect((await h.app.greenlight.getPost(1))!.decisions).toHaveLength(1);

    since = h.fake.calls.length;
    expect((await postSigned(h.eventsUrl, body, { signingSecret: SIGNING_SECRET, timestamp })).status).toBe(200);
    // Acted on, the replay would earn Bob a private "you already approved" note. A second,
    // genuine click (its own action_ts) does, which shows the note would have come by now.
    await h.clickMessage(BOB, h.card(card.ts), ACTION.approve);
    const note = await h.next('chat.postEphemeral', (c) => c.args.user === BOB, since);
    expect(String(note.args.text)).toContain('You already approved');
    expect(h.fake.callsTo('chat.postEphemeral').filter((c) => c.args.user === BOB)).toHaveLength(1);
    expect((await h.app.greenlight.getPost(1))!.decisions).toHaveLength(1);
  });
});

describe('timestamps', () => {
  it('a request signed more than 5 minutes in the future is refused like one from the past', async () => {
    h = await slackHarness();
    const body = slashCommand({ command: '/draft', text: 'from the future', userId: AUTHOR, channelId: 'C0GENERAL' });
    const future = await postSigned(h.eventsUrl, body, { signingSecret: SIGNING_SECRET, timestamp: nowSeconds() + 6 * 60 });
    expect(future.status).toBe(401);
    // A clock a little ahead (within Slack's 5 minutes) is still fine.
    const skewed = await postSigned(h.eventsUrl, body, { signingSecret: SIGNING_SECRET, timestamp: nowSeconds() + 60 });
    expect(skewed.status).toBe(200);
    await h.next('views.open', () => true, 0);
    expect(h.fake.callsTo('views.open')).toHaveLength(1);
  });
});

describe('forged requests', () => {
  it('are refused with one warning, not one each', async () => {
    h = await slackHarness();
    const body = slashCommand({ command: '/draft', text: 'forged', userId: AUTHOR, channelId: 'C0GENERAL' });
    for (let i = 0; i < 20; i++) {
      expect((await postSigned(h.eventsUrl, body, { signingSecret: 'attackerattackerattacker00000000' })).status).toBe(401);
    }
    expect(h.logs.filter((l) => / (WARN|ERROR) /.test(l))).toEqual([
      expect.stringContaining('refused a request to POST /slack/events without a valid Slack signature'),
    ]);
    expect(h.fake.callsTo('views.open')).toEqual([]);
  });
});

describe('bodies', () => {
  it('a body over the limit is refused with 413, by its declared length without reading it', async () => {
    h = await slackHarness();
    const big = `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', filler: 'x'.repeat(1100 * 1024) }))}`;
    const response = await postSigned(h.eventsUrl, big, { signingSecret: SIGNING_SECRET });
    expect(response.status).toBe(413);

    // A client that announces 5 MB gets its answer after the headers alone.
    const answer = await rawRequest(h.app.port, [
      'POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000000\r\n\r\n',
    ]);
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
  });

  it('a body that never finishes is cut off with 408, and aborted requests log no warnings', async () => {
    h = await slackHarness();
    for (let i = 0; i < 5; i++) {
      const socket = net.connect(h.app.port, '127.0.0.1');
      await new Promise((r) => socket.once('connect', r));
      socket.write('POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"type":');
      await new Promise((r) => setTimeout(r, 20));
      socket.destroy();
    }
    const stalled = await rawRequest(h.app.port, [
      'POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"type":',
    ]);
    expect(stalled).toMatch(/^HTTP\/1\.1 408/);
    expect(h.logs.filter((l) => / (WARN|ERROR) /.test(l))).toEqual([]);
  });
});

/** Writes `parts` to a fresh connection and resolves with everything the server sent before closing. */
function rawRequest(port: number, parts: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (d) => {
      received += d;
      // One response is all these requests get.
      if (/\r\n\r\n/.test(received)) socket.end();
    });
    socket.on('error', (error) => (received ? resolve(received) : reject(error)));
    socket.on('close', () => resolve(received));
    socket.on('connect', () => {
      for (const part of parts) socket.write(part);
    });
  });
}

import { afterEach, describe, expect, it } from 'vitest';
import { startApp } from '../../../src/app.js';
import { ACTION } from '../../../src/bots/slack/ids.js';
import { loadConfig } from '../../../src/config.js';
import { createMemoryLogger } from '../../../src/observability/logger.js';
import { startFakeSlackApi, startFakeSocketMode, WORKSPACE_DEFAULTS } from '../../fakes/slack/index.js';
import { ALICE, APPROVALS, AUTHOR, BOB, buttonsOf, draftValues, MALLORY, shownText, SIGNING_SECRET } from '../../support/slack-harness.js';
import { postSigned, slashCommand } from '../../support/slack-requests.js';
import { socketModeEnv, socketModeHarness, type SocketModeHarness } from '../../support/socket-mode-harness.js';
import { tempDir } from '../../support/temp-db.js';

let h: SocketModeHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('Slack over Socket Mode (SLACK_APP_TOKEN, no signing secret)', () => {
  it('connects at start-up with the app-level token through SLACK_API_URL, and serves no HTTP endpoint for Slack', async () => {
    h = await socketModeHarness();
    const opens = h.fake.callsTo('apps.connections.open');
    expect(opens).toHaveLength(1);
    expect(opens[0]!.response).toMatchObject({ ok: true, url: expect.stringContaining(h.socket.url) });
    expect(h.socket.openConnections().map((c) => c.ticket)).toEqual([new URL(String(opens[0]!.response.url)).searchParams.get('ticket')]);
    expect(h.logs.filter((l) => /\bslack {2,}/.test(l))).toEqual([expect.stringMatching(/ INFO \[greenlight\] on +slack +Socket Mode$/)]);
    // Nothing unsigned may reach the bot: without a signing secret there is no Slack route at all.
    const post = await fetch(`${h.app.url}/slack/events`, { method: 'POST', body: 'command=%2Fdraft' });
    expect(post.status).toBe(404);
    // The connection is alive: the client answers the server's pings.
    await h.socket.ping();
    // Debug logging includes every Socket Mode frame; the tokens are still masked.
    expect(h.logs.some((l) => l.includes('"type":"hello"'))).toBe(true);
    expect(h.logs.join('\n')).not.toContain(WORKSPACE_DEFAULTS.appToken);
  });

  it('uses Socket Mode when SLACK_SIGNING_SECRET is set as well, and still serves no POST /slack/events', async () => {
    h = await socketModeHarness({ SLACK_SIGNING_SECRET: SIGNING_SECRET });
    expect(h.socket.openConnections()).toHaveLength(1);
    const signed = await postSigned(
      `${h.app.url}/slack/events`,
      slashCommand({ command: '/draft', userId: AUTHOR, channelId: 'C0GENERAL' }),
      {
        signingSecret: SIGNING_SECRET,
      },
    );
    expect(signed.status).toBe(404);
    expect(h.fake.callsTo('views.open')).toEqual([]);
  });

  it('runs the draft → approval story over the socket and acknowledges every envelope in time', async () => {
    h = await socketModeHarness();
    const { fake, socket } = h;

    // /draft opens the dialog (views.open with the command's trigger), prefilled.
    let since = fake.calls.length;
    expect(await h.command(AUTHOR, '/draft', 'Spring sale!')).toEqual({});
    const opened = await h.next('views.open', () => true, since);
    expect(opened.response.ok).toBe(true);
    const dialog = h.view((opened.response.view as { id: string }).id);
    expect(dialog.callback_id).toBe('gl_draft');
    expect(JSON.stringify(dialog.blocks)).toContain('"initial_value":"Spring sale!"');
    expect(shownText(dialog)).toContain('Shown in your time zone (Europe/Berlin)');

    // An empty text: the errors go back in the ack, next to the field; nothing is stored or posted.
    expect(await h.submit(AUTHOR, dialog, draftValues({ text: '' }))).toEqual({
      response_action: 'errors',
      errors: { text: 'Write the text of the post.' },
    });
    expect(await h.app.greenlight.ctx.store.listPosts({})).toEqual([]);
    expect(fake.callsTo('chat.postMessage')).toEqual([]);

    // A valid submission closes the dialog (a bare ack) and posts the approval card.
    since = fake.calls.length;
    expect(await h.submit(AUTHOR, dialog, draftValues({ text: 'Our spring sale starts Monday!' }))).toEqual({});
    const posted = await h.next('chat.postMessage', (c) => c.args.channel === APPROVALS && !c.args.thread_ts, since);
    await h.next('chat.postMessage', (c) => String(c.args.text).includes('is waiting for approval'), since);
    let card = h.card(String(posted.response.ts));
    expect(shownText(card)).toContain('Post #1 · Waiting for approval');
    expect(shownText(card)).toContain('Our spring sale starts Monday!');
    expect(buttonsOf(card)).toEqual([ACTION.approve, ACTION.requestChanges, ACTION.reject]);

    // A non-approver's click is acknowledged, refused privately, and changes nothing.
    since = fake.calls.length;
    expect(await h.clickMessage(MALLORY, card, ACTION.approve)).toEqual({});
    const refusal = await h.next('chat.postEphemeral', (c) => c.args.user === MALLORY, since);
    expect(refusal.args.channel).toBe(APPROVALS);
    expect(String(refusal.args.text)).toContain('Only approvers can approve');
    expect(fake.callsTo('chat.update')).toEqual([]);
    expect((await h.app.greenlight.getPost(1))!.decisions).toEqual([]);

    // app_home_opened (events_api) publishes App Home: an approver sees the post waiting, with its buttons.
    const home = await h.openHome(ALICE);
    expect(home.type).toBe('home');
    expect(shownText(home)).toContain('*Waiting for approval*');
    expect(shownText(home)).toContain('Our spring sale starts Monday!');
    expect(buttonsOf(home)).toContain(ACTION.approve);

    // An approver's Approve updates the card in place.
    since = fake.calls.length;
    expect(await h.clickMessage(BOB, card, ACTION.approve)).toEqual({});
    const update = await h.next('chat.update', (c) => c.args.ts === card.ts, since);
    expect(update.response.ok).toBe(true);
    card = h.card(card.ts);
    expect(shownText(card)).toContain(`*Approved* by <@${BOB}>`);
    expect(buttonsOf(card)).not.toContain(ACTION.approve);
    expect((await h.app.greenlight.getPost(1))!.decisions).toHaveLength(1);

    // Every envelope was acknowledged once, within Slack's 3 seconds, on the one connection.
    expect(socket.envelopes.map((d) => d.envelope.type)).toEqual([
      'slash_commands',
      'interactive',
      'interactive',
      'interactive',
      'events_api',
      'interactive',
    ]);
    expect(socket.unacknowledged()).toEqual([]);
    expect(socket.envelopes.every((d) => d.ack && !d.ack.late && d.connectionId === 1)).toBe(true);
    expect(socket.problems).toEqual([]);
    expect(socket.connections).toHaveLength(1);
  });

  it('stop() closes the socket with a normal closure and does not reconnect', async () => {
    h = await socketModeHarness();
    const connection = h.socket.connections[0]!;
    await h.app.stop();
    // Bolt's SocketModeReceiver.stop() does not wait for the closing handshake; the fake does.
    expect(await connection.closed).toEqual({ by: 'app', code: 1000, reason: '' });
    expect(h.socket.openConnections()).toEqual([]);
    expect(h.fake.callsTo('apps.connections.open')).toHaveLength(1);
    expect(h.socket.problems).toEqual([]);
  });

  it('a wrong app-level token fails start-up at apps.connections.open (invalid_auth), without retrying or logging the token', async () => {
    const fake = await startFakeSlackApi();
    const socket = await startFakeSocketMode(fake);
    const tmp = tempDir();
    const wrongToken = 'xapp-1-A0FAKEAPP-1-revoked0123456789';
    const logger = createMemoryLogger('debug');
    try {
      const config = loadConfig({ ...socketModeEnv(fake, tmp.file()), SLACK_APP_TOKEN: wrongToken });
      const started = startApp(config, { logger, port: 0, host: '127.0.0.1' });
      await expect(started).rejects.toThrow(
        /^SLACK_APP_TOKEN: Slack refused the app-level token \(invalid_auth\) when opening the Socket Mode connection/,
      );

      expect(fake.callsTo('apps.connections.open').map((c) => c.response)).toEqual([{ ok: false, error: 'invalid_auth' }]);
      expect(socket.connections).toEqual([]);
      // Besides Bolt's own auth.test (bot token), nothing else reached Slack.
      expect(fake.calls.filter((c) => c.method !== 'apps.connections.open').map((c) => c.method)).toEqual(['auth.test']);
      expect(logger.lines.some((l) => l.includes('apps.connections.open') || l.includes('invalid_auth'))).toBe(true);
      expect(logger.lines.join('\n')).not.toContain(wrongToken);
      expect(logger.lines.join('\n')).not.toContain(WORKSPACE_DEFAULTS.botToken);
    } finally {
      await socket.close();
      await fake.close();
      tmp.cleanup();
    }
  });
});

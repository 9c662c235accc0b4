import { isValidSlackRequest } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../../src/bots/slack/ids.js';
import { AUTHOR, BOB, SIGNING_SECRET, slackHarness, type SlackHarness } from '../../support/slack-harness.js';
import { blockActionsFromMessage, postSigned, signSlackRequest, slashCommand, urlVerification } from '../../support/slack-requests.js';

let h: SlackHarness;
afterEach(async () => h?.close());

describe('Slack request authentication', () => {
  it('verifies Slack’s published signing test vector, with the clock passed in', () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    const secret = '8f742231b10e8888abcd99yyyzzz85a5';
    const expected = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';
    expect(signSlackRequest(secret, body, 1531420618)['x-slack-signature']).toBe(expected);
    const headers = { 'x-slack-signature': expected, 'x-slack-request-timestamp': 1531420618 };
    expect(isValidSlackRequest({ signingSecret: secret, body, headers, nowMilliseconds: 1531420618_000 + 60_000 })).toBe(true);
    // The same request 5 minutes and a second later is a replay.
    expect(isValidSlackRequest({ signingSecret: secret, body, headers, nowMilliseconds: 1531420618_000 + 301_000 })).toBe(false);
    expect(isValidSlackRequest({ signingSecret: 'not-the-secret', body, headers, nowMilliseconds: 1531420618_000 })).toBe(false);
  });

  it.each([
    ['a bad signature', { signature: `v0=${'0'.repeat(64)}` }],
    ['a missing signature', { signature: null }],
    ['a timestamp older than 5 minutes', { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 }],
    ['a missing timestamp', { omitTimestamp: true }],
    ['the wrong signing secret', { signingSecret: 'wrongwrongwrongwrongwrong0000000' }],
  ])('answers 401 to a command with %s and does nothing', async (_name, options) => {
    h = await slackHarness();
    const body = slashCommand({ command: '/draft', text: 'forged', userId: AUTHOR, channelId: 'C0GENERAL' });
    const response = await postSigned(h.eventsUrl, body, { signingSecret: SIGNING_SECRET, ...options });
    expect(response.status).toBe(401);
    // Whatever the app still had in hand has finished: nothing was started by the refused request.
    await h.app.settled();
    expect(h.fake.callsTo('views.open')).toEqual([]);
  });

  it('a forged approval click changes nothing', async () => {
    h = await slackHarness();
    const card = await h.draftPost(AUTHOR, { text: 'Guard me' });
    const calls = h.fake.calls.length;
    const body = blockActionsFromMessage({ userId: BOB, message: card, actionId: ACTION.approve });
    const forged = await postSigned(h.eventsUrl, body, { signingSecret: 'attackerattackerattacker00000000' });
    expect(forged.status).toBe(401);
    const replayed = await postSigned(h.eventsUrl, body, { signingSecret: SIGNING_SECRET, timestamp: Math.floor(Date.now() / 1000) - 301 });
    expect(replayed.status).toBe(401);
    await h.app.settled();
    expect(h.fake.calls.length).toBe(calls);
    expect((await h.app.greenlight.getPost(1))!.decisions).toEqual([]);
  });

  it('answers Slack’s URL verification handshake', async () => {
    h = await slackHarness();
    const response = await postSigned(h.eventsUrl, urlVerification('challenge-123'), { signingSecret: SIGNING_SECRET });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ challenge: 'challenge-123' });
  });

  it('never writes the bot token or signing secret to the log', async () => {
    h = await slackHarness();
    await h.draftPost(AUTHOR, { text: 'Logged?' });
    await postSigned(h.eventsUrl, slashCommand({ command: '/draft', userId: AUTHOR, channelId: 'C1' }), {
      signingSecret: SIGNING_SECRET,
      signature: 'v0=bad',
    });
    const log = h.logs.join('\n');
    expect(log.length).toBeGreaterThan(0);
    expect(log).not.toContain(SIGNING_SECRET);
    expect(log).not.toContain('xoxb-fake-bot-token');
  });
});

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, isValidSlackRequest, LogLevel, verifySlackRequest, webApi, type types } from '@slack/bolt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS, mintTriggerId, startFakeSlackApi, type FakeSlackApi, type FakeView } from './slack/index.js';
import {
  appHomeOpened,
  blockActionsFromHome,
  blockActionsFromMessage,
  postSigned,
  responseUrlFor,
  signSlackRequest,
  slashCommand,
  urlVerification,
  viewClosed,
  viewSubmission,
} from '../support/slack-requests.js';

const { WebClient, ErrorCode } = webApi;
type Client = InstanceType<typeof WebClient>;

const APPROVALS = 'C0APPROVALS';
const AUTHOR = 'U0AUTHOR';
const APPROVER = 'U0APPROVER';

const silent = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  setLevel() {},
  getLevel: () => LogLevel.ERROR,
  setName() {},
};

let fake: FakeSlackApi;

beforeAll(async () => {
  fake = await startFakeSlackApi({
    channels: [APPROVALS, 'C0DIGEST'],
    users: [
      { id: AUTHOR, name: 'ada', realName: 'Ada Author', displayName: 'ada', tz: 'America/New_York' },
      { id: APPROVER, name: 'max', realName: 'Max Approver', tz: 'Europe/Berlin' },
    ],
    userGroups: { S0APPROVERS: [APPROVER] },
  });
});
afterAll(() => fake.close());
afterEach(() => fake.reset());

/** A real WebClient on the fake; `null` sends no token at all. */
function client(token: string | null = fake.workspace.botToken, options: Record<string, unknown> = {}): Client {
  return new WebClient(token ?? undefined, {
    slackApiUrl: fake.url,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logger: silent,
    ...options,
  });
}

/** The body of the Slack error a call was rejected with. */
async function slackError(call: Promise<unknown>): Promise<Record<string, unknown>> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'expected the call to be rejected').toMatchObject({ code: ErrorCode.PlatformError });
  return (error as { data: Record<string, unknown> }).data;
}

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const button = (text: string, extra: Record<string, unknown> = {}) =>
  ({
    type: 'button',
    text: { type: 'plain_text', text },
    action_id: 'approve',
    ...extra,
  }) as types.Button;
const plain = (text: string) => ({ type: 'plain_text', text });
// Typed as a valid modal for the SDK's signatures; limit tests deliberately break it.
const modal = (extra: Record<string, unknown> = {}) =>
  ({
    type: 'modal',
    callback_id: 'draft',
    title: plain('Draft a post'),
    submit: plain('Submit'),
    blocks: [
      {
        type: 'input',
        block_id: 'text',
        label: plain('Text'),
        element: { type: 'plain_text_input', action_id: 'value', multiline: true },
      },
    ],
    ...extra,
  }) as types.ModalView;

describe('authentication', () => {
  it('answers not_authed without a token and invalid_auth with a wrong one', async () => {
    expect((await slackError(client(null).auth.test())).error).toBe('not_authed');
    expect((await slackError(client('xoxb-wrong').auth.test())).error).toBe('invalid_auth');
  });

  it('identifies the bot on auth.test, which Bolt calls by itself', async () => {
    const result = await client().auth.test();
    expect(result).toMatchObject({
      ok: true,
      user_id: fake.workspace.botUserId,
      bot_id: fake.workspace.botId,
      team_id: fake.workspace.teamId,
    });
  });

  it('accepts the token as a form field but not inside a JSON body', async () => {
    const form = await fetch(`${fake.url}auth.test`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: fake.workspace.botToken }).toString(),
    });
    expect(await form.json()).toMatchObject({ ok: true });
    const json = await fetch(`${fake.url}auth.test`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: fake.workspace.botToken }),
    });
    expect(await json.json()).toEqual({ ok: false, error: 'not_authed' });
  });

  it('answers unknown_method for methods it does not implement', async () => {
    expect((await slackError(client().apiCall('pins.add', { channel: APPROVALS }))).error).toBe('unknown_method');
  });
});

describe('messages', () => {
  it('posts, updates in place and threads replies', async () => {
    const web = client();
    const posted = await web.chat.postMessage({ channel: APPROVALS, text: 'Draft waiting', blocks: [section('*Draft*')] });
    expect(posted).toMatchObject({ ok: true, channel: APPROVALS, message: { text: 'Draft waiting', bot_id: fake.workspace.botId } });
    const ts = posted.ts!;

    await web.chat.update({ channel: APPROVALS, ts, text: 'Approved', blocks: [section('*Approved* by <@U0APPROVER>')] });
    await web.chat.postMessage({ channel: APPROVALS, thread_ts: ts, text: 'Approved by Max' });

    const card = fake.state.message(APPROVALS, ts);
    expect(card?.blocks).toEqual([section('*Approved* by <@U0APPROVER>')]);
    expect(card?.edited).toBeDefined();
    expect(card?.reply_count).toBe(1);
    expect(fake.state.messagesIn(APPROVALS)).toHaveLength(1);
    expect(fake.state.thread(APPROVALS, ts).map((m) => m.text)).toEqual(['Approved by Max']);
  });

  it('drops blocks when an update sends only text, as chat.update documents', async () => {
    const web = client();
    const { ts } = await web.chat.postMessage({ channel: APPROVALS, text: 'x', blocks: [section('card')] });
    await web.chat.update({ channel: APPROVALS, ts: ts!, text: 'plain now' });
    expect(fake.state.message(APPROVALS, ts!)).toMatchObject({ text: 'plain now' });
    expect(fake.state.message(APPROVALS, ts!)?.blocks).toBeUndefined();
  });

  it('answers message_not_found, channel_not_found and no_text', async () => {
    const web = client();
    expect((await slackError(web.chat.update({ channel: APPROVALS, ts: '1.000001', text: 'x' }))).error).toBe('message_not_found');
    expect((await slackError(web.chat.postMessage({ channel: 'C0NOWHERE', text: 'x' }))).error).toBe('channel_not_found');
    expect((await slackError(web.chat.postMessage({ channel: APPROVALS, text: '' }))).error).toBe('no_text');
  });

  it('delivers a post to a user id into the DM conversations.open returns', async () => {
    const web = client();
    const posted = await web.chat.postMessage({ channel: AUTHOR, text: 'Your draft was approved' });
    const opened = await web.conversations.open({ users: AUTHOR });
    expect(opened.channel?.id).toMatch(/^D/);
    expect(posted.channel).toBe(opened.channel?.id);
    expect(opened).toMatchObject({ already_open: true });
    expect(fake.state.lastMessage(opened.channel!.id!)?.text).toBe('Your draft was approved');
  });

  it('keeps ephemerals per user, gives permalinks and deletes', async () => {
    const web = client();
    const ephemeral = await web.chat.postEphemeral({ channel: APPROVALS, user: AUTHOR, text: 'You cannot approve your own post' });
    expect(ephemeral.message_ts).toMatch(/^\d+\.\d{6}$/);
    expect(fake.state.ephemeralsFor(AUTHOR)).toEqual([
      expect.objectContaining({ channel: APPROVALS, text: 'You cannot approve your own post' }),
    ]);
    expect(fake.state.messagesIn(APPROVALS)).toEqual([]);

    const { ts } = await web.chat.postMessage({ channel: APPROVALS, text: 'card' });
    const link = await web.chat.getPermalink({ channel: APPROVALS, message_ts: ts! });
    expect(link.permalink).toBe(`https://${fake.workspace.teamDomain}.slack.com/archives/${APPROVALS}/p${ts!.replace('.', '')}`);

    await web.chat.delete({ channel: APPROVALS, ts: ts! });
    expect(fake.state.message(APPROVALS, ts!)).toBeUndefined();
    expect((await slackError(web.chat.delete({ channel: APPROVALS, ts: ts! }))).error).toBe('message_not_found');
  });
});

describe('Block Kit limits', () => {
  const long = (n: number) => 'x'.repeat(n);
  const actions = (...elements: unknown[]) => ({ type: 'actions', elements });

  it('accepts a message at every limit', async () => {
    const atLimits = [
      { type: 'header', text: plain(long(LIMITS.headerText)) },
      { ...section(long(LIMITS.sectionText)), block_id: long(LIMITS.blockId) },
      { type: 'section', fields: Array.from({ length: LIMITS.sectionFields }, () => plain(long(LIMITS.sectionFieldText))) },
      actions(button(long(LIMITS.buttonText), { action_id: long(LIMITS.actionId), value: long(LIMITS.buttonValue) })),
      actions(...Array.from({ length: LIMITS.actionsElements }, (_, i) => button('b', { action_id: `b${i}` }))),
      { type: 'context', elements: Array.from({ length: LIMITS.contextElements }, () => plain('c')) },
    ];
    const blocks = [...atLimits, ...Array.from({ length: LIMITS.messageBlocks - atLimits.length }, () => ({ type: 'divider' }))];
    const posted = await client().chat.postMessage({ channel: APPROVALS, text: long(LIMITS.messageText), blocks });
    expect(posted.ok).toBe(true);
    expect(fake.state.lastMessage(APPROVALS)?.blocks).toHaveLength(50);
  });

  it.each([
    ['51 blocks', Array.from({ length: 51 }, () => ({ type: 'divider' })), '/blocks'],
    ['section text of 3001', [section(long(3001))], '/blocks/0/text/text'],
    ['11 section fields', [{ type: 'section', fields: Array.from({ length: 11 }, () => plain('f')) }], '/blocks/0/fields'],
    ['section field of 2001', [{ type: 'section', fields: [plain(long(2001))] }], '/blocks/0/fields/0/text'],
    ['header of 151', [{ type: 'header', text: plain(long(151)) }], '/blocks/0/text/text'],
    ['button text of 76', [actions(button(long(76)))], '/blocks/0/elements/0/text/text'],
    ['action_id of 256', [actions(button('ok', { action_id: long(256) }))], '/blocks/0/elements/0/action_id'],
    ['button value of 2001', [actions(button('ok', { value: long(2001) }))], '/blocks/0/elements/0/value'],
    ['block_id of 256', [{ type: 'divider', block_id: long(256) }], '/blocks/0/block_id'],
    ['26 actions elements', [actions(...Array.from({ length: 26 }, (_, i) => button('b', { action_id: `b${i}` })))], '/blocks/0/elements'],
    ['11 context elements', [{ type: 'context', elements: Array.from({ length: 11 }, () => plain('c')) }], '/blocks/0/elements'],
  ])('rejects a message with %s as invalid_blocks', async (_name, blocks, pointer) => {
    const data = await slackError(client().chat.postMessage({ channel: APPROVALS, text: 'fallback', blocks }));
    expect(data.error).toBe('invalid_blocks');
    expect(data.errors).toEqual([expect.stringContaining(`[json-pointer:${pointer}]`)]);
    expect((data.response_metadata as { messages: string[] }).messages[0]).toMatch(/^\[ERROR\] /);
    expect(fake.state.messagesIn(APPROVALS)).toEqual([]);
  });

  it('applies the limits to updates and ephemerals too', async () => {
    const web = client();
    const { ts } = await web.chat.postMessage({ channel: APPROVALS, text: 'card' });
    const tooLong = [section(long(3001))];
    expect((await slackError(web.chat.update({ channel: APPROVALS, ts: ts!, blocks: tooLong }))).error).toBe('invalid_blocks');
    expect((await slackError(web.chat.postEphemeral({ channel: APPROVALS, user: AUTHOR, blocks: tooLong, text: 'x' }))).error).toBe(
      'invalid_blocks',
    );
    expect(fake.state.message(APPROVALS, ts!)?.text).toBe('card');
  });

  it('rejects message text over 40,000 characters as msg_too_long', async () => {
    const data = await slackError(client().chat.postMessage({ channel: APPROVALS, text: long(LIMITS.messageText + 1) }));
    expect(data.error).toBe('msg_too_long');
  });

  const input = (element: Record<string, unknown>) => ({ type: 'input', block_id: 'b', label: plain('L'), element });
  const options = (n: number, text = 'o') => Array.from({ length: n }, (_, i) => ({ text: plain(text), value: `v${i}` }));

  it.each([
    ['a title of 25', modal({ title: plain(long(25)) }), '/view/title/text'],
    ['a submit of 25', modal({ submit: plain(long(25)) }), '/view/submit/text'],
    ['a close of 25', modal({ close: plain(long(25)) }), '/view/close/text'],
    ['no title', { ...modal(), title: undefined }, '/view'],
    ['inputs but no submit', { ...modal(), submit: undefined }, '/view'],
    ['101 blocks', modal({ blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) }), '/view/blocks'],
    ['private_metadata of 3001', modal({ private_metadata: long(3001) }), '/view/private_metadata'],
    [
      'max_length 3001',
      modal({ blocks: [input({ type: 'plain_text_input', action_id: 'a', max_length: 3001 })] }),
      '/view/blocks/0/element/max_length',
    ],
    [
      'an option text of 76',
      modal({ blocks: [input({ type: 'static_select', action_id: 'a', options: options(1, long(76)) })] }),
      '/view/blocks/0/element/options/0/text/text',
    ],
    [
      '101 options',
      modal({ blocks: [input({ type: 'multi_static_select', action_id: 'a', options: options(101) })] }),
      '/view/blocks/0/element/options',
    ],
  ])('rejects a modal with %s as invalid_arguments', async (_name, view, pointer) => {
    const data = await slackError(client().views.open({ trigger_id: mintTriggerId(), view: view as never }));
    expect(data.error).toBe('invalid_arguments');
    expect((data.response_metadata as { messages: string[] }).messages).toEqual([
      expect.stringMatching(new RegExp(`^\\[ERROR\\] .* \\[json-pointer:${pointer}\\]$`)),
    ]);
    expect(fake.state.views.size).toBe(0);
  });

  it('allows 100 blocks in a Home tab but not 101', async () => {
    const web = client();
    const home = (n: number) => ({ type: 'home' as const, blocks: Array.from({ length: n }, () => ({ type: 'divider' as const })) });
    expect((await web.views.publish({ user_id: AUTHOR, view: home(100) })).ok).toBe(true);
    expect((await slackError(web.views.publish({ user_id: AUTHOR, view: home(101) }))).error).toBe('invalid_arguments');
    expect(fake.state.homes.get(AUTHOR)?.blocks).toHaveLength(100);
  });
});

describe('scripted failures', () => {
  it('answers ratelimited with HTTP 429 and Retry-After, then recovers', async () => {
    fake.failNext('chat.postMessage', { error: 'ratelimited', retryAfterSeconds: 7 });
    const error = await client()
      .chat.postMessage({ channel: APPROVALS, text: 'x' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 7 });
    expect(fake.callsTo('chat.postMessage')[0]).toMatchObject({ status: 429, response: { ok: false, error: 'ratelimited' } });

    const next = await client().chat.postMessage({ channel: APPROVALS, text: 'x' });
    expect(next.ok).toBe(true);
  });

  it('puts Retry-After on the HTTP response itself', async () => {
    fake.failNext('auth.test', { error: 'ratelimited', retryAfterSeconds: 3 });
    const response = await fetch(`${fake.url}auth.test`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fake.workspace.botToken}` },
    });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(await response.json()).toEqual({ ok: false, error: 'ratelimited' });
  });

  it('answers any scripted Slack error once, in order', async () => {
    fake.failNext('chat.postMessage', { error: 'channel_not_found' });
    fake.failNext('chat.postMessage', { error: 'is_archived' });
    const web = client();
    expect((await slackError(web.chat.postMessage({ channel: APPROVALS, text: 'x' }))).error).toBe('channel_not_found');
    expect((await slackError(web.chat.postMessage({ channel: APPROVALS, text: 'x' }))).error).toBe('is_archived');
    expect((await web.chat.postMessage({ channel: APPROVALS, text: 'x' })).ok).toBe(true);
  });

  it('can delay a response past a client timeout, or fail it with an HTTP status', async () => {
    fake.failNext('chat.postMessage', { delayMs: 300 });
    const timedOut = await client(fake.workspace.botToken, { timeout: 50 })
      .chat.postMessage({ channel: APPROVALS, text: 'x' })
      .catch((e: unknown) => e);
    expect(timedOut).toMatchObject({ code: ErrorCode.RequestError });
    // The client gave up, yet the post still happened: a timeout is an unknown outcome, not a failure.
    await fake.waitFor('chat.postMessage');
    expect(fake.state.lastMessage(APPROVALS)?.text).toBe('x');

    fake.failNext('chat.update', { status: 503 });
    const unavailable = await client()
      .chat.update({ channel: APPROVALS, ts: '1.000001', text: 'x' })
      .catch((e: unknown) => e);
    expect(unavailable).toMatchObject({ code: ErrorCode.HTTPError, statusCode: 503 });
  });
});

describe('views', () => {
  it('opens a modal and guards updates with the view hash', async () => {
    const web = client();
    const opened = await web.views.open({ trigger_id: mintTriggerId(), view: modal({ external_id: 'draft-1' }) });
    const view = opened.view!;
    expect(view).toMatchObject({ id: expect.stringMatching(/^V/), type: 'modal', callback_id: 'draft', root_view_id: view.id });
    expect(fake.state.views.get(view.id!)?.hash).toBe(view.hash);

    const updated = await web.views.update({ view_id: view.id!, hash: view.hash!, view: modal({ title: plain('Step 2') }) });
    expect(updated.view?.hash).not.toBe(view.hash);
    expect(fake.state.views.get(view.id!)?.title).toEqual(plain('Step 2'));

    const stale = await slackError(web.views.update({ view_id: view.id!, hash: view.hash!, view: modal() }));
    expect(stale.error).toBe('hash_conflict');

    const byExternalId = await web.views.update({ external_id: 'draft-1', view: modal({ title: plain('Step 3') }) });
    expect(byExternalId.view?.id).toBe(view.id);
    expect((await slackError(web.views.update({ view_id: 'V0MISSING', view: modal() }))).error).toBe('not_found');
  });

  it('lets a trigger_id be exchanged once, and only while fresh', async () => {
    const web = client();
    const trigger = mintTriggerId();
    await web.views.open({ trigger_id: trigger, view: modal() });
    expect((await slackError(web.views.open({ trigger_id: trigger, view: modal() }))).error).toBe('exchanged_trigger_id');
    expect((await slackError(web.views.open({ trigger_id: mintTriggerId(Date.now() - 4000), view: modal() }))).error).toBe(
      'expired_trigger_id',
    );
    expect((await slackError(web.views.open({ trigger_id: 'not-a-trigger', view: modal() }))).error).toBe('invalid_trigger_id');
    expect(fake.state.views.size).toBe(1);
  });

  it('pushes onto the open modal up to a stack of three', async () => {
    const web = client();
    const root = (await web.views.open({ trigger_id: mintTriggerId(), view: modal() })).view!;
    const second = (await web.views.push({ trigger_id: mintTriggerId(), view: modal() })).view!;
    expect(second).toMatchObject({ root_view_id: root.id, previous_view_id: root.id });
    await web.views.push({ trigger_id: mintTriggerId(), view: modal() });
    expect((await slackError(web.views.push({ trigger_id: mintTriggerId(), view: modal() }))).error).toBe('push_limit_reached');
  });

  it('rejects a second view with the same external_id', async () => {
    const web = client();
    await web.views.open({ trigger_id: mintTriggerId(), view: modal({ external_id: 'same' }) });
    const data = await slackError(web.views.open({ trigger_id: mintTriggerId(), view: modal({ external_id: 'same' }) }));
    expect(data.error).toBe('duplicate_external_id');
  });

  it('publishes one Home tab per user, keeping its id and checking the hash', async () => {
    const web = client();
    const home = (text: string) => ({ type: 'home' as const, blocks: [section(text)] });
    const first = (await web.views.publish({ user_id: AUTHOR, view: home('Your drafts') })).view!;
    const second = (await web.views.publish({ user_id: AUTHOR, view: home('Your drafts (1)'), hash: first.hash! })).view!;
    expect(second.id).toBe(first.id);
    expect((await slackError(web.views.publish({ user_id: AUTHOR, view: home('stale'), hash: first.hash! }))).error).toBe('hash_conflict');
    await web.views.publish({ user_id: APPROVER, view: home('Waiting for you') });
    expect(fake.state.homes.get(AUTHOR)?.blocks).toEqual([section('Your drafts (1)')]);
    expect(fake.state.homes.get(APPROVER)?.blocks).toEqual([section('Waiting for you')]);
  });
});

describe('users and groups', () => {
  it('describes seeded users with their time zone as of now', async () => {
    const { user } = await client().users.info({ user: AUTHOR });
    expect(user).toMatchObject({ id: AUTHOR, real_name: 'Ada Author', tz: 'America/New_York', profile: { display_name: 'ada' } });
    expect([-5 * 3600, -4 * 3600]).toContain(user?.tz_offset);
    expect(user?.tz_label).toMatch(/Eastern/);
    expect((await slackError(client().users.info({ user: 'U0NOBODY' }))).error).toBe('user_not_found');
  });

  it('lists user-group members', async () => {
    expect((await client().usergroups.users.list({ usergroup: 'S0APPROVERS' })).users).toEqual([APPROVER]);
    expect((await slackError(client().usergroups.users.list({ usergroup: 'S0NONE' }))).error).toBe('no_such_subteam');
  });
});

describe('file uploads (files.uploadV2)', () => {
  it('takes the upload URL, receives the bytes and shares the file in a thread', async () => {
    const web = client();
    const { ts } = await web.chat.postMessage({ channel: APPROVALS, text: 'card' });
    const bytes = Buffer.from('\x89PNG fake image bytes');
    const result = await web.files.uploadV2({
      channel_id: APPROVALS,
      thread_ts: ts!,
      file: bytes,
      filename: 'preview.png',
      initial_comment: 'Image preview',
    });
    expect(result.ok).toBe(true);

    const [request] = fake.callsTo('files.getUploadURLExternal');
    expect(request?.args).toMatchObject({ filename: 'preview.png', length: String(bytes.length) });
    const fileId = String(request?.response.file_id);
    expect(fake.state.files.get(fileId)).toMatchObject({ completed: true, channel: APPROVALS, thread_ts: ts });
    expect(fake.state.files.get(fileId)?.bytes?.equals(bytes)).toBe(true);
    expect(fake.callsTo('files.completeUploadExternal')[0]?.args.files).toEqual([{ id: fileId, title: 'preview.png' }]);
    const [reply] = fake.state.thread(APPROVALS, ts!);
    expect(reply).toMatchObject({ text: 'Image preview', files: [expect.objectContaining({ id: fileId, name: 'preview.png' })] });
  });

  it('refuses to complete a file whose bytes never arrived', async () => {
    const web = client();
    const { file_id } = await web.files.getUploadURLExternal({ filename: 'a.png', length: 3 });
    const data = await slackError(web.files.completeUploadExternal({ files: [{ id: file_id! }] }));
    expect(data.error).toBe('file_not_found');
  });
});

describe('recording', () => {
  it('records arguments with blocks parsed back and the token left out', async () => {
    await client().chat.postMessage({ channel: APPROVALS, text: 'x', blocks: [section('card')] });
    const [call] = fake.callsTo('chat.postMessage');
    expect(call?.args).toMatchObject({ channel: APPROVALS, blocks: [section('card')] });
    expect(call?.args).not.toHaveProperty('token');
    expect(call?.response).toMatchObject({ ok: true });
  });

  it('waitFor resolves with past and future calls matching a predicate', async () => {
    const web = client();
    await web.chat.postMessage({ channel: APPROVALS, text: 'first' });
    expect((await fake.waitFor('chat.postMessage')).args.text).toBe('first');

    const later = fake.waitFor('chat.postMessage', (c) => c.args.text === 'second');
    await web.chat.postMessage({ channel: APPROVALS, text: 'second' });
    const call = await later;
    expect(call.args.text).toBe('second');
    // Recorded once answered, so the state already shows it.
    expect(fake.state.lastMessage(APPROVALS)?.text).toBe('second');
  });

  it('waitFor rejects listing what was called', async () => {
    await slackError(client().chat.postMessage({ channel: 'C0NOWHERE', text: 'x' }));
    await expect(fake.waitFor('views.open', undefined, 50)).rejects.toThrow(
      /waitFor\('views\.open'\) saw no matching call within 50 ms.*chat\.postMessage → channel_not_found/,
    );
  });

  it('reset forgets calls and state but keeps seeded users', async () => {
    await client().chat.postMessage({ channel: APPROVALS, text: 'x' });
    fake.reset();
    expect(fake.calls).toEqual([]);
    expect(fake.state.messagesIn(APPROVALS)).toEqual([]);
    expect((await client().users.info({ user: AUTHOR })).ok).toBe(true);
  });
});

describe('request signing', () => {
  // Slack's published example (see /work/shared/reference/slack-teams.md).
  const secret = '8f742231b10e8888abcd99yyyzzz85a5';
  const timestamp = 1531420618;
  const body =
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
  const verification = (signature: string, now: number, rawBody = body) => ({
    signingSecret: secret,
    body: rawBody,
    headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp },
    nowMilliseconds: now * 1000,
  });

  it("reproduces Slack's test vector, which Bolt accepts", () => {
    const headers = signSlackRequest(secret, body, timestamp);
    expect(headers).toEqual({
      'x-slack-signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
      'x-slack-request-timestamp': '1531420618',
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(isValidSlackRequest(verification(headers['x-slack-signature'], timestamp + 299))).toBe(true);
  });

  it('fails Bolt verification when stale or tampered', () => {
    const { 'x-slack-signature': signature } = signSlackRequest(secret, body, timestamp);
    expect(isValidSlackRequest(verification(signature, timestamp + 301))).toBe(false);
    expect(() => verifySlackRequest(verification(signature, timestamp, body.replace('roadrunner', 'coyote')))).toThrow(
      /signature mismatch/,
    );
  });

  it('marks JSON (Events API) bodies as JSON', () => {
    expect(signSlackRequest(secret, '{"type":"url_verification"}', timestamp)['content-type']).toBe('application/json');
  });
});

describe('signed-request builders', () => {
  const option = (value: string, text: string, type = 'plain_text') => ({ text: { type, text }, value });
  const input = (blockId: string, element: Record<string, unknown>) => ({
    type: 'input',
    block_id: blockId,
    label: plain(blockId),
    element,
  });
  const draftView = {
    id: 'V0DRAFT',
    callback_id: 'draft',
    blocks: [
      input('text', { type: 'plain_text_input', action_id: 'value' }),
      input('networks', {
        type: 'checkboxes',
        action_id: 'pick',
        options: [option('x', '*X*', 'mrkdwn'), option('linkedin', 'LinkedIn', 'mrkdwn')],
      }),
      input('extra', { type: 'multi_static_select', action_id: 'more', options: [option('a', 'A'), option('b', 'B')] }),
      input('tone', {
        type: 'static_select',
        action_id: 'choice',
        option_groups: [{ label: plain('Tones'), options: [option('friendly', 'Friendly')] }],
      }),
      input('when', { type: 'datetimepicker', action_id: 'at' }),
      input('image', { type: 'url_text_input', action_id: 'url' }),
      input('notes', { type: 'plain_text_input', action_id: 'n' }),
    ],
  };

  it('describes inputs the way Slack sends view.state.values, empty ones included', () => {
    const body = viewSubmission({
      userId: AUTHOR,
      view: draftView,
      values: {
        text: { value: 'Spring sale' },
        networks: { pick: ['x'] },
        extra: { more: ['a', 'b'] },
        tone: { choice: 'friendly' },
        when: { at: new Date('2026-03-02T09:00:00Z') },
        image: { url: 'https://example.com/a.png' },
      },
    });
    expect(body.payload).toMatchObject({ type: 'view_submission', user: { id: AUTHOR }, view: { id: 'V0DRAFT', callback_id: 'draft' } });
    expect((body.payload.view as { state: unknown }).state).toEqual({
      values: {
        text: { value: { type: 'plain_text_input', value: 'Spring sale' } },
        networks: { pick: { type: 'checkboxes', selected_options: [option('x', '*X*', 'mrkdwn')] } },
        extra: { more: { type: 'multi_static_select', selected_options: [option('a', 'A'), option('b', 'B')] } },
        tone: { choice: { type: 'static_select', selected_option: option('friendly', 'Friendly') } },
        when: { at: { type: 'datetimepicker', selected_date_time: 1772442000 } },
        image: { url: { type: 'url_text_input', value: 'https://example.com/a.png' } },
        notes: { n: { type: 'plain_text_input', value: null } },
      },
    });
    // Form-encoded with the JSON in a `payload` field, as Slack posts interactivity.
    expect(JSON.parse(new URLSearchParams(body.rawBody).get('payload') ?? '')).toEqual(body.payload);
  });

  it('refuses values no user could have entered', () => {
    expect(() => viewSubmission({ userId: AUTHOR, view: draftView, values: { networks: { pick: ['myspace'] } } })).toThrow(
      /'myspace' is not an option of 'pick'/,
    );
    expect(() => blockActionsFromHome({ userId: AUTHOR, view: { type: 'home', blocks: [] }, actionId: 'approve' })).toThrow(
      /No element with action_id 'approve'/,
    );
  });

  it('builds slash commands form-encoded, in the order Slack sends the fields', () => {
    const body = slashCommand({ command: '/draft', text: 'Hello world', userId: AUTHOR, channelId: APPROVALS, triggerId: '1.2.ab' });
    expect(body.contentType).toBe('application/x-www-form-urlencoded');
    expect([...new URLSearchParams(body.rawBody).keys()]).toEqual([
      'token',
      'team_id',
      'team_domain',
      'channel_id',
      'channel_name',
      'user_id',
      'user_name',
      'command',
      'text',
      'api_app_id',
      'is_enterprise_install',
      'response_url',
      'trigger_id',
    ]);
    expect(body.rawBody).toContain('command=%2Fdraft&text=Hello+world');
    expect(slashCommand({ command: '/draft', userId: AUTHOR, channelId: APPROVALS }).payload.trigger_id).not.toBe(
      slashCommand({ command: '/draft', userId: AUTHOR, channelId: APPROVALS }).payload.trigger_id,
    );
  });
});

describe('a real Bolt app between signed requests and the fake', () => {
  const signingSecret = 'test-signing-secret';
  let app: App;
  let events: string;
  const closedDialogs: boolean[] = [];

  beforeAll(async () => {
    app = new App({
      token: fake.workspace.botToken,
      signingSecret,
      clientOptions: { slackApiUrl: fake.url, retryConfig: { retries: 0 } },
      logger: silent,
    });
    app.command('/draft', async ({ ack, body, client: web }) => {
      await ack();
      await web.views.open({ trigger_id: body.trigger_id, view: { ...modal(), private_metadata: body.channel_id } as never });
    });
    app.view('draft', async ({ ack, view, client: web }) => {
      await ack();
      const text = view.state.values.text?.value?.value ?? '';
      await web.chat.postMessage({ channel: APPROVALS, text, blocks: [section(text), { type: 'actions', elements: [button('Approve')] }] });
    });
    app.action('approve', async ({ ack, respond }) => {
      await ack();
      await respond({ replace_original: true, text: 'Approved' });
    });
    app.view({ callback_id: 'draft', type: 'view_closed' }, async ({ ack, body }) => {
      await ack();
      if (body.type === 'view_closed') closedDialogs.push(body.is_cleared);
    });
    app.action('refresh_home', async ({ ack, body, client: web }) => {
      await ack();
      await web.views.publish({ user_id: body.user.id, view: { type: 'home', blocks: [section('Refreshed')] } });
    });
    app.event('app_home_opened', async ({ event, client: web }) => {
      await web.views.publish({ user_id: event.user, view: { type: 'home', blocks: [section('Your drafts')] } });
    });
    const server = (await app.start(0)) as Server;
    events = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });
  afterAll(() => app.stop());

  it('opens the draft dialog for /draft with the trigger from the command', async () => {
    const command = slashCommand({ command: '/draft', text: 'Spring sale', userId: AUTHOR, channelId: APPROVALS });
    const response = await postSigned(events, command, { signingSecret });
    expect(response.status).toBe(200);
    const open = await fake.waitFor('views.open');
    expect(open.args.trigger_id).toBe(command.payload.trigger_id);
    expect(open.response.ok).toBe(true);
  });

  it('turns a submitted dialog into an approval card, and Approve replaces it via response_url', async () => {
    const opened = await client().views.open({ trigger_id: mintTriggerId(), view: modal() });
    const view = fake.state.views.get(opened.view!.id!) as FakeView;
    const submitted = await postSigned(events, viewSubmission({ userId: AUTHOR, view, values: { text: { value: 'Spring sale!' } } }), {
      signingSecret,
    });
    expect(submitted.status).toBe(200);
    const post = await fake.waitFor('chat.postMessage');
    expect(post.args.text).toBe('Spring sale!');

    const card = fake.state.lastMessage(APPROVALS)!;
    const click = blockActionsFromMessage({
      userId: APPROVER,
      message: card,
      actionId: 'approve',
      responseUrl: responseUrlFor(fake, APPROVER, card),
    });
    expect(click.payload.actions).toEqual([expect.objectContaining({ type: 'button', action_id: 'approve', text: plain('Approve') })]);
    expect((await postSigned(events, click, { signingSecret })).status).toBe(200);
    await fake.waitFor('response_url');
    expect(fake.state.message(APPROVALS, card.ts)).toMatchObject({ text: 'Approved' });
    expect(fake.state.message(APPROVALS, card.ts)?.blocks).toBeUndefined();
  });

  it('publishes the Home tab on app_home_opened and answers url_verification', async () => {
    expect((await postSigned(events, appHomeOpened({ userId: APPROVER }), { signingSecret })).status).toBe(200);
    await fake.waitFor('views.publish');
    expect(fake.state.homes.get(APPROVER)?.blocks).toEqual([section('Your drafts')]);

    const challenge = urlVerification('abc123');
    const answered = await postSigned(events, challenge, { signingSecret });
    expect(answered.json).toEqual({ challenge: 'abc123' });
  });

  it('routes App Home clicks and closed dialogs to their listeners', async () => {
    await client().views.publish({
      user_id: APPROVER,
      view: { type: 'home', blocks: [{ type: 'actions', elements: [button('Refresh', { action_id: 'refresh_home' })] }] },
    });
    const home = fake.state.homes.get(APPROVER)!;
    const click = blockActionsFromHome({ userId: APPROVER, view: home, actionId: 'refresh_home' });
    expect(click.payload.container).toEqual({ type: 'view', view_id: home.id });
    expect((await postSigned(events, click, { signingSecret })).status).toBe(200);
    await fake.waitFor('views.publish', (c) => c.response.ok && JSON.stringify(c.args.view).includes('Refreshed'));
    expect(fake.state.homes.get(APPROVER)).toMatchObject({ id: home.id, blocks: [section('Refreshed')] });

    const closed = viewClosed({ userId: AUTHOR, view: { ...modal(), id: 'V0CLOSED' }, isCleared: true });
    expect((await postSigned(events, closed, { signingSecret })).status).toBe(200);
    expect(closedDialogs).toEqual([true]);
  });

  it('refuses forged, unsigned and replayed requests without touching Slack', async () => {
    const command = () => slashCommand({ command: '/draft', userId: AUTHOR, channelId: APPROVALS });
    const forged = await postSigned(events, command(), { signingSecret: 'not-the-secret' });
    const unsigned = await postSigned(events, command(), { signingSecret, signature: null });
    const replayed = await postSigned(events, command(), { signingSecret, timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect([forged.status, unsigned.status, replayed.status]).toEqual([401, 401, 401]);
    expect(fake.callsTo('views.open')).toEqual([]);
  });
});

/**
 * The Teams fakes driven by the real botbuilder CloudAdapter: a throwaway TeamsActivityHandler
 * (defined here, not in src) behind a local HTTP server, activities from the builders in
 * test/support/teams-activities.ts, replies landing in the fake Bot Connector.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type ActivityHandler,
  CardFactory,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  MessageFactory,
  TeamsActivityHandler,
  TeamsInfo,
  TurnContext,
  type Activity,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type ConversationReference,
  type MessagingExtensionAction,
  type MessagingExtensionActionResponse,
  type Response,
} from 'botbuilder';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  adaptiveCardOf,
  BOT_FRAMEWORK_AUDIENCE,
  forgetCachedBotTokens,
  startFakeBotConnector,
  type FakeBotConnector,
} from './teams/index.js';
import {
  adaptiveCardAction,
  channelMention,
  composeFetchTask,
  composeSubmitAction,
  installationUpdate,
  membersAdded,
  personalMessage,
  postActivity,
  teamsEnvironment,
  type TeamsEnvironment,
} from '../support/teams-activities.js';

const card = (status: string) => ({
  type: 'AdaptiveCard',
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
  version: '1.5',
  body: [{ type: 'TextBlock', text: `Status: ${status}` }],
  actions: [{ type: 'Action.Execute', title: 'Approve', verb: 'approve', data: { postId: 7 } }],
});

/** What a Teams bot does, in miniature: echo, look people up, post and edit a card, answer invokes. */
class ThrowawayBot extends TeamsActivityHandler {
  readonly turns: string[] = [];
  readonly references: ConversationReference[] = [];

  constructor(private readonly appId = '') {
    super();
    this.onTurn(async (context, next) => {
      this.turns.push(context.activity.name ?? context.activity.type);
      this.references.push(TurnContext.getConversationReference(context.activity) as ConversationReference);
      await next();
    });
    this.onMessage(async (context, next) => {
      const text = (TurnContext.removeRecipientMention(context.activity) ?? context.activity.text ?? '').trim();
      if (text.startsWith('whois ')) {
        try {
          const member = await TeamsInfo.getMember(context, text.slice('whois '.length));
          const raw = member as typeof member & { objectId?: string };
          await context.sendActivity(`${member.name} <${member.email}> objectId=${raw.objectId} aadObjectId=${member.aadObjectId}`);
        } catch (error) {
          await context.sendActivity(`lookup failed: ${(error as { code?: string }).code}`);
        }
      } else if (text === 'team') {
        const details = await TeamsInfo.getTeamDetails(context);
        const channels = await TeamsInfo.getTeamChannels(context);
        const page = await TeamsInfo.getPagedMembers(context, 2);
        await context.sendActivity(
          `${details.name} ${details.aadGroupId} channels=${channels.map((c) => c.name ?? '(General)').join(',')} firstPage=${page.members.length} more=${Boolean(page.continuationToken)}`,
        );
      } else if (text.startsWith('announce in ')) {
        const [reference, activityId] = await TeamsInfo.sendMessageToTeamsChannel(
          context,
          { type: 'message', text: 'Digest is ready' } as Activity,
          text.slice('announce in '.length),
          this.appId,
        );
        await context.sendActivity(`posted ${activityId} as ${reference.conversation.id}`);
      } else if (text === 'card') {
        const sent = await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card('pending'))));
        const edit = MessageFactory.attachment(CardFactory.adaptiveCard(card('edited')));
        edit.id = sent!.id;
        await context.updateActivity(edit);
      } else {
        await context.sendActivity(`echo: ${text}`);
      }
      await next();
    });
  }

  protected override async onAdaptiveCardInvoke(
    _context: TurnContext,
    invoke: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card(`${invoke.action.verb} clicked`) };
  }

  protected override async handleTeamsMessagingExtensionFetchTask(): Promise<MessagingExtensionActionResponse> {
    return { task: { type: 'continue', value: { title: 'Draft a post', card: CardFactory.adaptiveCard(card('draft')) } } };
  }

  protected override async handleTeamsMessagingExtensionSubmitAction(
    _context: TurnContext,
    action: MessagingExtensionAction,
  ): Promise<MessagingExtensionActionResponse> {
    return { task: { type: 'message', value: `Got ${JSON.stringify(action.data)}` } };
  }
}

/** The least an HTTP server must do for CloudAdapter.process: a parsed body and an Express-like response. */
async function serveBot(adapter: CloudAdapter, bot: ActivityHandler): Promise<{ url: string; server: Server }> {
  const readJson = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    try {
      return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  };
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readJson(req);
      const response: Response = {
        socket: req.socket,
        status: (code: number) => (res.statusCode = code),
        header: (name: string, value: unknown) => res.setHeader(name, String(value)),
        send: (payload: unknown) => {
          if (typeof payload === 'object' && payload !== null && !Buffer.isBuffer(payload)) {
            res.setHeader('content-type', 'application/json; charset=utf-8');
            res.write(JSON.stringify(payload));
          } else res.write(String(payload));
        },
        end: () => res.end(),
      };
      await adapter.process({ body, headers: req.headers, method: req.method }, response, (context) => bot.run(context));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`, server };
}

const closeServer = (server: Server) =>
  new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });

/** botbuilder logs every refused request with console.error; keep test output for failures. */
function quietConsoleError(): () => void {
  const original = console.error;
  console.error = () => {};
  return () => void (console.error = original);
}

describe('with credentials: the fake channel signs, the fake AAD issues the bot its token', () => {
  let fake: FakeBotConnector;
  let bot: ThrowawayBot;
  let adapter: CloudAdapter;
  let url: string;
  let server: Server;
  let env: TeamsEnvironment;

  beforeAll(async () => {
    fake = await startFakeBotConnector({ notInstalledFor: ['Mallory'] });
    env = teamsEnvironment(fake);
    adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication(fake.botFrameworkAuthConfig(), fake.credentialsFactory()));
    bot = new ThrowawayBot(fake.directory.appId);
    ({ url, server } = await serveBot(adapter, bot));
  });
  afterAll(async () => {
    await closeServer(server);
    await fake.close();
  });
  afterEach(() => {
    fake.reset();
    bot.turns.length = 0;
    bot.references.length = 0;
  });

  it('processes a correctly signed 1:1 message; the reply reaches the connector with a bearer token the fake accepts', async () => {
    forgetCachedBotTokens();
    const activity = personalMessage(env, { from: 'Ann Author', text: 'hello' });
    const response = await postActivity(url, activity, { token: fake.mintActivityToken() });

    expect(response.status).toBe(200);
    const reply = await fake.waitFor('replyToActivity');
    expect(reply.status).toBe(201);
    expect(reply.params).toEqual({ conversationId: fake.directory.personalChatId('Ann Author'), activityId: activity.id });
    expect(reply.auth).toMatchObject({
      presented: true,
      valid: true,
      claims: { aud: BOT_FRAMEWORK_AUDIENCE, appid: fake.directory.appId },
    });
    expect(fake.state.lastMessage(fake.directory.personalChatId('Ann Author'))?.activity.text).toBe('echo: hello');
    // botbuilder found the channel's key through the OpenID metadata and got its token from the
    // fake AAD of the bot's own tenant (SingleTenant), after reading the tenant's configuration.
    expect(fake.callsTo('channelKeys').length).toBeGreaterThan(0);
    expect(fake.callsTo('token').map((c) => c.params.tenant)).toContain(fake.directory.tenantId);
  });

  it('answers 401 to an activity without a token, signed by an unknown key, expired, or for another serviceUrl; the handler never runs', async () => {
    const restore = quietConsoleError();
    try {
      const activity = () => personalMessage(env, { from: 'Mallory', text: 'let me in' });
      const noToken = await postActivity(url, activity());
      const unknownKey = await postActivity(url, activity(), { token: fake.mintActivityToken({ signedBy: 'unknown-key' }) });
      const expired = await postActivity(url, activity(), { token: fake.mintActivityToken({ expiresInSeconds: -3600 }) });
      const otherServiceUrl = await postActivity(url, activity(), {
        token: fake.mintActivityToken({ serviceUrl: 'https://smba.trafficmanager.net/teams/' }),
      });
      const otherBot = await postActivity(url, activity(), { token: fake.mintActivityToken({ appId: 'someone-else' }) });

      expect([noToken.status, unknownKey.status, expired.status, otherServiceUrl.status, otherBot.status]).toEqual([
        401, 401, 401, 401, 401,
      ]);
      expect(bot.turns).toEqual([]);
      expect(fake.calls.filter((c) => c.path.startsWith('/teams/'))).toEqual([]);
    } finally {
      restore();
    }
  });

  it('answers 500, not 401, to a token that names the real key id but is signed by another key (botbuilder 4.23.3)', async () => {
    const restore = quietConsoleError();
    try {
      const response = await postActivity(url, personalMessage(env, { from: 'Mallory', text: 'forged' }), {
        token: fake.mintActivityToken({ signedBy: 'forged' }),
      });
      // jsonwebtoken's "invalid signature" is not an AuthenticationError, so CloudAdapter calls it
      // a server error. Still refused, and the bot never sees it.
      expect(response.status).toBe(500);
      expect(response.text).toContain('invalid signature');
      expect(bot.turns).toEqual([]);
    } finally {
      restore();
    }
  });

  it('returns an adaptiveCard/action invoke response in the HTTP body', async () => {
    const cardMessage = { id: '1712345678901', conversationId: fake.directory.channel('Approvals').id, threadRootId: '1712345678901' };
    const activity = adaptiveCardAction(env, { from: 'Alice Approver', on: cardMessage, verb: 'approve', data: { postId: 7 } });
    const response = await postActivity(url, activity, { token: fake.mintActivityToken() });

    expect(response.status).toBe(200);
    expect(response.json).toEqual({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card('approve clicked') });
    expect(activity.conversation.id).toBe(`${cardMessage.conversationId};messageid=${cardMessage.id}`);
  });

  it('answers the draftPost message extension: fetchTask opens a dialog, submitAction gets its data', async () => {
    const fetchTask = await postActivity(url, composeFetchTask(env, { from: 'Ann Author', where: { channel: 'Approvals' } }), {
      token: fake.mintActivityToken(),
    });
    const submit = await postActivity(
      url,
      composeSubmitAction(env, { from: 'Ann Author', data: { text: 'Spring sale', networks: 'x,linkedin' } }),
      {
        token: fake.mintActivityToken(),
      },
    );

    expect(fetchTask.status).toBe(200);
    expect(fetchTask.json).toMatchObject({
      task: { type: 'continue', value: { title: 'Draft a post', card: { content: card('draft') } } },
    });
    expect(submit.json).toEqual({ task: { type: 'message', value: 'Got {"text":"Spring sale","networks":"x,linkedin"}' } });
    expect(bot.turns).toEqual(['composeExtension/fetchTask', 'composeExtension/submitAction']);
  });

  it('posts a card in a channel thread and edits it in place; an unknown activity cannot be edited', async () => {
    const approvals = fake.directory.channel('Approvals').id;
    const mention = channelMention(env, { from: 'Alice Approver', channel: 'Approvals', text: 'card' });
    const response = await postActivity(url, mention, { token: fake.mintActivityToken() });

    expect(response.status).toBe(200);
    const [reply] = fake.state.thread(approvals, mention.id);
    expect(reply?.history.map((v) => adaptiveCardOf(v)?.body)).toEqual([card('pending').body]);
    expect(adaptiveCardOf(reply)?.body).toEqual(card('edited').body);
    expect(fake.callsTo('updateActivity')[0]?.params.conversationId).toBe(`${approvals};messageid=${mention.id}`);

    const missing = await fetch(`${fake.serviceUrl}v3/conversations/${encodeURIComponent(approvals)}/activities/1`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${await botToken(fake)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text: 'x' }),
    });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: { code: 'ActivityNotFoundInConversation', message: 'Message does not exist in the thread.' },
    });
  });

  it('resolves people through TeamsInfo.getMember by UPN or AAD object id; an email that is not a UPN is not found', async () => {
    const ask = async (key: string) => {
      const mention = channelMention(env, { from: 'Carol Manager', channel: 'Approvals', text: `whois ${key}` });
      await postActivity(url, mention, { token: fake.mintActivityToken() });
      return fake.state.thread(fake.directory.channel('Approvals').id, mention.id).at(-1)?.activity.text;
    };
    const bob = fake.directory.user('Bob Approver');

    expect(await ask('bob@contoso.onmicrosoft.com')).toBe(
      `Bob Approver <Bob.Approver@contoso.com> objectId=${bob.aadObjectId} aadObjectId=undefined`,
    );
    expect(await ask(bob.aadObjectId)).toContain('Bob Approver <Bob.Approver@contoso.com>');
    expect(await ask('Bob.Approver@contoso.com')).toBe('lookup failed: MemberNotFoundInConversation');
    // In a team, TeamsInfo asks the team's roster (the team id is its General channel's id).
    expect(fake.callsTo('getConversationMember')[0]?.params.conversationId).toBe(fake.directory.teams[0]!.id);
  });

  it('answers TeamsInfo team lookups, and a new channel post through sendMessageToTeamsChannel', async () => {
    const say = async (text: string) => {
      const mention = channelMention(env, { from: 'Carol Manager', channel: 'Approvals', text });
      await postActivity(url, mention, { token: fake.mintActivityToken() });
      return fake.state.thread(fake.directory.channel('Approvals').id, mention.id).at(-1)?.activity.text;
    };
    const team = fake.directory.teams[0]!;
    const digest = fake.directory.channel('Digest').id;

    expect(await say('team')).toBe(`Marketing ${team.aadGroupId} channels=(General),Approvals,Digest firstPage=5 more=false`);
    const announced = await say(`announce in ${digest}`);
    const [post] = fake.state.messagesIn(digest);
    expect(post?.activity.text).toBe('Digest is ready');
    // With CloudAdapter, botbuilder 4.23.3 hands back the new thread's conversation id where the
    // message id should be; the message id is the `;messageid=` part.
    expect(announced).toBe(`posted ${digest};messageid=${post?.id} as ${digest};messageid=${post?.id}`);
    expect(fake.callsTo('getConversationPagedMembers')[0]?.params).toMatchObject({ conversationId: team.id, pageSize: '2' });
  });

  it('sends proactively: continueConversationAsync with a stored reference, createConversationAsync for a 1:1, and 403 when the app is not installed', async () => {
    await postActivity(url, installationUpdate(env, { from: 'Ann Author' }), { token: fake.mintActivityToken() });
    const reference = bot.references[0]!;
    const appId = fake.directory.appId;

    await adapter.continueConversationAsync(appId, reference, async (context) => {
      await context.sendActivity('Your post was approved.');
    });
    const annChat = fake.directory.personalChatId('Ann Author');
    expect(fake.state.lastMessage(annChat)?.activity.text).toBe('Your post was approved.');
    // botbuilder sends proactive messages as replies to the continuation activity it makes up.
    expect(fake.callsTo('replyToActivity')[0]).toMatchObject({ params: { conversationId: annChat }, auth: { valid: true } });
    expect(fake.callsTo('replyToActivity')[0]?.params.activityId).not.toBe(reference.activityId);

    // In a channel the conversation id decides: a thread's id replies in it, the bare channel id starts a post.
    const approvals = fake.directory.channel('Approvals');
    const inThread = {
      ...reference,
      conversation: {
        ...reference.conversation,
        id: `${approvals.id};messageid=1712345678901`,
        conversationType: 'channel',
        isGroup: true,
      },
    };
    const newPost = { ...inThread, conversation: { ...inThread.conversation, id: approvals.id } };
    await adapter.continueConversationAsync(appId, inThread, async (context) => void (await context.sendActivity('in the thread')));
    await adapter.continueConversationAsync(appId, newPost, async (context) => void (await context.sendActivity('a new post')));
    expect(fake.state.thread(approvals.id, '1712345678901').map((m) => m.activity.text)).toEqual(['in the thread']);
    expect(fake.state.messagesIn(approvals.id).map((m) => m.activity.text)).toEqual(['a new post']);

    const open = (who: string) => {
      const user = fake.directory.user(who);
      return new Promise<string>((resolve, reject) => {
        adapter
          .createConversationAsync(
            appId,
            'msteams',
            fake.serviceUrl,
            BOT_FRAMEWORK_AUDIENCE,
            {
              isGroup: false,
              bot: fake.directory.bot,
              members: [{ id: user.id, name: user.name }],
              tenantId: fake.directory.tenantId,
              channelData: { tenant: { id: fake.directory.tenantId } },
            },
            async (context) => {
              await context.sendActivity('Hello from Greenlight');
              resolve(context.activity.conversation.id);
            },
          )
          .catch(reject);
      });
    };

    const bobChat = await open('Bob Approver');
    expect(bobChat).toBe(fake.directory.personalChatId('Bob Approver'));
    expect(fake.state.lastMessage(bobChat)?.activity.text).toBe('Hello from Greenlight');
    await expect(open('Mallory')).rejects.toMatchObject({ statusCode: 403, code: 'BotNotInConversationRoster' });
  });

  it('retries a 429 after its Retry-After, as botbuilder does by itself', async () => {
    fake.failNext('replyToActivity', { status: 429, retryAfterSeconds: 1 });
    const response = await postActivity(url, personalMessage(env, { from: 'Ann Author', text: 'busy?' }), {
      token: fake.mintActivityToken(),
    });

    expect(response.status).toBe(200);
    expect(fake.callsTo('replyToActivity').map((c) => c.status)).toEqual([429, 201]);
    expect(fake.callsTo('replyToActivity')[0]?.response).toEqual({ error: { code: 'Throttled', message: 'Too many requests.' } });
  });

  it('understands Teams membership and installation activities', async () => {
    const joined = await postActivity(url, membersAdded(env, { from: 'Carol Manager', where: { channel: 'General' }, members: ['bot'] }), {
      token: fake.mintActivityToken(),
    });
    const installed = await postActivity(url, installationUpdate(env, { from: 'Carol Manager', where: { channel: 'Approvals' } }), {
      token: fake.mintActivityToken(),
    });

    expect([joined.status, installed.status]).toEqual([200, 200]);
    expect(bot.turns).toEqual(['conversationUpdate', 'installationUpdate']);
    expect(bot.references[1]?.conversation.id).toBe(fake.directory.teams[0]!.id);
  });

  it('issues tokens only for the bot’s own secret and tenant, in AAD’s error shape', async () => {
    const form = (fields: Record<string, string>) =>
      fetch(`${fake.origin}/${fake.directory.tenantId}/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields),
      });
    const good = {
      grant_type: 'client_credentials',
      client_id: fake.directory.appId,
      client_secret: fake.credentials!.appPassword,
      scope: `${BOT_FRAMEWORK_AUDIENCE}/.default`,
    };

    const ok = await form(good);
    const badSecret = await form({ ...good, client_secret: 'guess' });
    const otherTenant = await fetch(`${fake.origin}/botframework.com/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams(good),
    });

    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ token_type: 'Bearer', expires_in: 3599 });
    expect(badSecret.status).toBe(401);
    expect(await badSecret.json()).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
    expect(otherTenant.status).toBe(400);
    expect(await otherTenant.json()).toMatchObject({ error: 'unauthorized_client', error_codes: [700016] });
    expect(fake.callsTo('token').every((c) => (c.body as { client_secret: string }).client_secret === '<redacted>')).toBe(true);
  });

  it('refuses connector calls that carry any token but one AAD issued to the bot', async () => {
    const response = await fetch(
      `${fake.serviceUrl}v3/conversations/${encodeURIComponent(fake.directory.personalChatId('Ann Author'))}/activities`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${fake.mintActivityToken()}` },
        body: JSON.stringify({ type: 'message', text: 'not from the bot' }),
      },
    );

    expect(response.status).toBe(401);
    expect(fake.state.messagesIn(fake.directory.personalChatId('Ann Author'))).toEqual([]);
  });
});

/** A token for the bot from the fake AAD, fetched as the bot would (for calling the connector by hand). */
async function botToken(fake: FakeBotConnector): Promise<string> {
  const response = await fetch(`${fake.origin}/${fake.directory.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: fake.directory.appId,
      client_secret: fake.credentials!.appPassword,
      scope: `${BOT_FRAMEWORK_AUDIENCE}/.default`,
    }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

describe('local mode: no app id, no tokens (as with the Microsoft 365 Agents Playground)', () => {
  let fake: FakeBotConnector;
  let bot: ThrowawayBot;
  let adapter: CloudAdapter;
  let url: string;
  let server: Server;
  let env: TeamsEnvironment;

  beforeAll(async () => {
    fake = await startFakeBotConnector({ credentials: false });
    env = teamsEnvironment(fake);
    adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication(fake.botFrameworkAuthConfig()));
    bot = new ThrowawayBot();
    ({ url, server } = await serveBot(adapter, bot));
  });
  afterAll(async () => {
    await closeServer(server);
    await fake.close();
  });

  it('processes an activity that carries no token and replies without one', async () => {
    const response = await postActivity(url, personalMessage(env, { from: 'Ann Author', text: 'hi' }));

    expect(response.status).toBe(200);
    const reply = await fake.waitFor('replyToActivity');
    expect(reply.auth.presented).toBe(false);
    expect(fake.state.lastMessage(fake.directory.personalChatId('Ann Author'))?.activity.text).toBe('echo: hi');
    expect(fake.callsTo('token')).toEqual([]);
  });

  it('still answers invokes in the HTTP body, and sends proactively without a token', async () => {
    const invoke = await postActivity(
      url,
      adaptiveCardAction(env, {
        from: 'Bob Approver',
        on: { id: '1', conversationId: fake.directory.personalChatId('Bob Approver') },
        verb: 'reject',
      }),
    );
    expect(invoke.json).toMatchObject({ statusCode: 200, value: card('reject clicked') });

    await adapter.continueConversationAsync('', bot.references.at(-1)!, async (context) => {
      await context.sendActivity('later');
    });
    expect(fake.state.lastMessage(fake.directory.personalChatId('Bob Approver'))?.activity.text).toBe('later');
    expect(fake.calls.at(-1)).toMatchObject({ operation: 'replyToActivity', auth: { presented: false } });
  });
});

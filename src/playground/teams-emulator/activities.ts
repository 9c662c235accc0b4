/**
 * Activities exactly as Microsoft Teams posts them to a bot's messaging endpoint (1:1 and
 * channel messages, message-extension and Adaptive Card invokes, installation and membership
 * updates), with Teams' channelData, `aadObjectId` on `from`, `localTimezone` and mention
 * entities, so tests can drive the real botbuilder CloudAdapter over HTTP. Pairs with the fake
 * Bot Connector in test/fakes/teams: people, ids and the serviceUrl come from its directory,
 * and a card the fake recorded can be clicked (`adaptiveCardAction({ on: message })`).
 */
import { randomUUID } from 'node:crypto';
import { TeamsDirectory, type TeamsChannel, type TeamsUser } from './directory.js';
import { threadConversationId } from './ids.js';
import type { FakeBotConnector } from './server.js';

export type TeamsActivity = {
  [key: string]: unknown;
  type: string;
  id: string;
  channelId: 'msteams';
  serviceUrl: string;
  from: { id: string; name: string; aadObjectId?: string };
  conversation: { id: string; conversationType: string; tenantId: string; isGroup?: boolean };
  recipient: { id: string; name: string };
};

/** Where activities come from: the tenant's directory and the serviceUrl replies go to. */
export interface TeamsEnvironment {
  serviceUrl: string;
  directory: TeamsDirectory;
}

export const teamsEnvironment = (fake: FakeBotConnector): TeamsEnvironment => ({ serviceUrl: fake.serviceUrl, directory: fake.directory });

/** For processes without a fake connector (benchmarks of invokes, which need no outgoing call). */
export const standaloneTeamsEnvironment = (
  serviceUrl = 'http://127.0.0.1:9/teams/',
  directory = new TeamsDirectory(),
): TeamsEnvironment => ({ serviceUrl, directory });

/** Where an activity happens: a person's 1:1 chat with the bot (default), or a channel (optionally inside a thread). */
export type Where = 'personal' | { channel: string; threadRootId?: string };

/** Someone by AAD object id, UPN, `29:` id or display name, or the directory's own record. */
export type Person = TeamsUser | string;

interface Common {
  from: Person;
  where?: Where;
  /** Overrides the person's own zone as the client reports it. */
  localTimezone?: string;
  /** When the client sent it (default now). */
  at?: Date;
  /** The activity id (default: a Teams-shaped one). */
  id?: string;
}

let lastMessageId = 0;
/** Teams message ids are epoch milliseconds; kept unique when two are built in the same one. */
const messageId = (at: Date) => String((lastMessageId = Math.max(at.getTime(), lastMessageId + 1)));
const invokeId = () => `f:${randomUUID()}`;

/** `2024-04-05T14:34:56.789+02:00`: the client's wall clock with its offset, as Teams sends `localTimestamp`. */
function localTimestamp(at: Date, zone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const wall = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  const offsetMinutes = Math.round((wall - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  const ms = String(at.getUTCMilliseconds()).padStart(3, '0');
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}.${ms}${offset}`;
}

const person = (env: TeamsEnvironment, who: Person): TeamsUser => (typeof who === 'string' ? env.directory.user(who) : who);

interface Place {
  conversation: TeamsActivity['conversation'];
  channelData: Record<string, unknown>;
  channel?: TeamsChannel;
}

function place(env: TeamsEnvironment, where: Where, user: TeamsUser, rootForNewPost?: string): Place {
  const { directory } = env;
  if (where === 'personal') {
    return {
      conversation: { conversationType: 'personal', tenantId: directory.tenantId, id: directory.personalChatId(user) },
      channelData: { tenant: { id: directory.tenantId } },
    };
  }
  const channel = directory.channel(where.channel);
  const root = where.threadRootId ?? rootForNewPost;
  return {
    conversation: {
      isGroup: true,
      conversationType: 'channel',
      tenantId: directory.tenantId,
      id: root ? threadConversationId(channel.id, root) : channel.id,
    },
    channelData: {
      teamsChannelId: channel.id,
      teamsTeamId: channel.teamId,
      channel: { id: channel.id },
      team: { id: channel.teamId },
      tenant: { id: directory.tenantId },
    },
    channel,
  };
}

function base(env: TeamsEnvironment, type: string, id: string, common: Common, where: Place): TeamsActivity {
  const user = person(env, common.from);
  const at = common.at ?? new Date();
  const zone = common.localTimezone ?? user.timezone;
  return {
    type,
    id,
    timestamp: at.toISOString(),
    localTimestamp: localTimestamp(at, zone),
    channelId: 'msteams',
    serviceUrl: env.serviceUrl,
    from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
    conversation: where.conversation,
    recipient: { id: env.directory.bot.id, name: env.directory.bot.name },
    entities: [{ type: 'clientInfo', locale: 'en-US', country: 'US', platform: 'Web', timezone: zone }],
    channelData: where.channelData,
    locale: 'en-US',
    localTimezone: zone,
  };
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A message someone types to the bot in their 1:1 chat with it. */
export function personalMessage(env: TeamsEnvironment, options: Omit<Common, 'where'> & { text: string }): TeamsActivity {
  const at = options.at ?? new Date();
  const id = options.id ?? messageId(at);
  const user = person(env, options.from);
  return {
    ...base(env, 'message', id, { ...options, at }, place(env, 'personal', user)),
    text: options.text,
    textFormat: 'plain',
    attachments: [{ contentType: 'text/html', content: `<p>${escapeHtml(options.text)}</p>` }],
  };
}

/**
 * A channel post that @mentions the bot: `text` is what follows the mention. A new post
 * starts a thread (its conversation id is `{channel};messageid={its own id}`); with
 * `threadRootId` it is a reply in that thread.
 */
export function channelMention(
  env: TeamsEnvironment,
  options: Omit<Common, 'where'> & { channel: string; text: string; threadRootId?: string },
): TeamsActivity {
  const at = options.at ?? new Date();
  const id = options.id ?? messageId(at);
  const user = person(env, options.from);
  const { bot } = env.directory;
  const mention = `<at>${bot.name}</at>`;
  const activity = base(
    env,
    'message',
    id,
    { ...options, at },
    place(env, { channel: options.channel, threadRootId: options.threadRootId }, user, id),
  );
  return {
    ...activity,
    text: `${mention} ${options.text}`,
    textFormat: 'plain',
    attachments: [
      {
        contentType: 'text/html',
        content: `<div><div><span itemscope="" itemtype="http://schema.skype.com/Mention" itemid="0">${escapeHtml(bot.name)}</span> ${escapeHtml(options.text)}</div></div>`,
      },
    ],
    entities: [{ type: 'mention', text: mention, mentioned: { id: bot.id, name: bot.name } }, ...(activity.entities as unknown[])],
    ...(options.threadRootId ? { replyToId: options.threadRootId } : {}),
  };
}

interface ComposeOptions extends Common {
  commandId?: string;
  /** `compose` (the compose box, default), `commandBox` or `message` (a message's … menu). */
  commandContext?: 'compose' | 'commandBox' | 'message';
}

function composeInvoke(env: TeamsEnvironment, name: string, options: ComposeOptions, value: Record<string, unknown>): TeamsActivity {
  const user = person(env, options.from);
  const activity = base(env, 'invoke', options.id ?? invokeId(), options, place(env, options.where ?? 'personal', user));
  return {
    ...activity,
    name,
    channelData: { ...(activity.channelData as Record<string, unknown>), source: { name: options.commandContext ?? 'compose' } },
    value: {
      commandId: options.commandId ?? 'draftPost',
      commandContext: options.commandContext ?? 'compose',
      context: { theme: 'default' },
      ...value,
    },
  };
}

/** Someone opens the action command's dialog (`composeExtension/fetchTask`). */
export function composeFetchTask(env: TeamsEnvironment, options: ComposeOptions): TeamsActivity {
  return composeInvoke(env, 'composeExtension/fetchTask', options, {});
}

/** Someone submits the action command's dialog (`composeExtension/submitAction`) with the form's values. */
export function composeSubmitAction(env: TeamsEnvironment, options: ComposeOptions & { data: Record<string, unknown> }): TeamsActivity {
  return composeInvoke(env, 'composeExtension/submitAction', options, { data: options.data });
}

/** The message a card is on, e.g. a FakeTeamsMessage the fake recorded. */
export interface CardMessage {
  id: string;
  /** The channel or chat id. */
  conversationId: string;
  /** Set for channel posts: the thread the card is in (its own id for a root post). */
  threadRootId?: string;
}

/**
 * A click on an `Action.Execute` button (`trigger: manual`), or Teams refreshing the card for
 * someone (`trigger: automatic`), on the card posted as `on`.
 */
export function adaptiveCardAction(
  env: TeamsEnvironment,
  options: Omit<Common, 'where'> & {
    on: CardMessage;
    verb: string;
    data?: Record<string, unknown>;
    trigger?: 'manual' | 'automatic';
    title?: string;
  },
): TeamsActivity {
  const user = person(env, options.from);
  const channel = env.directory.findChannel(options.on.conversationId);
  const where: Where = channel ? { channel: channel.id, threadRootId: options.on.threadRootId ?? options.on.id } : 'personal';
  const activity = base(env, 'invoke', options.id ?? invokeId(), options, place(env, where, user));
  return {
    ...activity,
    name: 'adaptiveCard/action',
    replyToId: options.on.id,
    value: {
      action: { type: 'Action.Execute', title: options.title ?? options.verb, verb: options.verb, data: options.data ?? {} },
      trigger: options.trigger ?? 'manual',
    },
  };
}

/** The app was installed (or removed) for a person, or in a team (`where: { channel }` names the channel picked). */
export function installationUpdate(env: TeamsEnvironment, options: Common & { action?: 'add' | 'remove' }): TeamsActivity {
  const user = person(env, options.from);
  const where = options.where ?? 'personal';
  const at = place(env, where, user);
  let channelData: Record<string, unknown> = { ...at.channelData, source: { name: 'message' } };
  let conversation = at.conversation;
  if (at.channel) {
    const team = env.directory.team(at.channel.teamId)!;
    // Team installs arrive on the team's General channel, naming the channel that was picked.
    conversation = { ...conversation, id: team.id };
    channelData = {
      settings: { selectedChannel: { id: at.channel.id } },
      channel: { id: at.channel.id },
      team: { id: team.id, name: team.name, aadGroupId: team.aadGroupId },
      tenant: { id: env.directory.tenantId },
      source: { name: 'message' },
    };
  }
  return {
    ...base(env, 'installationUpdate', options.id ?? invokeId(), options, { conversation, channelData }),
    action: options.action ?? 'add',
  };
}

/**
 * Members joined a conversation: `'bot'` for the bot itself (it was added to a team, or a
 * person started a 1:1 with it), or people.
 */
export function membersAdded(env: TeamsEnvironment, options: Common & { members: Array<'bot' | Person> }): TeamsActivity {
  const user = person(env, options.from);
  const where = options.where ?? 'personal';
  const at = place(env, where, user);
  const members = options.members.map((m) => {
    if (m === 'bot') return { id: env.directory.bot.id };
    const p = person(env, m);
    return { id: p.id, aadObjectId: p.aadObjectId };
  });
  if (!at.channel) return { ...base(env, 'conversationUpdate', options.id ?? invokeId(), options, at), membersAdded: members };
  const team = env.directory.team(at.channel.teamId)!;
  return {
    ...base(env, 'conversationUpdate', options.id ?? invokeId(), options, {
      conversation: { ...at.conversation, id: team.id },
      channelData: {
        team: { id: team.id, name: team.name, aadGroupId: team.aadGroupId },
        eventType: 'teamMemberAdded',
        tenant: { id: env.directory.tenantId },
      },
    }),
    membersAdded: members,
  };
}

export interface PostedResponse {
  status: number;
  text: string;
  /** The body parsed, when it is JSON (invoke responses come back this way). */
  json?: unknown;
}

/**
 * Posts an activity the way the Bot Framework channel does: JSON, with `Authorization: Bearer
 * <token>` when a token is given (see FakeBotConnector.mintActivityToken).
 */
export async function postActivity(
  url: string,
  activity: TeamsActivity | Record<string, unknown>,
  options: { token?: string; headers?: Record<string, string> } = {},
): Promise<PostedResponse> {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(activity) });
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, ...(json === undefined ? {} : { json }) };
}

/**
 * A dialog (task module) opened or submitted from a card's `Action.Submit` with
 * `msteams: { type: 'task/fetch' }`: Teams sends `task/fetch` with the button's data, then
 * `task/submit` with the dialog card's data and inputs.
 */
export function taskInvoke(
  env: TeamsEnvironment,
  options: Common & { name: 'task/fetch' | 'task/submit'; data: Record<string, unknown> },
): TeamsActivity {
  const user = person(env, options.from);
  const activity = base(env, 'invoke', options.id ?? invokeId(), options, place(env, options.where ?? 'personal', user));
  return { ...activity, name: options.name, value: { data: options.data, context: { theme: 'default' } } };
}

import { z } from 'zod';
import { CONNECTOR_ERRORS, type ConnectorError } from './connector-errors.js';
import type { TeamsChannel, TeamsDirectory, TeamsTeam, TeamsUser } from './directory.js';
import { parseConversationId, threadConversationId, type MessageIds } from './ids.js';
import type { FakeTeamsOperation } from './recorder.js';
import type { FakeTeamsState, PostedActivity } from './state.js';

/**
 * The Bot Connector REST API v3 operations botbuilder's ConnectorClient and TeamsInfo call,
 * answered from the fake tenant's directory and state. Each takes the decoded path parameters
 * and the parsed body and returns the status and JSON to answer.
 */

export interface OperationContext {
  directory: TeamsDirectory;
  state: FakeTeamsState;
  ids: MessageIds;
  now: () => number;
  /** AAD object ids of people the app is not installed for. */
  notInstalled: ReadonlySet<string>;
}

export interface Answer {
  status: number;
  body?: unknown;
}

type Operation = (ctx: OperationContext, params: Record<string, string>, body: unknown) => Answer;

const fail = (e: ConnectorError): Answer => ({ status: e.status, body: e.body });

/** The parts of an activity the fake looks at; everything else is stored as sent. */
const ActivityBody = z.looseObject({
  type: z.string(),
  id: z.string().optional(),
  replyToId: z.string().optional(),
  from: z.looseObject({ id: z.string() }).optional(),
});

const ConversationParameters = z.looseObject({
  isGroup: z.boolean().optional(),
  bot: z.looseObject({ id: z.string() }).optional(),
  members: z.array(z.looseObject({ id: z.string() })).optional(),
  tenantId: z.string().optional(),
  activity: ActivityBody.optional(),
  channelData: z
    .looseObject({ channel: z.looseObject({ id: z.string() }).optional(), tenant: z.looseObject({ id: z.string() }).optional() })
    .optional(),
});

type Place =
  | { kind: 'channel'; channel: TeamsChannel; team: TeamsTeam; rootMessageId: string | undefined }
  | { kind: 'team'; team: TeamsTeam }
  | { kind: 'personal'; user: TeamsUser };

/** Where a conversation id points: a channel (or one of its threads) or a person's 1:1 chat. */
function locate(ctx: OperationContext, conversationId: string): Place | undefined {
  const { base, rootMessageId } = parseConversationId(conversationId);
  const channel = ctx.directory.findChannel(base);
  if (channel) return { kind: 'channel', channel, team: ctx.directory.team(channel.teamId)!, rootMessageId };
  const user = ctx.directory.personalChatOwner(base);
  return user ? { kind: 'personal', user } : undefined;
}

/** Team-scoped lookups (members, details) take the team id, which is also its General channel. */
function locateForMembers(ctx: OperationContext, conversationId: string): Place | undefined {
  const team = ctx.directory.team(parseConversationId(conversationId).base);
  return team ? { kind: 'team', team } : locate(ctx, conversationId);
}

function parseActivity(body: unknown): z.infer<typeof ActivityBody> | Answer {
  const parsed = ActivityBody.safeParse(body);
  return parsed.success ? parsed.data : fail(CONNECTOR_ERRORS.badArgument('Activity is missing or has no type.'));
}

const isAnswer = (value: unknown): value is Answer =>
  typeof value === 'object' && value !== null && 'status' in value && typeof (value as Answer).status === 'number';

/**
 * Posts a message where Teams would put it: a new root post in a bare channel, a reply in a
 * thread, or the next message in a 1:1 chat. Only messages are kept; typing and other
 * activities are acknowledged and forgotten, as they leave nothing to see.
 */
function post(
  ctx: OperationContext,
  place: Exclude<Place, { kind: 'team' }>,
  activity: z.infer<typeof ActivityBody>,
  threadRoot: string | undefined,
): { id: string; conversationId: string } {
  const id = ctx.ids.next();
  const conversationId = place.kind === 'channel' ? place.channel.id : ctx.directory.personalChatId(place.user);
  if (activity.type !== 'message') return { id, conversationId };
  const rootId = place.kind === 'channel' ? (threadRoot ?? id) : undefined;
  const stored: PostedActivity = {
    ...activity,
    id,
    timestamp: new Date(ctx.now()).toISOString(),
    conversation: { id: rootId ? threadConversationId(conversationId, rootId) : conversationId },
  };
  ctx.state.add({
    id,
    conversationId,
    threadRootId: rootId,
    activity: stored,
    history: [],
    deleted: false,
    fromId: activity.from?.id,
    at: ctx.now(),
  });
  return { id, conversationId };
}

const sendToConversation: Operation = (ctx, { conversationId }, body) => {
  const place = locate(ctx, conversationId!);
  if (!place || place.kind === 'team') return fail(CONNECTOR_ERRORS.conversationNotFound);
  if (place.kind === 'personal' && ctx.notInstalled.has(place.user.aadObjectId)) return fail(CONNECTOR_ERRORS.botNotInRoster);
  const activity = parseActivity(body);
  if (isAnswer(activity)) return activity;
  const { id } = post(ctx, place, activity, place.kind === 'channel' ? place.rootMessageId : undefined);
  return { status: 201, body: { id } };
};

const replyToActivity: Operation = (ctx, { conversationId, activityId }, body) => {
  const place = locate(ctx, conversationId!);
  if (!place || place.kind === 'team') return fail(CONNECTOR_ERRORS.conversationNotFound);
  if (place.kind === 'personal' && ctx.notInstalled.has(place.user.aadObjectId)) return fail(CONNECTOR_ERRORS.botNotInRoster);
  const activity = parseActivity(body);
  if (isAnswer(activity)) return activity;
  // Teams threads by the conversation id: `{channel};messageid={root}` replies in that thread,
  // a bare channel id starts a new post whatever the replyToId. (botbuilder's proactive sends,
  // continueConversationAsync, reply to a made-up continuation id, and samples post new
  // threads by giving the bare channel id.)
  const root = place.kind === 'channel' ? place.rootMessageId : undefined;
  const { id } = post(ctx, place, { ...activity, replyToId: activityId }, root);
  return { status: 201, body: { id } };
};

const updateActivity: Operation = (ctx, { conversationId, activityId }, body) => {
  const place = locate(ctx, conversationId!);
  if (!place || place.kind === 'team') return fail(CONNECTOR_ERRORS.conversationNotFound);
  const activity = parseActivity(body);
  if (isAnswer(activity)) return activity;
  const message = ctx.state.message(conversationId!, activityId!);
  if (!message || message.deleted) return fail(CONNECTOR_ERRORS.activityNotFound);
  message.history.push(message.activity);
  message.activity = { ...activity, id: message.id, timestamp: message.activity.timestamp, conversation: message.activity.conversation };
  return { status: 200, body: { id: message.id } };
};

const deleteActivity: Operation = (ctx, { conversationId, activityId }) => {
  const place = locate(ctx, conversationId!);
  if (!place || place.kind === 'team') return fail(CONNECTOR_ERRORS.conversationNotFound);
  const message = ctx.state.message(conversationId!, activityId!);
  if (!message || message.deleted) return fail(CONNECTOR_ERRORS.activityNotFound);
  message.deleted = true;
  return { status: 200 };
};

/**
 * POST /v3/conversations: a 1:1 chat with one person (answered with the chat that already
 * exists between them, or 403 when the app is not installed for them), or a new root post in a
 * channel (`channelData.channel.id` plus the activity to post).
 */
const createConversation: Operation = (ctx, _params, body) => {
  const parsed = ConversationParameters.safeParse(body);
  if (!parsed.success) return fail(CONNECTOR_ERRORS.badConversationParameters);
  const params = parsed.data;
  const tenantId = params.tenantId ?? params.channelData?.tenant?.id;
  if (tenantId !== undefined && tenantId !== ctx.directory.tenantId) return fail(CONNECTOR_ERRORS.badConversationParameters);
  if (params.bot && params.bot.id !== ctx.directory.bot.id) return fail(CONNECTOR_ERRORS.badConversationParameters);

  const channelId = params.channelData?.channel?.id;
  if (channelId !== undefined) {
    const channel = ctx.directory.findChannel(channelId);
    if (!channel) return fail(CONNECTOR_ERRORS.conversationNotFound);
    if (!params.activity) return fail(CONNECTOR_ERRORS.badConversationParameters);
    const { id } = post(
      ctx,
      { kind: 'channel', channel, team: ctx.directory.team(channel.teamId)!, rootMessageId: undefined },
      params.activity,
      undefined,
    );
    return { status: 201, body: { id: threadConversationId(channel.id, id), activityId: id } };
  }

  // Teams needs the tenant to find the person, and opens chats with exactly one of them.
  if (tenantId === undefined || params.isGroup || params.members?.length !== 1) return fail(CONNECTOR_ERRORS.badConversationParameters);
  const user = ctx.directory.findUser(params.members[0]!.id);
  if (!user) return fail(CONNECTOR_ERRORS.badConversationParameters);
  if (ctx.notInstalled.has(user.aadObjectId)) return fail(CONNECTOR_ERRORS.botNotInRoster);
  const chatId = ctx.directory.personalChatId(user);
  ctx.state.personalChats.set(user.aadObjectId, chatId);
  if (!params.activity) return { status: 201, body: { id: chatId } };
  const { id } = post(ctx, { kind: 'personal', user }, params.activity, undefined);
  return { status: 201, body: { id: chatId, activityId: id } };
};

function membersOf(ctx: OperationContext, place: Place): TeamsUser[] {
  if (place.kind === 'personal') return [place.user];
  return place.team.memberAadObjectIds.map((id) => ctx.directory.user(id));
}

/** A member as the roster API describes one (`objectId`, not `aadObjectId`). */
function memberJson(ctx: OperationContext, user: TeamsUser): Record<string, unknown> {
  return {
    id: user.id,
    name: user.name,
    objectId: user.aadObjectId,
    givenName: user.givenName,
    surname: user.surname,
    email: user.email,
    userPrincipalName: user.userPrincipalName,
    tenantId: ctx.directory.tenantId,
    userRole: 'user',
  };
}

const getConversationMembers: Operation = (ctx, { conversationId }) => {
  const place = locateForMembers(ctx, conversationId!);
  if (!place) return fail(CONNECTOR_ERRORS.conversationNotFound);
  return { status: 200, body: membersOf(ctx, place).map((u) => memberJson(ctx, u)) };
};

/** The member id may be the `29:` id, the AAD object id or the UPN, as Teams documents. */
const getConversationMember: Operation = (ctx, { conversationId, memberId }) => {
  const place = locateForMembers(ctx, conversationId!);
  if (!place) return fail(CONNECTOR_ERRORS.conversationNotFound);
  const user = ctx.directory.findUser(memberId!);
  if (!user || !membersOf(ctx, place).includes(user)) return fail(CONNECTOR_ERRORS.memberNotFound);
  return { status: 200, body: memberJson(ctx, user) };
};

/** Pages of 50 to 500 members (Teams clamps the asked size); the token is an opaque offset. */
const getConversationPagedMembers: Operation = (ctx, { conversationId, pageSize, continuationToken }) => {
  const place = locateForMembers(ctx, conversationId!);
  if (!place) return fail(CONNECTOR_ERRORS.conversationNotFound);
  const size = Math.min(500, Math.max(50, Number(pageSize) || 50));
  const offset = continuationToken ? Number(Buffer.from(continuationToken, 'base64url').toString('utf8')) || 0 : 0;
  const all = membersOf(ctx, place);
  const page = all.slice(offset, offset + size).map((u) => memberJson(ctx, u));
  const next = offset + size < all.length ? Buffer.from(String(offset + size)).toString('base64url') : undefined;
  return { status: 200, body: { members: page, ...(next ? { continuationToken: next } : {}) } };
};

const fetchTeamDetails: Operation = (ctx, { teamId }) => {
  const team = ctx.directory.team(teamId!);
  if (!team) return fail(CONNECTOR_ERRORS.teamNotFound);
  return {
    status: 200,
    body: {
      id: team.id,
      name: team.name,
      aadGroupId: team.aadGroupId,
      channelCount: team.channels.length,
      memberCount: team.memberAadObjectIds.length,
      type: 'standard',
    },
  };
};

/** Teams lists the General channel without a name. */
const fetchChannelList: Operation = (ctx, { teamId }) => {
  const team = ctx.directory.team(teamId!);
  if (!team) return fail(CONNECTOR_ERRORS.teamNotFound);
  return {
    status: 200,
    body: { conversations: team.channels.map((c) => (c.name === undefined ? { id: c.id } : { id: c.id, name: c.name })) },
  };
};

export const CONNECTOR_OPERATIONS: Partial<Record<FakeTeamsOperation, Operation>> = {
  sendToConversation,
  replyToActivity,
  updateActivity,
  deleteActivity,
  createConversation,
  getConversationMembers,
  getConversationMember,
  getConversationPagedMembers,
  fetchTeamDetails,
  fetchChannelList,
};

/**
 * Which operation a request under the service URL is, from its method and the path after
 * `v3/` (segments already decoded), and its path parameters.
 */
export function routeConnector(
  method: string,
  segments: string[],
  query: URLSearchParams,
): { operation: FakeTeamsOperation; params: Record<string, string> } {
  const [root, id, sub, subId, ...rest] = segments;
  const unknown = { operation: 'unknown' as const, params: {} };
  if (rest.length > 0) return unknown;
  if (root === 'conversations') {
    if (id === undefined) return method === 'POST' ? { operation: 'createConversation', params: {} } : unknown;
    const conversationId = id;
    if (sub === 'activities' && subId === undefined && method === 'POST')
      return { operation: 'sendToConversation', params: { conversationId } };
    if (sub === 'activities' && subId !== undefined && subId !== 'history') {
      const params = { conversationId, activityId: subId };
      if (method === 'POST') return { operation: 'replyToActivity', params };
      if (method === 'PUT') return { operation: 'updateActivity', params };
      if (method === 'DELETE') return { operation: 'deleteActivity', params };
    }
    if (sub === 'members' && method === 'GET') {
      return subId === undefined
        ? { operation: 'getConversationMembers', params: { conversationId } }
        : { operation: 'getConversationMember', params: { conversationId, memberId: subId } };
    }
    if (sub === 'pagedmembers' && subId === undefined && method === 'GET') {
      const params: Record<string, string> = { conversationId };
      for (const key of ['pageSize', 'continuationToken']) {
        const value = query.get(key);
        if (value !== null) params[key] = value;
      }
      return { operation: 'getConversationPagedMembers', params };
    }
  }
  if (root === 'teams' && id !== undefined && method === 'GET') {
    if (sub === undefined) return { operation: 'fetchTeamDetails', params: { teamId: id } };
    if (sub === 'conversations' && subId === undefined) return { operation: 'fetchChannelList', params: { teamId: id } };
  }
  return unknown;
}

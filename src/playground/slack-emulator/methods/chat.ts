import { checkMessageBlocks, LIMITS } from '../block-kit-limits.js';
import { fail, invalidBlocks, ok, type SlackResult } from '../results.js';
import type { FakeMessage } from '../state.js';
import { resolveChannel, stringArg, type MethodContext, type MethodHandler } from '../workspace.js';

interface Content {
  text?: string;
  blocks?: unknown[];
}

/**
 * Validates message content the way Slack does before anything is stored: a message needs
 * text or blocks, text has a 40,000-character ceiling and blocks obey Block Kit limits.
 * Returns the content, or the error Slack would answer.
 */
export function checkContent(args: Record<string, unknown>): { error: SlackResult } | { content: Content } {
  const { text, blocks, attachments } = args;
  if (blocks !== undefined && !Array.isArray(blocks)) return { error: fail('invalid_blocks_format') };
  const hasText = typeof text === 'string' && text !== '';
  if (!hasText && blocks === undefined && attachments === undefined) return { error: fail('no_text') };
  if (typeof text === 'string' && [...text].length > LIMITS.messageText) return { error: fail('msg_too_long') };
  if (Array.isArray(blocks)) {
    const violations = checkMessageBlocks(blocks);
    if (violations.length > 0) return { error: invalidBlocks(violations) };
  }
  return {
    content: {
      ...(typeof text === 'string' ? { text } : {}),
      ...(Array.isArray(blocks) ? { blocks } : {}),
    },
  };
}

export function newMessage(ctx: MethodContext, channel: string, content: Content, extra: Partial<FakeMessage> = {}): FakeMessage {
  const { workspace: w } = ctx;
  return {
    type: 'message',
    channel,
    ts: ctx.ids.ts(),
    ...content,
    user: w.botUserId,
    bot_id: w.botId,
    app_id: w.appId,
    team: w.teamId,
    ...extra,
  };
}

/** Adds a message, threading it under its parent when `thread_ts` is given. */
export function postToChannel(ctx: MethodContext, message: FakeMessage): void {
  const parentTs = message.thread_ts;
  if (parentTs !== undefined) {
    const parent = ctx.state.message(message.channel, parentTs);
    if (parent) {
      parent.thread_ts = parent.ts;
      parent.reply_count = (parent.reply_count ?? 0) + 1;
      parent.latest_reply = message.ts;
    }
  }
  ctx.state.addMessage(message);
}

const withoutChannel = ({ channel: _channel, ...rest }: FakeMessage) => rest;

const postMessage: MethodHandler = (ctx) => {
  const channel = resolveChannel(ctx, stringArg(ctx.args, 'channel'));
  if (channel === undefined) return fail('channel_not_found');
  const checked = checkContent(ctx.args);
  if ('error' in checked) return checked.error;
  const { content } = checked;
  const threadTs = stringArg(ctx.args, 'thread_ts');
  const message = newMessage(ctx, channel, content, {
    ...(threadTs ? { thread_ts: threadTs } : {}),
    ...(ctx.args.metadata !== undefined ? { metadata: ctx.args.metadata } : {}),
  });
  postToChannel(ctx, message);
  return ok({ channel, ts: message.ts, message: withoutChannel(message) });
};

const update: MethodHandler = (ctx) => {
  const channel = resolveChannel(ctx, stringArg(ctx.args, 'channel'));
  if (channel === undefined) return fail('channel_not_found');
  const message = ctx.state.message(channel, stringArg(ctx.args, 'ts') ?? '');
  if (!message) return fail('message_not_found');
  const checked = checkContent(ctx.args);
  if ('error' in checked) return checked.error;
  const { content } = checked;
  // Documented chat.update semantics: blocks replace blocks; text without blocks drops them.
  if (content.blocks !== undefined) message.blocks = content.blocks;
  else if (content.text !== undefined) delete message.blocks;
  if (content.text !== undefined) message.text = content.text;
  message.edited = { user: ctx.workspace.botUserId, ts: ctx.ids.ts() };
  return ok({ channel, ts: message.ts, text: message.text ?? '', message: withoutChannel(message) });
};

const postEphemeral: MethodHandler = (ctx) => {
  const channel = resolveChannel(ctx, stringArg(ctx.args, 'channel'));
  if (channel === undefined) return fail('channel_not_found');
  const user = stringArg(ctx.args, 'user');
  if (user === undefined || (ctx.workspace.users.size > 0 && !ctx.workspace.users.has(user))) return fail('user_not_found');
  const checked = checkContent(ctx.args);
  if ('error' in checked) return checked.error;
  const { content } = checked;
  const threadTs = stringArg(ctx.args, 'thread_ts');
  const messageTs = ctx.ids.ts();
  ctx.state.addEphemeral({ channel, user, message_ts: messageTs, ...content, ...(threadTs ? { thread_ts: threadTs } : {}) });
  return ok({ message_ts: messageTs });
};

const getPermalink: MethodHandler = (ctx) => {
  const channel = resolveChannel(ctx, stringArg(ctx.args, 'channel'));
  if (channel === undefined) return fail('channel_not_found');
  const message = ctx.state.message(channel, stringArg(ctx.args, 'message_ts') ?? '');
  if (!message) return fail('message_not_found');
  const base = `https://${ctx.workspace.teamDomain}.slack.com/archives/${channel}/p${message.ts.replace('.', '')}`;
  const isReply = message.thread_ts !== undefined && message.thread_ts !== message.ts;
  const permalink = isReply ? `${base}?thread_ts=${message.thread_ts}&cid=${channel}` : base;
  return ok({ channel, permalink });
};

const deleteMessage: MethodHandler = (ctx) => {
  const channel = resolveChannel(ctx, stringArg(ctx.args, 'channel'));
  if (channel === undefined) return fail('channel_not_found');
  const ts = stringArg(ctx.args, 'ts') ?? '';
  const messages = ctx.state.channels.get(channel) ?? [];
  const index = messages.findIndex((m) => m.ts === ts);
  if (index < 0) return fail('message_not_found');
  messages.splice(index, 1);
  return ok({ channel, ts });
};

export const chatMethods: Record<string, MethodHandler> = {
  'chat.postMessage': postMessage,
  'chat.update': update,
  'chat.postEphemeral': postEphemeral,
  'chat.getPermalink': getPermalink,
  'chat.delete': deleteMessage,
};

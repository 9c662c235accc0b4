import { fail, ok } from '../results.js';
import type { FakeMessage } from '../state.js';
import { resolveChannel, stringArg, type MethodContext, type MethodHandler } from '../workspace.js';

/**
 * conversations.history and conversations.replies as Slack documents them: history is the
 * channel's top-level messages newest first, replies is the parent then its replies oldest
 * first; both bounded by `oldest`/`latest` (exclusive unless `inclusive`), and message
 * metadata is included only with `include_all_metadata`.
 */
function window(ctx: MethodContext): (m: FakeMessage) => boolean {
  const oldest = Number(stringArg(ctx.args, 'oldest') ?? '0');
  const latest = Number(stringArg(ctx.args, 'latest') ?? 'Infinity');
  const inclusive = ['true', '1'].includes(String(ctx.args.inclusive ?? ''));
  return (m) => {
    const ts = Number(m.ts);
    return inclusive ? ts >= oldest && ts <= latest : ts > oldest && ts < latest;
  };
}

function shown(ctx: MethodContext): (m: FakeMessage) => Record<string, unknown> {
  const withMetadata = ['true', '1'].includes(String(ctx.args.include_all_metadata ?? ''));
  return ({ channel: _channel, metadata, ...rest }) => (withMetadata && metadata !== undefined ? { ...rest, metadata } : rest);
}

function limitOf(ctx: MethodContext, fallback: number): number {
  const limit = Number(stringArg(ctx.args, 'limit') ?? fallback);
  return Number.isFinite(limit) && limit > 0 ? Math.min(limit, 999) : fallback;
}

const history: MethodHandler = (ctx) => {
  const channel = resolveChannel(ctx, stringArg(ctx.args, 'channel'));
  if (channel === undefined) return fail('channel_not_found');
  const inWindow = window(ctx);
  const all = ctx.state.messagesIn(channel).filter(inWindow).reverse();
  const limit = limitOf(ctx, 100);
  return ok({
    messages: all.slice(0, limit).map(shown(ctx)),
    has_more: all.length > limit,
    pin_count: 0,
    response_metadata: { next_cursor: '' },
  });
};

const replies: MethodHandler = (ctx) => {
  const channel = resolveChannel(ctx, stringArg(ctx.args, 'channel'));
  if (channel === undefined) return fail('channel_not_found');
  const ts = stringArg(ctx.args, 'ts');
  if (ts === undefined) return fail('invalid_arguments');
  const parent = ctx.state.message(channel, ts);
  if (!parent) return fail('thread_not_found');
  const inWindow = window(ctx);
  // The parent always comes first, whatever the window says.
  const all = [parent, ...ctx.state.thread(channel, ts).filter(inWindow)];
  const limit = limitOf(ctx, 1000);
  return ok({ messages: all.slice(0, limit).map(shown(ctx)), has_more: all.length > limit, response_metadata: { next_cursor: '' } });
};

export const historyMethods: Record<string, MethodHandler> = {
  'conversations.history': history,
  'conversations.replies': replies,
};

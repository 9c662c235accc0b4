import { randomBytes } from 'node:crypto';
import { checkContent, newMessage, postToChannel } from './methods/chat.js';
import { fail, ok, type SlackResult } from './results.js';
import type { MethodContext } from './workspace.js';

/** Where a response_url points: the conversation and user of the interaction that made it. */
export interface ResponseTarget {
  channel: string;
  user: string;
  /** The message a button was clicked on, for `replace_original` / `delete_original`. */
  messageTs?: string;
}

/**
 * Bolt's respond() POSTs JSON to the payload's response_url with plain fetch, not the
 * WebClient. Minting those URLs on the fake lets tests see what respond() showed.
 */
export class ResponseUrls {
  private readonly targets = new Map<string, ResponseTarget>();

  mint(origin: string, target: ResponseTarget): string {
    const id = randomBytes(12).toString('hex');
    this.targets.set(id, target);
    return `${origin}/response/${id}`;
  }

  get(id: string): ResponseTarget | undefined {
    return this.targets.get(id);
  }

  clear(): void {
    this.targets.clear();
  }
}

/** Applies a response_url post (ephemeral by default, like Slack) and returns the outcome. */
export function applyResponse(ctx: MethodContext, target: ResponseTarget): SlackResult {
  const { args, state } = ctx;
  const original = target.messageTs === undefined ? undefined : state.message(target.channel, target.messageTs);
  if (args.delete_original === true) {
    if (!original) return fail('message_not_found');
    const messages = state.channels.get(target.channel) ?? [];
    messages.splice(messages.indexOf(original), 1);
    return ok();
  }
  const checked = checkContent(args);
  if ('error' in checked) return checked.error;
  const { content } = checked;
  const threadTs = typeof args.thread_ts === 'string' ? args.thread_ts : undefined;
  if (args.replace_original === true && original) {
    original.text = content.text ?? original.text;
    if (content.blocks !== undefined) original.blocks = content.blocks;
    else delete original.blocks;
    return ok();
  }
  if (args.response_type === 'in_channel') {
    postToChannel(ctx, newMessage(ctx, target.channel, content, threadTs ? { thread_ts: threadTs } : {}));
    return ok();
  }
  state.addEphemeral({
    channel: target.channel,
    user: target.user,
    message_ts: ctx.ids.ts(),
    ...content,
    ...(threadTs ? { thread_ts: threadTs } : {}),
  });
  return ok();
}

import { parseConversationId } from './ids.js';

/**
 * What the bot posted, as people would see it, for tests to assert on: every message per
 * conversation (channel or chat) in posting order, thread replies included, with edits
 * applied and earlier versions kept. People's own messages go to the bot, not through the
 * connector, so they are not here.
 */

/** An activity as the bot sent it (JSON), plus what Teams filled in. */
export type PostedActivity = { [key: string]: unknown; id: string; type?: string; text?: string; attachments?: unknown[] };

export interface FakeTeamsMessage {
  id: string;
  /** The channel (`19:…@thread.tacv2`) or chat (`a:1…`) the message is in, never a thread id. */
  conversationId: string;
  /** In a channel: the thread's root message id (its own id for a root). Undefined in chats. */
  threadRootId: string | undefined;
  /** The latest version, as posted or as last updated. */
  activity: PostedActivity;
  /** Earlier versions, oldest first (one per updateActivity). */
  history: PostedActivity[];
  deleted: boolean;
  /** `28:…` for the bot's own posts. */
  fromId: string | undefined;
  /** When it was posted (the fake's clock, ms). */
  at: number;
}

export interface TeamsSnapshot {
  conversations: Array<[string, FakeTeamsMessage[]]>;
  personalChats: Array<[string, string]>;
}

export class FakeTeamsState {
  /** Messages by channel or chat id, thread replies included, in posting order. */
  readonly conversations = new Map<string, FakeTeamsMessage[]>();
  /** 1:1 chats opened by createConversation, by the person's AAD object id. */
  readonly personalChats = new Map<string, string>();
  /** Images people pasted into messages, by attachment id: what `GET v3/attachments/{id}/views/original` serves. */
  readonly attachments = new Map<string, { bytes: Buffer; type: string }>();
  /** Files attached in 1:1 chats, by OneDrive unique id: what their pre-authorised download links serve. */
  readonly files = new Map<string, { bytes: Buffer; tempauth: string }>();

  /** Top-level posts in a channel, or every message in a chat; deleted ones left out. */
  messagesIn(conversationId: string): FakeTeamsMessage[] {
    const { base } = parseConversationId(conversationId);
    return this.all(base).filter((m) => !m.deleted && (m.threadRootId === undefined || m.threadRootId === m.id));
  }

  /** Replies under a channel thread's root (not the root itself), oldest first. */
  thread(channelOrThreadId: string, rootMessageId?: string): FakeTeamsMessage[] {
    const parsed = parseConversationId(channelOrThreadId);
    const root = rootMessageId ?? parsed.rootMessageId;
    if (root === undefined) throw new Error(`thread(): give a root message id or a thread conversation id, not ${channelOrThreadId}`);
    return this.all(parsed.base).filter((m) => !m.deleted && m.threadRootId === root && m.id !== root);
  }

  message(conversationId: string, id: string): FakeTeamsMessage | undefined {
    return this.all(parseConversationId(conversationId).base).find((m) => m.id === id);
  }

  /** The newest top-level message, the usual thing a test inspects. */
  lastMessage(conversationId: string): FakeTeamsMessage | undefined {
    return this.messagesIn(conversationId).at(-1);
  }

  add(message: FakeTeamsMessage): void {
    this.conversations.set(message.conversationId, [...this.all(message.conversationId), message]);
  }

  /** What survives a restart of the playground: the conversations and the 1:1 chats opened. */
  snapshot(): TeamsSnapshot {
    return { conversations: [...this.conversations], personalChats: [...this.personalChats] };
  }

  restore(snapshot: TeamsSnapshot): void {
    for (const [id, messages] of snapshot.conversations) this.conversations.set(id, messages);
    for (const [aad, chat] of snapshot.personalChats) this.personalChats.set(aad, chat);
  }

  clear(): void {
    this.conversations.clear();
    this.personalChats.clear();
    this.attachments.clear();
  }

  private all(base: string): FakeTeamsMessage[] {
    return this.conversations.get(base) ?? [];
  }
}

/** The first Adaptive Card a message carries (its `content`), if any. */
export function adaptiveCardOf(message: FakeTeamsMessage | PostedActivity | undefined): Record<string, unknown> | undefined {
  const activity: PostedActivity | undefined = message && isStoredMessage(message) ? message.activity : message;
  const attachment = activity?.attachments?.find(
    (a): a is { contentType: string; content: Record<string, unknown> } =>
      typeof a === 'object' && a !== null && (a as { contentType?: unknown }).contentType === 'application/vnd.microsoft.card.adaptive',
  );
  return attachment?.content;
}

const isStoredMessage = (value: FakeTeamsMessage | PostedActivity): value is FakeTeamsMessage => 'history' in value && 'activity' in value;

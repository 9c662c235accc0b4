/**
 * Where the chats find things again: the message that shows a post (per chat and purpose),
 * and the conversation references a chat needs to reach a person or a channel later.
 */
import type Database from 'better-sqlite3';
import type { ChatPlatform } from '../../src/domain/post.js';
import type { ChatConversation, ChatMessageRef } from '../store.js';
import type { SqliteContext } from './context.js';
import { json, ms, parseReference, read } from './rows.js';
import * as schema from './schema.js';

export class ChatReferences {
  #conversationStatement: Database.Statement | undefined;

  constructor(private readonly ctx: SqliteContext) {}

  saveMessage(ref: ChatMessageRef, at: Date): Promise<void> {
    const { db, write } = this.ctx;
    const reference = json(ref.reference);
    return write(() => {
      db.insert(schema.chatMessages)
        .values({ ...ref, reference, createdAt: ms(at), updatedAt: ms(at) })
        .onConflictDoUpdate({
          target: [schema.chatMessages.postId, schema.chatMessages.platform, schema.chatMessages.purpose],
          set: { channelId: ref.channelId, messageId: ref.messageId, reference, updatedAt: ms(at) },
        })
        .run();
    });
  }

  getMessage(postId: number, platform: ChatPlatform, purpose: string): ChatMessageRef | undefined {
    const found = this.ctx.q.chatMessage.rows({ postId, platform, purpose })[0];
    if (!found) return undefined;
    const row = read.chatMessage(found);
    return {
      postId: row.postId,
      platform: row.platform as ChatPlatform,
      purpose: row.purpose,
      channelId: row.channelId,
      messageId: row.messageId,
      reference: parseReference(row.reference),
    };
  }

  saveConversation(c: ChatConversation, at: Date): Promise<void> {
    const { db, write } = this.ctx;
    const reference = JSON.stringify(c.reference);
    return write(() => {
      db.insert(schema.chatConversations)
        .values({ platform: c.platform, kind: c.kind, key: c.key, reference, setBy: c.setBy ?? null, createdAt: ms(at), updatedAt: ms(at) })
        .onConflictDoUpdate({
          target: [schema.chatConversations.platform, schema.chatConversations.kind, schema.chatConversations.key],
          set: { reference, setBy: c.setBy ?? null, updatedAt: ms(at) },
        })
        .run();
    });
  }

  getConversation(platform: ChatPlatform, kind: ChatConversation['kind'], key: string): ChatConversation | undefined {
    // Read for every piece of Teams news and every click: a statement prepared once.
    this.#conversationStatement ??= this.ctx.sqlite.prepare(
      'SELECT reference, set_by AS setBy FROM chat_conversations WHERE platform = ? AND kind = ? AND key = ?',
    );
    const row = this.#conversationStatement.get(platform, kind, key) as { reference: string; setBy: number | null } | undefined;
    return row && { platform, kind, key, reference: JSON.parse(row.reference) as Record<string, unknown>, setBy: row.setBy };
  }
}

import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../observability/logger.js';
import { joinStamped, type Message, type Stamped } from './blocks/messages.js';
import { newsMetadata, slackOldest, stampedIds } from './news-stamp.js';
import { BatchedSends } from '../news/batched-sends.js';

/**
 * Tells one person something only they see: an ephemeral message where they clicked, or
 * in their DM with the bot when the click came from App Home or a dialog. Ephemeral replies
 * answer someone who is waiting and use `client`; DMs are news and use `news`.
 */
export class PrivateNotices {
  readonly #dms = new Map<string, string>();
  readonly #batches = new BatchedSends<Stamped>((userId, messages) => this.#send(userId, messages));

  constructor(
    private readonly client: WebClient,
    private readonly logger: Logger,
    private readonly news: WebClient = client,
  ) {}

  /** The DM channel between the bot and `userId` (opened once, remembered). */
  async #dmChannel(userId: string, client: WebClient): Promise<string> {
    const known = this.#dms.get(userId);
    if (known) return known;
    const opened = await client.conversations.open({ users: userId });
    const id = opened.channel?.id;
    if (!id) throw new Error('conversations.open returned no channel');
    this.#dms.set(userId, id);
    return id;
  }

  /**
   * A normal message in the person's DM (it stays, with its buttons). While a DM to them is
   * being sent, further ones wait and then go as one message: a burst of approvals or a post
   * published on several networks at once gives the author one note instead of a stream
   * (Slack also allows only about one message a second per conversation). A lone message
   * goes at once. `ids` are the outbox rows the message reports: stamped on it so that
   * `sentIds` can find it again.
   */
  direct(userId: string, message: Message, ids: readonly number[] = []): Promise<void> {
    return this.#batches.send(userId, { message, ids: [...ids] });
  }

  async #send(userId: string, messages: Stamped[]): Promise<void> {
    const channel = await this.#dmChannel(userId, this.news);
    for (const { message, ids } of joinStamped(messages)) {
      await this.news.chat.postMessage({
        channel,
        text: message.text,
        blocks: message.blocks,
        ...(ids.length ? { metadata: newsMetadata(ids) } : {}),
      });
    }
  }

  /** Outbox rows already shown in the person's DM since `since` (to send nothing twice). */
  async sentIds(userId: string, since: Date): Promise<Set<number>> {
    const channel = await this.#dmChannel(userId, this.news);
    const found = new Set<number>();
    let cursor: string | undefined;
    do {
      const page = await this.news.conversations.history({
        channel,
        oldest: slackOldest(since),
        include_all_metadata: true,
        limit: 200,
        ...(cursor ? { cursor } : {}),
      });
      for (const message of page.messages ?? []) for (const id of stampedIds(message as Parameters<typeof stampedIds>[0])) found.add(id);
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor);
    return found;
  }

  /** An ephemeral message in `channelId` (or their DM): only they see it. */
  async ephemeral(userId: string, channelId: string | undefined, message: Message): Promise<void> {
    try {
      await this.client.chat.postEphemeral({
        channel: channelId ?? (await this.#dmChannel(userId, this.client)),
        user: userId,
        text: message.text,
        blocks: message.blocks,
      });
    } catch (error) {
      // The bot may not be in that channel; the DM always works.
      this.logger.warn('ephemeral message failed; sending it as a DM', { user: userId, channel: channelId, error });
      await this.direct(userId, message);
    }
  }
}

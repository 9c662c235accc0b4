import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../observability/logger.js';
import type { Message } from './blocks/messages.js';

/**
 * Tells one person something only they see: an ephemeral message where they clicked, or
 * in their DM with the bot when the click came from App Home or a dialog.
 */
export class PrivateNotices {
  readonly #dms = new Map<string, string>();

  constructor(
    private readonly client: WebClient,
    private readonly logger: Logger,
  ) {}

  /** The DM channel between the bot and `userId` (opened once, remembered). */
  async dmChannel(userId: string): Promise<string> {
    const known = this.#dms.get(userId);
    if (known) return known;
    const opened = await this.client.conversations.open({ users: userId });
    const id = opened.channel?.id;
    if (!id) throw new Error('conversations.open returned no channel');
    this.#dms.set(userId, id);
    return id;
  }

  /** A normal message in the person's DM (it stays, with its buttons). */
  async direct(userId: string, message: Message): Promise<void> {
    await this.client.chat.postMessage({ channel: await this.dmChannel(userId), text: message.text, blocks: message.blocks });
  }

  /** An ephemeral message in `channelId` (or their DM): only they see it. */
  async ephemeral(userId: string, channelId: string | undefined, message: Message): Promise<void> {
    try {
      await this.client.chat.postEphemeral({
        channel: channelId ?? (await this.dmChannel(userId)),
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

import type { WebClient } from '@slack/web-api';
import type { PostAggregate } from '../../domain/post.js';
import type { Logger } from '../../observability/logger.js';
import type { DomainEvent, Notifier } from '../../workflows/events.js';
import type { Greenlight } from '../../workflows/greenlight.js';
import { buildApprovalCard, cardFallbackText } from './blocks/approval-card.js';
import {
  cancelledThreadLine,
  decisionNotice,
  decisionThreadLine,
  expiredLine,
  expiredNotice,
  failedLine,
  failedNotice,
  missedLine,
  needsAttentionLine,
  needsAttentionNotice,
  privateNotice,
  publishedLine,
  publishedNotice,
  reminderLine,
  rescheduledLine,
  resolvedLine,
  revisedThreadLine,
  submittedReceipt,
  type Message,
} from './blocks/messages.js';
import type { PrivateNotices } from './private-notices.js';

export const CARD_PURPOSE = 'approval_card';

interface Card {
  channelId: string;
  ts: string;
  permalink: string | undefined;
}

/**
 * Slack refuses a whole message whose image it cannot fetch (`invalid_blocks`). The image is
 * the only part of a card that depends on the outside world, so the card is then sent again
 * with a link in its place.
 */
function isInvalidBlocks(error: unknown): boolean {
  return (error as { data?: { error?: string } }).data?.error === 'invalid_blocks';
}

/**
 * Shows workflow events in Slack: the approval card (posted once, then updated in place),
 * history in the card's thread, and private notes to the author. Events for one post are
 * handled one at a time, and every card update renders the post as it is now, so a slow
 * update can never overwrite a newer one.
 */
export class SlackNotifier implements Notifier {
  readonly #queues = new Map<number, Promise<void>>();

  constructor(
    private readonly client: WebClient,
    private readonly gl: Greenlight,
    private readonly approvalChannel: string,
    private readonly notices: PrivateNotices,
    private readonly logger: Logger,
    /** Who a reminder mentions: the approvers as Slack mentions (users and user groups). */
    private readonly approverMentions: string,
  ) {}

  notify(event: DomainEvent): Promise<void> {
    const id = event.post.post.id;
    const previous = this.#queues.get(id) ?? Promise.resolve();
    const next = previous.then(() => this.#handle(event));
    const settled = next.catch(() => undefined);
    this.#queues.set(id, settled);
    void settled.then(() => {
      if (this.#queues.get(id) === settled) this.#queues.delete(id);
    });
    return next;
  }

  async #handle(event: DomainEvent): Promise<void> {
    switch (event.type) {
      case 'post.submitted':
        return this.#submitted(event.post);
      case 'post.decided': {
        const card = await this.#refreshCard(event.post.post.id);
        const view = this.gl.describe(event.post);
        await this.#thread(card, decisionThreadLine(event.decision, event.outcome, view));
        await this.#toAuthor(event.post, decisionNotice(view, event.decision, event.outcome, card?.permalink));
        return;
      }
      case 'post.revised': {
        const card = await this.#refreshCard(event.post.post.id);
        await this.#thread(card, revisedThreadLine(this.gl.describe(event.post), event.actor));
        return;
      }
      case 'post.cancelled': {
        const card = await this.#refreshCard(event.post.post.id);
        await this.#thread(card, cancelledThreadLine(event.actor));
        return;
      }
      case 'post.expired': {
        const card = await this.#refreshCard(event.post.post.id);
        const view = this.gl.describe(event.post);
        await this.#thread(card, expiredLine(view));
        await this.#toAuthor(event.post, expiredNotice(view));
        return;
      }
      case 'post.reminder': {
        const card = await this.#refreshCard(event.post.post.id);
        await this.#thread(card, reminderLine(this.gl.describe(event.post), this.approverMentions, this.gl.now()));
        return;
      }
      case 'post.rescheduled': {
        const card = await this.#refreshCard(event.post.post.id);
        await this.#thread(card, rescheduledLine(this.gl.describe(event.post), event.actor, event.action));
        return;
      }
      case 'publication.published': {
        const card = await this.#refreshCard(event.post.post.id);
        await this.#thread(card, publishedLine(event.publication));
        await this.#toAuthor(event.post, publishedNotice(this.gl.describe(event.post), event.publication));
        return;
      }
      case 'publication.failed': {
        const card = await this.#refreshCard(event.post.post.id);
        const view = this.gl.describe(event.post);
        await this.#thread(card, failedLine(view, event.publication, event.willRetry));
        if (!event.willRetry) await this.#toAuthor(event.post, failedNotice(view, event.publication));
        return;
      }
      case 'publication.needs_attention': {
        const card = await this.#refreshCard(event.post.post.id);
        const view = this.gl.describe(event.post);
        await this.#thread(card, needsAttentionLine(view, event.publication));
        await this.#toAuthor(event.post, needsAttentionNotice(view, event.publication));
        return;
      }
      case 'publication.missed': {
        const card = await this.#refreshCard(event.post.post.id);
        await this.#thread(card, missedLine(this.gl.describe(event.post), event.publication));
        return;
      }
      case 'publication.resolved': {
        const card = await this.#refreshCard(event.post.post.id);
        await this.#thread(card, resolvedLine(event.publication, event.actor, event.action));
        return;
      }
    }
  }

  async #submitted(post: PostAggregate): Promise<void> {
    const view = this.gl.describe(post);
    let card: Card | undefined;
    try {
      const posted = await this.#post(post);
      const permalink = await this.client.chat
        .getPermalink({ channel: posted.channelId, message_ts: posted.ts })
        .then((r) => r.permalink)
        .catch(() => undefined);
      card = { ...posted, permalink };
      await this.gl.rememberMessage({
        postId: post.post.id,
        platform: 'slack',
        purpose: CARD_PURPOSE,
        channelId: card.channelId,
        messageId: card.ts,
        reference: { permalink: permalink ?? null },
      });
    } catch (error) {
      this.logger.error('could not post the approval card', { post: post.post.id, channel: this.approvalChannel, error });
      const reason = (error as { data?: { error?: string } }).data?.error ?? 'an error';
      await this.#toAuthor(
        post,
        privateNotice(
          `Post #${post.post.id} is saved and waiting for approval, but I could not show it in the approvals channel (${reason}). Ask your Slack admin to invite me there.`,
        ),
      );
      return;
    }
    await this.#toAuthor(post, submittedReceipt(view, card.permalink));
  }

  async #post(post: PostAggregate): Promise<{ channelId: string; ts: string }> {
    const view = this.gl.describe(post);
    const send = (includeImage: boolean) =>
      this.client.chat.postMessage({
        channel: this.approvalChannel,
        text: cardFallbackText(view),
        blocks: buildApprovalCard(view, { includeImage }),
        unfurl_links: false,
      });
    let result;
    try {
      result = await send(true);
    } catch (error) {
      if (!view.mediaUrl || !isInvalidBlocks(error)) throw error;
      result = await send(false);
    }
    if (!result.ts || !result.channel) throw new Error('chat.postMessage returned no ts');
    return { channelId: result.channel, ts: result.ts };
  }

  /** Re-renders the card from the post's current state. Returns the card, if there is one. */
  async #refreshCard(postId: number): Promise<Card | undefined> {
    const ref = await this.gl.findMessage(postId, 'slack', CARD_PURPOSE);
    if (!ref) return undefined;
    const post = await this.gl.getPost(postId);
    if (!post) return undefined;
    const card = { channelId: ref.channelId, ts: ref.messageId, permalink: (ref.reference?.permalink as string | null) ?? undefined };
    const view = this.gl.describe(post);
    const update = (includeImage: boolean) =>
      this.client.chat.update({ channel: card.channelId, ts: card.ts, text: cardFallbackText(view), blocks: buildApprovalCard(view, { includeImage }) });
    try {
      await update(true);
    } catch (error) {
      if (view.mediaUrl && isInvalidBlocks(error)) await update(false);
      else this.logger.error('could not update the approval card', { post: postId, error });
    }
    return card;
  }

  async #thread(card: Card | undefined, message: Message): Promise<void> {
    if (!card) return;
    await this.client.chat.postMessage({ channel: card.channelId, thread_ts: card.ts, text: message.text, blocks: message.blocks, unfurl_links: false });
  }

  async #toAuthor(post: PostAggregate, message: Message): Promise<void> {
    if (post.author.platform !== 'slack') return;
    await this.notices.direct(post.author.platformUserId, message);
  }
}

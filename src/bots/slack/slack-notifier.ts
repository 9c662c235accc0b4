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
  joinMessages,
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

/** What one event adds to the card's thread and tells the author, once the card is refreshed. */
interface EventMessages {
  thread?: Message;
  author?: Message;
}

interface Queued {
  event: DomainEvent;
  settle: (error?: unknown) => void;
}

/**
 * Shows workflow events in Slack: the approval card (posted once, then updated in place),
 * history in the card's thread, and private notes to the author. Events for one post are
 * handled one at a time, and every card update renders the post as it is now, so a slow
 * update can never overwrite a newer one. At most `postsAtOnce` posts have their news shown
 * at a time; a post waiting for its turn gathers what happens meanwhile (approved, then
 * published a moment later) and shows it together: one card update, one thread message, one
 * note. So a burst costs Slack fewer calls and people fewer pings, and a lone event is shown
 * at once.
 */
export class SlackNotifier implements Notifier {
  readonly #queues = new Map<number, Queued[]>();
  /** Posts whose news is being shown now; the posts waiting for a turn, first come first served. */
  #showing = 0;
  readonly #turns: Array<() => void> = [];

  constructor(
    private readonly client: WebClient,
    private readonly gl: Greenlight,
    private readonly approvalChannel: string,
    private readonly notices: PrivateNotices,
    private readonly logger: Logger,
    /** Who a reminder mentions: the approvers as Slack mentions (users and user groups). */
    private readonly approverMentions: string,
    private readonly postsAtOnce: number,
  ) {}

  notify(event: DomainEvent): Promise<void> {
    const id = event.post.post.id;
    return new Promise<void>((resolve, reject) => {
      const settle = (error?: unknown) => (error === undefined ? resolve() : reject(error));
      const queue = this.#queues.get(id);
      if (queue) return void queue.push({ event, settle });
      this.#queues.set(id, [{ event, settle }]);
      void this.#drain(id);
    });
  }

  async #drain(postId: number): Promise<void> {
    const queue = this.#queues.get(postId)!;
    while (queue.length) {
      await this.#turn();
      // Everything that arrived while this post waited is shown together.
      const batch = queue.splice(0);
      try {
        await this.#show(batch.map((q) => q.event));
        for (const q of batch) q.settle();
      } catch (error) {
        for (const q of batch) q.settle(error ?? new Error('notification failed'));
      } finally {
        this.#endTurn();
      }
    }
    this.#queues.delete(postId);
  }

  async #turn(): Promise<void> {
    if (this.#showing < this.postsAtOnce) {
      this.#showing++;
      return;
    }
    // The turn is handed over by #endTurn, so #showing stays as it is.
    await new Promise<void>((resolve) => this.#turns.push(resolve));
  }

  #endTurn(): void {
    const next = this.#turns.shift();
    if (next) next();
    else this.#showing--;
  }

  async #show(events: DomainEvent[]): Promise<void> {
    const submitted = events.find((e) => e.type === 'post.submitted');
    if (submitted) await this.#submitted(submitted.post);
    const rest = events.filter((e) => e.type !== 'post.submitted');
    if (!rest.length) return;
    const latest = rest.at(-1)!.post;
    const card = await this.#refreshCard(latest.post.id);
    const messages = rest.map((event) => this.#messages(event, card));
    const thread = messages.flatMap((m) => (m.thread ? [m.thread] : []));
    const author = messages.flatMap((m) => (m.author ? [m.author] : []));
    for (const joined of joinMessages(thread)) await this.#thread(card, joined);
    // Handed over together, so PrivateNotices sends them as one message.
    await Promise.all(author.map((message) => this.#toAuthor(latest, message)));
  }

  #messages(event: Exclude<DomainEvent, { type: 'post.submitted' }>, card: Card | undefined): EventMessages {
    switch (event.type) {
      case 'post.decided': {
        const view = this.gl.describe(event.post);
        return {
          thread: decisionThreadLine(event.decision, event.outcome, view),
          author: decisionNotice(view, event.decision, event.outcome, card?.permalink),
        };
      }
      case 'post.revised':
        return { thread: revisedThreadLine(this.gl.describe(event.post), event.actor) };
      case 'post.cancelled':
        return { thread: cancelledThreadLine(event.actor) };
      case 'post.expired': {
        const view = this.gl.describe(event.post);
        return { thread: expiredLine(view), author: expiredNotice(view) };
      }
      case 'post.reminder':
        return { thread: reminderLine(this.gl.describe(event.post), this.approverMentions, this.gl.now()) };
      case 'post.rescheduled':
        return { thread: rescheduledLine(this.gl.describe(event.post), event.actor, event.action) };
      case 'publication.published':
        return { thread: publishedLine(event.publication), author: publishedNotice(this.gl.describe(event.post), event.publication) };
      case 'publication.failed': {
        const view = this.gl.describe(event.post);
        return { thread: failedLine(view, event.publication, event.willRetry), author: event.willRetry ? undefined : failedNotice(view, event.publication) };
      }
      case 'publication.needs_attention': {
        const view = this.gl.describe(event.post);
        return { thread: needsAttentionLine(view, event.publication), author: needsAttentionNotice(view, event.publication) };
      }
      case 'publication.missed':
        return { thread: missedLine(this.gl.describe(event.post), event.publication) };
      case 'publication.resolved':
        return { thread: resolvedLine(event.publication, event.actor, event.action) };
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

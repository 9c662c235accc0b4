import type { WebClient } from '@slack/web-api';
import type { Person, PostAggregate } from '../../domain/post.js';
import type { Logger } from '../../observability/logger.js';
import type { Digest } from '../../workflows/digest/build-digest.js';
import type { Greenlight } from '../../workflows/greenlight.js';
import { NewsDeliveryError, type DeliveringNews, type NewsChannel, type NewsDelivery } from '../news/news-channel.js';
import { deliverPostNews, type EventItem, type PostNewsSurface, type StampedLine } from '../news/post-news.js';
import { cardImageUrls } from '../card-image-urls.js';
import { buildApprovalCard, CARD_IMAGES, cardFallbackText } from './blocks/approval-card.js';
import { buildDigestMessage } from './blocks/digest.js';
import { joinStamped, slackMessage, type Stamped } from './blocks/messages.js';
import { SLACK_MARKUP } from './blocks/slack-markup.js';
import { newsError, slackErrorCode } from './news-errors.js';
import { cardMetadata, isCardOf, newsMetadata, slackOldest, stampedIds } from './news-stamp.js';
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

type HistoryMessage = Parameters<typeof stampedIds>[0] & { ts?: string; files?: unknown[] };

/**
 * Shows news from the outbox in Slack: the approval card (posted once, then updated in place),
 * history in the card's thread, private notes to the author, and digests. A lane's news comes
 * together (everything that happened to one post while it waited), so a burst costs one card
 * update, one thread message and one note. Every message is stamped with the outbox rows it
 * reports; an attempt that may have reached Slack is followed by a look at the channel before
 * anything is sent again, so each line and note arrives exactly once.
 */
export class SlackNews implements NewsChannel {
  readonly platform = 'slack' as const;

  constructor(
    private readonly client: WebClient,
    private readonly gl: Greenlight,
    private readonly channels: { approvals: string; digest: string },
    private readonly notices: PrivateNotices,
    private readonly logger: Logger,
    /** Who a reminder mentions: the approvers as Slack mentions (users and user groups). */
    approverMentions: string,
  ) {
    this.#surface = this.#surfaceFor(approverMentions);
  }

  readonly #surface: PostNewsSurface<Card>;

  /** What deliverPostNews needs of Slack. */
  #surfaceFor(approverMentions: string): PostNewsSurface<Card> {
    return {
      markup: SLACK_MARKUP,
      approverMentions,
      cardRefusedFix: 'Ask your Slack admin to invite me there.',
      describe: (post) => this.gl.describe(post),
      now: () => this.gl.now(),
      knownCard: (postId) => this.#knownCard(postId),
      showCard: (postId, submitted) => this.#showCard(postId, submitted),
      refreshCard: (postId, card) => this.#refreshCard(postId, card),
      postInThread: (card, lines, items, delivery) => this.#threadOnce(card, lines, items, delivery),
      tellAuthor: (author, notes, items, delivery) => this.#toAuthorOnce(author, notes, items, delivery),
      onCardRefused: (postId, error) =>
        this.logger.error('could not post the approval card', {
          post: postId,
          channel: this.channels.approvals,
          error: error.cause ?? error,
        }),
    };
  }

  async deliver(delivery: NewsDelivery): Promise<void> {
    try {
      const events: EventItem[] = [];
      for (const item of delivery.items) {
        if (item.news.kind === 'digest') await this.#digest(item, item.news.digest, delivery);
        else events.push(item as EventItem);
      }
      if (events.length) await deliverPostNews(this.#surface, events, delivery);
    } catch (error) {
      throw newsError(error);
    }
  }

  // The card --------------------------------------------------------------------------------

  async #knownCard(postId: number): Promise<Card | undefined> {
    const ref = await this.gl.findMessage(postId, 'slack', CARD_PURPOSE);
    if (!ref) return undefined;
    return { channelId: ref.channelId, ts: ref.messageId, permalink: (ref.reference?.permalink as string | null) ?? undefined };
  }

  /** Posts the card (or finds the one an earlier attempt posted) and remembers where it is. */
  async #showCard(postId: number, submitted: EventItem): Promise<Card> {
    const found = submitted.lookFirst ? await this.#findCard(postId, submitted.createdAt) : undefined;
    let posted: { channelId: string; ts: string };
    try {
      posted = found ?? (await this.#postCard(postId, submitted.news.event.post));
    } catch (error) {
      const failure = newsError(error);
      // The author is told Slack's own words for why (channel_not_found, not_in_channel …).
      if (failure.permanent)
        throw new NewsDeliveryError(slackErrorCode(error) ?? 'an error', { permanent: true, maybeDelivered: false, cause: error });
      throw failure;
    }
    const permalink = await this.client.chat
      .getPermalink({ channel: posted.channelId, message_ts: posted.ts })
      .then((r) => r.permalink)
      .catch(() => undefined);
    const card = { ...posted, permalink };
    await this.gl.rememberMessage({
      postId,
      platform: 'slack',
      purpose: CARD_PURPOSE,
      channelId: card.channelId,
      messageId: card.ts,
      reference: { permalink: permalink ?? null },
    });
    return card;
  }

  async #postCard(postId: number, asSubmitted: PostAggregate): Promise<{ channelId: string; ts: string }> {
    // The card shows the post as it is now: anything that happened since is already on it.
    const view = this.gl.describe((await this.gl.getPost(postId)) ?? asSubmitted);
    const imageUrls = await cardImageUrls(this.gl, view.images, CARD_IMAGES);
    const send = (includeImage: boolean) =>
      this.client.chat.postMessage({
        channel: this.channels.approvals,
        text: cardFallbackText(view),
        blocks: buildApprovalCard(view, { includeImage, imageUrls }),
        metadata: cardMetadata(postId),
        unfurl_links: false,
      });
    let result;
    try {
      result = await send(true);
    } catch (error) {
      // Slack could not fetch an image (a link it cannot reach): the card goes out without images.
      if ((!view.mediaUrl && !imageUrls.length) || !isInvalidBlocks(error)) throw error;
      result = await send(false);
    }
    if (!result.ts || !result.channel) throw new Error('chat.postMessage returned no ts');
    return { channelId: result.channel, ts: result.ts };
  }

  async #findCard(postId: number, since: Date): Promise<{ channelId: string; ts: string } | undefined> {
    const channel = this.channels.approvals;
    for (const message of await this.#history(channel, since)) {
      if (isCardOf(message, postId) && message.ts) return { channelId: channel, ts: message.ts };
    }
    return undefined;
  }

  /** Re-renders the card from the post's current state: the latest state is all a card needs. */
  async #refreshCard(postId: number, card: Card): Promise<void> {
    const post = await this.gl.getPost(postId);
    if (!post) return;
    const view = this.gl.describe(post);
    const imageUrls = await cardImageUrls(this.gl, view.images, CARD_IMAGES);
    const update = (includeImage: boolean) =>
      this.client.chat.update({
        channel: card.channelId,
        ts: card.ts,
        text: cardFallbackText(view),
        blocks: buildApprovalCard(view, { includeImage, imageUrls }),
      });
    try {
      await update(true);
    } catch (error) {
      if ((view.mediaUrl || imageUrls.length) && isInvalidBlocks(error)) return void (await update(false));
      const failure = newsError(error);
      if (!failure.permanent) throw failure;
      // Deleted by someone, say: the thread and the notes still go out.
      this.logger.error('could not update the approval card', { post: postId, error });
    }
  }

  // Lines and notes, each exactly once ----------------------------------------------------

  async #threadOnce(card: Card, stamped: StampedLine[], items: readonly DeliveringNews[], delivery: NewsDelivery): Promise<void> {
    const lines = stamped.map((s): Stamped => ({ message: slackMessage(s.line), ids: s.ids }));
    const pending = await this.#notYetShown(lines, items, () => this.#threadIds(card, items));
    for (const { message, ids } of joinStamped(pending)) {
      await this.client.chat.postMessage({
        channel: card.channelId,
        thread_ts: card.ts,
        text: message.text,
        blocks: message.blocks,
        metadata: newsMetadata(ids),
        unfurl_links: false,
      });
      await delivery.done(ids, 'thread');
    }
  }

  async #toAuthorOnce(author: Person, stamped: StampedLine[], items: readonly DeliveringNews[], delivery: NewsDelivery): Promise<void> {
    const notes = stamped.map((s): Stamped => ({ message: slackMessage(s.line), ids: s.ids }));
    const ids = notes.flatMap((n) => n.ids);
    if (author.platform !== 'slack') return void (await delivery.done(ids, 'author'));
    const userId = author.platformUserId;
    const pending = await this.#notYetShown(notes, items, () => this.notices.sentIds(userId, oldestOf(items)));
    // Handed over together, so PrivateNotices sends them as one message.
    await Promise.all(pending.map((n) => this.notices.direct(userId, n.message, n.ids)));
    await delivery.done(ids, 'author');
  }

  /**
   * Drops what an earlier attempt already showed. Slack is asked only when an earlier attempt
   * may have reached it (a timeout, a dropped connection, a crash): the usual path costs nothing.
   */
  async #notYetShown(entries: Stamped[], items: readonly DeliveringNews[], shownIds: () => Promise<Set<number>>): Promise<Stamped[]> {
    const ids = new Set(entries.flatMap((e) => e.ids));
    if (!items.some((i) => i.lookFirst && ids.has(i.id))) return entries;
    const shown = await shownIds();
    return entries.filter((e) => !e.ids.every((id) => shown.has(id)));
  }

  async #threadIds(card: Card, items: readonly DeliveringNews[]): Promise<Set<number>> {
    const found = new Set<number>();
    let cursor: string | undefined;
    do {
      const page = await this.client.conversations.replies({
        channel: card.channelId,
        ts: card.ts,
        oldest: slackOldest(oldestOf(items)),
        include_all_metadata: true,
        limit: 200,
        ...(cursor ? { cursor } : {}),
      });
      for (const message of (page.messages ?? []) as HistoryMessage[]) for (const id of stampedIds(message)) found.add(id);
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor);
    return found;
  }

  async #history(channel: string, since: Date): Promise<HistoryMessage[]> {
    const messages: HistoryMessage[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.client.conversations.history({
        channel,
        oldest: slackOldest(since),
        include_all_metadata: true,
        limit: 200,
        ...(cursor ? { cursor } : {}),
      });
      messages.push(...((page.messages ?? []) as HistoryMessage[]));
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor);
    return messages;
  }

  // The digest ---------------------------------------------------------------------------

  /** Posts the digest to SLACK_DIGEST_CHANNEL, then its chart as a PNG in the digest's thread. */
  async #digest(item: DeliveringNews, digest: Digest, delivery: NewsDelivery): Promise<void> {
    const channel = this.channels.digest;
    let ts = typeof item.progress.message === 'string' ? item.progress.message : undefined;
    if (!ts && item.lookFirst) ts = (await this.#history(channel, item.createdAt)).find((m) => stampedIds(m).includes(item.id))?.ts;
    if (!ts) {
      const message = buildDigestMessage(digest);
      const posted = await this.client.chat.postMessage({
        channel,
        text: message.text,
        blocks: message.blocks,
        metadata: newsMetadata([item.id]),
        unfurl_links: false,
      });
      if (!posted.ts) throw new Error('chat.postMessage returned no ts');
      ts = posted.ts;
    }
    await delivery.done([item.id], 'message', ts);
    if (item.progress.chart !== undefined) return;
    const chart = this.gl.digestChart(digest);
    const alreadyThere = chart && item.lookFirst && (await this.#threadHasFile(channel, ts));
    if (chart && !alreadyThere) {
      await this.client.files.uploadV2({
        channel_id: channel,
        thread_ts: ts,
        file: chart,
        filename: 'engagement-last-7-days.png',
        title: digest.chart.title,
        alt_text: `Chart: ${digest.chart.title}`,
      });
    }
    await delivery.done([item.id], 'chart');
  }

  async #threadHasFile(channel: string, ts: string): Promise<boolean> {
    const page = await this.client.conversations.replies({ channel, ts, limit: 200 });
    return ((page.messages ?? []) as HistoryMessage[]).some((m) => m.ts !== ts && (m.files?.length ?? 0) > 0);
  }
}

function oldestOf(items: readonly DeliveringNews[]): Date {
  return new Date(Math.min(...items.map((i) => i.createdAt.getTime())));
}

/**
 * How one post's news is shown, in every chat: the approval card first (posted once, then
 * refreshed to the post's current state: the latest state is all a card needs), then the
 * lines for its thread, then the notes to its author, each step recorded so a retry repeats
 * nothing that went through. Everything waiting in the lane goes together: one card refresh,
 * the lines joined, the notes joined. The chat supplies the surface: where its card is, how it
 * posts a line, how it reaches a person.
 */
import type { Person, PostAggregate } from '../../domain/post.js';
import type { DomainEvent } from '../../workflows/events.js';
import type { PostView } from '../../workflows/post-view.js';
import type { Line } from '../presentation/line.js';
import type { Markup } from '../presentation/markup.js';
import { cardNotShownNotice, eventLines, submittedReceipt, type LaterEvent } from '../presentation/news-lines.js';
import { NewsDeliveryError, type DeliveringNews, type NewsDelivery } from './news-channel.js';

export type EventItem = DeliveringNews & { news: { kind: 'event'; event: DomainEvent } };

/** A line with the outbox rows it reports (a chat stamps them on what it posts, where it can). */
export interface StampedLine {
  line: Line;
  ids: number[];
}

/** Where a post's card is, as the chat knows it. */
export interface CardPlace {
  /** A link people can open, where the chat has one. */
  permalink: string | undefined;
}

export interface PostNewsSurface<C extends CardPlace> {
  readonly markup: Markup;
  /** Who a reminder calls on, marked up. */
  readonly approverMentions: string;
  /** What the author can do when the approvals channel refuses the card. */
  readonly cardRefusedFix: string;
  describe(post: PostAggregate): PostView;
  now(): Date;
  /** The card already shown for this post, if any. */
  knownCard(postId: number): Promise<C | undefined>;
  /**
   * Shows the card (or, when `submitted.lookFirst`, finds the one an earlier attempt may have
   * posted) and remembers where it is. A refusal for good is a permanent NewsDeliveryError,
   * whose message says why in a few words.
   */
  showCard(postId: number, submitted: EventItem): Promise<C>;
  refreshCard(postId: number, card: C): Promise<void>;
  /** Posts the lines in the card's thread, joined as the chat allows, each exactly once. */
  postInThread(card: C, lines: StampedLine[], items: readonly DeliveringNews[], delivery: NewsDelivery): Promise<void>;
  /** Tells the author, joined as the chat allows, each exactly once. */
  tellAuthor(author: Person, notes: StampedLine[], items: readonly DeliveringNews[], delivery: NewsDelivery): Promise<void>;
  /** For the log when the card is refused for good. */
  onCardRefused(postId: number, error: NewsDeliveryError): void;
}

export async function deliverPostNews<C extends CardPlace>(
  surface: PostNewsSurface<C>,
  items: EventItem[],
  delivery: NewsDelivery,
): Promise<void> {
  const first = items[0]!.news.event.post;
  const postId = first.post.id;
  let card = await surface.knownCard(postId);
  let cardJustPosted = false;
  let cardRefused: string | undefined;

  const submitted = items.find((i) => i.news.event.type === 'post.submitted');
  if (submitted) {
    const done = submitted.progress.card;
    if (done === undefined) {
      if (!card) {
        try {
          card = await surface.showCard(postId, submitted);
          cardJustPosted = true;
        } catch (error) {
          if (!(error instanceof NewsDeliveryError) || !error.permanent) throw error;
          cardRefused = error.message;
          surface.onCardRefused(postId, error);
        }
      }
      await delivery.done([submitted.id], 'card', cardRefused ? { failed: cardRefused } : true);
    } else if (typeof done === 'object' && done !== null) {
      cardRefused = String((done as { failed?: unknown }).failed ?? 'an error');
    }
  }

  const later = items.filter((i): i is EventItem & { news: { event: LaterEvent } } => i.news.event.type !== 'post.submitted');
  if (later.length && card && !cardJustPosted) await surface.refreshCard(postId, card);

  const context = {
    m: surface.markup,
    describe: (post: PostAggregate) => surface.describe(post),
    now: surface.now(),
    permalink: card?.permalink,
    approverMentions: surface.approverMentions,
  };
  const linesOf = new Map(later.map((i) => [i.id, eventLines(i.news.event, context)]));

  const thread = later.flatMap((i): StampedLine[] => {
    const line = linesOf.get(i.id)!.thread;
    return line && i.progress.thread === undefined ? [{ line, ids: [i.id] }] : [];
  });
  if (thread.length) {
    if (card) await surface.postInThread(card, thread, items, delivery);
    else
      await delivery.done(
        thread.flatMap((l) => l.ids),
        'thread',
      ); // no card to reply under
  }

  const notes: StampedLine[] = [];
  if (submitted && submitted.progress.author === undefined) {
    const line = cardRefused
      ? cardNotShownNotice(surface.markup, postId, cardRefused, surface.cardRefusedFix)
      : submittedReceipt(surface.markup, surface.describe(submitted.news.event.post), card?.permalink);
    notes.push({ line, ids: [submitted.id] });
  }
  for (const i of later) {
    const line = linesOf.get(i.id)!.author;
    if (line && i.progress.author === undefined) notes.push({ line, ids: [i.id] });
  }
  if (notes.length) await surface.tellAuthor(first.author, notes, items, delivery);
}

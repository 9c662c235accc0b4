/**
 * What a chat front end implements to show news from the outbox (rule 10 in docs/architecture.md). The courier
 * hands it one lane's pending news at a time (all of one post's, say, oldest first); the chat
 * shows it as it sees fit (one card refresh for the lot, lines joined in one message) and
 * records each step it finishes, so a retry after a failure or a crash repeats nothing that
 * reached the chat.
 */
import type { ChatPlatform } from '../../domain/post.js';
import type { ChatNews } from '../../workflows/news/news-codec.js';

export interface DeliveringNews {
  /** The outbox row: also what a chat stamps on a message so it can find it again. */
  readonly id: number;
  readonly news: ChatNews;
  /**
   * An earlier attempt may have reached the chat (it timed out, the connection dropped, the
   * process died): look for what it sent before sending again.
   */
  readonly lookFirst: boolean;
  /** Steps earlier attempts finished, with what they left (a message id, say). */
  readonly progress: Readonly<Record<string, unknown>>;
  readonly createdAt: Date;
}

export interface NewsDelivery {
  readonly items: readonly DeliveringNews[];
  /**
   * Records that `step` is done for these rows (with what it left). Kept if this attempt
   * fails, so the next one skips it; after a crash, the next attempt looks first instead.
   */
  done(ids: readonly number[], step: string, value?: unknown): Promise<void>;
}

export interface NewsChannel {
  readonly platform: ChatPlatform;
  /** Shows the lot or throws; a `NewsDeliveryError` says how to go on. */
  deliver(delivery: NewsDelivery): Promise<void>;
}

/** Why news could not be shown, as the courier needs to know it. */
export class NewsDeliveryError extends Error {
  readonly permanent: boolean;
  /** The chat asked us to wait this long (a rate limit): all its news waits. */
  readonly retryAfterMs: number | undefined;
  /** The chat may have acted before the failure: look before sending again. */
  readonly maybeDelivered: boolean;
  constructor(message: string, options: { permanent?: boolean; retryAfterMs?: number; maybeDelivered: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = 'NewsDeliveryError';
    this.permanent = options.permanent ?? false;
    this.retryAfterMs = options.retryAfterMs;
    this.maybeDelivered = options.maybeDelivered;
  }
}

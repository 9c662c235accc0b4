/**
 * Chat news, the outbox (rule 10 in docs/architecture.md): news is written in the same
 * transaction as the change it reports (`insert`, from inside a write), and listeners hear
 * of it once that transaction has committed.
 */
import type { ChatPlatform } from '../../src/domain/post.js';
import type { NewsClaim, NewsHealth, NewsInput, NewsItem, NewsSettlement } from '../store.js';
import type { SqliteContext } from './context.js';
import { OutboxQueries } from './outbox-queries.js';

export class News {
  readonly #outbox: OutboxQueries;
  readonly #write: SqliteContext['write'];
  readonly #afterCommit: (callback: () => void) => void;
  readonly #listeners = new Set<() => void>();
  readonly #tellListeners = () => {
    for (const listener of this.#listeners) listener();
  };

  /** `afterCommit` runs its callback once after the current group commits (`GroupCommit.afterCommit`). */
  constructor(ctx: SqliteContext, afterCommit: (callback: () => void) => void) {
    this.#outbox = new OutboxQueries(ctx.sqlite);
    this.#write = ctx.write;
    this.#afterCommit = afterCommit;
  }

  onWritten(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** From inside a write: the news goes with that write, and listeners are told after its commit. */
  insert(items: readonly NewsInput[], at: Date): void {
    if (!items.length) return;
    this.#outbox.insert(items, at);
    this.#afterCommit(this.#tellListeners);
  }

  enqueue(items: readonly NewsInput[], at: Date): Promise<void> {
    return this.#write(() => this.insert(items, at));
  }

  claim(claim: NewsClaim): Promise<NewsItem[][]> {
    return this.#write(() => this.#outbox.claim(claim));
  }

  settle(ids: readonly number[], owner: string, settlement: NewsSettlement, at: Date): Promise<void> {
    return this.#write(() => this.#outbox.settle(ids, owner, settlement, at));
  }

  hurry(platform: ChatPlatform, now: Date): Promise<void> {
    return this.#write(() => this.#outbox.hurry(platform, now));
  }

  renewLease(ids: readonly number[], owner: string, leaseUntil: Date): Promise<void> {
    return this.#write(() => this.#outbox.renew(ids, owner, leaseUntil));
  }

  release(owner: string, at: Date): Promise<void> {
    return this.#write(() => this.#outbox.release(owner, at));
  }

  nextDue(platform: ChatPlatform): Date | undefined {
    return this.#outbox.nextDue(platform);
  }

  health(failedSince: Date): NewsHealth {
    return this.#outbox.health(failedSince);
  }

  prune(before: Date, limit: number): Promise<number> {
    return this.#write(() => this.#outbox.prune(before, limit));
  }
}

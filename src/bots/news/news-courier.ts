import type { NewsItem, Store } from '../../../db/store.js';
import type { Clock } from '../../domain/clock.js';
import type { Cancellable, Timers } from '../../domain/timers.js';
import type { Logger } from '../../observability/logger.js';
import { redact } from '../../observability/redact.js';
import { decodeNews, newsPostId, toChatNews, type ChatNews, type StoredNews } from '../../workflows/news/news-codec.js';
import { NewsDeliveryError, type DeliveringNews, type NewsChannel } from './news-channel.js';

export interface CourierOptions {
  /** This process, as the owner of the lanes it claims. */
  owner: string;
  /** Lanes (posts) being shown at once: a burst of decisions cannot flood the chat. */
  lanesAtOnce: number;
  /** How long a claim lasts without progress; a crash mid-lane frees it after this. */
  leaseMs: number;
  /** Attempts per row before it is given up (and reported in /healthz and the log). */
  maxAttempts: number;
  /** Backoff: the first retry after about `baseMs`, doubling up to `maxMs`. */
  baseMs: number;
  maxMs: number;
  /** How often the outbox is looked at anyway (news another process wrote, a lapsed lease). */
  pollMs: number;
  /**
   * Fresh news waits this long (real time) before it is claimed, so what happens in one moment
   * (an approval and the publication it starts at once) goes out together: one card update,
   * one thread message, one note. 0: at once (Slack, whose users see each event on its own).
   */
  gatherMs: number;
  /**
   * Requests being answered: lanes are claimed once none is, or after `yieldMs` anyway, so
   * in a burst of clicks each click's answer does not queue behind news of the ones before.
   */
  foreground?: { quiet(maxMs: number): Promise<void>; readonly busy: boolean };
  yieldMs: number;
}

export const DEFAULT_COURIER_OPTIONS: Omit<CourierOptions, 'owner'> = {
  lanesAtOnce: 8,
  // Renewed by every step a lane finishes; a lane whose process died is taken over this soon.
  leaseMs: 60_000,
  // 2 s doubling to a minute; 200 attempts keep news through about two and a half hours of
  // outage (chats have been down for hours) before it is given up. /healthz fails after ten
  // minutes of waiting, so someone hears long before that.
  maxAttempts: 200,
  baseMs: 2_000,
  maxMs: 60_000,
  pollMs: 15_000,
  gatherMs: 0,
  yieldMs: 100,
};

/**
 * Delivers one chat's news from the durable outbox: claims due lanes, hands each to the chat,
 * records the outcome. Failures are retried with backoff (a chat's Retry-After holds all its
 * news), a bounded number of times; a restart resumes where the last process stopped. Nothing
 * here knows which chat it is.
 */
export class NewsCourier {
  readonly #active = new Set<Promise<void>>();
  /** Lanes being delivered by this process: one delivery per lane at a time. */
  readonly #busy = new Set<string>();
  #running = false;
  #pump: Promise<void> | undefined;
  #again = false;
  #pausedUntil = 0;
  /** A delivery failed since the last success: the next success means the chat is back. */
  #failing = false;
  #wake: { at: number; timer: Cancellable } | undefined;
  #poll: Cancellable | undefined;
  #gathering: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly channel: NewsChannel,
    private readonly clock: Clock,
    private readonly timers: Timers,
    private readonly logger: Logger,
    private readonly options: CourierOptions,
  ) {}

  get platform() {
    return this.channel.platform;
  }

  start(): void {
    this.#running = true;
    this.#schedulePoll();
    this.kick();
  }

  /** Something may be due (news was written, a lane finished): look now, without waiting. */
  kick(): void {
    if (!this.#running) return;
    this.#again = true;
    this.#pump ??= this.#run().finally(() => (this.#pump = undefined));
  }

  /** News was just written: deliver it, after `gatherMs` for anything written with it. */
  newsWritten(): void {
    if (!this.options.gatherMs) return this.kick();
    if (!this.#running || this.#gathering) return;
    this.#gathering = new Promise<void>((resolve) => {
      setTimeout(() => {
        this.#gathering = undefined;
        this.kick();
        resolve();
      }, this.options.gatherMs).unref();
    });
  }

  /** Resolves when nothing is being delivered and nothing due now is left (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#gathering || this.#pump || this.#active.size) {
      await this.#gathering;
      await this.#pump;
      await Promise.all(this.#active);
    }
  }

  /** Stops claiming; waits for lanes in flight (a lane cut off is delivered again, looking first). */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.#running = false;
    this.#poll?.cancel();
    this.#wake?.timer.cancel();
    this.#wake = undefined;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([Promise.all([this.#pump, ...this.#active]), late]);
    clearTimeout(timer);
    // Lanes still out (Slack hanging, say) go back at once, to be looked at before resending.
    if (this.#active.size) await this.store.releaseNews(this.options.owner, this.clock.now()).catch(() => undefined);
  }

  async #run(): Promise<void> {
    try {
      while (this.#running && this.#again) {
        this.#again = false;
        await this.#fill();
      }
    } catch (error) {
      this.logger.error('could not read the chat outbox; trying again shortly', { platform: this.platform, error });
      this.#wakeAt(this.clock.now().getTime() + this.options.baseMs);
    }
  }

  async #fill(): Promise<void> {
    const { foreground } = this.options;
    await foreground?.quiet(this.options.yieldMs);
    const now = this.clock.now().getTime();
    if (this.#pausedUntil > now) return this.#wakeAt(this.#pausedUntil);
    // Still answering requests after the wait: one lane at a time, so news keeps moving
    // without taking the turns of the requests being answered.
    const lanesAtOnce = foreground?.busy ? 1 : this.options.lanesAtOnce;
    const free = lanesAtOnce - this.#active.size;
    if (free <= 0) return; // a lane finishing kicks again
    const lanes = await this.store.claimNews({
      platform: this.platform,
      owner: this.options.owner,
      now: new Date(now),
      leaseUntil: new Date(now + this.options.leaseMs),
      lanes: free,
      busy: this.#busy,
    });
    for (const items of lanes) this.#track(this.#deliver(items));
    if (lanes.length < free) {
      const next = await this.store.nextNewsDue(this.platform);
      if (next && next.getTime() > now) this.#wakeAt(next.getTime());
    }
  }

  #track(work: Promise<void>): void {
    this.#active.add(work);
    void work.finally(() => {
      this.#active.delete(work);
      this.kick();
    });
  }

  async #deliver(items: NewsItem[]): Promise<void> {
    const ids = items.map((i) => i.id);
    const lane = items[0]!.lane;
    const { owner, leaseMs } = this.options;
    const leaseUntil = () => new Date(this.clock.now().getTime() + leaseMs);
    // Steps finished in this attempt: written only if it fails (a delivery costs no extra writes).
    const progress = new Map<number, Record<string, unknown>>();
    this.#busy.add(lane);
    // The lease is renewed while the chat is slow, so no other process takes the lane over
    // from a delivery that is still going.
    const heartbeat = setInterval(
      () => {
        void this.store.renewNewsLease(ids, owner, leaseUntil()).catch(() => undefined);
      },
      Math.max(1000, leaseMs / 3),
    );
    heartbeat.unref();
    try {
      const news = await this.#read(items);
      const delivering = items.map(
        (item, i): DeliveringNews => ({
          id: item.id,
          news: news[i]!,
          lookFirst: item.lookFirst,
          progress: item.progress,
          createdAt: item.createdAt,
        }),
      );
      await this.channel.deliver({
        items: delivering,
        done: async (done, step, value) => {
          for (const id of done) progress.set(id, { ...progress.get(id), [step]: value ?? true });
        },
      });
      await this.store.settleNews(ids, owner, { status: 'delivered' }, this.clock.now());
      if (this.#failing) {
        // The chat is back: everything waiting out its backoff goes now, not minutes later.
        this.#failing = false;
        await this.store.hurryNews(this.platform, this.clock.now());
      }
    } catch (error) {
      await this.#failed(items, error, progress).catch((e: unknown) =>
        this.logger.error('could not record a failed chat delivery', { platform: this.platform, error: e }),
      );
    } finally {
      clearInterval(heartbeat);
      this.#busy.delete(lane);
    }
  }

  /** The lane's news as it was when it happened: rows laid over the post as it is now (read once). */
  async #read(items: NewsItem[]): Promise<ChatNews[]> {
    const stored = items.map((item): StoredNews => {
      try {
        return decodeNews(item.payload);
      } catch (error) {
        throw unreadable(item, error);
      }
    });
    const posts = new Map<number, Awaited<ReturnType<Store['getPost']>>>();
    for (const id of new Set(stored.map(newsPostId))) if (id !== null) posts.set(id, await this.store.getPost(id));
    return stored.map((s, i) => {
      try {
        return toChatNews(s, posts.get(newsPostId(s) ?? -1));
      } catch (error) {
        throw unreadable(items[i]!, error);
      }
    });
  }

  async #failed(items: NewsItem[], error: unknown, progress: ReadonlyMap<number, Record<string, unknown>>): Promise<void> {
    const now = this.clock.now();
    const failure =
      error instanceof NewsDeliveryError
        ? error
        : new NewsDeliveryError(error instanceof Error ? error.message : String(error), { maybeDelivered: true, cause: error });
    const reason = redact(failure.message);
    const lane = items[0]!.lane;
    const { owner } = this.options;
    const done = failure.permanent ? items : items.filter((i) => i.attempts >= this.options.maxAttempts);
    if (done.length) {
      const why = failure.permanent ? reason : `gave up after ${done[0]!.attempts} attempts: ${reason}`;
      this.logger.error('chat news could not be delivered and was given up', {
        platform: this.platform,
        lane,
        rows: done.map((i) => i.id),
        kinds: [...new Set(done.map((i) => i.kind))],
        error: why,
      });
      await this.store.settleNews(
        done.map((i) => i.id),
        owner,
        { status: 'failed', error: why },
        now,
      );
    }
    const rest = items.filter((i) => !done.includes(i));
    if (!rest.length) return;
    this.#failing = true;
    if (failure.retryAfterMs !== undefined) this.#pausedUntil = Math.max(this.#pausedUntil, now.getTime() + failure.retryAfterMs);
    const wait = Math.max(failure.retryAfterMs ?? 0, this.#backoff(rest[0]!.attempts));
    const retryAt = new Date(now.getTime() + wait);
    this.logger.warn('chat news not delivered yet; will retry', {
      platform: this.platform,
      lane,
      attempt: rest[0]!.attempts,
      retryInMs: wait,
      error: reason,
    });
    // Once an attempt may have reached the chat, every later one looks first, until delivered.
    for (const maybeDelivered of [true, false]) {
      const ids = rest.filter((i) => (failure.maybeDelivered || i.lookFirst) === maybeDelivered).map((i) => i.id);
      if (ids.length) await this.store.settleNews(ids, owner, { status: 'retry', retryAt, error: reason, maybeDelivered, progress }, now);
    }
    this.#wakeAt(retryAt.getTime());
  }

  /** Jittered exponential backoff: spreads lanes out so a recovering chat is not hit at once. */
  #backoff(attempts: number): number {
    const ceiling = Math.min(this.options.maxMs, this.options.baseMs * 2 ** Math.max(0, attempts - 1));
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }

  /** One wake-up timer, at the earliest instant anything asked for. */
  #wakeAt(at: number): void {
    if (!this.#running) return;
    if (this.#wake && this.#wake.at <= at) return;
    this.#wake?.timer.cancel();
    const timer = this.timers.at(new Date(at), () => {
      if (this.#wake?.timer === timer) this.#wake = undefined;
      this.kick();
    });
    this.#wake = { at, timer };
  }

  #schedulePoll(): void {
    if (!this.#running) return;
    this.#poll = this.timers.at(new Date(this.clock.now().getTime() + this.options.pollMs), () => {
      this.kick();
      this.#schedulePoll();
    });
  }
}

/** A row this version cannot read will never become readable: give it up at once. */
function unreadable(item: NewsItem, error: unknown): NewsDeliveryError {
  return new NewsDeliveryError(`outbox row ${item.id} (${item.kind}) could not be read`, {
    permanent: true,
    maybeDelivered: false,
    cause: error,
  });
}

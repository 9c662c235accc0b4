import type { DueItem, SettledPublication } from '../../../db/store.js';
import type { Cancellable, Timers } from '../../domain/timers.js';
import type { WorkflowContext } from '../context.js';
import type { DomainEvent, Notifier } from '../events.js';
import { expirePost, remindApprovers } from './expiry.js';
import { claimDue, eventFor, sendClaimed } from './publish-one.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';

/** Sensible defaults; owner, lease and grace come from configuration. */
export const DEFAULT_SCHEDULER_OPTIONS: Omit<SchedulerOptions, 'owner' | 'leaseMs' | 'graceMs'> = {
  windowMs: 15 * 60_000,
  windowLimit: 1000,
  refillEveryMs: 60_000,
  reminderLeadMs: 2 * 3600_000,
  concurrency: 64,
  retry: DEFAULT_RETRY_POLICY,
};

/** How soon after a change the window is reloaded (changes within it share one reload). */
const REFILL_DEBOUNCE_MS = 250;

export interface SchedulerOptions {
  /** This process, as the owner of the publications it claims. */
  owner: string;
  /** Only what is due this soon gets a timer; the rest waits in the database. */
  windowMs: number;
  /** At most this many items (and timers) per window. */
  windowLimit: number;
  /** How often the window is reloaded from the database. */
  refillEveryMs: number;
  leaseMs: number;
  /** A publication more than this late (downtime) is not published without a person deciding. */
  graceMs: number;
  reminderLeadMs: number;
  /** Network calls in flight at once. */
  concurrency: number;
  retry: RetryPolicy;
}

/**
 * Publishes approved posts on time, from the database, which is the only truth. Timers exist
 * only for what is due within the window, which is reloaded regularly and whenever a workflow
 * event may have changed it, so 100,000 scheduled posts are 100,000 rows, not timers. Every
 * send is claimed in the database first, so several processes may run a scheduler on one
 * database and each publication still goes out once.
 */
export class Scheduler implements Notifier {
  readonly #timers: Cancellable[] = [];
  #refillTimer: Cancellable | undefined;
  #refillSoon: Cancellable | undefined;
  #running = false;
  #loop: Promise<void> | undefined;
  #needRun = false;
  #needRefill = false;
  /** The next refill also recovers crashed claims and missed posts (at start, then every refill period). */
  #needRecover = false;
  readonly #abort = new AbortController();
  /** What the scheduler did, still being shown in chat. */
  readonly #news = new Set<Promise<void>>();
  /**
   * The workflows' context, with a notifier that does not wait for chat: a slow or
   * rate-limited Slack must never make a post late, so sends, reminders and expiries go on
   * while their news is shown. `idle()` and `stop()` still wait for it.
   */
  private readonly ctx: WorkflowContext;

  constructor(
    ctx: WorkflowContext,
    private readonly timers: Timers,
    private readonly options: SchedulerOptions,
  ) {
    const chat = ctx.events;
    this.ctx = { ...ctx, events: { notify: (event) => this.#tell(chat, event) } };
  }

  /** Starts showing `event` and returns at once; the news is tracked for idle() and stop(). */
  #tell(chat: Notifier, event: DomainEvent): Promise<void> {
    const shown: Promise<void> = Promise.resolve()
      .then(() => chat.notify(event))
      .catch((error: unknown) => this.ctx.logger.error('could not show what the scheduler did', { event: event.type, post: event.post.post.id, error }))
      .finally(() => this.#news.delete(shown));
    this.#news.add(shown);
    return Promise.resolve();
  }

  get running(): boolean {
    return this.#running;
  }

  /**
   * Rebuilds everything from the database: claims left by a crash become "needs attention",
   * what fell due during downtime beyond the grace period becomes "missed", the rest of what
   * is due is published now, and the window of timers is loaded, in the background.
   */
  start(): void {
    this.#running = true;
    this.#needRefill = true;
    this.#needRecover = true; // crashed claims and missed posts first
    this.#needRun = true;
    // Not awaited: start-up must not wait for a slow network; `idle()` waits when needed.
    void this.#ensureLoop();
  }

  /**
   * Stops taking new work and waits for sends in flight (a send cut off is aborted: unknown
   * outcome), then for their news, within the same time.
   */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.#running = false;
    this.#cancelTimers();
    this.#refillTimer?.cancel();
    this.#refillSoon?.cancel();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.#abort.abort(new Error('Greenlight is shutting down'));
        resolve();
      }, timeoutMs);
    });
    await this.#loop?.catch(() => undefined);
    await Promise.race([Promise.all(this.#news), late]);
    clearTimeout(timer);
  }

  /**
   * Workflow events that change what is due (approvals, edits, retries) reload the window.
   * Never waits for the work itself: events are also emitted from inside it.
   */
  async notify(event: DomainEvent): Promise<void> {
    switch (event.type) {
      case 'post.decided':
        // Only an approval creates something to send; other decisions leave timers that find nothing.
        if (event.outcome !== 'approved') return;
        return this.#changed();
      case 'post.revised':
      case 'post.cancelled':
      case 'post.rescheduled':
      case 'post.submitted':
      case 'publication.resolved':
      case 'publication.failed':
        return this.#changed();
    }
  }

  /**
   * Something due may have appeared: send what is due now at once, and reload the window
   * shortly after (once for a burst of clicks, not once per click).
   */
  #changed(): void {
    this.#needRun = true;
    void this.#ensureLoop();
    if (this.#refillSoon || !this.#running) return;
    this.#refillSoon = this.timers.at(new Date(this.ctx.clock.now().getTime() + REFILL_DEBOUNCE_MS), () => {
      this.#refillSoon = undefined;
      this.#needRefill = true;
      return this.#ensureLoop();
    });
  }

  /** Processes everything due now (a timer fired). */
  kick(): Promise<void> {
    this.#needRun = true;
    return this.#ensureLoop();
  }

  /** Resolves when nothing is being processed or waiting to be, news included (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#loop || this.#news.size) {
      if (this.#loop) await this.#loop;
      else await Promise.all(this.#news);
    }
  }

  /** One loop at a time does all the work, so runs and refills never overlap. */
  #ensureLoop(): Promise<void> {
    if (!this.#running) return Promise.resolve();
    this.#loop ??= (async () => {
      try {
        while (this.#running && (this.#needRun || this.#needRefill)) {
          if (this.#needRefill) {
            this.#needRefill = false;
            await this.#refill();
          }
          if (this.#needRun) {
            this.#needRun = false;
            await this.#runDue();
          }
        }
      } catch (error) {
        this.ctx.logger.error('the scheduler failed a round; the next timer tries again', { error });
      } finally {
        this.#loop = undefined;
      }
    })();
    return this.#loop;
  }

  /** Claims whose lease ran out mid-call (their process died): outcome unknown, never resent. */
  async #abandonStale(): Promise<number> {
    const abandoned = await this.ctx.store.abandonStaleClaims(this.ctx.clock.now(), (s) => this.ctx.news.forEvent(eventFor(s, 'needs_attention')));
    for (const settled of abandoned) await this.ctx.events.notify(eventFor(settled, 'needs_attention'));
    return abandoned.length;
  }

  async #recover(): Promise<void> {
    const now = this.ctx.clock.now();
    await this.#abandonStale();
    const missedEvent = (s: SettledPublication): DomainEvent => ({ type: 'publication.missed', post: s.post, publication: s.publication });
    for (const missed of await this.ctx.store.markMissed(new Date(now.getTime() - this.options.graceMs), now, (s) => this.ctx.news.forEvent(missedEvent(s)))) {
      await this.ctx.events.notify(missedEvent(missed));
    }
  }

  async #runDue(): Promise<void> {
    const batch = Math.max(this.options.concurrency * 8, 64);
    const send = { owner: this.options.owner, leaseMs: this.options.leaseMs, retry: this.options.retry, signal: this.#abort.signal };
    for (;;) {
      const due = await this.ctx.store.dueItems(this.ctx.clock.now(), batch, this.options.reminderLeadMs);
      if (!due.length || !this.#running) return;
      let progressed = false;
      const others = due.filter((i) => i.kind !== 'publication');
      await this.#inParallel(others, async (item) => {
        if (await this.#handle(item)) progressed = true;
      });
      // Publications are claimed a chunk at a time (one write for the chunk), and only as
      // many as can be sent at once, so no claim waits long enough for its lease to lapse.
      const ids = due.filter((i) => i.kind === 'publication').map((i) => i.id);
      for (let i = 0; i < ids.length && this.#running; i += this.options.concurrency) {
        const claimed = await claimDue(this.ctx, ids.slice(i, i + this.options.concurrency), send);
        await Promise.all(
          claimed.map(async (c) => {
            try {
              if (await sendClaimed(this.ctx, c, send)) progressed = true;
            } catch (error) {
              this.ctx.logger.error('publishing failed unexpectedly', { publication: c.publication.id, error });
            }
          }),
        );
      }
      // A full batch may mean more is due; an unproductive one must not spin.
      if (due.length < batch || !progressed) return;
    }
  }

  /** True when the item changed something (a send settled, a post expired, a reminder went). */
  async #handle(item: DueItem): Promise<boolean> {
    try {
      if (item.kind === 'expiry') return await expirePost(this.ctx, item.id);
      if (item.kind === 'stale') return (await this.#abandonStale()) > 0;
      return await remindApprovers(this.ctx, item.id, this.options.reminderLeadMs);
    } catch (error) {
      this.ctx.logger.error('scheduled work failed; it will be tried again', { kind: item.kind, id: item.id, error });
      return false;
    }
  }

  async #inParallel<T>(items: T[], run: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < items.length) await run(items[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency, items.length) }, worker));
  }

  async #refill(): Promise<void> {
    if (!this.#running) return;
    const now = this.ctx.clock.now();
    this.#cancelTimers();
    this.#refillTimer?.cancel();
    if (this.#needRecover) {
      this.#needRecover = false;
      await this.#recover();
    }
    const upcoming = await this.ctx.store.dueItems(new Date(now.getTime() + this.options.windowMs), this.options.windowLimit, this.options.reminderLeadMs);
    // One timer per distinct instant: a thousand posts due at 09:00 are one wake-up.
    for (const at of new Set(upcoming.map((i) => i.at.getTime()))) {
      this.#timers.push(this.timers.at(new Date(Math.max(at, now.getTime())), () => this.kick()));
    }
    this.#refillTimer = this.timers.at(new Date(now.getTime() + this.options.refillEveryMs), () => {
      this.#needRefill = true;
      this.#needRecover = true;
      this.#needRun = true;
      return this.#ensureLoop();
    });
  }

  #cancelTimers(): void {
    for (const timer of this.#timers.splice(0)) timer.cancel();
  }

  /** How many timers the window holds now (for health and tests). */
  get timerCount(): number {
    return this.#timers.length;
  }
}

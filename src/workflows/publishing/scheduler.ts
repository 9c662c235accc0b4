import type { DueItem, SettledPublication } from '../../../db/store.js';
import type { NetworkId } from '../../domain/network.js';
import type { Cancellable, Timers } from '../../domain/timers.js';
import type { WorkflowContext } from '../context.js';
import type { DomainEvent, Notifier } from '../events.js';
import { recoverStaleClaims } from './crash-recovery.js';
import { expirePost, remindApprovers } from './expiry.js';
import { PublishingLane } from './lane.js';
import { claimDue, eventFor, sendClaimed } from './publish-one.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';

/**
 * Sends in flight at once per network. Four parallel requests of a few hundred ms each
 * outrun every network's own posting limit (Mastodon's 1 a second, Bluesky's 5, X's 1 per 9 s
 * after a burst), so the bound never slows a network below its limit; and it is what a crash
 * can leave "outcome unknown" on a network. The sandbox publishes nowhere: nothing is lost
 * by sending many at once.
 */
export const DEFAULT_IN_FLIGHT: InFlightBounds = { default: 4, sandbox: 64 };

/** Sensible defaults; owner, lease and grace come from configuration. */
export const DEFAULT_SCHEDULER_OPTIONS: Omit<SchedulerOptions, 'owner' | 'leaseMs' | 'graceMs'> = {
  windowMs: 15 * 60_000,
  windowLimit: 1000,
  refillEveryMs: 60_000,
  reminderLeadMs: 2 * 3600_000,
  concurrency: 64,
  inFlight: DEFAULT_IN_FLIGHT,
  retry: DEFAULT_RETRY_POLICY,
};

export type InFlightBounds = { default: number } & Partial<Record<NetworkId, number>>;

/** Longest a round waits for requests being answered (see `SchedulerOptions.foreground`). */
const DEFAULT_YIELD_MS = 100;

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
  /** Expiries and reminders handled at once; also sizes each read of what is due. */
  concurrency: number;
  /** Sends in flight at once on each network (its lane). */
  inFlight: InFlightBounds;
  retry: RetryPolicy;
  /**
   * Requests being answered (the HTTP server's): each round waits until none is, for
   * `yieldMs` at most, so the sends and checks an approval starts run after the burst of
   * clicks it came in, together, instead of between the answers (bench:teams). A
   * publication due now goes out at most `yieldMs` later.
   */
  foreground?: { quiet(maxMs: number): Promise<void> };
  yieldMs?: number;
}

/**
 * Publishes approved posts on time, from the database, which is the only truth. Timers exist
 * only for what is due within the window, which is reloaded regularly and whenever a workflow
 * event may have changed it, so 100,000 scheduled posts are 100,000 rows, not timers. Every
 * send is claimed in the database first, so several processes may run a scheduler on one
 * database and each publication still goes out once.
 *
 * Each network has its own lane (see `PublishingLane`): the scheduler hands each lane what
 * is due on it and moves on, so a post never waits behind another network's rate limit.
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
  readonly #lanes = new Map<NetworkId, PublishingLane>();

  /**
   * Chat news never holds the scheduler up: each outcome writes its news to the outbox with
   * the outcome, and the chats deliver it on their own time.
   */
  constructor(
    private readonly ctx: WorkflowContext,
    private readonly timers: Timers,
    private readonly options: SchedulerOptions,
  ) {}

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
   * Stops taking new work: sends still waiting for their turn give their claims back at once;
   * those whose request is leaving are waited for (cut off when time runs out: unknown
   * outcome).
   */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.#running = false;
    this.#cancelTimers();
    this.#refillTimer?.cancel();
    this.#refillSoon?.cancel();
    for (const lane of this.#lanes.values()) lane.stop();
    let timer: NodeJS.Timeout | undefined;
    let cutOff = false;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        cutOff = true;
        for (const lane of this.#lanes.values()) lane.abort(new Error('Greenlight is shutting down'));
        resolve();
      }, timeoutMs);
    });
    await this.#loop?.catch(() => undefined);
    const lanes = Promise.all([...this.#lanes.values()].map((lane) => lane.idle()));
    await Promise.race([lanes, late]);
    // Sends just cut off still record that their outcome is unknown, briefly.
    if (cutOff) await Promise.race([lanes, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
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

  /**
   * Resolves when everything due has been handled and every send has settled (tests,
   * shutdown); their news may still be on its way to the chat. A timer's run returns sooner:
   * it hands sends to the lanes.
   */
  async idle(): Promise<void> {
    while (this.#loop || this.#lanesBusy()) {
      if (this.#loop) await this.#loop;
      else await Promise.all([...this.#lanes.values()].map((lane) => lane.idle()));
    }
  }

  #lanesBusy(): boolean {
    for (const lane of this.#lanes.values()) if (lane.inFlight > 0) return true;
    return false;
  }

  /** Sends in flight per network (for health and tests). */
  inFlight(network: NetworkId): number {
    return this.#lanes.get(network)?.inFlight ?? 0;
  }

  #lane(network: NetworkId): PublishingLane {
    let lane = this.#lanes.get(network);
    if (!lane) {
      const send = { owner: this.options.owner, leaseMs: this.options.leaseMs, retry: this.options.retry };
      lane = new PublishingLane(
        network,
        this.options.inFlight[network] ?? this.options.inFlight.default,
        {
          claim: (ids) => claimDue(this.ctx, ids, send),
          send: async (claimed, control) => void (await sendClaimed(this.ctx, claimed, { ...send, ...control })),
          giveBack: async (claimed) => void (await this.ctx.store.releaseClaim(claimed.publication.id, send.owner, this.ctx.clock.now())),
          wantMore: () => this.kick(),
        },
        this.ctx.logger,
      );
      this.#lanes.set(network, lane);
    }
    return lane;
  }

  /** One loop at a time does all the work, so runs and refills never overlap. */
  #ensureLoop(): Promise<void> {
    if (!this.#running) return Promise.resolve();
    this.#loop ??= (async () => {
      try {
        while (this.#running && (this.#needRun || this.#needRefill)) {
          await this.options.foreground?.quiet(this.options.yieldMs ?? DEFAULT_YIELD_MS);
          if (!this.#running) break;
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

  /**
   * Claims whose lease ran out (their process died mid-send): taken back when their request
   * never left, sent again where the network recognises a repeat, else outcome unknown.
   */
  async #recoverStale(): Promise<number> {
    const { released, resumed, abandoned } = await recoverStaleClaims(this.ctx, {
      owner: this.options.owner,
      leaseMs: this.options.leaseMs,
    });
    for (const claimed of resumed) this.#lane(claimed.publication.network).adopt(claimed);
    for (const settled of abandoned) await this.ctx.events.notify(eventFor(settled, 'needs_attention'));
    if (released.length) this.#needRun = true;
    return released.length + resumed.length + abandoned.length;
  }

  async #recover(): Promise<void> {
    const now = this.ctx.clock.now();
    await this.#recoverStale();
    const missedEvent = (s: SettledPublication): DomainEvent => ({ type: 'publication.missed', post: s.post, publication: s.publication });
    for (const missed of await this.ctx.store.markMissed(new Date(now.getTime() - this.options.graceMs), now, (s) =>
      this.ctx.news.forEvent(missedEvent(s)),
    )) {
      await this.ctx.events.notify(missedEvent(missed));
    }
  }

  /**
   * Hands each network's lane what is due on it (the lanes claim and send in their own time)
   * and handles the rest (expiries, reminders, lapsed claims) here.
   */
  async #runDue(): Promise<void> {
    const batch = Math.max(this.options.concurrency * 8, 64);
    const due = await this.ctx.store.dueItems(this.ctx.clock.now(), batch, this.options.reminderLeadMs);
    if (!this.#running) return;
    const byNetwork = new Map<NetworkId, number[]>();
    for (const item of due) {
      if (item.kind !== 'publication' || !item.network) continue;
      const ids = byNetwork.get(item.network) ?? [];
      ids.push(item.id);
      byNetwork.set(item.network, ids);
    }
    for (const [network, lane] of this.#lanes) if (!byNetwork.has(network)) lane.offer([], false);
    for (const [network, ids] of byNetwork) this.#lane(network).offer(ids, ids.length >= batch);

    let progressed = false;
    // One recovery pass takes every lapsed claim; the rest is handled item by item.
    if (due.some((i) => i.kind === 'stale')) progressed = (await this.#recoverStaleSafely()) > 0;
    const others = due.filter((i) => i.kind === 'expiry' || i.kind === 'reminder');
    await this.#inParallel(others, async (item) => {
      if (await this.#handle(item)) progressed = true;
    });
    // A full batch of one kind may mean more is due; an unproductive one must not spin.
    const kinds = new Map<DueItem['kind'], number>();
    for (const item of others) kinds.set(item.kind, (kinds.get(item.kind) ?? 0) + 1);
    if (progressed && [...kinds.values()].some((n) => n >= batch)) this.#needRun = true;
  }

  async #recoverStaleSafely(): Promise<number> {
    try {
      return await this.#recoverStale();
    } catch (error) {
      this.ctx.logger.error('could not recover lapsed claims; the next round tries again', { error });
      return 0;
    }
  }

  /** True when the item changed something (a post expired, a reminder went). */
  async #handle(item: DueItem): Promise<boolean> {
    try {
      if (item.kind === 'expiry') return await expirePost(this.ctx, item.id);
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
    const upcoming = await this.ctx.store.dueItems(
      new Date(now.getTime() + this.options.windowMs),
      this.options.windowLimit,
      this.options.reminderLeadMs,
    );
    // One timer per distinct instant: a thousand posts due at 09:00 are one wake-up. What is
    // due already is one more round of this loop, not a timer each: a burst of approvals due
    // at once, each at its own millisecond, made a round per approval (bench:teams).
    for (const at of new Set(upcoming.map((i) => i.at.getTime()))) {
      if (at <= now.getTime()) this.#needRun = true;
      else this.#timers.push(this.timers.at(new Date(at), () => this.kick()));
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

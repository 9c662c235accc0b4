import type { ClaimedPublication } from '../../../db/store.js';
import type { NetworkId } from '../../domain/network.js';
import type { Logger } from '../../observability/logger.js';

/** How a lane claims and sends; the scheduler supplies both. */
export interface LaneWork {
  /** Claims these due publications in the database; returns those this process now holds. */
  claim(ids: readonly number[]): Promise<ClaimedPublication[]>;
  /** Sends one claimed publication and records its outcome; never throws. */
  send(claimed: ClaimedPublication, control: { signal: AbortSignal; onSending: () => void }): Promise<void>;
  /** Gives back a claim that was never handed to its publisher (the lane stopped meanwhile). */
  giveBack(claimed: ClaimedPublication): Promise<void>;
  /** The due list ran out while the database had more: read it again. */
  wantMore(): void;
}

interface Send {
  controller: AbortController;
  /** Its request is leaving: it can no longer be called off unsent. */
  sending: boolean;
}

/**
 * One network's own queue. Publications go out in due order, at most `bound` in flight at
 * once (claimed, waiting for the network's rate limiter, or on the wire), so a slow or
 * rate-limited network delays only itself, and a crash can leave at most `bound` of its
 * sends in doubt. A publication is claimed only when a slot is free, so a claim is never
 * held for longer than the few sends ahead of it take.
 */
export class PublishingLane {
  /** Due and not yet claimed, soonest first, as the database last said. */
  #queue: number[] = [];
  /** The database had more due than it handed over. */
  #more = false;
  readonly #claiming = new Set<number>();
  readonly #sends = new Map<number, Send>();
  /** Claims and sends under way, for `idle()`. */
  readonly #work = new Set<Promise<void>>();
  #stopped = false;

  constructor(
    readonly network: NetworkId,
    readonly bound: number,
    private readonly work: LaneWork,
    private readonly logger: Logger,
  ) {
    if (!(bound >= 1)) throw new RangeError('a lane needs room for at least one send');
  }

  /** Sends in flight, claims included. */
  get inFlight(): number {
    return this.#sends.size + this.#claiming.size;
  }

  /**
   * What is due on this network now, soonest first (replaces what the lane knew: the
   * database is the truth; what was cancelled meanwhile drops out). `more`: it had more.
   */
  offer(ids: readonly number[], more: boolean): void {
    if (this.#stopped) return;
    // One still being sent here is due again only if its claim was taken back (its lease
    // lapsed): it stays queued, to be claimed anew once that send has given up.
    this.#queue = ids.filter((id) => !this.#claiming.has(id));
    this.#more = more;
    this.#pump();
  }

  /**
   * A claim already held (a crashed send taken over to be repeated): sent at once. Once the
   * lane has stopped it is left alone; its lease lapses and the next start repeats it.
   */
  adopt(claimed: ClaimedPublication): void {
    if (this.#stopped) return;
    this.#queue = this.#queue.filter((id) => id !== claimed.publication.id);
    this.#start(claimed);
  }

  /**
   * Takes no new work, and calls off the sends still waiting for their turn (they give their
   * claims back). Sends whose request is leaving run on; `abort` cuts them off too.
   */
  stop(): void {
    this.#stopped = true;
    this.#queue = [];
    for (const send of this.#sends.values()) if (!send.sending) send.controller.abort(new Error('Greenlight is shutting down'));
  }

  /** Cuts off every send still running (shutdown ran out of time: their outcome is unknown). */
  abort(reason: Error): void {
    for (const send of this.#sends.values()) send.controller.abort(reason);
  }

  /** Resolves when nothing is claimed, sent or waiting in this lane. */
  async idle(): Promise<void> {
    while (this.#work.size) await Promise.all(this.#work);
  }

  #track(work: Promise<void>): void {
    this.#work.add(work);
    void work.finally(() => this.#work.delete(work));
  }

  #pump(): void {
    if (this.#stopped) return;
    const free = this.bound - this.inFlight;
    if (free > 0 && this.#queue.length === 0 && this.#more) {
      this.#more = false;
      this.work.wantMore();
      return;
    }
    const ids: number[] = [];
    for (let i = 0; i < this.#queue.length && ids.length < free; ) {
      if (this.#sends.has(this.#queue[i]!)) i++;
      else ids.push(...this.#queue.splice(i, 1));
    }
    if (ids.length === 0) return;
    for (const id of ids) this.#claiming.add(id);
    this.#track(
      this.work
        .claim(ids)
        .then(
          async (claimed) => {
            for (const id of ids) this.#claiming.delete(id);
            if (this.#stopped) await Promise.all(claimed.map((c) => this.work.giveBack(c)));
            else for (const c of claimed) this.#start(c);
          },
          (error: unknown) => {
            // They stay scheduled in the database; the next read offers them again.
            for (const id of ids) this.#claiming.delete(id);
            this.logger.error('could not claim publications; the next round tries again', { network: this.network, error });
          },
        )
        .finally(() => this.#pump()),
    );
  }

  #start(claimed: ClaimedPublication): void {
    const id = claimed.publication.id;
    const send: Send = { controller: new AbortController(), sending: false };
    this.#sends.set(id, send);
    this.#track(
      this.work
        .send(claimed, { signal: send.controller.signal, onSending: () => (send.sending = true) })
        .catch((error: unknown) => this.logger.error('publishing failed unexpectedly', { publication: id, error }))
        .finally(() => {
          this.#sends.delete(id);
          this.#pump();
        }),
    );
  }
}

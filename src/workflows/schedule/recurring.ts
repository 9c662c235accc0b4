import cronParser from 'cron-parser';
import type { Clock } from '../../domain/clock.js';
import type { Cancellable, Timers } from '../../domain/timers.js';
import type { Logger } from '../../observability/logger.js';

/** The first time `cron` fires strictly after `after`, reading the expression in `zone`. */
export function nextOccurrence(cron: string, zone: string, after: Date): Date {
  return cronParser.parseExpression(cron, { currentDate: after, tz: zone }).next().toDate();
}

/**
 * A job on a cron schedule in a time zone (the digest at 09:00 Europe/Berlin stays at 09:00
 * across daylight-saving changes). Each run schedules the next, on the injected timers.
 */
export class RecurringJob {
  #timer: Cancellable | undefined;
  #stopped = true;

  constructor(
    readonly name: string,
    private readonly cron: string,
    private readonly zone: string,
    private readonly deps: { timers: Timers; clock: Clock; logger: Logger },
    private readonly run: () => Promise<unknown>,
  ) {}

  /** When the job runs next (undefined when stopped). */
  next: Date | undefined;

  start(): void {
    this.#stopped = false;
    this.#schedule();
  }

  stop(): void {
    this.#stopped = true;
    this.#timer?.cancel();
    this.next = undefined;
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.next = nextOccurrence(this.cron, this.zone, this.deps.clock.now());
    this.#timer = this.deps.timers.at(this.next, async () => {
      try {
        await this.run();
      } catch (error) {
        this.deps.logger.error(`${this.name} failed; it runs again at its next time`, { error });
      }
      this.#schedule();
    });
  }
}

import type { Store, StoreHealth } from '../../db/store.js';
import type { Clock } from '../domain/clock.js';
import type { Cancellable, Timers } from '../domain/timers.js';
import type { Logger } from '../observability/logger.js';

/** How often the database is checked when nobody asks /healthz. */
export const DATABASE_CHECK_EVERY_MS = 30_000;

/**
 * Checks the database's health every half minute and whenever /healthz asks, and logs each
 * problem once, when it appears, and once more when all are gone. A deleted data folder used
 * to go unnoticed until a restart silently made a new database; now it is an error in the log
 * within half a minute, naming the file, even where nothing probes /healthz.
 */
export class DatabaseWatch {
  #timer: Cancellable | undefined;
  #stopped = true;
  #known = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly deps: { timers: Timers; clock: Clock; logger: Logger },
    private readonly everyMs = DATABASE_CHECK_EVERY_MS,
  ) {}

  start(): void {
    this.#stopped = false;
    this.#schedule();
  }

  stop(): void {
    this.#stopped = true;
    this.#timer?.cancel();
  }

  async check(): Promise<StoreHealth> {
    const health = await this.store.health();
    const now = new Set(health.problems);
    for (const problem of now) if (!this.#known.has(problem)) this.deps.logger.error(`database: ${problem}`);
    if (this.#known.size && !now.size) this.deps.logger.info('the database is healthy again');
    this.#known = now;
    return health;
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = this.deps.timers.at(new Date(this.deps.clock.now().getTime() + this.everyMs), async () => {
      await this.check().catch((error: unknown) => this.deps.logger.error('database: the health check failed', { error }));
      this.#schedule();
    });
  }
}

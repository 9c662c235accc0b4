import type { Clock } from '../domain/clock.js';
import type { Logger } from './logger.js';

/**
 * A warning anyone outside can trigger (a forged request) must not let them fill the log:
 * the first is logged at once, then at most one line per window says how many came since.
 */
export class ThrottledWarning {
  #lastAt: number | undefined;
  #since = 0;

  constructor(
    private readonly logger: Logger,
    private readonly clock: Clock,
    /** The line for `count` occurrences (1 for the first, then all since the previous line). */
    private readonly message: (count: number) => string,
    private readonly windowMs = 60_000,
  ) {}

  note(): void {
    const now = this.clock.now().getTime();
    this.#since++;
    if (this.#lastAt !== undefined && now - this.#lastAt < this.windowMs) return;
    this.logger.warn(this.message(this.#since));
    this.#lastAt = now;
    this.#since = 0;
  }
}

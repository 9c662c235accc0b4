import schedule from 'node-schedule';
import type { Cancellable, Timers } from '../../domain/timers.js';

/** node-schedule drives the real timers (it copes with long delays and clock changes). */
export const nodeScheduleTimers: Timers = {
  at(when: Date, run: () => void | Promise<void>): Cancellable {
    // node-schedule does not run a job whose date is already past: run it on the next tick.
    if (when.getTime() <= Date.now()) {
      const immediate = setImmediate(() => void run());
      return { cancel: () => clearImmediate(immediate) };
    }
    const job = schedule.scheduleJob(when, () => void run());
    return { cancel: () => job?.cancel() };
  },
};

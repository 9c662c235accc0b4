import type { Clock } from '../../../domain/clock.js';
import type { Logger } from '../../../observability/logger.js';
import type { Greenlight } from '../../../workflows/greenlight.js';

/**
 * The Slack requests Greenlight has acted on, so that one sent again is recognised: a
 * captured dialog submission replayed within Slack's 5-minute window, or a double submit.
 * A submission is one per dialog (`view.id`: Slack closes a dialog once it is accepted), a
 * click one per `action_ts` and user.
 */
export interface RequestMemory {
  /** True the first time `key` is seen. */
  remember(key: string): Promise<boolean>;
  /** The request may be acted on again (its dialog stayed open to be corrected). */
  forget(key: string): Promise<void>;
}

export const submissionKey = (viewId: string): string => `slack:view:${viewId}`;
export const clickKey = (userId: string, actionTs: string): string => `slack:action:${userId}:${actionTs}`;

/**
 * Request memory in Greenlight's database, timed by `clock`: Slack's clock, i.e. real time,
 * since the window a replay can arrive in is that of Slack's request signatures. A memory that
 * cannot be read (the database failing) lets the request through: its own write fails then too.
 */
export function requestMemory(gl: Pick<Greenlight, 'rememberRequest' | 'forgetRequest'>, clock: Clock, logger: Logger): RequestMemory {
  return {
    remember: async (key) => {
      try {
        return await gl.rememberRequest(key, clock.now());
      } catch (error) {
        logger.error('could not check whether a Slack request was already acted on; acting on it', { error });
        return true;
      }
    },
    forget: async (key) => {
      try {
        await gl.forgetRequest(key);
      } catch (error) {
        logger.error('could not forget a Slack request; the same dialog cannot be submitted again', { error });
      }
    },
  };
}

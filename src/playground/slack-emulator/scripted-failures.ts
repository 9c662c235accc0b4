import { FailureQueue } from '../emulator-faults.js';
export interface ScriptedFailure {
  /** Slack error code to answer, e.g. `ratelimited`, `channel_not_found`. Omit for a delay only. */
  error?: string;
  /** For `ratelimited`: the Retry-After header (seconds). Slack sends one on every 429. */
  retryAfterSeconds?: number;
  /** Hold the response this long first (timeouts, slow Slack). */
  delayMs?: number;
  /** Answer with this HTTP status instead (e.g. 500/503 to exercise retries). */
  status?: number;
}

/** Failures queued per method; each is used by exactly one upcoming call to it. */
export class ScriptedFailures extends FailureQueue<string, ScriptedFailure> {}

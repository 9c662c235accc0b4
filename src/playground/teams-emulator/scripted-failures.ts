import { FailureQueue } from '../emulator-faults.js';
import type { FakeTeamsOperation } from './recorder.js';

export interface ScriptedFailure {
  /** HTTP status to answer (e.g. 403, 412, 429, 500, 503). Omit for a delay only. */
  status?: number;
  /** Error code in the body (`{ error: { code, message } }`); defaults to Teams' code for the status. */
  code?: string;
  message?: string;
  /** Sent as Retry-After with the failure (Teams sends it with 429). */
  retryAfterSeconds?: number;
  /** Hold the answer this long first (slow Teams, timeouts). */
  delayMs?: number;
}

/** Failures queued per operation; each is used by exactly one upcoming call to it. */
export class ScriptedFailures extends FailureQueue<FakeTeamsOperation, ScriptedFailure> {}

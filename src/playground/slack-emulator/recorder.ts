import { CallRecorder, type CallListener as GenericListener } from '../call-recorder.js';
import type { SlackResult } from './results.js';

export interface RecordedCall {
  /** The Web API method (`chat.postMessage`), or `response_url` for posts to a response URL. */
  method: string;
  /** Arguments as the app meant them: nested `blocks`/`view`/`files` parsed back into objects; token left out. */
  args: Record<string, unknown>;
  /** When the request arrived (the fake's clock, ms). */
  at: number;
  /** HTTP status answered (200, or 429 for a scripted rate limit…). */
  status: number;
  /** The body answered, `{ ok: true, … }` or `{ ok: false, error }`. */
  response: SlackResult;
}

export type CallListener = GenericListener<RecordedCall>;

/** The Slack fake's recorder: calls by Web API method. */
export const slackRecorder = () =>
  new CallRecorder<RecordedCall>(
    (c) => c.method,
    (c) => `${c.method} → ${c.response.ok ? 'ok' : String(c.response.error)}`,
  );

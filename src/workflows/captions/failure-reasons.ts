/**
 * Why the model could not help, in words an author can act on (shown after "Suggestions
 * unavailable: "). Never the service's own message: it can echo parts of the request or
 * key, and it means nothing to the author. The admin gets the detail in the log.
 */
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';

export interface FailureContext {
  model: string;
  timeoutMs: number;
  /** Aborted by our own deadline rather than by the service. */
  timedOut: boolean;
}

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(1))} second${ms === 1000 ? '' : 's'}`;

export const timeoutReason = (timeoutMs: number) => `the AI service took longer than ${seconds(timeoutMs)}. Try again in a moment.`;

/** "in 30 seconds" / "in 2 minutes" from Retry-After (seconds or an HTTP date), if the service sent it. */
function retryAfter(headers: Headers | undefined): string {
  const value = headers?.get('retry-after-ms') ?? null;
  let ms = value !== null && /^\d+$/.test(value) ? Number(value) : undefined;
  const header = headers?.get('retry-after') ?? null;
  if (ms === undefined && header !== null) {
    if (/^\d+$/.test(header)) ms = Number(header) * 1000;
    else if (!Number.isNaN(Date.parse(header))) ms = Math.max(0, Date.parse(header) - Date.now());
  }
  if (ms === undefined) return 'in a minute';
  if (ms < 60_000) return `in ${Math.max(1, Math.ceil(ms / 1000))} seconds`;
  return `in ${Math.ceil(ms / 60_000)} minutes`;
}

export function failureReason(error: unknown, context: FailureContext): string {
  if (context.timedOut || error instanceof APIConnectionTimeoutError) return timeoutReason(context.timeoutMs);
  if (error instanceof APIUserAbortError) return 'the request was cancelled.';
  if (error instanceof APIConnectionError)
    return 'the AI service could not be reached. Try again in a moment; if it keeps happening, tell your Greenlight admin.';
  if (error instanceof APIError) {
    const status = error.status ?? 0;
    if (status === 429) {
      if (error.code === 'insufficient_quota') return 'the AI account has run out of credit. Tell your Greenlight admin.';
      return `the AI service is busy (too many requests). Try again ${retryAfter(error.headers)}.`;
    }
    if (status === 401 || status === 403)
      return 'the AI service did not accept Greenlight’s key. Tell your Greenlight admin (OPENAI_API_KEY).';
    if (status === 404) return `the AI service does not offer the model “${context.model}”. Tell your Greenlight admin (OPENAI_MODEL).`;
    if (status >= 500) return `the AI service had a problem (HTTP ${status}). Try again in a moment.`;
    return `the AI service refused the request (HTTP ${status}). Tell your Greenlight admin; the details are in Greenlight’s log.`;
  }
  return 'something unexpected went wrong. Try again; the details are in Greenlight’s log.';
}

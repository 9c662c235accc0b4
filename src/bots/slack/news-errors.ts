import { webApi } from '@slack/bolt';
import { NewsDeliveryError } from '../news/news-channel.js';

/**
 * Slack errors that say "not now" rather than "never". `internal_error` and `fatal_error` may
 * come after Slack acted ("It's possible some aspect of the operation succeeded", Slack's
 * chat.postMessage reference), so what they answered is looked for before sending again.
 */
const TRANSIENT = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited', 'team_added_to_org']);
const MAYBE_ACTED = new Set(['internal_error', 'fatal_error', 'request_timeout']);

interface SlackErrorShape {
  code?: string;
  data?: { error?: string };
  retryAfter?: number;
  statusCode?: number;
  original?: { code?: string; message?: string };
}

/**
 * What a Web API failure means for news (the news client makes no retries of its own: the
 * outbox retries, so each attempt is one call and its outcome is known here).
 */
export function newsError(error: unknown): NewsDeliveryError {
  if (error instanceof NewsDeliveryError) return error;
  const e = (error ?? {}) as SlackErrorShape;
  switch (e.code) {
    case webApi.ErrorCode.RateLimitedError:
      return new NewsDeliveryError(`Slack is rate-limiting Greenlight (retry after ${e.retryAfter ?? '?'} s)`, {
        retryAfterMs: (e.retryAfter ?? 1) * 1000,
        maybeDelivered: false,
        cause: error,
      });
    case webApi.ErrorCode.PlatformError: {
      const code = e.data?.error ?? 'unknown_error';
      if (TRANSIENT.has(code))
        return new NewsDeliveryError(`Slack answered ${code}`, { maybeDelivered: MAYBE_ACTED.has(code), cause: error });
      return new NewsDeliveryError(`Slack refused it: ${code}`, { permanent: true, maybeDelivered: false, cause: error });
    }
    case webApi.ErrorCode.HTTPError:
      // A 5xx may come after Slack acted; a 4xx other than 429 (handled above) did not act.
      return new NewsDeliveryError(`Slack answered HTTP ${e.statusCode ?? '?'}`, {
        maybeDelivered: (e.statusCode ?? 500) >= 500,
        cause: error,
      });
    case webApi.ErrorCode.RequestError:
      // No answer (timeout, reset): the request may have been acted on.
      return new NewsDeliveryError(`Slack did not answer (${e.original?.code ?? e.original?.message ?? 'no response'})`, {
        maybeDelivered: true,
        cause: error,
      });
    default:
      return new NewsDeliveryError(error instanceof Error ? error.message : String(error), { maybeDelivered: true, cause: error });
  }
}

/** The Slack error code of a refusal, for the words people see ("channel_not_found"). */
export function slackErrorCode(error: unknown): string | undefined {
  const cause = error instanceof NewsDeliveryError ? error.cause : error;
  return (cause as SlackErrorShape | undefined)?.data?.error;
}

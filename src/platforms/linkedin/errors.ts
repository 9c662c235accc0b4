/**
 * LinkedIn's error answers in a marketer's words. LinkedIn answers
 * `{status, code, serviceErrorCode, message}` and, for validation, adds
 * `errorDetails.inputErrors[{code, description}]` (a duplicate post is 422 with code
 * DUPLICATE_POST and "Content is a duplicate of urn:li:share:…" in the message).
 */
import { describeWait, errorDetail, type ErrorResponse, type ErrorVerdict, type MessageFromError } from '../http/classify.js';
import { retryAfterMs } from '../http/retry-after.js';
import { LINKEDIN_API_VERSION } from './api-version.js';

interface LinkedInError {
  code?: unknown;
  message?: unknown;
  errorDetails?: { inputErrors?: Array<{ code?: unknown; description?: unknown }> };
}

/**
 * LinkedIn's limits are daily and "reset at midnight UTC every day"; its 429 carries no
 * header saying when. Coming back before midnight would be refused again, so the wait is
 * until then. (LinkedIn also sends rare 429s for its own infrastructure protection, which
 * clear sooner; an approver can press Retry for those.)
 */
export function untilNextUtcMidnight(now: Date): number {
  const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return next - now.getTime();
}

const DUPLICATE_OF = /urn:li:(?:share|ugcPost|activity):\d+/;

function codesOf(json: unknown): string[] {
  if (!json || typeof json !== 'object') return [];
  const e = json as LinkedInError;
  const codes = typeof e.code === 'string' ? [e.code] : [];
  for (const input of e.errorDetails?.inputErrors ?? []) if (typeof input?.code === 'string') codes.push(input.code);
  return codes;
}

const quoted = (message: string, detail: string | undefined) => (detail ? `${message} (LinkedIn said: "${detail}")` : message);

export const linkedinErrorReader =
  (now: () => Date): MessageFromError =>
  (response) =>
    readLinkedInError(response, now());

function readLinkedInError(response: ErrorResponse, now: Date): ErrorVerdict {
  const { status, json, text } = response;
  const codes = codesOf(json);
  const detail = errorDetail(json, text);
  const message =
    json && typeof json === 'object' && typeof (json as LinkedInError).message === 'string'
      ? ((json as LinkedInError).message as string)
      : text;

  if (codes.includes('DUPLICATE_POST') || (status === 422 && /duplicate/i.test(message))) {
    const earlier = DUPLICATE_OF.exec(message)?.[0];
    return {
      kind: 'permanent',
      message: earlier
        ? `LinkedIn refused this post as duplicate content: the account already has the same post (https://www.linkedin.com/feed/update/${earlier}).`
        : 'LinkedIn refused this post as duplicate content: the account already has the same post.',
    };
  }
  if (status === 429) {
    const wait = retryAfterMs(response.headers, now) ?? untilNextUtcMidnight(now);
    return {
      kind: 'retryable',
      retryAfterMs: wait,
      message: `LinkedIn's daily limit for Greenlight's app or this account is used up (HTTP 429); it resets at midnight UTC, so Greenlight can try again in ${describeWait(wait)}.`,
    };
  }
  if (status === 426 || codes.includes('NONEXISTENT_VERSION')) {
    return {
      kind: 'permanent',
      message: `LinkedIn no longer serves API version ${LINKEDIN_API_VERSION}, which this Greenlight release uses (HTTP ${status}); update Greenlight.`,
    };
  }
  if (status === 401) {
    return {
      kind: 'permanent',
      message: quoted(
        'LinkedIn rejected the access token (401): check LINKEDIN_ACCESS_TOKEN. LinkedIn access tokens expire 60 days after they are issued, so an old token needs to be generated again.',
        detail,
      ),
    };
  }
  if (status === 403) {
    return {
      kind: 'permanent',
      message: quoted(
        'LinkedIn refused the request (403): the token in LINKEDIN_ACCESS_TOKEN may not allow posting as LINKEDIN_AUTHOR_URN (a person needs w_member_social; a company page needs w_organization_social and an admin role on the page).',
        detail,
      ),
    };
  }
  if (status === 400 || status === 422) {
    return { kind: 'permanent', message: quoted(`LinkedIn refused the post (HTTP ${status}).`, detail) };
  }
  return undefined;
}

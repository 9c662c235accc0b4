import { XRPCError } from '@atproto/api';
import { classifyResponse, errorDetail, findPublishError, type ErrorResponse, type ErrorVerdict } from '../http/classify.js';
import { redact } from '../../observability/redact.js';
import { PublishError } from '../publisher.js';

/** XRPC's pseudo-statuses for "no answer" and "an answer that breaks the lexicon". */
const NO_RESPONSE = 1;
const INVALID_RESPONSE = 2;

/** `video`: a step of a video's upload (service auth, the video service), which shows nothing to anyone. */
export type BlueskyStep = 'login' | 'read' | 'upload' | 'video' | 'post';

const CREDENTIALS = 'BLUESKY_IDENTIFIER and BLUESKY_APP_PASSWORD';

interface XrpcBody {
  error?: string;
  message?: string;
}

function verdict(step: BlueskyStep, response: ErrorResponse): ErrorVerdict {
  const body = (response.json ?? {}) as XrpcBody;
  const name = body.error;
  const detail = errorDetail(body.message ? { message: body.message } : undefined) ?? name;
  const said = detail ? ` (It said: "${detail}")` : '';
  switch (name) {
    case 'AccountTakedown':
      return { kind: 'permanent', message: `Bluesky has taken down this account; it cannot post.${said}` };
    case 'AccountDeactivated':
      return { kind: 'permanent', message: `The Bluesky account is deactivated; reactivate it to post.${said}` };
    case 'AuthFactorTokenRequired':
      return {
        kind: 'permanent',
        message: `Bluesky asks for an emailed sign-in code: set BLUESKY_APP_PASSWORD to an app password (Settings → Privacy and security → App passwords), not the account password.`,
      };
    case 'ExpiredToken':
    case 'InvalidToken':
      return { kind: 'permanent', message: `Bluesky's sign-in expired and could not be renewed: check ${CREDENTIALS}.${said}` };
    case 'BlobTooLarge':
      return { kind: 'permanent', message: `Bluesky refused the ${step === 'video' ? 'video' : 'image'} as too large.${said}` };
  }
  if ((response.status === 401 || response.status === 403) && step === 'video') {
    // The video service checks a service-auth token minted a moment ago; the next attempt mints a fresh one.
    return {
      kind: 'retryable',
      message: `Bluesky's video service did not accept Greenlight's permission to upload (HTTP ${response.status}); nothing was posted, try again.${said}`,
    };
  }
  if (response.status === 401 && step === 'login') {
    return { kind: 'permanent', message: `Bluesky refused the sign-in: check ${CREDENTIALS}.${said}` };
  }
  if (response.status === 400 || response.status === 413 || response.status === 415) {
    if (step === 'post') return { kind: 'permanent', message: `Bluesky refused this post${detail ? `: "${detail}"` : ''}.` };
    if (step === 'upload') return { kind: 'permanent', message: `Bluesky refused the image${detail ? `: "${detail}"` : ''}.` };
    if (step === 'video')
      return { kind: 'permanent', message: `Bluesky refused the video${detail ? `: "${detail}"` : ''}; nothing was posted.` };
  }
  return undefined;
}

/**
 * Turns what `@atproto/api` threw into a `PublishError`. A failure to get any answer was
 * already classified by the shared client's fetch (found in the cause chain); an answer
 * is classified like any HTTP error, with Bluesky's `{error, message}` read for words.
 */
export function classifyBlueskyError(error: unknown, step: BlueskyStep, now: Date): PublishError {
  const ours = findPublishError(error);
  if (ours) return ours;
  if (error instanceof XRPCError) {
    if (error.status === INVALID_RESPONSE || error.status === NO_RESPONSE) {
      // Bluesky answered, or something failed after sending, and we cannot read it: for the
      // post that means it may exist; for anything else nothing changed.
      return new PublishError({
        kind: step === 'post' ? 'unknown' : 'retryable',
        network: 'bluesky',
        message:
          step === 'post'
            ? 'Bluesky answered the post in a way Greenlight could not read, so it may have been published: check the account before retrying.'
            : redact(`Bluesky answered in a way Greenlight could not read (${error.message}); try again later.`),
        cause: error,
      });
    }
    return classifyResponse({
      network: 'bluesky',
      status: error.status,
      headers: error.headers ?? {},
      text: JSON.stringify({ error: error.error, message: error.message }),
      now,
      messageFromError: (response) => verdict(step, response),
    });
  }
  if (error instanceof PublishError) return error;
  const what = redact(error instanceof Error ? error.message : String(error));
  return new PublishError({
    kind: step === 'post' ? 'unknown' : 'retryable',
    network: 'bluesky',
    message:
      step === 'post'
        ? `Publishing to Bluesky failed unexpectedly (${what}): check the account before retrying.`
        : `Bluesky failed unexpectedly (${what}); try again later.`,
    cause: error,
  });
}

/** The session is gone for good (refresh token expired or revoked): sign in again. */
export function sessionLost(error: unknown): boolean {
  if (!(error instanceof XRPCError)) return false;
  return error.error === 'ExpiredToken' || error.error === 'InvalidToken' || (error.status === 401 && error.error !== 'AccountTakedown');
}

export const isRecordNotFound = (error: unknown) =>
  error instanceof XRPCError && (error.error === 'RecordNotFound' || /could not locate record/i.test(error.message));

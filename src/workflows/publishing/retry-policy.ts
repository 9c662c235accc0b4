import { UserFacingError } from '../../domain/errors.js';
import { redact } from '../../observability/redact.js';
import { delayForAttempt } from '../../platforms/http/backoff.js';
import { PublishError } from '../../platforms/publisher.js';
import type { PublishOutcome } from '../../../db/store.js';

export interface RetryPolicy {
  /** Attempts in all, the first included, before a retryable failure becomes `failed`. */
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseMs: 60_000, maxMs: 60 * 60_000 };

/**
 * What to do after a failed attempt. Retryable failures wait (at least as long as the network
 * asked, with jittered backoff) until the budget runs out; permanent ones fail; anything whose
 * outcome is unknown, including a crash inside a publisher, waits for a person (rule 2 in docs/architecture.md).
 */
export function afterFailure(
  error: unknown,
  attempts: number,
  now: Date,
  policy: RetryPolicy,
  random: () => number = Math.random,
): Exclude<PublishOutcome, { status: 'published' }> {
  const kind = error instanceof PublishError ? error.kind : 'unknown';
  // A network's own words may quote what it was sent (a token, say): they are shown in chat.
  const message = redact(
    error instanceof UserFacingError
      ? error.userMessage
      : 'Greenlight hit an unexpected error while publishing, so whether it went out is unknown.',
  );
  if (kind === 'retryable') {
    if (attempts < policy.maxAttempts) {
      // Full jitter spreads retries out; the floor keeps a retry from coming straight back.
      const wait = Math.max((error as PublishError).retryAfterMs ?? 0, policy.baseMs / 2, delayForAttempt(attempts, policy, random));
      return { status: 'scheduled', retryAt: new Date(now.getTime() + wait), error: message };
    }
    return { status: 'failed', error: `Gave up after ${attempts} attempts: ${message}` };
  }
  if (kind === 'permanent') return { status: 'failed', error: message };
  return { status: 'needs_attention', error: message };
}

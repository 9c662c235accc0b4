import type { Store } from '../../db/store.js';
import type { Clock } from '../domain/clock.js';
import { formatDuration } from '../domain/time.js';
import type { HealthCheck } from './health.js';

/** News waiting longer than this means the chat is not taking it: /healthz says 503. */
const STUCK_MS = 10 * 60_000;
/** Given-up news stays in the report this long (it does not make /healthz fail: a restart would not bring it back). */
const REPORT_FAILED_MS = 24 * 3600_000;

/**
 * The chat outbox is moving (rule 10 in docs/architecture.md): news waiting more than ten minutes fails the
 * check, with how much and since when; news given up in the last day is reported with the
 * last reason.
 */
export function outboxCheck(store: Store, clock: Clock): HealthCheck {
  return async () => {
    const now = clock.now().getTime();
    const health = await store.newsHealth(new Date(now - REPORT_FAILED_MS));
    const waiting = health.oldestPendingAt ? now - health.oldestPendingAt.getTime() : 0;
    const stuck = health.pending > 0 && waiting > STUCK_MS;
    const parts = [
      health.pending
        ? `${health.pending} chat update${health.pending === 1 ? '' : 's'} waiting, the oldest for ${formatDuration(waiting)}${stuck ? ' (is the chat reachable? see the log)' : ''}`
        : 'no chat updates waiting',
    ];
    if (health.failed && health.lastFailure) {
      parts.push(`${health.failed} given up in the last 24 hours, the last (${health.lastFailure.kind}): ${health.lastFailure.error}`);
    }
    return { name: 'chat outbox', ok: !stuck, detail: parts.join('; ') };
  };
}

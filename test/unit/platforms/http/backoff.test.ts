import { describe, expect, it } from 'vitest';
import { delayForAttempt, withRetries } from '../../../../src/platforms/http/backoff.js';
import { PublishError, type FailureKind } from '../../../../src/platforms/publisher.js';

const options = { baseMs: 100, maxMs: 1000 };

function failure(kind: FailureKind, retryAfterMs?: number) {
  return new PublishError({ kind, network: 'x', message: `${kind} failure`, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
}

function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

/** An operation that fails with the given errors in turn, then returns 'ok'. */
function scripted(errors: unknown[]) {
  const calls: number[] = [];
  const operation = async (attempt: number) => {
    calls.push(attempt);
    const next = errors.shift();
    if (next !== undefined) throw next;
    return 'ok';
  };
  return { calls, operation };
}

describe('delayForAttempt', () => {
  it('doubles the ceiling each attempt and stops at maxMs', () => {
    const top = () => 1;
    expect([1, 2, 3, 4, 5, 6].map((a) => delayForAttempt(a, options, top))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('draws uniformly below the ceiling (full jitter)', () => {
    expect(delayForAttempt(3, options, () => 0)).toBe(0);
    expect(delayForAttempt(3, options, () => 0.5)).toBe(200);
    expect(delayForAttempt(3, options, () => 0.25)).toBe(100);
  });

  it('stays bounded for absurd attempt numbers', () => {
    expect(delayForAttempt(5000, options, () => 1)).toBe(1000);
  });
});

describe('withRetries', () => {
  it('retries retryable failures with jittered backoff until success', async () => {
    const { waits, sleep } = recordingSleep();
    const { calls, operation } = scripted([failure('retryable'), failure('retryable')]);
    const result = await withRetries(operation, { maxAttempts: 3, ...options, sleep, random: () => 0.5 });
    expect(result).toBe('ok');
    expect(calls).toEqual([1, 2, 3]);
    expect(waits).toEqual([50, 100]);
  });

  it('gives up after maxAttempts and rethrows the last failure', async () => {
    const { waits, sleep } = recordingSleep();
    const last = failure('retryable');
    const { calls, operation } = scripted([failure('retryable'), last]);
    await expect(withRetries(operation, { maxAttempts: 2, ...options, sleep, random: () => 1 })).rejects.toBe(last);
    expect(calls).toEqual([1, 2]);
    expect(waits).toEqual([100]);
  });

  it.each<FailureKind>(['permanent', 'unknown'])('never retries a %s failure', async (kind) => {
    const { waits, sleep } = recordingSleep();
    const error = failure(kind);
    const { calls, operation } = scripted([error]);
    await expect(withRetries(operation, { maxAttempts: 5, ...options, sleep })).rejects.toBe(error);
    expect(calls).toEqual([1]);
    expect(waits).toEqual([]);
  });

  it('rethrows errors that are not PublishErrors (bugs) at once', async () => {
    const { sleep } = recordingSleep();
    const bug = new TypeError('cannot read properties of undefined');
    const { calls, operation } = scripted([bug]);
    await expect(withRetries(operation, { maxAttempts: 5, ...options, sleep })).rejects.toBe(bug);
    expect(calls).toEqual([1]);
  });

  it('never waits less than the retryAfterMs the network asked for', async () => {
    const { waits, sleep } = recordingSleep();
    const { operation } = scripted([failure('retryable', 5000)]);
    await withRetries(operation, { maxAttempts: 3, ...options, sleep, random: () => 1 });
    expect(waits).toEqual([5000]);
  });

  it('uses the backoff when it is longer than retryAfterMs', async () => {
    const { waits, sleep } = recordingSleep();
    const { operation } = scripted([failure('retryable', 10)]);
    await withRetries(operation, { maxAttempts: 3, ...options, sleep, random: () => 1 });
    expect(waits).toEqual([100]);
  });

  it('gives up at once when the network asks for a wait beyond maxWaitMs', async () => {
    const { waits, sleep } = recordingSleep();
    const longWait = failure('retryable', 15 * 60_000);
    const { calls, operation } = scripted([longWait]);
    await expect(withRetries(operation, { maxAttempts: 3, ...options, maxWaitMs: 60_000, sleep })).rejects.toBe(longWait);
    expect(calls).toEqual([1]);
    expect(waits).toEqual([]);
  });

  it('lets shouldRetry veto a retryable failure', async () => {
    const { sleep } = recordingSleep();
    const error = failure('retryable');
    const { calls, operation } = scripted([error]);
    const seen: number[] = [];
    const shouldRetry = (_e: PublishError, attempt: number) => (seen.push(attempt), false);
    await expect(withRetries(operation, { maxAttempts: 3, ...options, sleep, shouldRetry })).rejects.toBe(error);
    expect(calls).toEqual([1]);
    expect(seen).toEqual([1]);
  });

  it('reports each retry through onRetry', async () => {
    const { sleep } = recordingSleep();
    const { operation } = scripted([failure('retryable', 300)]);
    const infos: Array<{ attempt: number; delayMs: number }> = [];
    await withRetries(operation, {
      maxAttempts: 2,
      ...options,
      sleep,
      random: () => 0,
      onRetry: ({ attempt, delayMs }) => infos.push({ attempt, delayMs }),
    });
    expect(infos).toEqual([{ attempt: 1, delayMs: 300 }]);
  });

  it('stops retrying once the signal aborts, rethrowing the failure', async () => {
    const controller = new AbortController();
    const error = failure('retryable');
    const { calls, operation } = scripted([error, failure('retryable')]);
    const sleep = async () => {
      controller.abort();
      throw new Error('aborted');
    };
    await expect(withRetries(operation, { maxAttempts: 3, ...options, sleep, signal: controller.signal })).rejects.toBe(error);
    expect(calls).toEqual([1]);
  });
});

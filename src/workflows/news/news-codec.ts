/**
 * Chat news as it is kept in the outbox: the domain event (or the digest) exactly as the
 * workflow saw it, so a line delivered an hour late still says what was true when it happened.
 * Dates are tagged rather than recognised by shape, so a post whose text looks like a date
 * stays text.
 */
import type { Digest } from '../digest/build-digest.js';
import type { DomainEvent } from '../events.js';

export type ChatNews = { kind: 'event'; event: DomainEvent } | { kind: 'digest'; digest: Digest };

const DATE_TAG = '$date';

export function encodeNews(news: ChatNews): string {
  return JSON.stringify(news, function (this: Record<string, unknown>, key, value: unknown) {
    const original = this[key];
    return original instanceof Date ? { [DATE_TAG]: original.getTime() } : value;
  });
}

export function decodeNews(payload: string): ChatNews {
  return JSON.parse(payload, (_key, value: unknown) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const keys = Object.keys(value);
      if (keys.length === 1 && keys[0] === DATE_TAG) return new Date((value as Record<string, number>)[DATE_TAG]!);
    }
    return value;
  }) as ChatNews;
}

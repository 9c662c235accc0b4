import { randomBytes } from 'node:crypto';
import type { Clock } from '../../domain/clock.js';
import type { CaptionBatch, CaptionSuggestion, Tone } from './types.js';

/** Long enough for an author to pick a suggestion from a dialog left open over lunch. */
const TTL_MS = 6 * 3600_000;
const MAX_BATCHES = 2000;

/**
 * Suggestions kept on the server, so a chat button carries a short id instead of up to
 * 3,000 characters (Slack allows 2,000 in a button value). In memory: after a restart the
 * dialog says they expired and the author asks again.
 */
export class CaptionBatches {
  readonly #batches = new Map<string, CaptionBatch>();

  constructor(private readonly clock: Clock) {}

  save(ownerId: number, tone: Tone, suggestions: Omit<CaptionSuggestion, 'id'>[]): CaptionBatch {
    this.#prune();
    const id = randomBytes(9).toString('base64url');
    const batch: CaptionBatch = {
      id,
      ownerId,
      tone,
      createdAt: this.clock.now(),
      suggestions: suggestions.map((s, i) => ({ ...s, id: `${id}.${i}` })),
    };
    this.#batches.set(id, batch);
    return batch;
  }

  get(batchId: string): CaptionBatch | undefined {
    const batch = this.#batches.get(batchId);
    if (!batch) return undefined;
    if (this.clock.now().getTime() - batch.createdAt.getTime() > TTL_MS) {
      this.#batches.delete(batchId);
      return undefined;
    }
    return batch;
  }

  /** A suggestion, only for the person it was written for. */
  suggestion(ownerId: number, suggestionId: string): CaptionSuggestion | undefined {
    const batch = this.get(suggestionId.split('.')[0] ?? '');
    if (!batch || batch.ownerId !== ownerId) return undefined;
    return batch.suggestions.find((s) => s.id === suggestionId);
  }

  #prune(): void {
    const now = this.clock.now().getTime();
    for (const [id, batch] of this.#batches) if (now - batch.createdAt.getTime() > TTL_MS) this.#batches.delete(id);
    // Oldest first (Map keeps insertion order).
    while (this.#batches.size >= MAX_BATCHES) this.#batches.delete(this.#batches.keys().next().value!);
  }
}

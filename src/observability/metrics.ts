/**
 * What Greenlight counts and times for `GET /metrics` (Prometheus text format, METRICS_ENABLED).
 * With metrics off, `NO_METRICS` takes every call and keeps nothing, so the code that reports
 * never asks whether they are on. The Prometheus side is in `prometheus.ts`, imported only when
 * metrics are on (prom-client costs start-up time and memory).
 */
import type { NetworkId } from '../domain/network.js';
import type { ChatPlatform, DecisionKind } from '../domain/post.js';

/** How one attempt at publishing ended; `retry`: it failed and is scheduled again. */
export type PublicationOutcome = 'published' | 'held' | 'retry' | 'failed' | 'needs_attention' | 'missed';

/** How a request for caption suggestions ended: answered, failed at the model, or refused by the per-person allowance. */
export type AiSuggestionOutcome = 'ok' | 'failed' | 'rate_limited';
export const AI_OUTCOMES: readonly AiSuggestionOutcome[] = ['ok', 'failed', 'rate_limited'];

/** What the rest of Greenlight reports. */
export interface Metrics {
  publication(network: NetworkId, outcome: PublicationOutcome): void;
  decision(kind: DecisionKind): void;
  /** A chat request answered (acknowledged) this many seconds after it arrived. */
  acknowledged(chat: ChatPlatform, seconds: number): void;
  /** The scheduler started a publication at `startedAt` that was due at `dueAt`. */
  publicationStarted(dueAt: Date, startedAt: Date): void;
  aiSuggestion(outcome: AiSuggestionOutcome): void;
}

export const NO_METRICS: Metrics = {
  publication: () => undefined,
  decision: () => undefined,
  acknowledged: () => undefined,
  publicationStarted: () => undefined,
  aiSuggestion: () => undefined,
};

/**
 * Caption suggestions as the chat layers use them: the request is checked, the person's
 * hourly allowance is taken, the suggester runs, and the result is kept server-side for
 * "Use this".
 */
import type { Clock } from '../../domain/clock.js';
import type { Person } from '../../domain/post.js';
import type { Metrics } from '../../observability/metrics.js';
import type { NetworkCatalog } from '../../platforms/catalog.js';
import { CaptionBatches } from './batches.js';
import { checkCaptionRequest, type CaptionInput } from './caption-request.js';
import { PerPersonRateLimit } from './rate-limit.js';
import type { CaptionSuggester } from './suggester.js';
import type { CaptionBatch, CaptionOutcome, CaptionSuggestion } from './types.js';

export interface CaptionsSetup {
  suggester: CaptionSuggester;
  /** AI_SUGGESTIONS_PER_HOUR. */
  perHour: number;
}

export interface CaptionService {
  suggest(person: Person, input: CaptionInput): Promise<CaptionOutcome>;
  batch(batchId: string): CaptionBatch | undefined;
  suggestion(person: Person, suggestionId: string): CaptionSuggestion | undefined;
}

const HOUR_MS = 3600_000;

export function createCaptionService(
  setup: CaptionsSetup,
  deps: { clock: Clock; catalog: NetworkCatalog; metrics?: Metrics },
): CaptionService {
  const limit = new PerPersonRateLimit(setup.perHour, HOUR_MS, deps.clock);
  const batches = new CaptionBatches(deps.clock);
  return {
    async suggest(person, input) {
      const check = checkCaptionRequest(input, deps.catalog);
      if (!check.ok) return { ok: false, kind: 'input', message: check.message };
      const allowed = limit.take(person.id);
      if (!allowed.ok) {
        deps.metrics?.aiSuggestion('rate_limited');
        const minutes = Math.max(1, Math.ceil((allowed.retryAt.getTime() - deps.clock.now().getTime()) / 60_000));
        return {
          ok: false,
          kind: 'unavailable',
          reason: `you have asked for suggestions ${setup.perHour === 1 ? 'once' : `${setup.perHour} times`} in the last hour, the most allowed. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
        };
      }
      const result = await setup.suggester.suggest(check.request, (n) => deps.catalog.rules(n));
      deps.metrics?.aiSuggestion(result.ok ? 'ok' : 'failed');
      if (!result.ok) return { ok: false, kind: 'unavailable', reason: result.reason };
      return { ok: true, batch: batches.save(person.id, check.request.tone, result.suggestions) };
    },
    batch: (batchId) => batches.get(batchId),
    suggestion: (person, suggestionId) => batches.suggestion(person.id, suggestionId),
  };
}

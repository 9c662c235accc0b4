/**
 * Writes caption suggestions: prompt → model (structured output) → parse → count each
 * caption by its network's rules → one regeneration for those over the limit, with the
 * overshoot stated → a word-boundary cut, marked, for any still over.
 */
import type { NetworkId } from '../../domain/network.js';
import type { Logger } from '../../observability/logger.js';
import type { NetworkRules } from '../../platforms/rules/types.js';
import { answerSchema, parseAnswer } from './answer-schema.js';
import type { CaptionModel, ChatMessage } from './caption-model.js';
import { buildPrompt, buildRetryPrompt, type Overshoot } from './prompt.js';
import { shortenToFit } from './shorten.js';
import { captionTarget, overshoot, type CaptionTarget } from './targets.js';
import type { CaptionRequest, CaptionSuggestion } from './types.js';

export type Suggestions = Omit<CaptionSuggestion, 'id'>[];
export type SuggestResult = { ok: true; suggestions: Suggestions } | { ok: false; reason: string };

export interface CaptionSuggester {
  suggest(request: CaptionRequest, rules: (network: NetworkId) => NetworkRules): Promise<SuggestResult>;
}

export interface SuggesterOptions {
  model: CaptionModel;
  brandVoice?: string;
  /** For the whole request, the regeneration included. */
  timeoutMs: number;
  logger: Logger;
}

const MALFORMED = 'the AI model’s answer was not in the expected format. Try again.';

export function createCaptionSuggester(options: SuggesterOptions): CaptionSuggester {
  const { model, logger } = options;

  return {
    async suggest(request, rules) {
      const targets = request.networks.map((n) => captionTarget(rules(n), request.fieldMaxChars));
      const signal = AbortSignal.timeout(options.timeoutMs);
      const messages = buildPrompt({ text: request.text, tone: request.tone, targets, brandVoice: options.brandVoice });

      const answer = await model.complete({ messages, schema: answerSchema(request.networks), signal });
      if (!answer.ok) return answer;
      const parsed = parseAnswer(answer.content, request.networks);
      if (!parsed.ok) {
        logger.warn('caption answer did not match the schema', { problem: parsed.problem });
        return { ok: false, reason: MALFORMED };
      }
      const captions = parsed.captions;

      const overs = oversOf(targets, captions);
      if (overs.length) await regenerate(overs, { messages, answer: answer.content, captions, signal });

      const suggestions: Suggestions = [];
      for (const target of targets) {
        for (const caption of captions.get(target.network) ?? []) {
          const fitted = overshoot(target, caption) > 0 ? shortenToFit(caption, target.limit, target.measure) : caption;
          if (!fitted) continue;
          suggestions.push({
            network: target.network,
            text: fitted,
            used: target.measure(fitted),
            limit: target.limit,
            unit: target.unit,
            shortened: fitted !== caption,
          });
        }
      }
      return { ok: true, suggestions };
    },
  };

  /**
   * Asks once more for the captions over their limit and takes each rewrite that now fits.
   * Best effort: if this second call fails, times out or answers badly, the first answer
   * stands and the long captions are shortened instead.
   */
  async function regenerate(
    overs: Overshoot[],
    context: { messages: ChatMessage[]; answer: string; captions: Map<NetworkId, string[]>; signal: AbortSignal },
  ): Promise<void> {
    const networks = [...new Set(overs.map((o) => o.target.network))];
    const retry = await model.complete({
      messages: buildRetryPrompt(context.messages, context.answer, overs),
      schema: answerSchema(networks),
      signal: context.signal,
    });
    if (!retry.ok) {
      logger.info('caption regeneration failed; shortening instead', { reason: retry.reason });
      return;
    }
    const parsed = parseAnswer(retry.content, networks);
    if (!parsed.ok) {
      logger.info('caption regeneration did not match the schema; shortening instead', { problem: parsed.problem });
      return;
    }
    for (const over of overs) {
      const rewrite = parsed.captions.get(over.target.network)?.[over.index];
      const list = context.captions.get(over.target.network)!;
      // Only a rewrite that is shorter is taken: a longer one would just be cut more.
      if (rewrite && over.target.measure(rewrite) < over.used) list[over.index] = rewrite;
    }
  }
}

function oversOf(targets: readonly CaptionTarget[], captions: Map<NetworkId, string[]>): Overshoot[] {
  return targets.flatMap((target) =>
    (captions.get(target.network) ?? []).flatMap((caption, index) => {
      const used = target.measure(caption);
      return used > target.limit ? [{ target, index, used }] : [];
    }),
  );
}

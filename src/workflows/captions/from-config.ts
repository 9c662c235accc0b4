import type { OpenAIConfig } from '../../config.js';
import type { Logger } from '../../observability/logger.js';
import type { CaptionsSetup } from './caption-service.js';
import { createCaptionSuggester } from './suggester.js';

/**
 * Caption suggestions as configured: the OpenAI-compatible model, the brand voice, the limits.
 * The `openai` client is imported only here, so a Greenlight without AI captions never loads it.
 */
export async function captionsFromConfig(config: OpenAIConfig, logger: Logger): Promise<CaptionsSetup> {
  const { openAIModel } = await import('./openai-model.js');
  const log = logger.child('captions');
  const model = openAIModel({
    apiKey: config.apiKey,
    baseUrl: config.baseUrl,
    model: config.model,
    maxTokensPerRequest: config.maxTokensPerRequest,
    timeoutMs: config.timeoutMs,
    logger: log,
  });
  return {
    suggester: createCaptionSuggester({ model, brandVoice: config.brandVoice, timeoutMs: config.timeoutMs, logger: log }),
    perHour: config.suggestionsPerHour,
  };
}

import type { OpenAIConfig } from '../../config.js';
import type { Logger } from '../../observability/logger.js';
import type { CaptionsSetup } from './caption-service.js';
import { openAIModel } from './openai-model.js';
import { createCaptionSuggester } from './suggester.js';

/** Caption suggestions as configured: the OpenAI-compatible model, the brand voice, the limits. */
export function captionsFromConfig(config: OpenAIConfig, logger: Logger): CaptionsSetup {
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

/**
 * The caption model on the `openai` package: one Chat Completions call with a strict JSON
 * schema. Chat Completions (not the Responses API) because it is what every
 * OpenAI-compatible server speaks: Azure OpenAI's v1 endpoint, Ollama, vLLM, LM Studio.
 */
import OpenAI from 'openai';
import type { Logger } from '../../observability/logger.js';
import type { CaptionModel, ModelAnswer, ModelCall } from './caption-model.js';
import { SCHEMA_NAME } from './answer-schema.js';
import { failureReason } from './failure-reasons.js';

export interface OpenAIModelOptions {
  apiKey: string;
  /** OPENAI_BASE_URL; undefined is OpenAI itself. */
  baseUrl: string | undefined;
  model: string;
  maxTokensPerRequest: number;
  timeoutMs: number;
  logger: Logger;
}

/**
 * Which parameter carries the token budget. OpenAI (and Azure OpenAI) want
 * `max_completion_tokens` and refuse `max_tokens` for reasoning models; Ollama and other
 * compatible servers know only `max_tokens` and would silently ignore the other, leaving
 * the budget unenforced.
 */
export function tokenLimitField(baseUrl: string | undefined): 'max_completion_tokens' | 'max_tokens' {
  if (!baseUrl) return 'max_completion_tokens';
  const host = new URL(baseUrl).hostname;
  const openAIHosts = ['openai.com', 'openai.azure.com', 'cognitiveservices.azure.com'];
  return openAIHosts.some((h) => host === h || host.endsWith(`.${h}`)) ? 'max_completion_tokens' : 'max_tokens';
}

export function openAIModel(options: OpenAIModelOptions): CaptionModel {
  const logger = options.logger;
  const client = new OpenAI({
    apiKey: options.apiKey,
    // Explicit, so the package never falls back to its own reading of the environment.
    baseURL: options.baseUrl ?? 'https://api.openai.com/v1',
    // One attempt: the author is waiting, and the deadline covers the whole request anyway.
    maxRetries: 0,
    timeout: options.timeoutMs,
    // The package's own diagnostics go through Greenlight's (redacting) logger.
    logLevel: 'warn',
    logger: {
      error: (message, ...rest) => logger.error(`openai: ${String(message)}`, { detail: rest }),
      warn: (message, ...rest) => logger.warn(`openai: ${String(message)}`, { detail: rest }),
      info: (message) => logger.info(`openai: ${String(message)}`),
      debug: (message) => logger.debug(`openai: ${String(message)}`),
    },
  });
  const limitField = tokenLimitField(options.baseUrl);

  return {
    async complete(call: ModelCall): Promise<ModelAnswer> {
      let completion: OpenAI.Chat.Completions.ChatCompletion;
      try {
        completion = await client.chat.completions.create(
          {
            model: options.model,
            messages: call.messages,
            response_format: { type: 'json_schema', json_schema: { name: SCHEMA_NAME, strict: true, schema: call.schema } },
            [limitField]: options.maxTokensPerRequest,
          },
          { signal: call.signal },
        );
      } catch (error) {
        const reason = failureReason(error, { model: options.model, timeoutMs: options.timeoutMs, timedOut: call.signal.aborted });
        logger.warn('caption request failed', { model: options.model, error, status: (error as { status?: unknown }).status });
        return { ok: false, reason };
      }
      // A compatible server may answer with less than OpenAI does: read defensively.
      const choice = completion?.choices?.[0];
      const message = choice?.message;
      if (message?.refusal) {
        logger.info('the model refused to write captions', { model: options.model });
        return { ok: false, reason: 'the AI model declined to write captions for this text.' };
      }
      if (choice?.finish_reason === 'length') {
        logger.warn('caption answer cut off at the token budget', { model: options.model, budget: options.maxTokensPerRequest });
        return {
          ok: false,
          reason:
            'the answer did not fit the token budget. Try fewer networks, or ask your Greenlight admin to raise AI_MAX_TOKENS_PER_REQUEST.',
        };
      }
      if (choice?.finish_reason === 'content_filter') {
        return { ok: false, reason: 'the AI service’s content filter stopped the answer.' };
      }
      if (typeof message?.content !== 'string' || !message.content.trim()) {
        logger.warn('caption answer had no content', { model: options.model });
        return { ok: false, reason: 'the AI model sent an empty answer. Try again.' };
      }
      return { ok: true, content: message.content };
    },
  };
}

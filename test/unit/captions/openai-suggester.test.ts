import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NetworkId } from '../../../src/domain/network.js';
import { createMemoryLogger } from '../../../src/observability/logger.js';
import { clearRegisteredSecrets, registerSecret } from '../../../src/observability/redact.js';
import { defaultRules, xRules } from '../../../src/platforms/rules/index.js';
import { openAIModel, tokenLimitField } from '../../../src/workflows/captions/openai-model.js';
import { createCaptionSuggester, type CaptionSuggester } from '../../../src/workflows/captions/suggester.js';
import type { CaptionRequest } from '../../../src/workflows/captions/types.js';
import { draftOf, RATE_LIMITED, startFakeOpenAI, type OpenAIFake } from '../../fakes/openai/server.js';

const API_KEY = 'sk-test-greenlight-0123456789abcdef';
const rules = (n: NetworkId) => defaultRules[n];
const request = (over: Partial<CaptionRequest> = {}): CaptionRequest => ({
  text: 'Our spring sale starts Monday: 20% off everything at https://shop.example.com',
  networks: ['x', 'linkedin'],
  tone: 'friendly',
  fieldMaxChars: 3000,
  ...over,
});

let fake: OpenAIFake;
let logger: ReturnType<typeof createMemoryLogger>;
let suggester: CaptionSuggester;

function makeSuggester(options: { timeoutMs?: number; brandVoice?: string; model?: string } = {}): CaptionSuggester {
  const timeoutMs = options.timeoutMs ?? 2000;
  const model = openAIModel({
    apiKey: API_KEY,
    baseUrl: fake.baseUrl,
    model: options.model ?? 'gpt-4.1-mini',
    maxTokensPerRequest: 1500,
    timeoutMs,
    logger,
  });
  return createCaptionSuggester({ model, brandVoice: options.brandVoice, timeoutMs, logger });
}

beforeEach(async () => {
  registerSecret(API_KEY);
  fake = await startFakeOpenAI({ apiKey: API_KEY });
  logger = createMemoryLogger('debug');
  suggester = makeSuggester();
});
afterEach(async () => {
  await fake.close();
  expect(logger.lines.join('\n')).not.toContain(API_KEY);
  clearRegisteredSecrets();
});

describe('caption suggester against an OpenAI-compatible server', () => {
  it('asks once with a strict JSON schema and a token budget, and returns three counted captions per network', async () => {
    const result = await suggester.suggest(request(), rules);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.suggestions.map((s) => s.network)).toEqual(['x', 'x', 'x', 'linkedin', 'linkedin', 'linkedin']);
    for (const s of result.suggestions) {
      expect(s.used).toBe(rules(s.network).measure(s.text).used);
      expect(s.used).toBeLessThanOrEqual(s.limit);
      expect(s.shortened).toBe(false);
    }
    expect(result.suggestions[0]).toMatchObject({ limit: 280, unit: 'characters' });

    expect(fake.requests).toHaveLength(1);
    const sent = fake.requests[0]!;
    expect(sent.model).toBe('gpt-4.1-mini');
    expect(sent.networks).toEqual(['x', 'linkedin']);
    expect(sent.schema).toMatchObject({ additionalProperties: false, required: ['x', 'linkedin'] });
    expect((sent.raw.json as { response_format: { json_schema: { strict: boolean } } }).response_format.json_schema.strict).toBe(true);
    // A local server gets max_tokens, the one parameter every compatible server knows.
    expect(sent.maxTokens).toBe(1500);
    expect(sent.maxCompletionTokens).toBeUndefined();
    expect(draftOf(sent)).toBe(request().text);
    expect(sent.messages[1]!.content).toContain('Tone: friendly');
    expect(sent.messages[1]!.content).toContain('"x" (X): at most 280 characters');
  });

  it('puts the brand voice into the prompt', async () => {
    suggester = makeSuggester({ brandVoice: 'We are Acme Garden: cheerful, never pushy, always say "plants" not "products".' });
    await suggester.suggest(request(), rules);
    expect(fake.requests[0]!.messages[0]!.content).toContain('always say "plants" not "products"');
  });

  it('regenerates a caption over the limit once, stating the overshoot, and keeps a rewrite that fits', async () => {
    const long = `${'Spring is here and everything in the shop is twenty percent off for a week. '.repeat(5)}#Spring`;
    const fits = 'Spring sale: 20% off everything from Monday! https://shop.example.com #Spring';
    fake.answerNext(
      { captions: { x: ['First fits #Sale', long, 'Third fits #Sale'] } },
      { captions: { x: ['First fits #Sale', fits, 'Third fits #Sale'] } },
    );
    const result = await suggester.suggest(request({ networks: ['x'] }), rules);
    expect(result.ok && result.suggestions.map((s) => [s.text, s.shortened])).toEqual([
      ['First fits #Sale', false],
      [fits, false],
      ['Third fits #Sale', false],
    ]);
    expect(fake.requests).toHaveLength(2);
    const retry = fake.requests[1]!;
    const used = xRules.measure(long).used;
    expect(retry.messages.at(-1)!.content).toContain(`X caption 2: ${used} characters, the limit is 280, so it is ${used - 280} over.`);
    expect(retry.messages.at(-2)).toMatchObject({ role: 'assistant' });
    expect(retry.networks).toEqual(['x']);
  });

  it('shortens at a word boundary, and marks, a caption still over the limit after the regeneration', async () => {
    const long = `${'Spring is here and everything in the shop is twenty percent off. '.repeat(6)}#Spring`;
    fake.answerNext({ captions: { x: [long, 'Short one', 'Short two'] } }, { captions: { x: [long, 'Short one', 'Short two'] } });
    const result = await suggester.suggest(request({ networks: ['x'] }), rules);
    if (!result.ok) throw new Error(result.reason);
    const first = result.suggestions[0]!;
    expect(first.shortened).toBe(true);
    expect(first.used).toBeLessThanOrEqual(280);
    expect(first.used).toBe(xRules.measure(first.text).used);
    expect(first.text.endsWith('…')).toBe(true);
    // Cut between words: what is left is a prefix of the original ending at a whole word.
    const kept = first.text.slice(0, -1);
    expect(long.startsWith(kept)).toBe(true);
    expect(long[kept.length]).toBe(' ');
    expect(result.suggestions.slice(1).every((s) => !s.shortened)).toBe(true);
  });

  it('reports malformed output as unavailable and keeps nothing', async () => {
    fake.answerNext({ content: '{"x": ["unterminated' });
    expect(await suggester.suggest(request(), rules)).toEqual({
      ok: false,
      reason: 'the AI model’s answer was not in the expected format. Try again.',
    });
    fake.answerNext({ content: JSON.stringify({ x: ['only x'] }) });
    expect(await suggester.suggest(request(), rules)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('not in the expected format'),
    });
    expect(logger.lines.some((l) => l.includes('did not match the schema') && l.includes('linkedin'))).toBe(true);
  });

  it('reports a refusal, an answer cut off at the token budget, and an empty answer', async () => {
    fake.answerNext({ refusal: 'I can’t help with that.' });
    expect(await suggester.suggest(request(), rules)).toEqual({
      ok: false,
      reason: 'the AI model declined to write captions for this text.',
    });
    fake.answerNext({ content: '{"x": ["cut', finishReason: 'length' });
    expect(await suggester.suggest(request(), rules)).toMatchObject({ ok: false, reason: expect.stringContaining('token budget') });
    fake.answerNext({ content: '  ' });
    expect(await suggester.suggest(request(), rules)).toMatchObject({ ok: false, reason: expect.stringContaining('empty answer') });
  });

  it('reports 429 with the wait the service asked for, without retrying', async () => {
    fake.failNext(RATE_LIMITED);
    expect(await suggester.suggest(request(), rules)).toEqual({
      ok: false,
      reason: 'the AI service is busy (too many requests). Try again in 20 seconds.',
    });
    expect(fake.server.requests).toHaveLength(1);
  });

  it('reports 5xx, a refused key and an unknown model in words an author can act on', async () => {
    fake.failNext({ kind: 'status', status: 503, json: { error: { message: 'overloaded', type: 'server_error' } } });
    expect(await suggester.suggest(request(), rules)).toEqual({
      ok: false,
      reason: 'the AI service had a problem (HTTP 503). Try again in a moment.',
    });
    fake.failNext({
      kind: 'status',
      status: 404,
      json: { error: { message: 'The model `gpt-9` does not exist', code: 'model_not_found' } },
    });
    expect(await makeSuggester({ model: 'gpt-9' }).suggest(request(), rules)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('does not offer the model “gpt-9”'),
    });
    const wrongKey = createCaptionSuggester({
      model: openAIModel({
        apiKey: 'sk-wrong-key-000000000000',
        baseUrl: fake.baseUrl,
        model: 'm',
        maxTokensPerRequest: 100,
        timeoutMs: 1000,
        logger,
      }),
      timeoutMs: 1000,
      logger,
    });
    expect(await wrongKey.suggest(request(), rules)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('did not accept Greenlight’s key'),
    });
  });

  it('gives up on a slow answer at the timeout', async () => {
    suggester = makeSuggester({ timeoutMs: 200 });
    fake.failNext({ kind: 'delay', ms: 800 });
    const started = Date.now();
    expect(await suggester.suggest(request(), rules)).toEqual({
      ok: false,
      reason: 'the AI service took longer than 0.2 seconds. Try again in a moment.',
    });
    expect(Date.now() - started).toBeLessThan(700);
  });

  it('counts the regeneration within the same timeout and falls back to shortening when it runs out', async () => {
    suggester = makeSuggester({ timeoutMs: 300 });
    const long = `${'Everything in the shop is twenty percent off this week. '.repeat(8)}#Spring`;
    fake.answerNext(() => {
      // The regeneration that follows never gets an answer: the deadline has to end it.
      fake.failNext({ kind: 'hang' });
      return { captions: { x: [long, 'Short one', 'Short two'] } };
    });
    const started = Date.now();
    const result = await suggester.suggest(request({ networks: ['x'] }), rules);
    expect(Date.now() - started).toBeLessThan(800);
    expect(fake.server.requests).toHaveLength(2);
    expect(result.ok && result.suggestions.map((s) => s.shortened)).toEqual([true, false, false]);
  });
});

describe('token budget parameter', () => {
  it('uses max_completion_tokens for OpenAI and Azure OpenAI, max_tokens for other compatible servers', () => {
    expect(tokenLimitField(undefined)).toBe('max_completion_tokens');
    expect(tokenLimitField('https://api.openai.com/v1')).toBe('max_completion_tokens');
    expect(tokenLimitField('https://acme.openai.azure.com/openai/v1')).toBe('max_completion_tokens');
    expect(tokenLimitField('http://localhost:11434/v1')).toBe('max_tokens');
    expect(tokenLimitField('http://vllm.internal:8000/v1')).toBe('max_tokens');
    expect(tokenLimitField('https://notopenai.com.evil.example/v1')).toBe('max_tokens');
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type Env } from '../../../src/config.js';
import { featureLines } from '../../../src/features.js';
import { clearRegisteredSecrets, redact } from '../../../src/observability/redact.js';
import { tempDir } from '../../support/temp-db.js';

const KEY = 'sk-test-ai-config-1234567890';
const problems = (env: Env): string[] => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

const tmp = tempDir('greenlight-voice-');
afterEach(() => clearRegisteredSecrets());

describe('AI caption configuration', () => {
  it('is off without OPENAI_API_KEY and on with documented defaults with it; the key is redacted', () => {
    expect(loadConfig({}).openai).toBeNull();
    expect(loadConfig({ OPENAI_API_KEY: KEY }).openai).toEqual({
      apiKey: KEY,
      baseUrl: undefined,
      model: 'gpt-4.1-mini',
      brandVoice: undefined,
      suggestionsPerHour: 20,
      timeoutMs: 30_000,
      maxTokensPerRequest: 4000,
    });
    expect(redact(`key ${KEY}`)).toBe('key [redacted]');
  });

  it('reads the limits, a compatible server and a brand voice', () => {
    const config = loadConfig({
      OPENAI_API_KEY: 'ollama',
      OPENAI_BASE_URL: 'http://localhost:11434/v1/',
      OPENAI_MODEL: 'llama3.2',
      AI_SUGGESTIONS_PER_HOUR: '5',
      AI_TIMEOUT_SECONDS: '2.5',
      AI_MAX_TOKENS_PER_REQUEST: '1000',
      BRAND_VOICE: 'Friendly, plain words.',
    }).openai;
    expect(config).toMatchObject({
      baseUrl: 'http://localhost:11434/v1',
      model: 'llama3.2',
      suggestionsPerHour: 5,
      timeoutMs: 2500,
      maxTokensPerRequest: 1000,
      brandVoice: 'Friendly, plain words.',
    });
    expect(featureLines(loadConfig({ OPENAI_API_KEY: KEY, BRAND_VOICE: 'x' }), ['sandbox']).find((l) => l.includes('ai captions'))).toBe(
      'on   ai captions  model gpt-4.1-mini, 20 an hour per person, with a brand voice',
    );
  });

  it('reads BRAND_VOICE_FILE once at start', () => {
    const file = path.join(tmp.dir, 'voice.md');
    fs.writeFileSync(file, '\nWe are Acme Garden. Cheerful, never pushy.\n');
    expect(loadConfig({ OPENAI_API_KEY: KEY, BRAND_VOICE_FILE: file }).openai?.brandVoice).toBe(
      'We are Acme Garden. Cheerful, never pushy.',
    );
  });

  it.each([
    [{ AI_SUGGESTIONS_PER_HOUR: '0' }, 'AI_SUGGESTIONS_PER_HOUR: must be between 1 and 10000 (got "0")'],
    [{ AI_TIMEOUT_SECONDS: 'soon' }, 'AI_TIMEOUT_SECONDS: must be a number of seconds, e.g. 30 or 2.5 (got "soon")'],
    [{ AI_TIMEOUT_SECONDS: '900' }, 'AI_TIMEOUT_SECONDS: must be between 0.1 and 300 seconds (got "900")'],
    [{ AI_MAX_TOKENS_PER_REQUEST: '10' }, 'AI_MAX_TOKENS_PER_REQUEST: must be between 256 and 100000'],
    [{ BRAND_VOICE_FILE: '/nonexistent/voice.md' }, 'BRAND_VOICE_FILE: cannot read /nonexistent/voice.md (no such file)'],
    [{ BRAND_VOICE: 'a', BRAND_VOICE_FILE: 'b' }, 'BRAND_VOICE_FILE: set either BRAND_VOICE or BRAND_VOICE_FILE, not both'],
    [{ BRAND_VOICE: 'v'.repeat(4001) }, 'BRAND_VOICE: must be at most 4000 characters (it has 4001); keep the essentials'],
  ])('stops start-up naming the variable (%#)', (env, expected) => {
    expect(problems({ OPENAI_API_KEY: KEY, ...env })).toEqual([expected]);
  });
});

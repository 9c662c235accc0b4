import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type Env } from '../../src/config.js';
import { featureLines } from '../../src/features.js';
import { clearRegisteredSecrets, redact } from '../../src/observability/redact.js';

afterEach(() => clearRegisteredSecrets());

function problems(env: Env): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const metricsLine = (env: Env) => featureLines(loadConfig(env), ['sandbox']).find((l) => l.includes(' metrics '));

describe('METRICS_ENABLED and METRICS_TOKEN', () => {
  it('are off by default, and the start-up line names the variable that turns /metrics on', () => {
    expect(loadConfig({}).prometheus).toBeNull();
    expect(loadConfig({ METRICS_ENABLED: 'false', METRICS_TOKEN: 'a-token-long-enough-0123' }).prometheus).toBeNull();
    expect(metricsLine({})).toBe('off  metrics      set METRICS_ENABLED=true for GET /metrics (Prometheus)');
  });

  it('turn /metrics on, with or without a bearer token, and say which', () => {
    expect(loadConfig({ METRICS_ENABLED: 'true' }).prometheus).toEqual({ token: null });
    expect(loadConfig({ METRICS_ENABLED: 'yes', METRICS_TOKEN: ' a-token-long-enough-0123 ' }).prometheus).toEqual({
      token: 'a-token-long-enough-0123',
    });
    expect(metricsLine({ METRICS_ENABLED: 'true' })).toMatch(/^on {3}metrics .*open to anyone who reaches the port/);
    expect(metricsLine({ METRICS_ENABLED: 'true', METRICS_TOKEN: 'a-token-long-enough-0123' })).toBe(
      'on   metrics      GET /metrics (Prometheus) with the bearer token METRICS_TOKEN',
    );
  });

  it('refuse invalid values naming the variable, without echoing a token', () => {
    expect(problems({ METRICS_ENABLED: 'maybe' })).toEqual(['METRICS_ENABLED: must be true or false (got "maybe")']);
    const short = problems({ METRICS_ENABLED: 'true', METRICS_TOKEN: 'short-one' });
    expect(short).toEqual(['METRICS_TOKEN: must be at least 16 characters, without spaces (e.g. openssl rand -hex 32)']);
    expect(problems({ METRICS_TOKEN: 'has a space in the middle' })[0]).toMatch(/^METRICS_TOKEN: must be at least 16 characters/);
  });

  it('mask the token wherever it would be logged', () => {
    const token = 'c0ffee-metrics-token-9876543210';
    expect(redact(`scraped with ${token}`)).toContain(token);
    loadConfig({ METRICS_ENABLED: 'true', METRICS_TOKEN: token });
    expect(redact(`scraped with ${token}`)).toBe('scraped with [redacted]');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { createLogger, createMemoryLogger } from '../../../src/observability/logger.js';
import { clearRegisteredSecrets, registerSecret } from '../../../src/observability/redact.js';

const SECRET = 'hunter2-very-secret-value';
afterEach(() => clearRegisteredSecrets());

const at = new Date('2026-03-02T09:00:00.000Z');
function jsonLogger(level: 'debug' | 'info' | 'warn' | 'error' = 'debug') {
  const lines: string[] = [];
  const logger = createLogger({ level, format: 'json', now: () => at, sink: { write: (l) => lines.push(l) } });
  const records = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, lines, records };
}

describe('LOG_FORMAT=json', () => {
  it('writes one JSON object per record with time, level, msg, scope and the context fields', () => {
    const { logger, records } = jsonLogger();
    logger.info('listening on port 3000');
    logger
      .child('networks')
      .child('x')
      .warn('rate limited', { retryAfterSeconds: 30, network: 'x', ok: false, nothing: null, skipped: undefined });
    expect(records()).toEqual([
      { time: '2026-03-02T09:00:00.000Z', level: 'info', msg: 'listening on port 3000', scope: 'greenlight' },
      {
        time: '2026-03-02T09:00:00.000Z',
        level: 'warn',
        msg: 'rate limited',
        scope: 'greenlight:networks:x',
        retryAfterSeconds: 30,
        network: 'x',
        ok: false,
        nothing: null,
      },
    ]);
  });

  it('respects the level', () => {
    const { logger, records } = jsonLogger('warn');
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(records().map((r) => [r.level, r.msg])).toEqual([
      ['warn', 'w'],
      ['error', 'e'],
    ]);
  });

  it('keeps a record on one line whatever its strings hold', () => {
    const { logger, lines, records } = jsonLogger();
    const error = new Error('first line\nsecond line\r\nthird\u2028fourth\u2029');
    logger.error('a message\nover two lines', { body: 'a\nb', error });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/[\n\r\u2028\u2029]/);
    const [record] = records();
    expect(record!.msg).toBe('a message\nover two lines');
    expect((record!.error as { message: string }).message).toBe('first line\nsecond line\r\nthird\u2028fourth\u2029');
  });

  it('turns an Error into name, message, stack, code and its cause chain', () => {
    const { logger, records } = jsonLogger();
    const socket = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET', response: { headers: { cookie: 'a' } } });
    const wrapped = new TypeError('fetch failed', { cause: socket });
    logger.error('publish failed', { error: new Error('could not publish', { cause: wrapped }) });
    const error = records()[0]!.error as Record<string, unknown>;
    expect(error).toMatchObject({
      name: 'Error',
      message: 'could not publish',
      cause: { name: 'TypeError', message: 'fetch failed', cause: { name: 'Error', message: 'socket hang up', code: 'ECONNRESET' } },
    });
    expect(error.stack).toMatch(/^Error: could not publish\n\s+at /);
    // Other properties of an error (a response, a request with its headers) stay out, as in text.
    expect(JSON.stringify(error)).not.toContain('cookie');
  });

  it('masks a registered secret in every field, key and nested value, error messages and causes included', () => {
    registerSecret(SECRET);
    const { logger, lines, records } = jsonLogger();
    const cause = new Error(`upstream said: invalid key ${SECRET}`);
    logger.error(`calling with ${SECRET}`, {
      error: new Error(`refused ${SECRET}`, { cause }),
      request: { headers: { 'x-custom': SECRET, nested: [{ deeper: [`…${SECRET}…`] }] } },
      list: ['fine', SECRET, { [SECRET]: 'as a key' }],
      [`key-${SECRET}`]: 1,
      rejected: `a thrown string with ${SECRET}`,
      url: new URL(`https://api.example.com/v1?x=${SECRET}`),
      aggregate: new AggregateError([new Error(SECRET)], 'several'),
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(SECRET);
    expect(lines[0]).not.toContain('hunter2');
    const record = records()[0]!;
    expect(record.msg).toBe('calling with [redacted]');
    expect(record).toMatchObject({
      error: { message: 'refused [redacted]', cause: { message: 'upstream said: invalid key [redacted]' } },
      request: { headers: { 'x-custom': '[redacted]', nested: [{ deeper: ['…[redacted]…'] }] } },
      list: ['fine', '[redacted]', { '[redacted]': 'as a key' }],
      'key-[redacted]': 1,
      rejected: 'a thrown string with [redacted]',
      aggregate: { message: 'several', errors: [{ message: '[redacted]' }] },
    });
    expect((record.error as { stack: string }).stack).toContain('refused [redacted]');
  });

  it('masks tokens in URLs, bodies and secret-named fields as the text format does', () => {
    const text = createMemoryLogger('debug', 'text');
    const { logger, records } = jsonLogger();
    const fields = {
      url: 'https://graph.example.com/v25.0/me?fields=id&access_token=EAAB123secret456',
      body: '{"access_token":"abc123def","other":"kept"}',
      header: 'Bearer abc.def.ghi',
      slack: 'xoxb-1234567890-abcdefghij',
      openai: 'sk-abcdefghijklmnopqrstuv',
      token: 'plain-looking-value',
      credentials: { refresh_token: 'rt-plain-value', password: 'pw-plain-value', apiKey: 'key-plain-value', count: 3 },
    };
    text.info('request', fields);
    logger.info('request', fields);
    expect(records()[0]).toMatchObject({
      url: 'https://graph.example.com/v25.0/me?fields=id&access_token=[redacted]',
      body: '{"access_token":"[redacted]","other":"kept"}',
      header: 'Bearer [redacted]',
      slack: '[redacted]',
      openai: '[redacted]',
      token: '[redacted]',
      credentials: { refresh_token: '[redacted]', password: '[redacted]', apiKey: '[redacted]', count: 3 },
    });
    // Every value the text line masks is masked in the JSON line too.
    for (const hidden of [
      'EAAB123secret456',
      'abc123def',
      'abc.def.ghi',
      'xoxb-1234567890',
      'sk-abcdef',
      'plain-looking-value',
      'rt-plain-value',
      'pw-plain-value',
      'key-plain-value',
    ]) {
      expect(text.lines[0]).not.toContain(hidden);
      expect(JSON.stringify(records()[0])).not.toContain(hidden);
    }
  });

  it('keeps the record’s own fields when the context uses their names, and survives what JSON cannot say', () => {
    const { logger, records } = jsonLogger();
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;
    const looped = new Error('looped');
    looped.cause = looped;
    let deep: Record<string, unknown> = { end: true };
    for (let i = 0; i < 20; i++) deep = { deep };
    logger.info('odd values', {
      level: 'not the level',
      msg: 'not the message',
      circular,
      looped,
      big: 12345678901234567890n,
      when: new Date('2026-01-01T00:00:00Z'),
      bytes: new Uint8Array(4),
      fn: function named() {},
      map: new Map([['k', 'v']]),
      set: new Set([1, 2]),
      deep,
    });
    const record = records()[0]!;
    expect(record).toMatchObject({
      level: 'info',
      msg: 'odd values',
      field_level: 'not the level',
      field_msg: 'not the message',
      circular: { name: 'loop', self: '[circular]' },
      looped: { message: 'looped', cause: '[circular]' },
      big: '12345678901234567890',
      when: '2026-01-01T00:00:00.000Z',
      bytes: '[4 bytes]',
      fn: '[function named]',
      map: { k: 'v' },
      set: [1, 2],
    });
    expect(JSON.stringify(record.deep)).toContain('[object]');
  });

  it('logs the message when reading the context throws', () => {
    const { logger, records } = jsonLogger();
    const hostile = Object.defineProperty({}, 'boom', {
      enumerable: true,
      get: () => {
        throw new Error('getter');
      },
    });
    expect(() => logger.error('still logged', { hostile })).not.toThrow();
    expect(records()[0]).toMatchObject({ level: 'error', msg: 'still logged', logError: expect.any(String) });
  });

  it('leaves the text format as it was', () => {
    const lines: string[] = [];
    const logger = createLogger({ now: () => at, sink: { write: (l) => lines.push(l) } });
    logger.child('events').warn('refused', { who: 'U1', error: new Error('no', { cause: new Error('why') }) });
    expect(lines).toEqual(['2026-03-02T09:00:00.000Z WARN [greenlight:events] refused who=U1 error=Error: no (cause: Error: why)']);
  });
});

describe('LOG_FORMAT in the configuration', () => {
  it('is text unless set to json', () => {
    expect(loadConfig({}).logFormat).toBe('text');
    expect(loadConfig({ LOG_FORMAT: 'json' }).logFormat).toBe('json');
  });

  it('refuses anything else, naming the variable', () => {
    expect(() => loadConfig({ LOG_FORMAT: 'yaml' })).toThrow(ConfigError);
    try {
      loadConfig({ LOG_FORMAT: 'yaml' });
    } catch (error) {
      expect((error as ConfigError).problems).toEqual(['LOG_FORMAT: must be text or json (got "yaml")']);
    }
  });
});

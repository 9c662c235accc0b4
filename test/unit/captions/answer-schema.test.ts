import { describe, expect, it } from 'vitest';
import { answerSchema, parseAnswer } from '../../../src/workflows/captions/answer-schema.js';

describe('the model’s answer', () => {
  it('is asked for with a schema inside the strict structured-output subset', () => {
    expect(answerSchema(['x', 'bluesky'])).toEqual({
      type: 'object',
      properties: {
        x: { type: 'array', description: 'Exactly 3 different captions for x.', items: { type: 'string' } },
        bluesky: { type: 'array', description: 'Exactly 3 different captions for bluesky.', items: { type: 'string' } },
      },
      required: ['x', 'bluesky'],
      additionalProperties: false,
    });
  });

  it('is parsed once: trimmed, blanks dropped, at most three, other networks ignored', () => {
    const parsed = parseAnswer(JSON.stringify({ x: [' a ', '', 'b', 'c', 'd'], facebook: ['ignored'] }), ['x']);
    expect(parsed).toEqual({ ok: true, captions: new Map([['x', ['a', 'b', 'c']]]) });
  });

  it.each([
    ['not JSON', '{"x": [', 'not JSON'],
    ['a network missing', '{"x": ["a"]}', 'bluesky'],
    ['the wrong type', '{"x": "a", "bluesky": ["b"]}', 'x'],
    ['a network with only blanks', '{"x": ["a"], "bluesky": ["  "]}', 'bluesky: no captions'],
  ])('is refused when it is %s', (_name, content, problem) => {
    const parsed = parseAnswer(content, ['x', 'bluesky']);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problem).toContain(problem);
  });
});

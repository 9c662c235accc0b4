import { describe, expect, it } from 'vitest';
import { defaultRules } from '../../../src/platforms/rules/index.js';
import { buildPrompt, buildRetryPrompt } from '../../../src/workflows/captions/prompt.js';
import { captionTarget } from '../../../src/workflows/captions/targets.js';

const targets = [
  captionTarget(defaultRules.x, 3000),
  captionTarget(defaultRules.instagram, 3000),
  captionTarget(defaultRules.facebook, 3000),
];

describe('caption prompt', () => {
  it('holds the draft, the tone, each network’s limit and hashtag habits, and the brand voice', () => {
    const [system, user] = buildPrompt({ text: 'Spring sale Monday', tone: 'playful', targets, brandVoice: 'Warm, short sentences.' });
    expect(system!.role).toBe('system');
    expect(system!.content).toContain('exactly 3 different captions');
    expect(system!.content).toContain('"""\nWarm, short sentences.\n"""');
    expect(user!.content).toContain('Tone: playful');
    expect(user!.content).toContain('"x" (X): at most 280 characters. Short and punchy; 1–2 hashtags');
    expect(user!.content).toContain('"instagram" (Instagram): at most 2,200 characters.');
    expect(user!.content).toContain('3–5 relevant hashtags');
    // Facebook allows 63,206, but a suggestion has to fit the chat's text field.
    expect(user!.content).toContain('"facebook" (Facebook): at most 3,000 characters.');
    expect(user!.content.endsWith('Draft:\n"""\nSpring sale Monday\n"""')).toBe(true);
  });

  it('leaves the brand voice out when there is none', () => {
    expect(buildPrompt({ text: 't', tone: 'professional', targets })[0]!.content).not.toContain('brand voice');
  });

  it('states each overshoot in the network’s own unit when asking again', () => {
    const first = buildPrompt({ text: 't', tone: 'friendly', targets });
    const retry = buildRetryPrompt(first, '{"x":[]}', [{ target: targets[0]!, index: 1, used: 312 }]);
    expect(retry.slice(0, 2)).toEqual(first);
    expect(retry[2]).toEqual({ role: 'assistant', content: '{"x":[]}' });
    expect(retry[3]!.content).toContain('- X caption 2: 312 characters, the limit is 280, so it is 32 over.');
    expect(retry[3]!.content).toContain('Answer with JSON for "x" only');
  });
});

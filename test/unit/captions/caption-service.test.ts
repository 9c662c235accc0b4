import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/domain/clock.js';
import type { Person } from '../../../src/domain/post.js';
import { createCatalog } from '../../../src/platforms/catalog.js';
import { SandboxPublisher } from '../../../src/platforms/sandbox/publisher.js';
import { createCaptionService } from '../../../src/workflows/captions/caption-service.js';
import type { CaptionSuggester } from '../../../src/workflows/captions/suggester.js';
import type { CaptionRequest } from '../../../src/workflows/captions/types.js';
import { RecordingPublisher } from '../../support/rules-publisher.js';

const person = (id: number): Person =>
  ({ id, platform: 'slack', platformUserId: `U${id}`, displayName: `P${id}`, timezone: 'UTC' }) as Person;

function setup(perHour = 2) {
  const clock = new ManualClock('2026-03-02T09:00:00Z');
  const asked: CaptionRequest[] = [];
  const suggester: CaptionSuggester = {
    async suggest(request, rules) {
      asked.push(request);
      return {
        ok: true,
        suggestions: request.networks.map((network) => ({
          network,
          text: `for ${network}`,
          used: 7,
          limit: rules(network).limit,
          unit: 'characters',
          shortened: false,
        })),
      };
    },
  };
  const catalog = createCatalog([new SandboxPublisher(), new RecordingPublisher('x')]);
  return { clock, asked, service: createCaptionService({ suggester, perHour }, { clock, catalog }) };
}

describe('caption service', () => {
  it('answers a request it cannot make at once, without asking the model or counting it', async () => {
    const { service, asked } = setup(1);
    expect(await service.suggest(person(1), { text: '  ', networks: ['x'] })).toMatchObject({
      ok: false,
      kind: 'input',
      message: expect.stringContaining('Write a first version'),
    });
    expect(await service.suggest(person(1), { text: 'Hi', networks: ['linkedin'] })).toMatchObject({
      ok: false,
      kind: 'input',
      message: expect.stringContaining('Choose at least one network'),
    });
    expect(asked).toEqual([]);
    expect((await service.suggest(person(1), { text: 'Hi', networks: ['x'] })).ok).toBe(true);
  });

  it('sends the trimmed draft, the configured networks only and a known tone (professional if none)', async () => {
    const { service, asked } = setup();
    await service.suggest(person(1), { text: '  Hello  ', networks: ['x', 'linkedin', 'x'], tone: 'sarcastic', fieldMaxChars: 3000 });
    expect(asked).toEqual([{ text: 'Hello', networks: ['x'], tone: 'professional', fieldMaxChars: 3000 }]);
  });

  it('keeps each person to the hourly allowance, with the wait in minutes', async () => {
    const { service, clock } = setup(2);
    const ask = (id: number) => service.suggest(person(id), { text: 'Hi', networks: ['x'], tone: 'friendly' });
    expect((await ask(1)).ok).toBe(true);
    clock.advance(15 * 60_000);
    expect((await ask(1)).ok).toBe(true);
    expect(await ask(1)).toEqual({
      ok: false,
      kind: 'unavailable',
      reason: 'you have asked for suggestions 2 times in the last hour, the most allowed. Try again in 45 minutes.',
    });
    expect((await ask(2)).ok).toBe(true);
    clock.advance(45 * 60_000);
    expect((await ask(1)).ok).toBe(true);
  });

  it('keeps the suggestions server-side, giving one only to the person it was written for', async () => {
    const { service } = setup();
    const outcome = await service.suggest(person(1), { text: 'Hi', networks: ['sandbox', 'x'] });
    if (!outcome.ok) throw new Error('expected suggestions');
    const [first, second] = outcome.batch.suggestions;
    expect(first!.id).toMatch(new RegExp(`^${outcome.batch.id}\\.0$`));
    expect(service.batch(outcome.batch.id)?.suggestions).toHaveLength(2);
    expect(service.suggestion(person(1), second!.id)?.text).toBe('for x');
    expect(service.suggestion(person(2), second!.id)).toBeUndefined();
    expect(service.suggestion(person(1), `${outcome.batch.id}.9`)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { createCatalog } from '../../../src/platforms/catalog.js';
import { SandboxPublisher } from '../../../src/platforms/sandbox/publisher.js';
import { validateDraft, type DraftInput } from '../../../src/workflows/draft-validation.js';
import { RecordingPublisher } from '../../support/rules-publisher.js';

const now = new Date('2026-03-02T09:00:00Z');
const catalog = createCatalog([
  new SandboxPublisher(),
  new RecordingPublisher('x'),
  new RecordingPublisher('instagram'),
  new RecordingPublisher('bluesky'),
]);
const input = (overrides: Partial<DraftInput> = {}): DraftInput => ({
  text: 'Spring sale starts Monday',
  networks: ['x'],
  publishAt: new Date('2026-03-03T08:00:00Z'),
  timezone: 'Europe/Berlin',
  mediaUrl: null,
  ...overrides,
});
const errorsOf = (overrides: Partial<DraftInput>) => {
  const result = validateDraft(input(overrides), catalog, now);
  if (result.ok) throw new Error('expected errors');
  return result.errors;
};

describe('draft validation', () => {
  it('accepts a good draft, trimming text and normalising networks', () => {
    const result = validateDraft(
      input({ text: '  Hello  ', networks: ['X', 'x', 'sandbox'], mediaUrl: ' https://cdn.example.com/a.png ' }),
      catalog,
      now,
    );
    expect(result).toEqual({
      ok: true,
      draft: {
        text: 'Hello',
        networks: ['x', 'sandbox'],
        publishAt: new Date('2026-03-03T08:00:00Z'),
        timezone: 'Europe/Berlin',
        mediaUrl: 'https://cdn.example.com/a.png',
        aiAssisted: false,
        images: [],
        variants: {},
        video: null,
        youtube: null,
      },
    });
  });

  it('accepts an empty publish time: as soon as approved', () => {
    expect(validateDraft(input({ publishAt: null }), catalog, now).ok).toBe(true);
  });

  it('refuses empty text', () => {
    expect(errorsOf({ text: '   ' })).toEqual({ text: 'Write the text of the post.' });
  });

  it('refuses text that is empty once invisible characters are removed, and never keeps control characters', () => {
    for (const invisible of ['\u200B\u200C\u200D', '\u0000\u0000', '\uFEFF\u2060 \u00AD', '\u202E\u2066\u3164', '\u0001\u0085\u009F']) {
      expect(errorsOf({ text: invisible }), JSON.stringify(invisible)).toEqual({
        text: 'The text has no visible characters. Write the text of the post.',
      });
    }
    const result = validateDraft(input({ text: 'Spring\u0000 sale\r\nstarts\u0007\tMonday 👨‍👩‍👧' }), catalog, now);
    expect(result.ok && result.draft.text).toBe('Spring sale\nstarts\tMonday 👨‍👩‍👧');
  });

  it('refuses no network', () => {
    expect(errorsOf({ networks: [] }).networks).toBe('Choose at least one network.');
  });

  it('refuses an unknown network and one that is not connected here', () => {
    expect(errorsOf({ networks: ['myspace'] }).networks).toContain('“myspace” is not a network Greenlight knows.');
    expect(errorsOf({ networks: ['pinterest'] }).networks).toBe('Pinterest is not connected in this workspace.');
  });

  it('refuses a time in the past, naming it in the author’s zone', () => {
    const errors = errorsOf({ publishAt: new Date('2026-03-02T08:00:00Z') });
    expect(errors.publishAt).toContain('Mon 2 Mar 2026, 09:00 CET is in the past');
    expect(errorsOf({ publishAt: now }).publishAt).toContain('in the past');
  });

  it('refuses a time more than a year ahead and an invalid date', () => {
    expect(errorsOf({ publishAt: new Date('2027-06-01T00:00:00Z') }).publishAt).toBe('Choose a time within the next year.');
    expect(errorsOf({ publishAt: new Date('nonsense') }).publishAt).toBe('That is not a valid date and time.');
  });

  it('refuses an image link that is not http(s)', () => {
    for (const mediaUrl of ['ftp://example.com/a.png', 'javascript:alert(1)', 'not a url', 'file:///etc/passwd']) {
      expect(errorsOf({ mediaUrl }).mediaUrl).toContain('must be a web address starting with https://');
    }
  });

  it('refuses an unknown time zone', () => {
    expect(errorsOf({ timezone: 'Mars/Olympus' }).timezone).toContain('is not a time zone');
  });

  it('refuses text over a network’s limit with that network’s count', () => {
    const errors = errorsOf({ text: 'a'.repeat(312) });
    expect(errors.text).toBe('X: 312 of 280 characters');
  });

  it('lists every network’s problem, and image rules against the image field', () => {
    const errors = errorsOf({ text: 'b'.repeat(301), networks: ['x', 'bluesky', 'instagram'] });
    expect(errors.text).toBe('X: 301 of 280 characters\nBluesky: 301 of 300 characters');
    expect(errors.mediaUrl).toBe('Instagram needs an image');
  });

  it('reports all fields at once', () => {
    const errors = errorsOf({ text: '', networks: [], publishAt: new Date('2020-01-01T00:00:00Z'), mediaUrl: 'ftp://x' });
    expect(Object.keys(errors).sort()).toEqual(['mediaUrl', 'networks', 'publishAt', 'text']);
  });
});

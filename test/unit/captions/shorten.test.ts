import { describe, expect, it } from 'vitest';
import { blueskyRules, xRules } from '../../../src/platforms/rules/index.js';
import { shortenToFit } from '../../../src/workflows/captions/shorten.js';

const chars = (t: string) => Array.from(t).length;
const xCount = (t: string) => xRules.measure(t).used;

describe('shortenToFit', () => {
  it('leaves a text that fits alone', () => {
    expect(shortenToFit('Fits already', 20, chars)).toBe('Fits already');
  });

  it('cuts at the last word boundary that fits, with an ellipsis, dropping dangling punctuation', () => {
    const text = 'Spring sale, twenty percent off, starts Monday morning';
    const short = shortenToFit(text, 30, chars);
    expect(short).toBe('Spring sale, twenty percent…');
    expect(chars(short)).toBeLessThanOrEqual(30);
  });

  it('counts the way the network counts: a link is 23 on X however long it is, an emoji 2', () => {
    const url = `https://example.com/${'a'.repeat(200)}`;
    const text = `${'word '.repeat(50)}${url} 🌷🌷 more words at the end`;
    const short = shortenToFit(text, 280, xCount);
    expect(xCount(short)).toBeLessThanOrEqual(280);
    // The link survives whole: cutting happens between words, never inside a link.
    expect(short).toContain(url);
    expect(short.endsWith('…')).toBe(true);
  });

  it('never splits an emoji or other grapheme, also when there are no spaces to cut at', () => {
    const text = '春のセールは月曜日から始まります🌷'.repeat(30);
    const short = shortenToFit(text, 300, (t) => blueskyRules.measure(t).used);
    expect(blueskyRules.measure(short).used).toBeLessThanOrEqual(300);
    expect(blueskyRules.measure(short).used).toBeGreaterThan(290);
    expect(short.endsWith('…')).toBe(true);
    expect(short).not.toMatch(/[\uD800-\uDBFF]…$/);
  });

  it('prefers a grapheme cut to throwing most of the text away at a far-back space', () => {
    const text = `Hi ${'x'.repeat(100)}`;
    const short = shortenToFit(text, 50, chars);
    expect(chars(short)).toBe(50);
    expect(short.startsWith('Hi xxx')).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { countGraphemes } from '../../../src/platforms/rules/graphemes.js';
import { blueskyRules } from '../../../src/platforms/rules/bluesky.js';
import { facebookRules } from '../../../src/platforms/rules/facebook.js';
import { defaultInstagramRules } from '../../../src/platforms/rules/instagram.js';
import { linkedinRules } from '../../../src/platforms/rules/linkedin.js';
import { pinterestRules } from '../../../src/platforms/rules/pinterest.js';
import { sandboxRules } from '../../../src/platforms/rules/sandbox.js';
import { xRules } from '../../../src/platforms/rules/x.js';

const FAMILY = '👨‍👩‍👧‍👦'; // man ZWJ woman ZWJ girl ZWJ boy: 7 code points, 11 UTF-16 units, 25 UTF-8 bytes
const THUMBS_MEDIUM = '👍🏽'; // thumbs up + skin tone modifier: 2 code points, 4 UTF-16 units
const FLAG_DE = '🇩🇪'; // two regional indicators: 2 code points, 4 UTF-16 units
const SCOTLAND = '🏴󠁧󠁢󠁳󠁣󠁴󠁿'; // black flag + 5 tag characters + cancel tag: 7 code points, 14 UTF-16 units
const E_ACUTE_COMBINING = 'e\u0301'; // e + COMBINING ACUTE ACCENT
const E_ACUTE = '\u00e9'; // precomposed é

const used = (rules: { measure(text: string): { used: number } }, text: string) => rules.measure(text).used;

describe('countGraphemes', () => {
  it('counts an emoji sequence as one user-perceived character', () => {
    expect(countGraphemes(FAMILY)).toBe(1);
    expect(countGraphemes(THUMBS_MEDIUM)).toBe(1);
    expect(countGraphemes(FLAG_DE)).toBe(1);
    expect(countGraphemes(SCOTLAND)).toBe(1);
    expect(countGraphemes('1\ufe0f\u20e3')).toBe(1); // keycap 1️⃣
  });

  it('counts a letter with a combining mark as one, like its precomposed form', () => {
    expect(countGraphemes(E_ACUTE_COMBINING)).toBe(1);
    expect(countGraphemes(E_ACUTE)).toBe(1);
    expect(countGraphemes(`caf${E_ACUTE_COMBINING}`)).toBe(4);
  });

  it('counts ASCII per character, except CR LF, which is one', () => {
    expect(countGraphemes('')).toBe(0);
    expect(countGraphemes('hello, world')).toBe(12);
    expect(countGraphemes('a\r\nb')).toBe(3);
    expect(countGraphemes('a\nb')).toBe(3);
  });

  it('counts CJK one per ideograph', () => {
    expect(countGraphemes('日本語のテキスト')).toBe(8);
  });
});

describe('X counts weighted characters exactly as twitter-text does', () => {
  it('counts any http or https URL as 23, whatever its length', () => {
    expect(used(xRules, 'https://example.com/a/very/long/path/that/goes/on/and/on?with=query')).toBe(23);
    expect(used(xRules, 'http://example.com')).toBe(23);
    expect(used(xRules, 'https://t.co/abc')).toBe(23);
  });

  it('counts a bare domain that twitter-text recognises as a URL of 23', () => {
    expect(used(xRules, 'example.com')).toBe(23);
    expect(used(xRules, 'Visit example.com today')).toBe(6 + 23 + 6);
    expect(used(xRules, 'see example.io/path')).toBe(4 + 23);
  });

  it('counts an unknown top-level domain as plain text', () => {
    expect(used(xRules, 'example.invalidtld')).toBe(18);
  });

  it('counts each emoji as 2, ZWJ sequences, skin tones and flags included', () => {
    expect(used(xRules, '👍')).toBe(2);
    expect(used(xRules, THUMBS_MEDIUM)).toBe(2);
    expect(used(xRules, FAMILY)).toBe(2);
    expect(used(xRules, FLAG_DE)).toBe(2);
    expect(used(xRules, `Launch day ${FAMILY}${FLAG_DE}`)).toBe(11 + 2 + 2);
  });

  it('counts CJK as 2 and Latin, accented or not, as 1', () => {
    expect(used(xRules, '日本語')).toBe(6);
    expect(used(xRules, '한국어')).toBe(6);
    expect(used(xRules, 'café')).toBe(4);
  });

  it('normalises to NFC first, so e + combining acute counts 1', () => {
    expect(used(xRules, E_ACUTE_COMBINING)).toBe(1);
    expect(used(xRules, `caf${E_ACUTE_COMBINING}`)).toBe(4);
  });

  it('is at the limit with 280 Latin or 140 CJK characters and over with one more', () => {
    expect(xRules.measure('a'.repeat(280))).toEqual({ used: 280, limit: 280, unit: 'characters' });
    expect(used(xRules, 'a'.repeat(281))).toBe(281);
    expect(used(xRules, '日'.repeat(140))).toBe(280);
    expect(used(xRules, '日'.repeat(141))).toBe(282);
  });
});

describe('Bluesky counts graphemes', () => {
  it('counts emoji sequences, flags and combining marks as one each', () => {
    expect(used(blueskyRules, FAMILY)).toBe(1);
    expect(used(blueskyRules, `${THUMBS_MEDIUM}${FLAG_DE}${SCOTLAND}`)).toBe(3);
    expect(used(blueskyRules, E_ACUTE_COMBINING.repeat(10))).toBe(10);
    expect(used(blueskyRules, '日本語')).toBe(3);
  });

  it('counts URLs in full, as written', () => {
    expect(used(blueskyRules, 'https://example.com/a/long/path')).toBe(31);
    expect(used(blueskyRules, 'example.com')).toBe(11);
  });

  it('is at the limit at 300 graphemes even when they are 1,100 UTF-16 units', () => {
    const text = FAMILY.repeat(100) + 'a'.repeat(200);
    expect(text.length).toBe(1300);
    expect(blueskyRules.measure(text)).toEqual({ used: 300, limit: 300, unit: 'characters' });
  });
});

describe('LinkedIn, Facebook, Instagram, Pinterest and the sandbox count UTF-16 units', () => {
  const utf16Networks = [linkedinRules, facebookRules, defaultInstagramRules, pinterestRules, sandboxRules];

  it.each(utf16Networks.map((rules) => [rules.network, rules] as const))('%s counts emoji, marks and URLs by UTF-16 length', (_, rules) => {
    expect(used(rules, '👍')).toBe(2);
    expect(used(rules, THUMBS_MEDIUM)).toBe(4);
    expect(used(rules, FAMILY)).toBe(11);
    expect(used(rules, FLAG_DE)).toBe(4);
    expect(used(rules, E_ACUTE_COMBINING)).toBe(2);
    expect(used(rules, E_ACUTE)).toBe(1);
    expect(used(rules, '日本語')).toBe(3);
    expect(used(rules, 'https://example.com/a/long/path')).toBe(31);
  });
});

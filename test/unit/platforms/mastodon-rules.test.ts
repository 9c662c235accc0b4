import { describe, expect, it } from 'vitest';
import { defaultMastodonRules, mastodonRules } from '../../../src/platforms/rules/mastodon.js';
import { mastodonCountableText } from '../../../src/platforms/rules/mastodon-text.js';

const used = (text: string) => defaultMastodonRules.measure(text).used;
const X23 = 'x'.repeat(23);

describe('Mastodon counts as its StatusLengthValidator does', () => {
  it('counts every http(s) URL as 23, shorter or longer', () => {
    expect(used(`https://example.com/${'a'.repeat(100)}`)).toBe(23);
    expect(used('http://a.co')).toBe(23);
    expect(used('Read https://example.com/post?id=1&ref=feed#top now')).toBe(5 + 23 + 4);
    expect(used('https://example.com/one https://example.com/two')).toBe(23 + 1 + 23);
  });

  it('counts a bare domain as written, unlike X', () => {
    expect(used('example.com')).toBe(11);
    expect(used('www.example.com/path')).toBe(20);
  });

  it('follows Mastodon’s URL grammar: extra schemes, Unicode paths, no trailing "=" or punctuation', () => {
    expect(used('gemini://example.com/capsule')).toBe(23);
    expect(used('ftp://example.com/file')).toBe(22);
    expect(used('https://example.com/路径/页面')).toBe(23);
    expect(used('https://de.wikipedia.org/wiki/Klammer_(Zeichen)')).toBe(23);
    expect(used('(see https://example.com/page).')).toBe(5 + 23 + 2);
    expect(used('https://example.com/a=')).toBe(24);
  });

  it('counts a remote mention @user@domain as @user and a local one as written', () => {
    expect(used('@alice@mastodon.social')).toBe(6);
    expect(used('@bob')).toBe(4);
    expect(used('Thanks @alice@mastodon.social and @bob!')).toBe('Thanks @alice and @bob!'.length);
    expect(used('@carol@sub.example.co.uk.')).toBe(7);
  });

  it('does not shorten email addresses or mentions glued to a word', () => {
    expect(used('write to me@example.com')).toBe(23);
    expect(used('x=@alice@example.com')).toBe(20);
  });

  it('counts graphemes, so emoji sequences and combining marks are one each', () => {
    expect(used('👨‍👩‍👧‍👦🇩🇪👍🏽')).toBe(3);
    expect(used('e\u0301'.repeat(5))).toBe(5);
  });

  it('counts blank text as 0', () => {
    expect(used(' \n\t ')).toBe(0);
  });

  it('rewrites URLs and remote mentions in place', () => {
    expect(mastodonCountableText('Hi @alice@example.social, see https://example.com/x', 23)).toBe(`Hi @alice, see ${X23}`);
  });

  it('is at the limit at 500 and over at 501', () => {
    const atLimit = `https://example.com/${'p'.repeat(200)} ${'a'.repeat(476)}`;
    expect(defaultMastodonRules.measure(atLimit)).toEqual({ used: 500, limit: 500, unit: 'characters' });
    expect(defaultMastodonRules.validate({ text: atLimit, mediaUrl: null })).toEqual([]);
    expect(defaultMastodonRules.validate({ text: `${atLimit}a`, mediaUrl: null })).toEqual([
      { network: 'mastodon', field: 'text', message: 'Mastodon: 501 of 500 characters' },
    ]);
  });

  it('accepts 500 characters made of remote mentions and text that are far longer as written', () => {
    const text = `@alice@a-very-long-instance-name.example ${'a'.repeat(493)}`;
    expect(text.length).toBe(534);
    expect(used(text)).toBe(500);
  });
});

describe('mastodonRules from an instance’s /api/v2/instance', () => {
  it('uses the instance’s max_characters and characters_reserved_per_url', () => {
    const rules = mastodonRules({ maxCharacters: 1000, charactersReservedPerUrl: 30 });
    expect(rules.limit).toBe(1000);
    expect(rules.measure('https://example.com')).toEqual({ used: 30, limit: 1000, unit: 'characters' });
    expect(rules.validate({ text: 'a'.repeat(1001), mediaUrl: null })).toEqual([
      { network: 'mastodon', field: 'text', message: 'Mastodon: 1,001 of 1,000 characters' },
    ]);
  });

  it('defaults to stock Mastodon', () => {
    expect(mastodonRules().limit).toBe(500);
    expect(mastodonRules().measure('https://example.com').used).toBe(23);
  });

  it('refuses limits that are not counts', () => {
    expect(() => mastodonRules({ maxCharacters: 0 })).toThrow(RangeError);
    expect(() => mastodonRules({ maxCharacters: Number.NaN })).toThrow(RangeError);
    expect(() => mastodonRules({ charactersReservedPerUrl: -1 })).toThrow(RangeError);
  });
});

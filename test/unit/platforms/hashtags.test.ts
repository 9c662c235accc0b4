import { describe, expect, it } from 'vitest';
import { extractHashtags } from '../../../src/platforms/rules/hashtags.js';
import { extractMentions } from '../../../src/platforms/rules/mentions.js';
import { defaultInstagramRules, instagramRules } from '../../../src/platforms/rules/instagram.js';

const IMAGE = 'https://cdn.example.com/spring.jpg';

/** n distinct hashtags, space-separated: #tag1 #tag2 … */
const hashtags = (n: number) => Array.from({ length: n }, (_, i) => `#tag${i + 1}`).join(' ');
/** n distinct mentions, space-separated: @user1 @user2 … */
const mentions = (n: number) => Array.from({ length: n }, (_, i) => `@user${i + 1}`).join(' ');

describe('extractHashtags', () => {
  it('finds hashtags after spaces and punctuation, including at the start', () => {
    expect(extractHashtags('#spring sale, (#deals) and #free_shipping!')).toEqual(['spring', 'deals', 'free_shipping']);
  });

  it('finds Unicode hashtags and the full-width ＃', () => {
    expect(extractHashtags('#café #日本 #Zürich ＃全角')).toEqual(['café', '日本', 'Zürich', '全角']);
  });

  it('ignores # inside words, digit-only tags and URL fragments', () => {
    expect(extractHashtags('C# and abc#def cost #2024 at https://example.com/#pricing')).toEqual([]);
  });

  it('keeps repeats', () => {
    expect(extractHashtags('#sale #sale #SALE')).toEqual(['sale', 'sale', 'SALE']);
  });

  it('finds nothing in text without #', () => {
    expect(extractHashtags('no tags here')).toEqual([]);
  });
});

describe('extractMentions', () => {
  it('finds @mentions but not email addresses', () => {
    expect(extractMentions('Thanks @natgeo and @nasa! Mail press@example.com')).toEqual(['natgeo', 'nasa']);
  });

  it('counts a username with a period once', () => {
    expect(extractMentions('@nat.geo')).toHaveLength(1);
  });
});

describe('Instagram hashtag and mention caps', () => {
  it('accepts exactly 30 hashtags and refuses 31 with the count', () => {
    expect(defaultInstagramRules.validate({ text: hashtags(30), mediaUrl: IMAGE })).toEqual([]);
    expect(defaultInstagramRules.validate({ text: hashtags(31), mediaUrl: IMAGE })).toEqual([
      { network: 'instagram', field: 'text', message: 'Instagram: 31 hashtags, at most 30' },
    ]);
  });

  it('counts a repeated hashtag every time it appears', () => {
    expect(defaultInstagramRules.validate({ text: '#sale '.repeat(31), mediaUrl: IMAGE })).toEqual([
      { network: 'instagram', field: 'text', message: 'Instagram: 31 hashtags, at most 30' },
    ]);
  });

  it('does not count # inside words or URLs towards the cap', () => {
    const text = `${hashtags(30)} C# abc#def https://example.com/#top`;
    expect(defaultInstagramRules.validate({ text, mediaUrl: IMAGE })).toEqual([]);
  });

  it('counts Unicode hashtags towards the cap', () => {
    const text = `${hashtags(29)} #日本 #café`;
    expect(defaultInstagramRules.validate({ text, mediaUrl: IMAGE })).toEqual([
      { network: 'instagram', field: 'text', message: 'Instagram: 31 hashtags, at most 30' },
    ]);
  });

  it('accepts exactly 20 @mentions and refuses 21, ignoring email addresses', () => {
    expect(defaultInstagramRules.validate({ text: `${mentions(20)} hi@example.com`, mediaUrl: IMAGE })).toEqual([]);
    expect(defaultInstagramRules.validate({ text: mentions(21), mediaUrl: IMAGE })).toEqual([
      { network: 'instagram', field: 'text', message: 'Instagram: 21 @mentions, at most 20' },
    ]);
  });

  it('takes other caps, e.g. the 5 hashtags Instagram announced for the app', () => {
    const rules = instagramRules({ maxHashtags: 5 });
    expect(rules.validate({ text: hashtags(5), mediaUrl: IMAGE })).toEqual([]);
    expect(rules.validate({ text: hashtags(6), mediaUrl: IMAGE })).toEqual([
      { network: 'instagram', field: 'text', message: 'Instagram: 6 hashtags, at most 5' },
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { NETWORK_IDS, type NetworkId } from '../../../src/domain/network.js';
import { BLUESKY_MAX_BYTES, defaultRules, type NetworkRules, type PostContent } from '../../../src/platforms/rules/index.js';

/** Everything a post breaks on the given networks, network by network (as drafting asks each one). */
const validateContent = (content: PostContent, rulesList: readonly NetworkRules[]) => rulesList.flatMap((rules) => rules.validate(content));

const IMAGE = 'https://cdn.example.com/spring.jpg';
const FAMILY = '👨‍👩‍👧‍👦'; // 1 grapheme, 11 UTF-16 units, 25 UTF-8 bytes

describe('defaultRules', () => {
  it('has rules for every network, each for its own network', () => {
    expect(Object.keys(defaultRules).sort()).toEqual([...NETWORK_IDS].sort());
    for (const id of NETWORK_IDS) expect(defaultRules[id].network).toBe(id);
  });

  it('has each network’s limit and image requirement', () => {
    const summary = Object.fromEntries(NETWORK_IDS.map((id) => [id, [defaultRules[id].limit, defaultRules[id].requiresMedia]]));
    expect(summary).toEqual({
      sandbox: [63_206, false],
      x: [280, false],
      linkedin: [3000, false],
      facebook: [63_206, false],
      instagram: [2200, true],
      pinterest: [500, true],
      mastodon: [500, false],
      bluesky: [300, false],
      youtube: [5000, true],
    });
  });

  it('gives the sandbox the largest limit of all networks', () => {
    const largest = Math.max(...NETWORK_IDS.map((id) => defaultRules[id].limit));
    expect(defaultRules.sandbox.limit).toBe(largest);
  });

  it('measures as used, limit and unit', () => {
    expect(defaultRules.x.measure('Spring sale starts Monday!')).toEqual({ used: 26, limit: 280, unit: 'characters' });
  });
});

/**
 * For each network: a text exactly at the limit, and the same text one over, with the
 * message the author sees. Each text is built from the network's own counting rule.
 */
const limitCases: Array<{ network: NetworkId; atLimit: string; overLimit: string; overUsed: number; message: string }> = [
  {
    network: 'sandbox',
    atLimit: 'a'.repeat(63_206),
    overLimit: 'a'.repeat(63_207),
    overUsed: 63207,
    message: 'Sandbox: 63,207 of 63,206 characters',
  },
  {
    // 288 + 1 space + a URL of 23 = 312: the example from the issue.
    network: 'x',
    atLimit: `${'a'.repeat(256)} https://example.com/${'p'.repeat(300)}`,
    overLimit: `${'a'.repeat(288)} https://example.com/`,
    overUsed: 312,
    message: 'X: 312 of 280 characters',
  },
  {
    network: 'linkedin',
    atLimit: '👍'.repeat(1500),
    overLimit: `${'👍'.repeat(1500)}a`,
    overUsed: 3001,
    message: 'LinkedIn: 3,001 of 3,000 characters',
  },
  {
    network: 'facebook',
    atLimit: `${'a'.repeat(63_204)}👍`,
    overLimit: `${'a'.repeat(63_205)}👍`,
    overUsed: 63207,
    message: 'Facebook: 63,207 of 63,206 characters',
  },
  {
    network: 'instagram',
    atLimit: 'a'.repeat(2200),
    overLimit: `${'a'.repeat(2199)}e\u0301`,
    overUsed: 2201,
    message: 'Instagram: 2,201 of 2,200 characters',
  },
  {
    network: 'pinterest',
    atLimit: 'a'.repeat(500),
    overLimit: 'a'.repeat(501),
    overUsed: 501,
    message: 'Pinterest: 501 of 500 characters',
  },
  {
    network: 'mastodon',
    atLimit: `https://example.com/${'p'.repeat(600)} ${'a'.repeat(476)}`,
    overLimit: `https://example.com/ ${'a'.repeat(477)}`,
    overUsed: 501,
    message: 'Mastodon: 501 of 500 characters',
  },
  {
    network: 'bluesky',
    atLimit: FAMILY.repeat(50) + 'e\u0301'.repeat(250),
    overLimit: 'a'.repeat(301),
    overUsed: 301,
    message: 'Bluesky: 301 of 300 characters',
  },
];

describe.each(limitCases)('$network length limit', ({ network, atLimit, overLimit, overUsed, message }) => {
  const rules = defaultRules[network];
  const media = rules.requiresMedia ? IMAGE : null;

  it('accepts a text exactly at the limit', () => {
    expect(rules.measure(atLimit).used).toBe(rules.limit);
    expect(rules.validate({ text: atLimit, mediaUrl: media })).toEqual([]);
  });

  it('refuses one over the limit, saying by how much, on the text field', () => {
    expect(rules.measure(overLimit).used).toBe(overUsed);
    expect(rules.validate({ text: overLimit, mediaUrl: media })).toEqual([{ network, field: 'text', message }]);
  });
});

describe('Bluesky byte cap', () => {
  it('accepts 3,000 UTF-8 bytes', () => {
    const text = FAMILY.repeat(120);
    expect(Buffer.byteLength(text)).toBe(BLUESKY_MAX_BYTES);
    expect(defaultRules.bluesky.validate({ text, mediaUrl: null })).toEqual([]);
  });

  it('refuses text under 300 graphemes that is over 3,000 bytes', () => {
    const text = FAMILY.repeat(121);
    expect(defaultRules.bluesky.measure(text).used).toBe(121);
    expect(defaultRules.bluesky.validate({ text, mediaUrl: null })).toEqual([
      { network: 'bluesky', field: 'text', message: 'Bluesky: 3,025 of 3,000 bytes' },
    ]);
  });
});

describe('image requirement', () => {
  it.each([
    ['instagram', 'Instagram needs an image'],
    ['pinterest', 'Pinterest needs an image'],
  ] as const)('%s refuses a post without an image, on the image field', (network, message) => {
    const rules = defaultRules[network];
    const violation = { network, field: 'mediaUrl', message };
    expect(rules.validate({ text: 'Spring sale', mediaUrl: null })).toEqual([violation]);
    expect(rules.validate({ text: 'Spring sale', mediaUrl: '  ' })).toEqual([violation]);
    expect(rules.validate({ text: 'Spring sale', mediaUrl: IMAGE })).toEqual([]);
  });

  it.each(['sandbox', 'x', 'linkedin', 'facebook', 'mastodon', 'bluesky'] as const)('%s accepts a post without an image', (network) => {
    expect(defaultRules[network].validate({ text: 'Spring sale', mediaUrl: null })).toEqual([]);
  });

  it('reports an over-long caption and a missing image together, text first', () => {
    expect(defaultRules.instagram.validate({ text: 'a'.repeat(2201), mediaUrl: null })).toEqual([
      { network: 'instagram', field: 'text', message: 'Instagram: 2,201 of 2,200 characters' },
      { network: 'instagram', field: 'mediaUrl', message: 'Instagram needs an image' },
    ]);
  });
});

describe('validateContent', () => {
  it('collects every network’s violations, in the order the networks were given', () => {
    const content = { text: 'a'.repeat(301), mediaUrl: null };
    const rules = [defaultRules.x, defaultRules.bluesky, defaultRules.pinterest, defaultRules.linkedin];
    expect(validateContent(content, rules)).toEqual([
      { network: 'x', field: 'text', message: 'X: 301 of 280 characters' },
      { network: 'bluesky', field: 'text', message: 'Bluesky: 301 of 300 characters' },
      { network: 'pinterest', field: 'mediaUrl', message: 'Pinterest needs an image' },
    ]);
  });

  it('finds nothing wrong with a post every network that takes images accepts', () => {
    const content = { text: 'Our spring sale starts Monday! #spring https://example.com/sale', mediaUrl: IMAGE };
    expect(
      validateContent(
        content,
        Object.values(defaultRules).filter((r) => !r.videoOnly),
      ),
    ).toEqual([]);
  });

  it('YouTube takes a video only: an image link alone is refused, a video with a plain description passes', () => {
    const content = { text: 'Our spring sale starts Monday! #spring https://example.com/sale', mediaUrl: IMAGE };
    expect(defaultRules.youtube.validate(content).map((v) => [v.field, v.message])).toEqual([
      ['mediaUrl', 'YouTube takes an uploaded video, not an image link'],
      ['images', 'YouTube needs a video'],
    ]);
    const video = {
      container: 'mp4' as const,
      durationSeconds: 30,
      width: 1920,
      height: 1080,
      videoCodec: 'avc1.640028',
      audioCodec: 'mp4a.40.2',
      bytes: 20e6,
    };
    expect(defaultRules.youtube.validate({ text: 'A tour of the new shop', mediaUrl: null, video })).toEqual([]);
    expect(defaultRules.youtube.validate({ text: 'Sale <today>', mediaUrl: null, video }).map((v) => v.message)).toEqual([
      'YouTube descriptions cannot contain < or >',
    ]);
    // 5,000 bytes, not characters: 1,700 three-byte characters are 5,100 bytes.
    expect(defaultRules.youtube.validate({ text: '€'.repeat(1700), mediaUrl: null, video }).map((v) => v.message)).toEqual([
      'YouTube: 5,100 of 5,000 bytes',
    ]);
  });

  it('finds nothing when no network is given', () => {
    expect(validateContent({ text: 'a'.repeat(100_000), mediaUrl: null }, [])).toEqual([]);
  });
});

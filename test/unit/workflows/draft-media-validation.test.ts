import { describe, expect, it } from 'vitest';
import type { ImageType } from '../../../src/domain/image-format.js';
import type { PostImage } from '../../../src/domain/post.js';
import { createCatalog } from '../../../src/platforms/catalog.js';
import { defaultRules } from '../../../src/platforms/rules/index.js';
import { SandboxPublisher } from '../../../src/platforms/sandbox/publisher.js';
import { validateDraft, type DraftInput } from '../../../src/workflows/draft-validation.js';
import { RecordingPublisher } from '../../support/rules-publisher.js';

const now = new Date('2026-03-02T09:00:00Z');
const catalog = createCatalog([
  new SandboxPublisher(),
  ...(['x', 'instagram', 'bluesky', 'mastodon', 'pinterest', 'linkedin', 'facebook'] as const).map((n) => new RecordingPublisher(n)),
]);
let seq = 0;
const image = (over: Partial<PostImage> = {}): PostImage => ({
  sha256: (++seq).toString(16).padStart(64, '0'),
  type: 'image/jpeg',
  bytes: 1000,
  width: 1080,
  height: 1080,
  alt: 'A red bicycle',
  ...over,
});
const images = (n: number, over: Partial<PostImage> = {}) => Array.from({ length: n }, () => image(over));
const input = (overrides: Partial<DraftInput> = {}): DraftInput => ({
  text: 'Spring sale starts Monday',
  networks: ['sandbox'],
  publishAt: null,
  timezone: 'Europe/Berlin',
  mediaUrl: null,
  ...overrides,
});
const errorsOf = (overrides: Partial<DraftInput>, rules = {}) => {
  const result = validateDraft(input(overrides), catalog, now, undefined, rules);
  if (result.ok) throw new Error('expected errors');
  return result.errors;
};
const okDraft = (overrides: Partial<DraftInput>, rules = {}) => {
  const result = validateDraft(input(overrides), catalog, now, undefined, rules);
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.errors)}`);
  return result.draft;
};

describe('draft validation: uploaded images', () => {
  it('keeps images in order with trimmed alt text; empty alt text is none', () => {
    const draft = okDraft({ images: [image({ alt: '  A cat  ' }), image({ alt: '   ' }), image({ alt: null })] });
    expect(draft.images.map((i) => i.alt)).toEqual(['A cat', null, null]);
  });

  it('refuses alt text over 1,000 characters next to that image', () => {
    expect(errorsOf({ images: [image(), image({ alt: 'a'.repeat(1001) })] })).toEqual({
      alt_1: 'Alt text can be at most 1,000 characters; this is 1,001.',
    });
    expect(okDraft({ images: [image({ alt: 'a'.repeat(1000) })] }).images[0]!.alt).toHaveLength(1000);
  });

  it('makes missing alt text an error only with REQUIRE_ALT_TEXT', () => {
    expect(okDraft({ images: [image({ alt: null })] }).images).toHaveLength(1);
    expect(errorsOf({ images: [image(), image({ alt: null })] }, { requireAltText: true })).toEqual({
      alt_1: expect.stringContaining('alt text is required'),
    });
  });

  it('refuses an image link and uploads together', () => {
    expect(errorsOf({ images: [image()], mediaUrl: 'https://cdn.example.com/a.png' })).toEqual({
      images: 'Give either an image link or uploaded images, not both.',
    });
  });

  it.each([
    ['x', 4],
    ['bluesky', 4],
    ['mastodon', 4],
    ['instagram', 10],
    ['facebook', 10],
    ['linkedin', 20],
    ['pinterest', 1],
  ] as const)('%s takes at most %i images', (network, max) => {
    expect(okDraft({ networks: [network], images: images(max) }).images).toHaveLength(max);
    expect(errorsOf({ networks: [network], images: images(max + 1) }).images).toMatch(
      max === 1 ? /takes one image per post/ : new RegExp(`takes at most ${max} images`),
    );
  });

  it('Instagram and Pinterest need an image, by link or upload', () => {
    expect(errorsOf({ networks: ['instagram', 'pinterest'] }).mediaUrl).toBe('Instagram needs an image\nPinterest needs an image');
    expect(okDraft({ networks: ['instagram', 'pinterest'], images: [image()] }).networks).toEqual(['instagram', 'pinterest']);
  });

  it('Instagram takes JPEG only, from 4:5 to 1.91:1', () => {
    expect(
      okDraft({ networks: ['instagram'], images: [image({ width: 1080, height: 1350 }), image({ width: 1910, height: 1000 })] }).images,
    ).toHaveLength(2);
    const errors = errorsOf({
      networks: ['instagram'],
      images: [image({ width: 1000, height: 3000 }), image({ type: 'image/gif' as ImageType })],
    });
    expect(errors.images).toContain('Instagram: image 1 is 1000×3000');
    expect(errors.images).toContain('Instagram does not take GIF (image 2)');
    expect(errorsOf({ networks: ['instagram'], images: [image({ type: 'image/png' })] }).images).toContain(
      'Instagram does not take PNG (image 1)',
    );
    // Other networks take the same shapes, and Mastodon a GIF.
    expect(okDraft({ networks: ['x', 'mastodon'], images: [image({ width: 1000, height: 3000 })] }).images).toHaveLength(1);
    expect(okDraft({ networks: ['mastodon'], images: [image({ type: 'image/gif' })] }).images).toHaveLength(1);
  });

  it('each network takes files up to its own size, said next to the images', () => {
    const big = image({ bytes: 4.5 * 1024 * 1024 });
    expect(okDraft({ networks: ['x', 'linkedin'], images: [big] }).images).toHaveLength(1);
    expect(errorsOf({ networks: ['facebook'], images: [image(), big] }).images).toContain(
      'Facebook takes images up to 4 MB (image 2 is larger)',
    );
    expect(errorsOf({ networks: ['bluesky'], images: [big] }).images).toContain('Bluesky takes images up to');
  });

  it('a network never refuses at publishing time what its rules took when drafting', async () => {
    // The publishers read their limits from the same rules (single source).
    const { X_IMAGE_TYPES, X_IMAGE_MAX_BYTES } = await import('../../../src/platforms/x/media.js');
    expect([X_IMAGE_TYPES, X_IMAGE_MAX_BYTES]).toEqual([defaultRules.x.media.formats, defaultRules.x.media.maxBytes]);
    const { LINKEDIN_IMAGE_TYPES } = await import('../../../src/platforms/linkedin/images.js');
    expect(LINKEDIN_IMAGE_TYPES).toEqual(defaultRules.linkedin.media.formats);
    const { INSTAGRAM_IMAGE_LIMITS } = await import('../../../src/platforms/instagram/image-check.js');
    expect([...INSTAGRAM_IMAGE_LIMITS.acceptedTypes]).toEqual([...defaultRules.instagram.media.formats]);
    expect(INSTAGRAM_IMAGE_LIMITS.maxBytes).toBe(defaultRules.instagram.media.maxBytes);
  });

  it('LinkedIn takes no WebP', () => {
    expect(errorsOf({ networks: ['linkedin'], images: [image({ type: 'image/webp' })] }).images).toBe(
      'LinkedIn does not take WebP (image 1)',
    );
  });

  it('states the media rules as data on every network', () => {
    for (const rules of Object.values(defaultRules).filter((r) => !r.videoOnly)) {
      expect(rules.media.maxImages).toBeGreaterThanOrEqual(1);
      expect(rules.media.formats.length).toBeGreaterThan(0);
    }
    expect(defaultRules.instagram.media.aspectRatio).toMatchObject({ min: 0.8, max: 1.91 });
  });
});

describe('draft validation: a text per network', () => {
  it('counts each network’s own text against its limit, and the main text only where there is none', () => {
    const long = 'a'.repeat(400);
    // The main text is too long for X, but X has its own short text.
    const draft = okDraft({ text: long, networks: ['x', 'sandbox'], variants: { x: 'Short for X' } });
    expect(draft.variants).toEqual({ x: 'Short for X' });
    expect(errorsOf({ text: long, networks: ['x', 'sandbox'] })).toEqual({ text: 'X: 400 of 280 characters' });
    expect(errorsOf({ text: 'ok', networks: ['x', 'sandbox'], variants: { x: long } })).toEqual({ variant_x: 'X: 400 of 280 characters' });
  });

  it('takes variants only for chosen networks; an empty one means the main text', () => {
    expect(errorsOf({ networks: ['sandbox'], variants: { x: 'For X' } })).toEqual({
      variant_x: expect.stringContaining('X is not chosen'),
    });
    expect(okDraft({ networks: ['sandbox'], variants: { x: '   ' } }).variants).toEqual({});
  });
});

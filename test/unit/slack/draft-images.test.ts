import { describe, expect, it } from 'vitest';
import { buildApprovalCard, CARD_IMAGES } from '../../../src/bots/slack/blocks/approval-card.js';
import { buildDraftModal } from '../../../src/bots/slack/blocks/draft-modal.js';
import { buildImageAltModal, decodeImageAltState } from '../../../src/bots/slack/blocks/image-alt-modal.js';
import { errorsByBlock, readAltTexts, readDraftForm, readUploads } from '../../../src/bots/slack/draft-form.js';
import { NETWORK_IDS } from '../../../src/domain/network.js';
import type { Person, PostImage } from '../../../src/domain/post.js';
import type { PostView } from '../../../src/workflows/post-view.js';

const ann: Person = { id: 1, platform: 'slack', platformUserId: 'U1', displayName: 'Ann', timezone: 'Europe/Berlin' };
const image = (i: number, alt: string | null): PostImage => ({
  sha256: String(i).padStart(64, '0'),
  type: 'image/png',
  bytes: 2048,
  width: 800,
  height: 600,
  alt,
});

function view(overrides: Partial<PostView> = {}): PostView {
  return {
    id: 7,
    status: 'pending',
    statusLabel: 'Waiting for approval',
    author: ann,
    revisionId: 11,
    revisionNumber: 1,
    text: 'Main text',
    networks: [{ network: 'x', label: 'X', used: 9, limit: 280, unit: 'characters', ok: true }],
    mediaUrl: null,
    images: [],
    variants: [],
    publishAt: null,
    publishZone: 'Europe/Berlin',
    aiAssisted: false,
    video: null,
    youtube: null,
    submittedAt: new Date('2026-03-02T09:00:00Z'),
    approvals: [],
    verdict: null,
    requiredApprovals: 1,
    remainingApprovals: 1,
    decidable: true,
    publications: [],
    ...overrides,
  };
}
const shown = (blocks: unknown) => JSON.stringify(blocks);

describe('Slack draft dialog with images', () => {
  it('has a file input for images (JPEG, PNG, GIF, WebP; 10) or a video (MP4, MOV) and a “Customize for” text per configured network, within Slack’s limits', () => {
    const modal = buildDraftModal({
      mode: 'create',
      timezone: 'UTC',
      text: '',
      available: [...NETWORK_IDS],
      selected: [],
      publishAt: null,
      mediaUrl: null,
      usage: [],
      variants: { x: 'Short' },
    });
    const files = modal.blocks.find((b) => b.block_id === 'files') as unknown as { element: Record<string, unknown> };
    expect(files.element).toMatchObject({
      type: 'file_input',
      filetypes: ['jpg', 'jpeg', 'png', 'gif', 'webp', 'mp4', 'mov'],
      max_files: 10,
    });
    expect(shown(modal.blocks)).toContain('Customize for LinkedIn');
    expect(shown(modal.blocks)).toContain('"initial_value":"Short"');
    expect(modal.blocks.length).toBeLessThanOrEqual(100);
    // YouTube's own fields come with YouTube: title, tags, category, visibility, made for kids, thumbnail.
    expect(modal.blocks.filter((b) => String(b.block_id).startsWith('youtube_')).map((b) => b.block_id)).toEqual([
      'youtube_title',
      'youtube_tags',
      'youtube_category',
      'youtube_privacy',
      'youtube_kids',
      'youtube_thumbnail',
    ]);
  });

  it('reads files, variants and alt texts from the state Slack sends', () => {
    const values = {
      text: { value: { type: 'plain_text_input', value: 'Hello' } },
      files: {
        value: {
          type: 'file_input',
          files: [{ id: 'F1', name: 'a.png', mimetype: 'image/png', url_private: 'https://files.slack.com/a' }],
        },
      },
      variant_x: { value: { type: 'plain_text_input', value: 'For X' } },
      variant_bluesky: { value: { type: 'plain_text_input', value: null } },
      alt_0: { value: { type: 'plain_text_input', value: 'A cat' } },
    };
    expect(readUploads(values)).toEqual([{ id: 'F1', name: 'a.png', mimetype: 'image/png' }]);
    expect(readDraftForm(values, { mode: 'create', timezone: 'UTC' }).variants).toEqual({ x: 'For X' });
    expect(readAltTexts(values, 2)).toEqual(['A cat', null]);
  });

  it('puts errors next to the file field, a network’s own text and an image’s alt text', () => {
    expect(errorsByBlock({ images: 'too many', variant_x: 'too long', alt_1: 'required', text: 'empty' })).toEqual({
      files: 'too many',
      variant_x: 'too long',
      alt_1: 'required',
      text: 'empty',
    });
    // In the second step only alt texts are shown: the rest goes to the first alt text.
    expect(errorsByBlock({ text: 'too long', alt_0: 'bad' }, 'alt_0', { has: (b) => b === 'alt_0', fallback: 'alt_0' })).toEqual({
      alt_0: 'too long\nbad',
    });
  });

  it('the second step lists each image with an alt text input and a thumbnail of the Slack file', () => {
    const modal = buildImageAltModal({
      key: 'k1',
      mode: 'create',
      requireAltText: false,
      images: [
        { ...image(1, 'Old alt'), name: 'a.png', slackFileId: 'F1' },
        { ...image(2, null), name: 'Image 2' },
      ],
    });
    expect(modal.callback_id).toBe('gl_draft_images');
    expect(decodeImageAltState(modal.private_metadata!)).toEqual({ key: 'k1' });
    const json = shown(modal.blocks);
    expect(json).toContain('"block_id":"alt_0"');
    expect(json).toContain('"block_id":"alt_1"');
    expect(json).toContain('"initial_value":"Old alt"');
    expect(json).toContain('"slack_file":{"id":"F1"}');
    expect(json).toContain('PNG · 800×600');
  });
});

describe('approval card with images and variants', () => {
  it('shows each network’s own text and each image with its alt text, warning where there is none', () => {
    const card = buildApprovalCard(
      view({ images: [image(1, 'A <cat>'), image(2, null)], variants: [{ network: 'x', label: 'X', text: 'Short *X* text' }] }),
    );
    const json = shown(card);
    expect(json).toContain('X gets its own text:');
    expect(json).toContain('Short *X* text');
    expect(json).toContain('Alt text: “A &lt;cat&gt;”');
    expect(json).toContain('⚠️ no alt text');
  });

  it('beyond a few images says how many more, and stays within 50 blocks', () => {
    const images = Array.from({ length: 20 }, (_, i) => image(i, i % 2 ? null : 'alt'));
    const variants = NETWORK_IDS.map((network) => ({ network, label: network, text: 'v'.repeat(3000) }));
    const imageUrls = images.map((_, i) => `https://gl.example.com/media/${i}.png`);
    const card = buildApprovalCard(view({ images, variants }), { imageUrls });
    expect(shown(card)).toContain(`…and ${20 - CARD_IMAGES} more images (⚠️ 8 without alt text)`);
    expect(card.length).toBeLessThanOrEqual(50);
    // The images themselves, where there are links: one per image listed, with its alt text.
    const pictures = card.filter((b) => b.type === 'image') as Array<{ image_url: string; alt_text: string }>;
    expect(pictures.map((b) => b.image_url)).toEqual(imageUrls.slice(0, CARD_IMAGES));
    expect(pictures[0]!.alt_text).toBe('alt');
    expect(pictures[1]!.alt_text).toMatch(/^Image 2 of post #/);
    // Without links (no PUBLIC_URL), or when Slack could not fetch them, none.
    expect(buildApprovalCard(view({ images, variants })).some((b) => b.type === 'image')).toBe(false);
    expect(buildApprovalCard(view({ images, variants }), { imageUrls, includeImage: false }).some((b) => b.type === 'image')).toBe(false);
  });
});

import { ALL_IMAGE_FORMATS, defineRules } from './define-rules.js';
import { countGraphemes } from './graphemes.js';
import { textTooLong } from './violations.js';

/**
 * The `app.bsky.feed.post` lexicon gives `text` both `maxGraphemes: 300` and
 * `maxLength: 3000`, and a lexicon `maxLength` is UTF-8 bytes (@atproto/lexicon checks
 * `utf8Len`). The byte cap binds first on emoji-heavy text: 👨‍👩‍👧‍👦 is 1 grapheme, 25 bytes.
 */
export const BLUESKY_MAX_BYTES = 3000;

export const blueskyRules = defineRules({
  network: 'bluesky',
  limit: 300,
  unit: 'characters',
  requiresMedia: false,
  // app.bsky.embed.images: at most 4 images.
  // Bluesky's video service: MP4, up to 3 minutes and 100 MB.
  media: {
    maxImages: 4,
    formats: ALL_IMAGE_FORMATS,
    maxBytes: 2_000_000,
    video: {
      rules: {
        containers: ['mp4'],
        videoCodecs: ['avc1'],
        audioCodecs: ['mp4a'],
        minSeconds: 0,
        maxSeconds: 180,
        maxBytes: 100 * 1000 * 1000,
      },
    },
  },
  // Graphemes, as the lexicon says; a URL counts in full because the text is stored as written.
  count: countGraphemes,
  extraChecks({ text }) {
    // A UTF-16 unit is at most 3 UTF-8 bytes, so short texts need no encoding.
    if (text.length * 3 <= BLUESKY_MAX_BYTES) return [];
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes <= BLUESKY_MAX_BYTES) return [];
    return [textTooLong('bluesky', { used: bytes, limit: BLUESKY_MAX_BYTES, unit: 'bytes' })];
  },
});

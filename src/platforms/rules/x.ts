import twitterText from 'twitter-text';
import { defineRules } from './define-rules.js';

/**
 * X counts "weighted" characters: twitter-text's `parseTweet` is X's own published
 * implementation (every URL, with or without scheme, is 23; emoji and CJK are 2; text is
 * NFC-normalised first), so the count is exactly X's.
 */
export const xRules = defineRules({
  network: 'x',
  limit: 280,
  unit: 'characters',
  requiresMedia: false,
  // X's media upload: up to 4 photos per post, 5 MB each; JPEG, PNG and WebP (a GIF is its own kind of post).
  media: { maxImages: 4, formats: ['image/jpeg', 'image/png', 'image/webp'], maxBytes: 5 * 1024 * 1024 },
  count: (text) => twitterText.parseTweet(text).weightedLength,
});

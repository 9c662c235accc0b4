import twitterText from 'twitter-text';
import { ALL_IMAGE_FORMATS, defineRules } from './define-rules.js';

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
  // X's media upload: up to 4 photos per post; JPEG, PNG, GIF and WebP.
  media: { maxImages: 4, formats: ALL_IMAGE_FORMATS },
  count: (text) => twitterText.parseTweet(text).weightedLength,
});

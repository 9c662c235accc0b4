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
  // X media upload (tweet_video): MP4/MOV, H.264 and AAC, 0.5–140 s, 512 MB, aspect 1:3 to 3:1.
  media: {
    maxImages: 4,
    formats: ['image/jpeg', 'image/png', 'image/webp'],
    maxBytes: 5 * 1024 * 1024,
    video: {
      rules: {
        containers: ['mp4', 'mov'],
        videoCodecs: ['avc1'],
        audioCodecs: ['mp4a'],
        minSeconds: 0.5,
        maxSeconds: 140,
        maxBytes: 512 * 1024 * 1024,
        aspectRatio: { min: 1 / 3, max: 3, label: '1:3 to 3:1' },
      },
    },
  },
  count: (text) => twitterText.parseTweet(text).weightedLength,
});

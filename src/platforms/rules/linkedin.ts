import { defineRules } from './define-rules.js';

export const linkedinRules = defineRules({
  network: 'linkedin',
  limit: 3000,
  unit: 'characters',
  requiresMedia: false,
  // Multi-image posts take up to 20; the Images API takes JPEG, PNG and GIF (no WebP).
  // LinkedIn Videos API: MP4, 3 s to 30 min, up to 500 MB, aspect 1:2.4 to 2.4:1.
  media: {
    maxImages: 20,
    formats: ['image/jpeg', 'image/png', 'image/gif'],
    maxBytes: 10 * 1024 * 1024,
    video: {
      rules: {
        containers: ['mp4'],
        videoCodecs: ['avc1'],
        audioCodecs: ['mp4a'],
        minSeconds: 3,
        maxSeconds: 30 * 60,
        maxBytes: 500 * 1024 * 1024,
        aspectRatio: { min: 1 / 2.4, max: 2.4, label: '1:2.4 to 2.4:1' },
      },
    },
  },
  // UTF-16 units: LinkedIn documents no unit, and UTF-16 is the largest plausible count (emoji 2), so a post approved here is never over there.
  count: (text) => text.length,
});

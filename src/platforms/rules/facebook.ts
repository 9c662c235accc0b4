import { ALL_IMAGE_FORMATS, defineRules } from './define-rules.js';

export const facebookRules = defineRules({
  network: 'facebook',
  limit: 63_206,
  unit: 'characters',
  requiresMedia: false,
  // A Page post with several unpublished photos attached; 10 keeps it a readable grid.
  // Facebook Page videos (resumable upload): up to 240 min and 10 GB.
  media: {
    maxImages: 10,
    formats: ALL_IMAGE_FORMATS,
    maxBytes: 4 * 1024 * 1024,
    video: {
      rules: {
        containers: ['mp4', 'mov'],
        videoCodecs: ['avc1', 'hvc1', 'hev1'],
        audioCodecs: ['mp4a'],
        minSeconds: 1,
        maxSeconds: 240 * 60,
        maxBytes: 10 * 1024 * 1024 * 1024,
      },
    },
  },
  // UTF-16 units: Meta documents no unit for 63,206, and UTF-16 is the largest plausible count (emoji 2), so a post approved here is never over there.
  count: (text) => text.length,
});

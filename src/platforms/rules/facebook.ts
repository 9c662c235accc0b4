import { ALL_IMAGE_FORMATS, defineRules } from './define-rules.js';

export const facebookRules = defineRules({
  network: 'facebook',
  limit: 63_206,
  unit: 'characters',
  requiresMedia: false,
  // A Page post with several unpublished photos attached; 10 keeps it a readable grid.
  media: { maxImages: 10, formats: ALL_IMAGE_FORMATS, maxBytes: 4 * 1024 * 1024 },
  // UTF-16 units: Meta documents no unit for 63,206, and UTF-16 is the largest plausible count (emoji 2), so a post approved here is never over there.
  count: (text) => text.length,
});

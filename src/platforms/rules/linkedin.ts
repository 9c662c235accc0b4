import { defineRules } from './define-rules.js';

export const linkedinRules = defineRules({
  network: 'linkedin',
  limit: 3000,
  unit: 'characters',
  requiresMedia: false,
  // Multi-image posts take up to 20; the Images API takes JPEG, PNG and GIF (no WebP).
  media: { maxImages: 20, formats: ['image/jpeg', 'image/png', 'image/gif'], maxBytes: 10 * 1024 * 1024 },
  // UTF-16 units: LinkedIn documents no unit, and UTF-16 is the largest plausible count (emoji 2), so a post approved here is never over there.
  count: (text) => text.length,
});

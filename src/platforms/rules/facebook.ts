import { defineRules } from './define-rules.js';

export const facebookRules = defineRules({
  network: 'facebook',
  limit: 63_206,
  unit: 'characters',
  requiresMedia: false,
  // UTF-16 units: Meta documents no unit for 63,206, and UTF-16 is the largest plausible count (emoji 2), so a post approved here is never over there.
  count: (text) => text.length,
});

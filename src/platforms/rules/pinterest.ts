import { ALL_IMAGE_FORMATS, defineRules } from './define-rules.js';

export const pinterestRules = defineRules({
  network: 'pinterest',
  limit: 500,
  unit: 'characters',
  requiresMedia: true,
  // One image per pin.
  media: { maxImages: 1, formats: ALL_IMAGE_FORMATS },
  // UTF-16 units: Pinterest documents no unit (500 in its docs, maxLength 800 in the v5 spec), and UTF-16 is the largest plausible count, so a pin approved here is never over there.
  count: (text) => text.length,
});

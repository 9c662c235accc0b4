import { defineRules } from './define-rules.js';

export const pinterestRules = defineRules({
  network: 'pinterest',
  limit: 500,
  unit: 'characters',
  requiresMedia: true,
  // One image per pin.
  // Uploaded bytes go inline (image_base64), which takes JPEG and PNG only.
  // Video pins need Pinterest's media upload flow, not built: images only, said plainly.
  media: {
    maxImages: 1,
    formats: ['image/jpeg', 'image/png'],
    maxBytes: 20 * 1024 * 1024,
    video: { none: 'Pinterest takes images only from Greenlight' },
  },
  // UTF-16 units: Pinterest documents no unit (500 in its docs, maxLength 800 in the v5 spec), and UTF-16 is the largest plausible count, so a pin approved here is never over there.
  count: (text) => text.length,
});

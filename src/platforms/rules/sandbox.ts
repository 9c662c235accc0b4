import { ALL_IMAGE_FORMATS, defineRules } from './define-rules.js';

/** Publishes nowhere, so it accepts anything any network would: the largest limit (Facebook's), no image needed. */
export const sandboxRules = defineRules({
  network: 'sandbox',
  limit: 63_206,
  unit: 'characters',
  requiresMedia: false,
  // As much as any network takes (LinkedIn's 20), every format: it publishes nowhere.
  media: { maxImages: 20, formats: ALL_IMAGE_FORMATS },
  // Same unit as Facebook, whose limit this borrows.
  count: (text) => text.length,
});

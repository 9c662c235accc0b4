import { defineRules } from './define-rules.js';

/** Publishes nowhere, so it accepts anything any network would: the largest limit (Facebook's), no image needed. */
export const sandboxRules = defineRules({
  network: 'sandbox',
  limit: 63_206,
  unit: 'characters',
  requiresMedia: false,
  // Same unit as Facebook, whose limit this borrows.
  count: (text) => text.length,
});

import { ALL_IMAGE_FORMATS, defineRules } from './define-rules.js';

/** Publishes nowhere, so it accepts anything any network would: the largest limit (Facebook's), no image needed. */
export const sandboxRules = defineRules({
  network: 'sandbox',
  limit: 63_206,
  unit: 'characters',
  requiresMedia: false,
  // As much as any network takes (LinkedIn's 20), every format: it publishes nowhere.
  // Publishes nowhere: any readable MP4 or MOV.
  media: {
    maxImages: 20,
    formats: ALL_IMAGE_FORMATS,
    video: {
      rules: {
        containers: ['mp4', 'mov'],
        videoCodecs: ['avc1', 'hvc1', 'hev1'],
        audioCodecs: ['mp4a'],
        minSeconds: 0,
        maxSeconds: 24 * 3600,
        maxBytes: Number.MAX_SAFE_INTEGER,
      },
    },
  },
  // Same unit as Facebook, whose limit this borrows.
  count: (text) => text.length,
});

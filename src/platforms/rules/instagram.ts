import type { NetworkRules } from './types.js';
import { defineRules } from './define-rules.js';
import { extractHashtags } from './hashtags.js';
import { extractMentions } from './mentions.js';
import { tooMany } from './violations.js';

export interface InstagramLimits {
  /** Meta's IG User Media reference: "Maximum 2200 characters, 30 hashtags, and 20 @ tags". */
  maxHashtags?: number;
  maxMentions?: number;
}

/**
 * Instagram captions: 2,200 characters, 30 hashtags and 20 @mentions (Meta's IG User Media
 * reference), and a post is an image, so one is required. Limits are parameters because
 * Instagram announced a move to 5 hashtags per post in the app; the API docs still say 30.
 */
export function instagramRules({ maxHashtags = 30, maxMentions = 20 }: InstagramLimits = {}): NetworkRules {
  return defineRules({
    network: 'instagram',
    limit: 2200,
    unit: 'characters',
    requiresMedia: true,
    // One image or a carousel of 2–10; JPEG only; feed images from 4:5 (portrait) to 1.91:1 (landscape).
    media: {
      maxImages: 10,
      // The Graph API's image_url takes JPEG only, 8 MB at most.
      formats: ['image/jpeg'],
      maxBytes: 8 * 1024 * 1024,
      aspectRatio: { min: 4 / 5, max: 1.91, label: '4:5 (portrait) to 1.91:1 (landscape)' },
      // Instagram Reels (Graph API): MOV or MP4, H.264 or HEVC with AAC, 3 s to 15 min, 300 MB.
      video: {
        rules: {
          containers: ['mp4', 'mov'],
          videoCodecs: ['avc1', 'hvc1', 'hev1'],
          audioCodecs: ['mp4a'],
          minSeconds: 3,
          maxSeconds: 15 * 60,
          maxBytes: 300 * 1024 * 1024,
          aspectRatio: { min: 0.01, max: 10, label: '0.01:1 to 10:1 (9:16 looks best)' },
        },
      },
    },
    // UTF-16 units: Meta's docs and its error 2207010 say only "characters", and UTF-16 is the largest plausible count (emoji 2), so a post approved here is never over there.
    count: (text) => text.length,
    extraChecks({ text }) {
      const violations = [];
      // Every occurrence counts, repeats included: the stricter reading of Meta's "30 hashtags".
      const hashtags = extractHashtags(text).length;
      if (hashtags > maxHashtags) violations.push(tooMany('instagram', 'hashtags', hashtags, maxHashtags));
      const mentions = extractMentions(text).length;
      if (mentions > maxMentions) violations.push(tooMany('instagram', '@mentions', mentions, maxMentions));
      return violations;
    },
  });
}

export const defaultInstagramRules = instagramRules();

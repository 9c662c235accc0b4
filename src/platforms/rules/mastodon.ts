import type { NetworkRules } from './types.js';
import { ALL_IMAGE_FORMATS, defineRules } from './define-rules.js';
import { countGraphemes } from './graphemes.js';
import { mastodonCountableText } from './mastodon-text.js';

/** An instance's `configuration.statuses` from `GET /api/v2/instance`. */
export interface MastodonLimits {
  /** `max_characters`: 500 on stock Mastodon; many instances raise it. */
  maxCharacters?: number;
  /** `characters_reserved_per_url`: what each URL counts as, 23 on stock Mastodon. */
  charactersReservedPerUrl?: number;
}

/**
 * Mastodon counts as its StatusLengthValidator does: grapheme clusters of the text after
 * every http(s) URL becomes `charactersReservedPerUrl` characters and every remote mention
 * `@user@domain` becomes `@user`. Bare domains (`example.com`) count as written.
 */
export function mastodonRules({ maxCharacters = 500, charactersReservedPerUrl = 23 }: MastodonLimits = {}): NetworkRules {
  if (!Number.isSafeInteger(maxCharacters) || maxCharacters < 1) {
    throw new RangeError(`Mastodon max_characters must be a positive integer, got ${maxCharacters}`);
  }
  if (!Number.isSafeInteger(charactersReservedPerUrl) || charactersReservedPerUrl < 0) {
    throw new RangeError(`Mastodon characters_reserved_per_url must be a non-negative integer, got ${charactersReservedPerUrl}`);
  }
  return defineRules({
    network: 'mastodon',
    limit: maxCharacters,
    unit: 'characters',
    requiresMedia: false,
    // Stock Mastodon: 4 attachments per status.
    // Stock Mastodon 4: videos up to 99 MB (instances may allow more or less), transcoded by the server.
    media: {
      maxImages: 4,
      formats: ALL_IMAGE_FORMATS,
      video: {
        rules: {
          containers: ['mp4', 'mov'],
          videoCodecs: ['avc1', 'hvc1', 'hev1'],
          audioCodecs: ['mp4a'],
          minSeconds: 0,
          maxSeconds: 24 * 3600,
          maxBytes: 99 * 1024 * 1024,
        },
      },
    },
    count: (text) => countGraphemes(mastodonCountableText(text, charactersReservedPerUrl)),
  });
}

/** Stock Mastodon (mastodon.social): 500 characters, URLs 23. */
export const defaultMastodonRules = mastodonRules();

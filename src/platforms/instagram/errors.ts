import type { ErrorResponse, ErrorVerdict } from '../http/classify.js';
import { withGraphWords, type GraphError } from '../meta-graph/graph-error.js';

export const INSTAGRAM_TOKEN_SETTING = 'INSTAGRAM_ACCESS_TOKEN';

/**
 * The 24-hour publishing limit (Meta: "50 API-published posts within a 24-hour moving
 * period"). A slot frees when the oldest of those posts turns 24 hours old, which Meta does
 * not tell us, so the scheduler is asked to come back in an hour rather than hammer it.
 */
export const PUBLISHING_LIMIT_WAIT_MS = 60 * 60_000;

export const PUBLISHING_LIMIT_MESSAGE =
  'Instagram allows at most 50 posts a day through its API, and this account has reached that limit; Greenlight can try again later (the limit is a rolling 24 hours).';

/**
 * Instagram's publishing subcodes (Instagram Platform "Error Codes" reference): the ones Meta
 * says to simply try again are retryable; the ones about the image, caption or account are
 * the author's or the account owner's to fix.
 */
const RETRYABLE: Record<number, string> = {
  2207001: 'Instagram had a server error',
  2207003: 'Instagram took too long to download the image',
  2207008: 'Instagram had a temporary problem publishing',
  2207020: 'the prepared post expired before it was published',
  2207027: 'Instagram has not finished processing the image',
  2207032: 'Instagram could not prepare the post',
  2207053: 'Instagram had an unknown upload error',
};

const PERMANENT: Record<number, string> = {
  2207004: 'The image is too large for Instagram (at most 8 MB).',
  2207005: 'Instagram does not accept this image format (JPEG only).',
  2207009: "The image's shape is outside what Instagram accepts (from 4:5 portrait to 1.91:1 landscape).",
  2207010: 'The caption is too long for Instagram (2,200 characters, 30 hashtags, 20 @mentions).',
  2207023: 'Instagram does not accept this kind of media.',
  2207026: 'Instagram does not accept this kind of media.',
  2207050: 'The Instagram account is inactive or restricted: sign in to the Instagram app and complete what it asks.',
  2207051: 'Instagram blocked this post as suspected spam.',
  2207052: 'Instagram could not download the image from its link; make sure the link is public.',
};

export function instagramErrorVerdict(error: GraphError, _response: ErrorResponse): ErrorVerdict {
  const { subcode } = error;
  if (subcode === 2207042) {
    return { kind: 'retryable', retryAfterMs: PUBLISHING_LIMIT_WAIT_MS, message: withGraphWords(PUBLISHING_LIMIT_MESSAGE, error) };
  }
  if (subcode === 2207006) {
    return {
      kind: 'permanent',
      message: withGraphWords(
        `Instagram refused to publish because of a missing permission or an expired token: check ${INSTAGRAM_TOKEN_SETTING}.`,
        error,
      ),
    };
  }
  if (subcode !== undefined && subcode in PERMANENT) {
    return { kind: 'permanent', message: withGraphWords(PERMANENT[subcode]!, error) };
  }
  if (subcode !== undefined && subcode in RETRYABLE) {
    return { kind: 'retryable', message: withGraphWords(`${RETRYABLE[subcode]}; try again later.`, error) };
  }
  return undefined;
}

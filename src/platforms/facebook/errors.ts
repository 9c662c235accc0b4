import type { ErrorResponse, ErrorVerdict } from '../http/classify.js';
import { withGraphWords, type GraphError } from '../meta-graph/graph-error.js';

/**
 * Facebook Page codes beyond the Graph API's common ones:
 * - 506 "Duplicate status message": the Page already has a post with this text.
 * - 324 "Missing or invalid image file": Facebook could not read the uploaded photo.
 * - 1500 "The url you supplied is invalid"; 1609005 "Error posting link" (link previews).
 * - 6000 "There was a problem uploading your video file", 6001 "There was a problem uploading
 *   your video" (Meta: "Please try again"): an upload that went wrong on Facebook's side; the
 *   upload shows nothing until it is finished, so a new attempt is safe.
 */
export function facebookErrorVerdict(error: GraphError, _response: ErrorResponse): ErrorVerdict {
  if (error.code === 506) {
    return {
      kind: 'permanent',
      message: withGraphWords('Facebook refused this post as a duplicate of one already on the Page.', error),
    };
  }
  if (error.code === 324) {
    return {
      kind: 'permanent',
      message: withGraphWords('Facebook could not use the image (it says the file is missing or invalid).', error),
    };
  }
  if (error.code === 1500 || error.code === 1609005) {
    return {
      kind: 'permanent',
      message: withGraphWords('Facebook could not use a link in the post.', error),
    };
  }
  if (error.code === 6000 || error.code === 6001) {
    return {
      kind: 'retryable',
      message: withGraphWords('Facebook had a problem receiving the video; nothing was posted, so it can be tried again.', error),
    };
  }
  return undefined;
}

import { errorDetail, type ErrorVerdict, type MessageFromError } from '../http/classify.js';

/**
 * Mastodon answers errors as `{error}` (sometimes with `error_description`). A 422 is its
 * validation refusing the post for good, except one: media still being processed, which
 * goes away by itself.
 */
export const statusErrors: MessageFromError = (response): ErrorVerdict => {
  const detail = errorDetail(response.json, response.text);
  if (response.status === 422) {
    if (detail && /finished processing/i.test(detail)) {
      return { kind: 'retryable', message: `Mastodon is still processing the media; try again in a minute. (It said: "${detail}")` };
    }
    return { kind: 'permanent', message: `Mastodon refused this post${detail ? `: "${detail}"` : ' (HTTP 422)'}.` };
  }
  if (response.status === 403 && detail && /scope/i.test(detail)) {
    return {
      kind: 'permanent',
      message: `Mastodon says the access token may not post (it needs the write:statuses and write:media scopes): check MASTODON_ACCESS_TOKEN. (It said: "${detail}")`,
    };
  }
  return undefined;
};

export const mediaErrors: MessageFromError = (response): ErrorVerdict => {
  const detail = errorDetail(response.json, response.text);
  if (response.status === 422 || response.status === 413) {
    return { kind: 'permanent', message: `Mastodon refused the image${detail ? `: "${detail}"` : ` (HTTP ${response.status})`}.` };
  }
  return statusErrors(response);
};

/** The video upload (`POST /api/v2/media`): a refusal names the video, in Mastodon's words. */
export const videoUploadErrors: MessageFromError = (response): ErrorVerdict => {
  const detail = errorDetail(response.json, response.text);
  if (response.status === 413) {
    return { kind: 'permanent', message: 'Mastodon refused the video as too large for this instance (HTTP 413); nothing was posted.' };
  }
  if (response.status === 422) {
    return { kind: 'permanent', message: `Mastodon refused the video${detail ? `: "${detail}"` : ' (HTTP 422)'}; nothing was posted.` };
  }
  return statusErrors(response);
};

/**
 * Looking at a video being processed (`GET /api/v1/media/:id`): Mastodon answers 422 once its
 * processing failed, which no retry mends.
 */
export const videoProcessingErrors: MessageFromError = (response): ErrorVerdict => {
  const detail = errorDetail(response.json, response.text);
  if (response.status === 422) {
    return {
      kind: 'permanent',
      message: `Mastodon could not process the video${detail ? ` (It said: "${detail}")` : ''}, so nothing was posted. Export the video again as H.264 MP4 and upload it.`,
    };
  }
  return statusErrors(response);
};

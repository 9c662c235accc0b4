import { errorDetail, type ErrorResponse, type ErrorVerdict, type MessageFromError } from '../http/classify.js';

/**
 * Pinterest answers errors as `{code, message}`. The codes are not a stable contract we
 * could find documented, so the verdict rests on the HTTP status and the wording on
 * Pinterest's own message.
 */
function pinterestMessage(response: ErrorResponse): string | undefined {
  return errorDetail(response.json, response.text);
}

const quoted = (detail: string | undefined) => (detail ? ` (It said: "${detail}")` : '');

/** Errors of the call that creates the pin. */
export function createPinErrors(boardId: string): MessageFromError {
  return (response): ErrorVerdict => {
    const detail = pinterestMessage(response);
    if (response.status === 404) {
      return `Pinterest could not find board ${boardId}: check PINTEREST_BOARD_ID (the board must belong to the account of PINTEREST_ACCESS_TOKEN).${quoted(detail)}`;
    }
    if (response.status === 400 || response.status === 409 || response.status === 422) {
      return `Pinterest refused this pin${detail ? `: "${detail}"` : ` (HTTP ${response.status})`}.`;
    }
    return undefined; // 401/403/429/5xx: the shared wording names the token and the wait
  };
}

/** Errors of the analytics read. */
export const analyticsErrors: MessageFromError = (response) => {
  if (response.status === 400) {
    const detail = pinterestMessage(response);
    return `Pinterest refused the request for pin figures${detail ? `: "${detail}"` : ''}.`;
  }
  return undefined;
};

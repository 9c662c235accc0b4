import { randomBytes } from 'node:crypto';

/** A route's answer, and with `kind: 'status'` spread in, a scripted fault. */
export interface GraphErrorAnswer {
  status: number;
  headers?: Record<string, string>;
  json: unknown;
}

/** Meta's error body; almost every error, throttling and bad tokens included, comes as HTTP 400. */
export function graphError(
  code: number,
  message: string,
  extra: {
    subcode?: number;
    status?: number;
    type?: string;
    userTitle?: string;
    userMessage?: string;
    transient?: boolean;
    headers?: Record<string, string>;
    /** `error_data`: what some errors add (a failed video range names the range to send). */
    data?: Record<string, unknown>;
  } = {},
): GraphErrorAnswer {
  return {
    status: extra.status ?? 400,
    ...(extra.headers ? { headers: extra.headers } : {}),
    json: {
      error: {
        message,
        type: extra.type ?? 'OAuthException',
        code,
        ...(extra.subcode !== undefined ? { error_subcode: extra.subcode } : {}),
        is_transient: extra.transient ?? false,
        ...(extra.userTitle ? { error_user_title: extra.userTitle } : {}),
        ...(extra.userMessage ? { error_user_msg: extra.userMessage } : {}),
        ...(extra.data ? { error_data: extra.data } : {}),
        fbtrace_id: randomBytes(8).toString('base64url'),
      },
    },
  };
}

/** The answers tests script with `failNext`, in Meta's own words and codes. */
export const metaErrors = {
  badToken: () =>
    graphError(190, 'Error validating access token: Session has expired on Tuesday, 03-Mar-26 01:00:00 PST.', { subcode: 463 }),
  duplicate: () => graphError(506, '(#506) Duplicate status message', { type: 'OAuthException' }),
  transient: () => graphError(2, 'An unexpected error has occurred. Please retry your request later.', { transient: true, status: 500 }),
  unknownError: () => graphError(1, 'An unknown error occurred', { status: 500 }),
  /** Page-level throttle (code 32) with the business use case header, `minutes` to wait. */
  pageThrottle: (minutes: number) =>
    graphError(32, '(#32) Page request limit reached', {
      headers: {
        'x-business-use-case-usage': JSON.stringify({
          '1122334455': [{ type: 'pages', call_count: 100, total_cputime: 12, total_time: 15, estimated_time_to_regain_access: minutes }],
        }),
      },
    }),
  appThrottle: () =>
    graphError(4, '(#4) Application request limit reached', {
      headers: { 'x-app-usage': '{"call_count":100,"total_cputime":20,"total_time":30}' },
    }),
  /** App-level throttle (code 4) whose X-App-Usage says when access returns, `minutes` from now. */
  appThrottleFor: (minutes: number) =>
    graphError(4, '(#4) Application request limit reached', {
      headers: {
        'x-app-usage': JSON.stringify({ call_count: 100, total_cputime: 20, total_time: 30, estimated_time_to_regain_access: minutes }),
      },
    }),
  /** Custom-level throttle (code 613), which Meta sends without a usage estimate. */
  customThrottle: () => graphError(613, 'Calls to this api have exceeded the rate limit.'),
  /** Instagram business use case throttle (code 80002) with the business use case header, `minutes` to wait. */
  instagramThrottle: (userId: string, minutes: number) =>
    graphError(80002, 'There have been too many calls to this Instagram account. Wait a bit and try again.', {
      headers: {
        'x-business-use-case-usage': JSON.stringify({
          [userId]: [{ type: 'instagram', call_count: 100, total_cputime: 1, total_time: 1, estimated_time_to_regain_access: minutes }],
        }),
      },
    }),
  publishingLimit: () =>
    graphError(9, 'Application request limit reached', {
      subcode: 2207042,
      userTitle: 'Maximum number of posts reached',
      userMessage: 'You reached maximum number of posts that is allowed to be published by Content Publishing API.',
    }),
  invalidParameter: (message: string) => graphError(100, `(#100) ${message}`),
} as const;

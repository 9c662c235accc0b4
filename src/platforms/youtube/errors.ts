import { z } from 'zod';
import { redact } from '../../observability/redact.js';
import { classifyResponse, findPublishError, type ErrorResponse, type ErrorVerdict, type MessageFromError } from '../http/classify.js';
import { PublishError } from '../publisher.js';
import { msUntilQuotaReset, YOUTUBE_DAILY_QUOTA_DEFAULT, YOUTUBE_QUOTA_COSTS } from './quota.js';

export const YOUTUBE_REFRESH_TOKEN_SETTING = 'YOUTUBE_REFRESH_TOKEN';

/** Google's JSON error shape: `{error: {code, message, errors: [{reason, domain, message}]}}`. */
const GoogleErrorBody = z.object({
  error: z.object({
    code: z.number().optional(),
    message: z.string().optional(),
    errors: z.array(z.object({ reason: z.string().optional(), domain: z.string().optional(), message: z.string().optional() })).optional(),
  }),
});

/** The OAuth token endpoint's shape: `{error: 'invalid_grant', error_description}`. */
const OAuthErrorBody = z.object({ error: z.string(), error_description: z.string().optional() });

export interface GoogleError {
  reasons: string[];
  message: string | undefined;
}

/** The reasons and message of a Google API error body, or undefined when it is not one. */
export function readGoogleError(json: unknown): GoogleError | undefined {
  const parsed = GoogleErrorBody.safeParse(json);
  if (!parsed.success) return undefined;
  const { errors, message } = parsed.data.error;
  return { reasons: (errors ?? []).map((e) => e.reason ?? '').filter(Boolean), message: message ? plain(message) : undefined };
}

/** Google's messages carry HTML (`<a href=…>quota</a>`); the thread gets plain words. */
const plain = (text: string) =>
  text
    .replace(/<[^>]*>/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300);

const saying = (error: GoogleError | undefined) => (error?.message ? ` (YouTube said: "${error.message}")` : '');

const DAY_MS = 24 * 60 * 60_000;

export const quotaMessage = () =>
  `The day's YouTube quota for Greenlight's Google Cloud project is used up (an upload costs ${YOUTUBE_QUOTA_COSTS['videos.insert'].toLocaleString('en-US')} of the default ${YOUTUBE_DAILY_QUOTA_DEFAULT.toLocaleString('en-US')} units a day); Greenlight will try again after it resets at midnight Pacific time. Nothing was uploaded.`;

/** Words for the reasons a video's fields are refused: the author's to fix, so permanent. */
const FIELD_REASONS: Record<string, string> = {
  invalidTitle: "YouTube refused the video's title (1 to 100 characters, without < or >).",
  invalidDescription: "YouTube refused the video's description (at most 5,000 bytes, without < or >).",
  invalidTags: "YouTube refused the video's tags (500 characters in all).",
  invalidCategoryId: "YouTube refused the video's category.",
  invalidPublishAt: "YouTube refused the video's scheduled publish time.",
  invalidFilename: "YouTube refused the video's file name.",
  invalidVideoMetadata: "YouTube refused the video's details.",
  mediaBodyRequired: 'YouTube received no video.',
};

/**
 * YouTube's own reading of an API error (videos.insert, list, update, thumbnails.set …),
 * for `classifyResponse`. The quota is charged per Google Cloud project and resets at
 * midnight Pacific time, so a quota refusal waits until then.
 */
export function youtubeErrorVerdict(now: () => Date): MessageFromError {
  return (response: ErrorResponse): ErrorVerdict => {
    const error = readGoogleError(response.json);
    const reasons = error?.reasons ?? [];
    const has = (...names: string[]) => names.some((n) => reasons.includes(n));
    if (has('quotaExceeded', 'dailyLimitExceeded')) {
      return { kind: 'retryable', retryAfterMs: msUntilQuotaReset(now()), message: quotaMessage() };
    }
    if (has('uploadLimitExceeded')) {
      return {
        kind: 'retryable',
        retryAfterMs: DAY_MS,
        message: `YouTube says this channel has uploaded as many videos as it may for now (YouTube asks to wait 24 hours); Greenlight will try again tomorrow.${saying(error)}`,
      };
    }
    if (has('rateLimitExceeded', 'userRateLimitExceeded')) {
      return {
        kind: 'retryable',
        message: `YouTube is limiting how often Greenlight may call it; it can try again in a few minutes.${saying(error)}`,
      };
    }
    const field = reasons.find((r) => r in FIELD_REASONS);
    if (field) return { kind: 'permanent', message: `${FIELD_REASONS[field]}${saying(error)}` };
    if (has('youtubeSignupRequired')) {
      return {
        kind: 'permanent',
        message: `The Google account behind ${YOUTUBE_REFRESH_TOKEN_SETTING} has no YouTube channel: authorise Greenlight as the channel (a brand account) and set ${YOUTUBE_REFRESH_TOKEN_SETTING} again.`,
      };
    }
    if (response.status === 401) {
      return {
        kind: 'permanent',
        message: `YouTube refused Greenlight's authorisation (401): check ${YOUTUBE_REFRESH_TOKEN_SETTING}.${saying(error)}`,
      };
    }
    if (response.status === 403 && has('forbidden', 'insufficientPermissions', 'accessNotConfigured', 'forbiddenPrivacySetting')) {
      return {
        kind: 'permanent',
        message: `YouTube refused the request (403): ${YOUTUBE_REFRESH_TOKEN_SETTING} must be authorised for the channel with the youtube.upload and youtube.readonly scopes, and the YouTube Data API v3 enabled in the Google Cloud project.${saying(error)}`,
      };
    }
    if (error?.message && response.status >= 400 && response.status < 500 && response.status !== 429) {
      return { kind: 'permanent', message: `YouTube refused the request (HTTP ${response.status}).${saying(error)}` };
    }
    return undefined;
  };
}

/**
 * What a failed call of Google's client threw, as a `PublishError`: a failure to get any
 * answer was classified by the shared fetch already (found in the cause chain); an answer
 * is classified like any HTTP error, in YouTube's words. Duck-typed: two copies of gaxios
 * are installed, so `instanceof GaxiosError` cannot be trusted.
 */
export function classifyGoogleError(error: unknown, now: () => Date): PublishError {
  const ours = findPublishError(error);
  if (ours) return ours;
  const response = (error as { response?: { status?: unknown; data?: unknown; headers?: unknown } } | undefined)?.response;
  if (response && typeof response.status === 'number') {
    const text = typeof response.data === 'string' ? response.data : JSON.stringify(response.data ?? '');
    return classifyResponse({
      network: 'youtube',
      status: response.status,
      headers: response.headers instanceof Headers ? response.headers : {},
      text,
      now: now(),
      messageFromError: youtubeErrorVerdict(now),
    });
  }
  const what = redact(error instanceof Error ? error.message : String(error));
  return new PublishError({
    kind: 'retryable',
    network: 'youtube',
    message: `The call to YouTube failed unexpectedly (${what}); try again later.`,
    cause: error,
  });
}

/**
 * A refresh of the access token that failed. Google answers a refresh token it no longer
 * accepts (revoked, expired after 7 days for an app still "in testing", or for another
 * client) with `invalid_grant`, and a wrong client id or secret with `invalid_client`.
 * Asking for a token changes nothing at YouTube, so a failure to get an answer is retryable.
 */
export function classifyTokenError(error: unknown, _now: () => Date): PublishError {
  const ours = findPublishError(error);
  if (ours) {
    if (ours.kind !== 'unknown') return ours;
    return new PublishError({
      kind: 'retryable',
      network: 'youtube',
      message: `Greenlight could not get a YouTube access token from Google just now (${ours.message}); nothing was uploaded.`,
      cause: ours,
    });
  }
  const response = (error as { response?: { status?: unknown; data?: unknown } } | undefined)?.response;
  const status = typeof response?.status === 'number' ? response.status : undefined;
  const oauth = OAuthErrorBody.safeParse(response?.data);
  const code = oauth.success ? oauth.data.error : undefined;
  if (code === 'invalid_grant') {
    return new PublishError({
      kind: 'permanent',
      network: 'youtube',
      status,
      message: `Google no longer accepts Greenlight's YouTube refresh token (invalid_grant): authorise Greenlight for the channel again and set ${YOUTUBE_REFRESH_TOKEN_SETTING} (see the YouTube section of docs/networks.md). Nothing was uploaded.`,
      cause: new Error(redact(`token refresh: ${JSON.stringify(response?.data ?? '')}`)),
    });
  }
  if (code === 'invalid_client' || code === 'unauthorized_client') {
    return new PublishError({
      kind: 'permanent',
      network: 'youtube',
      status,
      message: `Google refused Greenlight's OAuth client (${code}): check YOUTUBE_CLIENT_ID and YOUTUBE_CLIENT_SECRET, and that ${YOUTUBE_REFRESH_TOKEN_SETTING} was issued to that client. Nothing was uploaded.`,
      cause: new Error(redact(`token refresh: ${JSON.stringify(response?.data ?? '')}`)),
    });
  }
  if (status !== undefined && (status === 429 || status >= 500)) {
    return new PublishError({
      kind: 'retryable',
      network: 'youtube',
      status,
      message: `Google's sign-in service had a temporary problem (HTTP ${status}); Greenlight will try again. Nothing was uploaded.`,
    });
  }
  if (status !== undefined) {
    return new PublishError({
      kind: 'permanent',
      network: 'youtube',
      status,
      message: `Google refused to give Greenlight a YouTube access token (HTTP ${status}${code ? `, ${code}` : ''}): check ${YOUTUBE_REFRESH_TOKEN_SETTING}, YOUTUBE_CLIENT_ID and YOUTUBE_CLIENT_SECRET.`,
      cause: new Error(redact(`token refresh: ${JSON.stringify(response?.data ?? '')}`)),
    });
  }
  const what = redact(error instanceof Error ? error.message : String(error));
  return new PublishError({
    kind: 'retryable',
    network: 'youtube',
    message: `Greenlight could not get a YouTube access token (${what}); nothing was uploaded.`,
    cause: error,
  });
}

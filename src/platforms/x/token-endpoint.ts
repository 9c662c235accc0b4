/**
 * X's OAuth 2.0 refresh, as X documents it ("OAuth 2.0 Authorization Code Flow with PKCE",
 * step 5): `POST /2/oauth2/token`, `Content-Type: application/x-www-form-urlencoded`, with
 * `refresh_token` and `grant_type=refresh_token`. A public client (Native App, Single page
 * App) adds `client_id`; a confidential client (Web App, Automated App or Bot) sends HTTP
 * Basic auth with client id:client secret instead and no `client_id` in the body.
 */
import { z } from 'zod';
import type { XRefreshConfig } from '../../config.js';
import { registerSecret } from '../../observability/redact.js';
import type { ErrorVerdict, MessageFromError } from '../http/classify.js';
import { errorDetail } from '../http/classify.js';
import type { HttpClient } from '../http/http-client.js';
import { PublishError } from '../publisher.js';

export const X_TOKEN_PATH = '/2/oauth2/token';

/** X's access tokens last two hours; used when an answer leaves `expires_in` out. */
export const X_DEFAULT_EXPIRES_IN_S = 2 * 60 * 60;

export const X_REFRESH_REFUSED_MESSAGE =
  'X no longer accepts the refresh token (it was revoked, or already used), so Greenlight cannot post to X: ' +
  'authorise Greenlight on X again and set X_REFRESH_TOKEN to the new refresh token, then restart (see the X section of docs/networks.md).';

const Grant = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.number().positive().optional(),
  token_type: z.string().optional(),
  scope: z.string().optional(),
});

export interface TokenGrant {
  accessToken: string;
  /** X rotates: a new one every time. Absent would mean the old one stays valid (RFC 6749 §6). */
  refreshToken: string | undefined;
  expiresInS: number;
}

/** X refused the refresh token itself: no retry will help until an admin authorises again. */
export class RefreshTokenRefused extends PublishError {
  constructor(cause: PublishError) {
    super({ kind: 'permanent', network: 'x', status: cause.status, message: X_REFRESH_REFUSED_MESSAGE, cause });
    this.name = 'RefreshTokenRefused';
  }
}

const oauthError = (json: unknown): { error: string; description: string } => {
  const o = json && typeof json === 'object' ? (json as Record<string, unknown>) : {};
  return {
    error: typeof o.error === 'string' ? o.error : '',
    description: typeof o.error_description === 'string' ? o.error_description : '',
  };
};

/**
 * X answers a spent or revoked refresh token with 400 `invalid_request` ("Value passed for
 * the token was invalid."); RFC 6749 names it `invalid_grant`. A 400 about the client id is
 * our configuration instead, and a 401 is the client authentication.
 */
function readTokenError(onRefused: () => void): MessageFromError {
  return ({ status, json, text }): ErrorVerdict => {
    const { error, description } = oauthError(json);
    const detail = errorDetail(json, text);
    const quoted = (message: string) => (detail ? `${message} (X said: "${detail}")` : message);
    if (status === 400 && (error === 'invalid_grant' || (error === 'invalid_request' && !/client/i.test(description)))) {
      onRefused();
      return { kind: 'permanent', message: X_REFRESH_REFUSED_MESSAGE };
    }
    if (status === 401 || error === 'invalid_client' || error === 'unauthorized_client' || /client/i.test(description)) {
      return {
        kind: 'permanent',
        message: quoted(
          `X refused Greenlight's client credentials when refreshing the access token (HTTP ${status}): check X_CLIENT_ID, and set X_CLIENT_SECRET exactly when the app is a confidential client (Web App, Automated App or Bot).`,
        ),
      };
    }
    if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
      return { kind: 'permanent', message: quoted(`X refused to refresh the access token (HTTP ${status}).`) };
    }
    return undefined; // 408, 429 and 5xx: the shared wording, retryable
  };
}

export async function requestTokenRefresh(client: HttpClient, oauth: XRefreshConfig, refreshToken: string): Promise<TokenGrant> {
  const form: Record<string, string> = { refresh_token: refreshToken, grant_type: 'refresh_token' };
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (oauth.clientSecret) {
    const basic = Buffer.from(`${oauth.clientId}:${oauth.clientSecret}`).toString('base64');
    registerSecret(basic);
    headers.authorization = `Basic ${basic}`;
  } else {
    form.client_id = oauth.clientId;
  }

  let refused = false;
  let answer;
  try {
    answer = await client.request({
      method: 'POST',
      path: X_TOKEN_PATH,
      form,
      headers,
      // Not repeated here: a refresh whose answer was lost may already have spent the token.
      retry: false,
      messageFromError: readTokenError(() => (refused = true)),
    });
  } catch (error) {
    if (!(error instanceof PublishError)) throw error;
    if (refused) throw new RefreshTokenRefused(error);
    if (error.kind === 'unknown') {
      // Nothing was posted either way; the next attempt finds out whether the token was spent.
      throw new PublishError({
        kind: 'retryable',
        network: 'x',
        message: 'Refreshing the X access token did not complete (no answer, or the connection broke); nothing was posted, try again.',
        cause: error,
      });
    }
    throw error;
  }

  const parsed = Grant.safeParse(answer.body);
  if (!parsed.success) {
    throw new PublishError({
      kind: 'retryable',
      network: 'x',
      status: answer.status,
      message: 'X answered the token refresh with something Greenlight could not read; nothing was posted, try again.',
    });
  }
  const grant = parsed.data;
  // Registered before anything can log or throw them.
  registerSecret(grant.access_token);
  registerSecret(grant.refresh_token);
  return { accessToken: grant.access_token, refreshToken: grant.refresh_token, expiresInS: grant.expires_in ?? X_DEFAULT_EXPIRES_IN_S };
}

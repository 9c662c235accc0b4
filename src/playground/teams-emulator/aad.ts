import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { decodeJwt, hasValidSignature, signJwt, type SigningKey } from './jwt.js';
import type { BearerCheck } from './recorder.js';

/**
 * A stand-in for the Microsoft Entra ID (AAD) v2.0 endpoints a bot uses to get the bearer token
 * it sends to the Bot Connector: client credentials for scope `https://api.botframework.com/.default`
 * at `{authority}/oauth2/v2.0/token`, where the authority is `login.microsoftonline.com/{tenant id}`
 * for a SingleTenant bot and `…/botframework.com` for a MultiTenant one. Errors follow AAD's
 * `{ error, error_description: "AADSTS…", error_codes }` shape.
 */

export const BOT_FRAMEWORK_AUDIENCE = 'https://api.botframework.com';
/** The tenant MultiTenant bots get their tokens from, and its id (as in those tokens' `iss`). */
export const BOT_FRAMEWORK_TENANT = 'botframework.com';
const BOT_FRAMEWORK_TENANT_ID = 'd6d49420-f39b-4df7-a1dc-d59a935871db';

export type AppType = 'SingleTenant' | 'MultiTenant';

export interface FakeCredentials {
  appId: string;
  appPassword: string;
  tenantId: string;
  appType: AppType;
}

/** The path segment the bot's token requests must use: its own tenant, or botframework.com. */
export const tokenTenant = (credentials: FakeCredentials): string =>
  credentials.appType === 'SingleTenant' ? credentials.tenantId : BOT_FRAMEWORK_TENANT;

/** A tenant's OpenID configuration, as MSAL reads it before asking for a token. */
export function aadOpenIdConfiguration(authority: string, tenant: string): Record<string, unknown> {
  return {
    issuer: `${authority}/${tenant}/v2.0`,
    authorization_endpoint: `${authority}/${tenant}/oauth2/v2.0/authorize`,
    token_endpoint: `${authority}/${tenant}/oauth2/v2.0/token`,
    jwks_uri: `${authority}/${tenant}/discovery/v2.0/keys`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    id_token_signing_alg_values_supported: ['RS256'],
    tenant_region_scope: 'EU',
  };
}

export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
}

const TokenForm = z.object({
  grant_type: z.string().optional(),
  client_id: z.string().optional(),
  client_secret: z.string().optional(),
  scope: z.string().optional(),
});

function aadError(status: number, error: string, code: number, description: string): TokenAnswer {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}

/** Answers a POST to `/{tenant}/oauth2/v2.0/token` the way AAD answers a client-credentials request. */
export function answerTokenRequest(
  form: Record<string, string>,
  tenant: string,
  credentials: FakeCredentials,
  key: SigningKey,
  nowSeconds: number,
  lifetimeSeconds: number,
): TokenAnswer {
  const { grant_type, client_id, client_secret, scope } = TokenForm.parse(form);
  if (grant_type === undefined)
    return aadError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'grant_type'.");
  if (grant_type !== 'client_credentials')
    return aadError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
  if (client_id !== credentials.appId || tenant !== tokenTenant(credentials)) {
    return aadError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${client_id ?? ''}' was not found in the directory '${tenant}'.`,
    );
  }
  if (!client_secret)
    return aadError(
      401,
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  if (client_secret !== credentials.appPassword) {
    return aadError(
      401,
      'invalid_client',
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${credentials.appId}'.`,
    );
  }
  if (!scope?.endsWith('/.default')) {
    return aadError(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${scope ?? ''} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  if (scope !== `${BOT_FRAMEWORK_AUDIENCE}/.default`) {
    return aadError(
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${scope.replace(/\/\.default$/, '')} was not found in the tenant named ${tenant}.`,
    );
  }
  const tenantId = credentials.appType === 'SingleTenant' ? credentials.tenantId : BOT_FRAMEWORK_TENANT_ID;
  const accessToken = signJwt(
    {
      aud: BOT_FRAMEWORK_AUDIENCE,
      iss: `https://sts.windows.net/${tenantId}/`,
      iat: nowSeconds,
      nbf: nowSeconds,
      exp: nowSeconds + lifetimeSeconds,
      appid: credentials.appId,
      appidacr: '1',
      idp: `https://sts.windows.net/${tenantId}/`,
      idtyp: 'app',
      tid: tenantId,
      ver: '1.0',
    },
    key,
  );
  return {
    status: 200,
    body: { token_type: 'Bearer', expires_in: lifetimeSeconds, ext_expires_in: lifetimeSeconds, access_token: accessToken },
  };
}

/**
 * What the Bot Connector checks of the bot's own calls: a bearer token AAD issued for the
 * Bot Framework audience to this app, not expired (5 minutes of clock skew allowed).
 */
export function checkBotBearer(
  authorization: string | undefined,
  credentials: FakeCredentials,
  key: SigningKey,
  nowSeconds: number,
): BearerCheck {
  if (authorization === undefined || authorization === '') return { presented: false, valid: false };
  const token = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
  const decoded = token ? decodeJwt(token) : undefined;
  if (!token || !decoded) return { presented: true, valid: false };
  const { claims } = decoded;
  const valid =
    hasValidSignature(token, key) &&
    claims.aud === BOT_FRAMEWORK_AUDIENCE &&
    (claims.appid ?? claims.azp) === credentials.appId &&
    typeof claims.exp === 'number' &&
    claims.exp + 300 > nowSeconds;
  return { presented: true, valid, claims };
}

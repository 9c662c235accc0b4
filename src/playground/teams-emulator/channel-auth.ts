import { generateSigningKey, publicJwk, signJwt, type JwtClaims, type SigningKey } from './jwt.js';

/**
 * The Bot Framework channel's side of authentication: it signs every activity it posts to a bot
 * with a JWT (RS256, `iss` https://api.botframework.com, `aud` the bot's app id, `serviceurl`
 * the activity's serviceUrl) whose key the bot finds through OpenID metadata
 * (login.botframework.com/v1/.well-known/openidconfiguration → …/keys). The keys carry
 * `endorsements`: the channel ids each key may sign for.
 */

export const CHANNEL_TOKEN_ISSUER = 'https://api.botframework.com';
/** Channels the fake channel key is endorsed for (botbuilder rejects a token for any other). */
export const CHANNEL_ENDORSEMENTS = ['msteams', 'webchat', 'directline', 'emulator'];

export function channelOpenIdConfiguration(origin: string): Record<string, unknown> {
  return {
    issuer: CHANNEL_TOKEN_ISSUER,
    authorization_endpoint: 'https://invalid.botframework.com',
    jwks_uri: `${origin}/v1/.well-known/keys`,
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
  };
}

export function channelKeys(key: SigningKey): { keys: unknown[] } {
  return { keys: [publicJwk(key, CHANNEL_ENDORSEMENTS)] };
}

export interface MintActivityTokenOptions {
  /** `aud`; defaults to the bot's app id. */
  appId?: string;
  /** The `serviceurl` claim; defaults to the activity's serviceUrl. */
  serviceUrl?: string;
  /** `iss`; defaults to https://api.botframework.com. */
  issuer?: string;
  /** Seconds from now until `exp` (negative: already expired). Default 3600. */
  expiresInSeconds?: number;
  /**
   * `channel` (default): the key the OpenID metadata publishes. `unknown-key`: a key the
   * metadata has never listed (its `kid` is unknown). `forged`: another key that claims the
   * published key's `kid`, so only the signature gives it away.
   */
  signedBy?: 'channel' | 'unknown-key' | 'forged';
  /** Extra or replacing claims. */
  claims?: JwtClaims;
}

let strangerKey: SigningKey | undefined;

export function mintChannelToken(
  channelKey: SigningKey,
  defaults: { appId: string; serviceUrl: string },
  options: MintActivityTokenOptions,
  nowSeconds: number,
): string {
  const claims: JwtClaims = {
    serviceurl: options.serviceUrl ?? defaults.serviceUrl,
    nbf: nowSeconds - 5,
    exp: nowSeconds + (options.expiresInSeconds ?? 3600),
    iss: options.issuer ?? CHANNEL_TOKEN_ISSUER,
    aud: options.appId ?? defaults.appId,
    ...options.claims,
  };
  const signedBy = options.signedBy ?? 'channel';
  if (signedBy === 'channel') return signJwt(claims, channelKey);
  strangerKey ??= generateSigningKey();
  return signJwt(claims, strangerKey, signedBy === 'forged' ? { kid: channelKey.kid, x5t: channelKey.kid } : {});
}

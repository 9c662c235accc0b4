import { createHash, createPublicKey, generateKeyPairSync, randomUUID, sign, verify, type KeyObject } from 'node:crypto';

/**
 * Just enough JOSE for the fakes: RS256 JWTs signed and checked with node:crypto, and RSA keys
 * published as JWKs the way Microsoft publishes them (`kid`, `x5t`, `n`, `e`). botbuilder
 * validates with jsonwebtoken against these keys, so nothing here needs its own library.
 */

export type JwtClaims = Record<string, unknown>;

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

/** A fresh 2048-bit RSA key; the fakes make theirs at start, so no key material lives in the repo. */
export function generateSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  // Microsoft's kids look like base64url thumbprints; a random one is as opaque.
  const kid = base64url(createHash('sha1').update(randomUUID()).digest());
  return { kid, privateKey, publicKey };
}

export interface Jwk {
  kty: 'RSA';
  use: 'sig';
  kid: string;
  x5t: string;
  n: string;
  e: string;
  /** Bot Framework keys list the channel ids they may sign for; AAD keys have none. */
  endorsements?: string[];
}

export function publicJwk(key: SigningKey, endorsements?: string[]): Jwk {
  const { n, e } = key.publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  return { kty: 'RSA', use: 'sig', kid: key.kid, x5t: key.kid, n, e, ...(endorsements ? { endorsements } : {}) };
}

export function signJwt(claims: JwtClaims, key: SigningKey, header: Record<string, unknown> = {}): string {
  const head = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: key.kid, x5t: key.kid, ...header }));
  const body = base64url(JSON.stringify(claims));
  const signature = sign('sha256', Buffer.from(`${head}.${body}`), key.privateKey);
  return `${head}.${body}.${base64url(signature)}`;
}

export interface DecodedJwt {
  header: Record<string, unknown>;
  claims: JwtClaims;
}

/** Parses without checking anything; undefined when it is not a JWT at all. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as unknown;
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as unknown;
    if (!isRecord(header) || !isRecord(claims)) return undefined;
    return { header, claims };
  } catch {
    return undefined;
  }
}

/** True when `token` is an RS256 JWT signed by `key` (expiry and claims are the caller's business). */
export function hasValidSignature(token: string, key: SigningKey | KeyObject): boolean {
  const parts = token.split('.');
  if (parts.length !== 3) return false;
  const decoded = decodeJwt(token);
  if (decoded?.header.alg !== 'RS256') return false;
  const publicKey = 'publicKey' in key ? key.publicKey : createPublicKey(key);
  return verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), publicKey, Buffer.from(parts[2]!, 'base64url'));
}

export const base64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

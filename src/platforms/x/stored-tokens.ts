/**
 * The X token pair as the database keeps it (one `credentials` row, JSON). X retires a
 * refresh token as soon as it is used, so the newest pair must outlive the process that
 * got it; several processes share the row through compare-and-set on its whole text.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

export const X_TOKENS_KEY = 'x.oauth2';

/** The part of the Store the token source uses (structural: platforms do not import db/). */
export interface CredentialStore {
  getCredential(key: string): Promise<string | undefined>;
  saveCredential(key: string, value: string, expectedPrevious: string | undefined, at: Date): Promise<boolean>;
}

const Stored = z.object({
  accessToken: z.string().min(1).nullable(),
  refreshToken: z.string().min(1),
  /** Epoch ms; null when unknown (an access token pasted into X_ACCESS_TOKEN). */
  expiresAt: z.number().nullable(),
  /**
   * A fingerprint of the X_REFRESH_TOKEN this chain of rotations started from. A restart with
   * a different X_REFRESH_TOKEN means an admin authorised again, and the environment wins.
   */
  origin: z.string(),
  /** A process asking X for a new pair right now; others wait for its result until `until`. */
  refreshing: z.object({ by: z.string(), until: z.number() }).optional(),
});

export type StoredTokens = z.infer<typeof Stored>;

/** Undefined when absent or unreadable; either way the caller replaces it, compare-and-set on `raw`. */
export function parseStoredTokens(raw: string | undefined): StoredTokens | undefined {
  if (raw === undefined) return undefined;
  try {
    const parsed = Stored.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function serializeStoredTokens(tokens: StoredTokens): string {
  const { accessToken, refreshToken, expiresAt, origin, refreshing } = tokens;
  return JSON.stringify({ accessToken, refreshToken, expiresAt, origin, ...(refreshing ? { refreshing } : {}) });
}

export function withoutLease(tokens: StoredTokens): StoredTokens {
  const { refreshing: _lease, ...rest } = tokens;
  return rest;
}

/** A one-way fingerprint, so the database never holds the (spent) environment token itself. */
export function originOf(refreshToken: string): string {
  return createHash('sha256').update(refreshToken).digest('hex').slice(0, 32);
}

/**
 * Where the X publisher gets its bearer token. A fixed X_ACCESS_TOKEN cannot be renewed, so
 * its `refresh` says so; the refreshing source (refreshing-token-source.ts) renews through
 * X's OAuth 2.0 refresh and keeps the rotating pair in the database.
 */
export interface TokenSource {
  /** A token to send now (a refreshing source renews one that is about to expire first). */
  current(): Promise<string>;
  /**
   * A token other than `rejected`, the one X just answered 401 to; undefined when this source
   * cannot renew, so the 401 stands. Throws `PublishError` when renewing fails.
   */
  refresh(rejected: string | undefined): Promise<string | undefined>;
}

/** X_ACCESS_TOKEN as it was pasted: it works until it expires, then an admin replaces it. */
export function fixedTokenSource(token: string): TokenSource {
  return {
    current: async () => token,
    refresh: async () => undefined,
  };
}

/**
 * Keeps Greenlight authorised on X with OAuth 2.0 refresh tokens.
 *
 * X access tokens last two hours, and every refresh returns a new refresh token while
 * retiring the old one. So the newest pair is written to the database the moment X hands it
 * out (a restart must not fall back to the spent X_REFRESH_TOKEN), and processes sharing the
 * database must not spend one refresh token twice: whoever refreshes first holds a short
 * lease in the same row (taken by compare-and-set), and the others wait for its result and
 * adopt the pair it stored. A process that loses the compare-and-set reads the row again
 * instead of failing.
 *
 * Once per process, at first use, the stored pair is weighed against the environment: it is
 * used when it descends from the X_REFRESH_TOKEN set now; a different X_REFRESH_TOKEN means
 * an admin authorised again, and the environment wins. After that the process follows the
 * database, whoever wrote it.
 */
import { randomUUID } from 'node:crypto';
import type { XRefreshConfig } from '../../config.js';
import type { Clock } from '../../domain/clock.js';
import type { Logger } from '../../observability/logger.js';
import { registerSecret } from '../../observability/redact.js';
import type { Sleep } from '../http/backoff.js';
import { PublishError } from '../publisher.js';
import {
  originOf,
  parseStoredTokens,
  serializeStoredTokens,
  withoutLease,
  X_TOKENS_KEY,
  type CredentialStore,
  type StoredTokens,
} from './stored-tokens.js';
import { RefreshTokenRefused, X_REFRESH_REFUSED_MESSAGE, type TokenGrant } from './token-endpoint.js';
import type { TokenSource } from './token-source.js';

/** Renew this long before expiry, so a post never leaves with a token about to lapse. */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;
/** How often a process waiting for another's refresh looks at the database again. */
const POLL_MS = 250;

export interface RefreshingTokenSourceOptions {
  refresh: XRefreshConfig;
  /** X_ACCESS_TOKEN, if set: used (expiry unknown) until X refuses it. */
  accessToken: string | undefined;
  credentials: CredentialStore;
  /** One call to X's token endpoint. */
  requestRefresh: (refreshToken: string) => Promise<TokenGrant>;
  clock: Clock;
  logger: Logger;
  sleep: Sleep;
  /** How long a refresh lease lasts: longer than one token request may take. */
  leaseMs: number;
  /** Names this process in the lease. */
  owner?: string;
}

export class RefreshingTokenSource implements TokenSource {
  readonly #o: RefreshingTokenSourceOptions;
  readonly #owner: string;
  readonly #envOrigin: string;
  #held: StoredTokens | undefined;
  /** True once this process has chosen the database's chain; from then on it follows it. */
  #followsStore = false;
  #loading: Promise<void> | undefined;
  #renewing: Promise<string> | undefined;
  /** A refresh token X refused for good: not offered to X again by this process. */
  #refused: string | undefined;

  constructor(options: RefreshingTokenSourceOptions) {
    this.#o = options;
    this.#owner = options.owner ?? randomUUID();
    this.#envOrigin = originOf(options.refresh.refreshToken);
  }

  async current(): Promise<string> {
    const held = await this.#ready();
    if (held.accessToken && !this.#expiringSoon(held)) return held.accessToken;
    return this.refresh(held.accessToken ?? undefined);
  }

  async refresh(rejected: string | undefined): Promise<string> {
    const held = await this.#ready();
    // Another call in this process has already replaced the rejected token.
    if (held.accessToken && held.accessToken !== rejected && !this.#expiringSoon(held)) return held.accessToken;
    this.#renewing ??= this.#renew(rejected).finally(() => {
      this.#renewing = undefined;
    });
    return this.#renewing;
  }

  async #ready(): Promise<StoredTokens> {
    this.#loading ??= this.#load().catch((error: unknown) => {
      this.#loading = undefined;
      throw error;
    });
    await this.#loading;
    return this.#held!;
  }

  async #load(): Promise<void> {
    const stored = parseStoredTokens(await this.#o.credentials.getCredential(X_TOKENS_KEY));
    if (stored && stored.origin === this.#envOrigin) {
      this.#adopt(stored);
      this.#o.logger.info('using the X tokens stored in the database (X_REFRESH_TOKEN has been used up by an earlier refresh)', {
        network: 'x',
        expiresAt: stored.expiresAt === null ? undefined : new Date(stored.expiresAt).toISOString(),
      });
      return;
    }
    if (stored) {
      this.#o.logger.info('X_REFRESH_TOKEN is not the one the stored X tokens came from (X was authorised again), so it replaces them', {
        network: 'x',
      });
    }
    this.#held = {
      accessToken: this.#o.accessToken ?? null,
      refreshToken: this.#o.refresh.refreshToken,
      expiresAt: null,
      origin: this.#envOrigin,
    };
  }

  /** Stored pairs this process may use: its own chain, or any once it follows the database. */
  #accepts(stored: StoredTokens): boolean {
    return this.#followsStore || stored.origin === this.#envOrigin;
  }

  #adopt(tokens: StoredTokens): void {
    registerSecret(tokens.accessToken);
    registerSecret(tokens.refreshToken);
    this.#held = withoutLease(tokens);
    this.#followsStore = true;
  }

  #now(): number {
    return this.#o.clock.now().getTime();
  }

  #expiringSoon(tokens: StoredTokens): boolean {
    return tokens.expiresAt !== null && tokens.expiresAt - this.#now() <= REFRESH_MARGIN_MS;
  }

  async #renew(rejected: string | undefined): Promise<string> {
    const { credentials, leaseMs } = this.#o;
    // Bounded, in case a lease holder's clock or the database misbehaves.
    const rounds = Math.ceil(leaseMs / POLL_MS) + 20;
    for (let round = 0; round < rounds; round++) {
      const raw = await credentials.getCredential(X_TOKENS_KEY);
      const stored = parseStoredTokens(raw);
      const ours = stored && this.#accepts(stored) ? stored : undefined;

      // Another process has refreshed already: use its pair, spend nothing.
      if (ours?.accessToken && ours.accessToken !== rejected && !this.#expiringSoon(ours)) {
        this.#adopt(ours);
        return ours.accessToken;
      }
      // Another process is refreshing right now: wait for its pair rather than spend the same token.
      if (ours?.refreshing && ours.refreshing.by !== this.#owner && ours.refreshing.until > this.#now()) {
        await this.#o.sleep(POLL_MS);
        continue;
      }

      const base = withoutLease(ours ?? this.#held!);
      if (base.refreshToken === this.#refused) {
        throw new PublishError({ kind: 'permanent', network: 'x', message: X_REFRESH_REFUSED_MESSAGE });
      }
      const leased = serializeStoredTokens({ ...base, refreshing: { by: this.#owner, until: this.#now() + leaseMs } });
      // Lost the compare-and-set: someone wrote since we read. Read again.
      if (!(await credentials.saveCredential(X_TOKENS_KEY, leased, raw, this.#o.clock.now()))) continue;
      return this.#refreshWith(base, leased);
    }
    throw new PublishError({
      kind: 'retryable',
      network: 'x',
      message: 'Another Greenlight process has been refreshing the X access token for too long; nothing was posted, try again shortly.',
    });
  }

  /** Holding the lease: spend `base.refreshToken` at X and store the new pair. */
  async #refreshWith(base: StoredTokens, leased: string): Promise<string> {
    const { credentials, logger } = this.#o;
    let grant: TokenGrant;
    try {
      grant = await this.#o.requestRefresh(base.refreshToken);
    } catch (error) {
      if (error instanceof RefreshTokenRefused) {
        // Past an expired lease another process may have spent it first; its pair works.
        const after = parseStoredTokens(await credentials.getCredential(X_TOKENS_KEY));
        if (after?.accessToken && this.#accepts(after) && after.refreshToken !== base.refreshToken) {
          this.#adopt(after);
          return after.accessToken;
        }
        this.#refused = base.refreshToken;
        logger.error('X refused the refresh token; an admin must authorise Greenlight on X again and set X_REFRESH_TOKEN', {
          network: 'x',
        });
      }
      await this.#release(base, leased);
      throw error;
    }

    const next: StoredTokens = {
      accessToken: grant.accessToken,
      refreshToken: grant.refreshToken ?? base.refreshToken,
      expiresAt: this.#now() + grant.expiresInS * 1000,
      origin: base.origin,
    };
    await this.#store(next, leased, base.refreshToken);
    this.#adopt(next);
    logger.info('refreshed the X access token', { network: 'x', expiresAt: new Date(next.expiresAt!).toISOString() });
    return grant.accessToken;
  }

  /** A failed refresh gives the lease back, so others need not wait for it to run out. */
  async #release(base: StoredTokens, leased: string): Promise<void> {
    try {
      await this.#o.credentials.saveCredential(X_TOKENS_KEY, serializeStoredTokens(base), leased, this.#o.clock.now());
    } catch (error) {
      this.#o.logger.warn('could not release the X refresh lease; it runs out by itself', {
        network: 'x',
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  /**
   * Writes the new pair over our lease. If the lease ran out and someone wrote meanwhile, ours
   * still replaces a row that holds the refresh token we just spent (only our pair descends
   * from it); a row that has moved on to another pair is left alone. Never throws: the pair is
   * valid whatever the database says, and losing it would end the chain, so this process
   * keeps it in memory either way.
   */
  async #store(next: StoredTokens, leased: string, spent: string): Promise<void> {
    const { credentials, logger } = this.#o;
    let expected: string | undefined = leased;
    try {
      for (let attempt = 0; attempt < 5; attempt++) {
        if (await credentials.saveCredential(X_TOKENS_KEY, serializeStoredTokens(next), expected, this.#o.clock.now())) return;
        const raw = await credentials.getCredential(X_TOKENS_KEY);
        const stored = parseStoredTokens(raw);
        if (stored && stored.refreshToken !== spent) {
          logger.warn('another process stored different X tokens while this one refreshed; leaving them', { network: 'x' });
          return;
        }
        expected = raw;
      }
      logger.error('could not store the refreshed X tokens (the row kept changing); a restart will need X authorised again', {
        network: 'x',
      });
    } catch (error) {
      logger.error('could not store the refreshed X tokens; a restart will need X authorised again', {
        network: 'x',
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}

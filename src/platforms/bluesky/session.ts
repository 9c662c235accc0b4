import { AtpAgent } from '@atproto/api';
import type { Logger } from '../../observability/logger.js';
import type { FetchLike } from '../http/http-client.js';
import { sessionLost } from './errors.js';

export interface SessionConfig {
  identifier: string;
  appPassword: string;
  serviceUrl: string;
}

/**
 * One signed-in `AtpAgent` for the process. Access tokens last about two hours; when one
 * expires the library itself calls `refreshSession` and repeats the request. When the
 * refresh token is gone too (expired, revoked, password changed) the library gives up with
 * `ExpiredToken`/`InvalidToken`, and we sign in again once. Signing in is rate-limited
 * (30 per 5 minutes, 300 a day per account), so it happens only at start, after such a
 * loss, or when no session exists yet.
 *
 * Repeating a request after an auth refusal is safe even for `createRecord`: the PDS
 * checks the token before it touches the repository.
 */
export class BlueskySession {
  readonly agent: AtpAgent;
  #signingIn: Promise<void> | undefined;

  constructor(
    private readonly config: SessionConfig,
    fetch: FetchLike,
    private readonly logger: Logger,
  ) {
    this.agent = new AtpAgent({ service: config.serviceUrl, fetch: fetch as typeof globalThis.fetch });
  }

  get did(): string | undefined {
    return this.agent.session?.did;
  }

  get handle(): string | undefined {
    return this.agent.session?.handle;
  }

  /** Signs in, once for all callers waiting at the same time. */
  signIn(): Promise<void> {
    this.#signingIn ??= this.agent
      .login({ identifier: this.config.identifier, password: this.config.appPassword })
      .then(() => this.logger.info('Signed in to Bluesky', { handle: this.agent.session?.handle, did: this.agent.session?.did }))
      .finally(() => {
        this.#signingIn = undefined;
      });
    return this.#signingIn;
  }

  async run<T>(call: (agent: AtpAgent) => Promise<T>): Promise<T> {
    if (!this.agent.hasSession) await this.signIn();
    try {
      return await call(this.agent);
    } catch (error) {
      if (!sessionLost(error)) throw error;
      this.logger.info('Bluesky session could not be refreshed; signing in again');
      await this.signIn();
      return call(this.agent);
    }
  }
}

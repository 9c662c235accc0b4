import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Clock } from '../../domain/clock.js';
import type { Person } from '../../domain/post.js';
import { isValidTimeZone } from '../../domain/time.js';
import type { Logger } from '../../observability/logger.js';
import type { Greenlight } from '../../workflows/greenlight.js';

const UserInfo = z.object({
  user: z.object({
    id: z.string(),
    name: z.string().optional(),
    real_name: z.string().optional(),
    tz: z.string().optional(),
    profile: z.object({ display_name: z.string().optional(), real_name: z.string().optional() }).optional(),
  }),
});

/** After this, a name or zone is refreshed from Slack (in the background: the stale one serves meanwhile). */
const TTL_MS = 10 * 60_000;
/** After a failed lookup, Slack is asked again this soon. */
const RETRY_MS = 60_000;

/**
 * Turns a Slack user id into a Greenlight person with a name and an IANA zone (users.info,
 * cached for a few minutes). If Slack cannot be asked, the person is still known by id,
 * with the zone they had before (or UTC), so a click never fails for want of a name.
 */
export class SlackPeople {
  readonly #cache = new Map<string, { person: Person; until: number }>();

  constructor(
    private readonly client: WebClient,
    private readonly gl: Greenlight,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async identify(userId: string): Promise<Person> {
    const now = this.clock.now().getTime();
    const cached = this.#cache.get(userId);
    if (cached) {
      // Slack gives a listener 3 s; a known person is never made to wait for users.info.
      if (cached.until <= now) {
        cached.until = now + TTL_MS;
        void this.#lookup(userId).catch(() => undefined);
      }
      return cached.person;
    }
    return this.#lookup(userId);
  }

  async #lookup(userId: string): Promise<Person> {
    let displayName = userId;
    let timezone: string | undefined;
    try {
      const info = UserInfo.parse(await this.client.users.info({ user: userId }));
      const u = info.user;
      displayName = u.profile?.display_name || u.real_name || u.profile?.real_name || u.name || userId;
      if (u.tz && isValidTimeZone(u.tz)) timezone = u.tz;
    } catch (error) {
      // Slack is down: someone Greenlight knows keeps their name (and is asked again soon).
      const known = await this.gl.findPerson('slack', userId);
      this.logger.warn(known ? 'users.info failed; using the name Greenlight knows' : 'users.info failed; using the Slack id as the name', {
        user: userId,
        error,
      });
      if (known) {
        this.#cache.set(userId, { person: known, until: this.clock.now().getTime() + RETRY_MS });
        return known;
      }
    }
    const person = await this.gl.identify({ platform: 'slack', platformUserId: userId, displayName, timezone });
    this.#cache.set(userId, { person, until: this.clock.now().getTime() + TTL_MS });
    return person;
  }

  /** The zone a person enters times in: Slack's, else UTC. */
  static zoneOf(person: Person): string {
    return person.timezone ?? 'UTC';
  }
}

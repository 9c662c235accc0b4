import { TeamsInfo, TurnContext } from 'botbuilder';
import type { Clock } from '../../domain/clock.js';
import type { Person } from '../../domain/post.js';
import { isValidTimeZone } from '../../domain/time.js';
import type { Logger } from '../../observability/logger.js';
import type { Greenlight } from '../../workflows/greenlight.js';

/** An email looked up in Teams is trusted this long (approvers listed by email). */
const EMAIL_TTL_MS = 60_000;

/**
 * Turns whoever sent a Teams activity into a Greenlight person. A Teams person is keyed by
 * their AAD object id, which is the same for every app; the `29:` id in `from.id` differs per
 * bot. The email (UPN) comes from TeamsInfo.getMember, looked up at most once a minute; the
 * time zone from the client (`localTimezone`), else the one they set with `timezone …`.
 * Their 1:1 conversation with the bot is remembered for direct messages.
 */
export class TeamsPeople {
  readonly #emails = new Map<string, { email: string | null; until: number }>();

  constructor(
    private readonly gl: Greenlight,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async identify(context: TurnContext): Promise<Person> {
    const from = context.activity.from;
    const id = (from.aadObjectId ?? from.id).toLowerCase();
    const zone = context.activity.localTimezone;
    const person = await this.gl.identify({
      platform: 'teams',
      platformUserId: id,
      displayName: from.name || 'Someone',
      ...(zone && isValidTimeZone(zone) ? { timezone: zone } : {}),
      ...(await this.#email(context, id)),
    });
    if (context.activity.conversation.conversationType === 'personal') {
      await this.gl.rememberConversation({ platform: 'teams', kind: 'person', key: String(person.id), reference: { ...TurnContext.getConversationReference(context.activity) } });
    }
    return person;
  }

  /** `{ email }` when Teams says (or recently said) it, `{}` to keep what is stored. */
  async #email(context: TurnContext, id: string): Promise<{ email?: string | null }> {
    const now = this.clock.now().getTime();
    const cached = this.#emails.get(id);
    if (cached && cached.until > now) return cached.email === null ? {} : { email: cached.email };
    try {
      const member = await TeamsInfo.getMember(context, context.activity.from.id);
      const email = (member.userPrincipalName ?? member.email ?? null)?.toLowerCase() ?? null;
      this.#emails.set(id, { email, until: now + EMAIL_TTL_MS });
      return email === null ? {} : { email };
    } catch (error) {
      // Outside a team or chat the bot is in (a dialog from the message box), Teams may not
      // answer: the person is still known by id, and approvers listed by id still work.
      this.logger.debug('Teams did not say who this is beyond their id', { error });
      this.#emails.set(id, { email: null, until: now + EMAIL_TTL_MS });
      return {};
    }
  }
}

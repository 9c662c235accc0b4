import { TeamsInfo, TurnContext } from 'botbuilder';
import type { Clock } from '../../domain/clock.js';
import type { Person } from '../../domain/post.js';
import { isValidTimeZone } from '../../domain/time.js';
import type { Logger } from '../../observability/logger.js';
import type { Greenlight } from '../../workflows/greenlight.js';

/** Where a person's Teams account is kept: enough to start a 1:1 chat with them. */
export const accountKey = (personId: number) => `${personId}:account`;

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
  readonly #accounts = new Map<number, string>();
  readonly #personal = new Set<number>();

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
    await this.#remember(context, person);
    return person;
  }

  /**
   * Their 1:1 conversation (when this is it) and their Teams account, so Greenlight can write
   * to them later; written only when new, since every click passes here.
   */
  async #remember(context: TurnContext, person: Person): Promise<void> {
    const { activity } = context;
    const tenantId = activity.conversation.tenantId ?? (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id ?? '';
    const account = { user: { id: activity.from.id, name: activity.from.name }, serviceUrl: activity.serviceUrl, tenantId };
    const seen = this.#accounts.get(person.id);
    if (seen !== JSON.stringify(account)) {
      await this.gl.rememberConversation({ platform: 'teams', kind: 'person', key: accountKey(person.id), reference: account });
      this.#accounts.set(person.id, JSON.stringify(account));
    }
    if (activity.conversation.conversationType === 'personal' && !this.#personal.has(person.id)) {
      await this.gl.rememberConversation({
        platform: 'teams',
        kind: 'person',
        key: String(person.id),
        reference: { ...TurnContext.getConversationReference(activity) },
      });
      this.#personal.add(person.id);
    }
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

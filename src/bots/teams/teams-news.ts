import { CardFactory, TeamsInfo, TurnContext, type Activity, type CloudAdapter, type ConversationReference } from 'botbuilder';
import type { Person } from '../../domain/post.js';
import type { Logger } from '../../observability/logger.js';
import type { Digest } from '../../workflows/digest/build-digest.js';
import type { Greenlight } from '../../workflows/greenlight.js';
import { NewsDeliveryError, type DeliveringNews, type NewsChannel, type NewsDelivery } from '../news/news-channel.js';
import { deliverPostNews, type CardPlace, type EventItem, type PostNewsSurface, type StampedLine } from '../news/post-news.js';
import { digestSummary } from '../presentation/digest-lines.js';
import { buildApprovalCard, approvalCardSummary } from './cards/approval-card.js';
import { buildDigestCard } from './cards/digest-card.js';
import { teamsMessage, type TeamsMessage } from './cards/line-card.js';
import { TEAMS_MARKUP } from './cards/teams-markup.js';
import type { TeamsApproverDirectory } from './teams-approvers.js';
import { accountKey } from './teams-people.js';

export const CARD_PURPOSE = 'approval_card';

interface TeamsCard extends CardPlace {
  /** The channel's conversation id (without `;messageid=`). */
  channelId: string;
  /** The card's activity id: the root of its thread. */
  activityId: string;
  /** How to reach the channel (the reference it was posted with). */
  reference: Partial<ConversationReference>;
}

/** Approvers' Teams user ids (for the card's refresh list) are looked up once an hour. */
const APPROVER_IDS_TTL_MS = 3600_000;

interface ConnectorError {
  statusCode?: number;
  code?: string;
}

/**
 * What a failed call to the Bot Connector means for news. botbuilder has already retried 5xx,
 * 429 and dropped connections (four attempts); a call that still failed is retried later by
 * the outbox. Teams has no way for a bot to find a message it may have posted, so news whose
 * delivery Teams did not confirm is sent again (it may then appear twice: see README).
 */
function teamsNewsError(error: unknown): NewsDeliveryError {
  if (error instanceof NewsDeliveryError) return error;
  const e = (error ?? {}) as ConnectorError;
  const status = e.statusCode;
  if (status === 403 || status === 404 || status === 400 || status === 401) {
    return new NewsDeliveryError(`Teams refused it (HTTP ${status}${e.code ? ` ${e.code}` : ''})`, { permanent: true, maybeDelivered: false, cause: error });
  }
  if (status === 429) return new NewsDeliveryError('Teams is throttling Greenlight', { retryAfterMs: 30_000, maybeDelivered: false, cause: error });
  return new NewsDeliveryError(status ? `Teams answered HTTP ${status}` : `Teams did not answer (${error instanceof Error ? error.message : String(error)})`, {
    maybeDelivered: true,
    cause: error,
  });
}

/** A Teams link to a channel message, for notes that point at the card. */
function messageLink(channelId: string, activityId: string, reference: Partial<ConversationReference>): string {
  const tenant = reference.conversation?.tenantId;
  return `https://teams.microsoft.com/l/message/${encodeURIComponent(channelId)}/${activityId}${tenant ? `?tenantId=${encodeURIComponent(tenant)}` : ''}`;
}

const asActivity = (message: TeamsMessage): Partial<Activity> =>
  message.card
    ? { type: 'message', text: '', summary: message.text.slice(0, 200), attachments: [CardFactory.adaptiveCard(message.card)] }
    : { type: 'message', text: message.text, textFormat: 'markdown' };

/**
 * Shows news from the outbox in Teams, proactively (Greenlight speaks first): the approval
 * card in the approvals channel (posted once, then updated in place for everyone), history
 * as replies in the card's thread, notes to the author in their 1:1 chat (or, where Teams
 * refuses that because the app is not installed for them, a mention in the card's thread),
 * and the digest in the digest channel.
 */
export class TeamsNews implements NewsChannel {
  readonly platform = 'teams' as const;
  readonly #surface: PostNewsSurface<TeamsCard>;
  #approverIds: { ids: string[]; until: number } | undefined;

  constructor(
    private readonly adapter: CloudAdapter,
    private readonly botAppId: string,
    private readonly gl: Greenlight,
    private readonly approvers: TeamsApproverDirectory,
    private readonly logger: Logger,
  ) {
    this.#surface = {
      markup: TEAMS_MARKUP,
      approverMentions: 'Approvers:',
      cardRefusedFix: 'An approver can set the approvals channel with “@Greenlight use this channel for approvals” in a channel where Greenlight is installed.',
      describe: (post) => this.gl.describe(post),
      now: () => this.gl.now(),
      knownCard: (postId) => this.#knownCard(postId),
      showCard: (postId, submitted) => this.#showCard(postId, submitted),
      refreshCard: (postId, card) => this.#refreshCard(postId, card),
      postInThread: (card, lines, _items, delivery) => this.#postInThread(card, lines, delivery),
      tellAuthor: (author, notes, items, delivery) => this.#tellAuthor(author, notes, items, delivery),
      onCardRefused: (postId, error) => this.logger.error('could not post the approval card in Teams', { post: postId, error: error.cause ?? error.message }),
    };
  }

  async deliver(delivery: NewsDelivery): Promise<void> {
    try {
      const events: EventItem[] = [];
      for (const item of delivery.items) {
        if (item.news.kind === 'digest') await this.#digest(item, item.news.digest, delivery);
        else events.push(item as EventItem);
      }
      if (events.length) await deliverPostNews(this.#surface, events, delivery);
    } catch (error) {
      throw teamsNewsError(error);
    }
  }

  /**
   * Runs `logic` in a conversation Greenlight starts (or continues) itself. The adapter would
   * hand an error to its turn-error handler and call the turn done; news must see it, to retry.
   */
  async #in(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    let failed: { error: unknown } | undefined;
    await this.adapter.continueConversationAsync(this.botAppId, reference, async (context) => {
      try {
        await logic(context);
      } catch (error) {
        failed = { error };
      }
    });
    if (failed) throw failed.error;
  }

  // The card -------------------------------------------------------------------------------

  async #knownCard(postId: number): Promise<TeamsCard | undefined> {
    const ref = await this.gl.findMessage(postId, 'teams', CARD_PURPOSE);
    if (!ref) return undefined;
    const reference = (ref.reference?.conversation ?? {}) as Partial<ConversationReference>;
    return { channelId: ref.channelId, activityId: ref.messageId, reference, permalink: (ref.reference?.permalink as string | undefined) ?? undefined };
  }

  async #showCard(postId: number, _submitted: EventItem): Promise<TeamsCard> {
    const channel = await this.gl.findConversation('teams', 'channel', 'approvals');
    if (!channel) throw new NewsDeliveryError('no approvals channel is set', { permanent: true, maybeDelivered: false });
    // A bare channel id starts a new post; a thread's id would put the card inside that thread.
    const reference = channel.reference as Partial<ConversationReference>;
    const channelId = reference.conversation!.id.split(';')[0]!;
    const base = { ...reference, conversation: { ...reference.conversation!, id: channelId } } as Partial<ConversationReference>;
    const post = await this.gl.getPost(postId);
    if (!post) throw new NewsDeliveryError(`post ${postId} no longer exists`, { permanent: true, maybeDelivered: false });
    let activityId: string | undefined;
    await this.#in(base, async (context) => {
      const card = buildApprovalCard(this.gl.describe(post), { canDecide: false }, await this.#refreshIds(context));
      const sent = await context.sendActivity({ type: 'message', summary: approvalCardSummary(this.gl.describe(post)), attachments: [CardFactory.adaptiveCard(card)] });
      activityId = sent?.id;
    });
    if (!activityId) throw new NewsDeliveryError('Teams returned no id for the card', { maybeDelivered: true });
    const permalink = messageLink(channelId, activityId, base);
    await this.gl.rememberMessage({ postId, platform: 'teams', purpose: CARD_PURPOSE, channelId, messageId: activityId, reference: { conversation: base as Record<string, unknown>, permalink } });
    return { channelId, activityId, reference: base, permalink };
  }

  async #refreshCard(postId: number, card: TeamsCard): Promise<void> {
    const post = await this.gl.getPost(postId);
    if (!post) return;
    try {
      await this.#in(card.reference, async (context) => {
        const updated = buildApprovalCard(this.gl.describe(post), { canDecide: false }, await this.#refreshIds(context));
        await context.updateActivity({ type: 'message', id: card.activityId, attachments: [CardFactory.adaptiveCard(updated)] });
      });
    } catch (error) {
      const failure = teamsNewsError(error);
      if (!failure.permanent) throw failure;
      // Deleted by someone, say: the thread and the notes still go out.
      this.logger.error('could not update the approval card in Teams', { post: postId, error: failure.message });
    }
  }

  /** The listed approvers as Teams user ids (`29:…`), so Teams refreshes the card for them. */
  async #refreshIds(context: TurnContext): Promise<string[]> {
    const now = this.gl.now().getTime();
    if (this.#approverIds && this.#approverIds.until > now) return this.#approverIds.ids;
    const ids: string[] = [];
    for (const listed of this.approvers.listed.slice(0, 60)) {
      try {
        ids.push((await TeamsInfo.getMember(context, listed)).id);
      } catch {
        // Not in this team (or not found by that name): they still get the manual refresh.
      }
    }
    this.#approverIds = { ids, until: now + APPROVER_IDS_TTL_MS };
    return ids;
  }

  // Lines and notes --------------------------------------------------------------------------

  #threadReference(card: TeamsCard): Partial<ConversationReference> {
    return { ...card.reference, conversation: { ...card.reference.conversation!, id: `${card.channelId};messageid=${card.activityId}` } } as Partial<ConversationReference>;
  }

  async #postInThread(card: TeamsCard, lines: StampedLine[], delivery: NewsDelivery): Promise<void> {
    const ids = lines.flatMap((l) => l.ids);
    await this.#in(this.#threadReference(card), async (context) => {
      await context.sendActivity(asActivity(teamsMessage(lines.map((l) => l.line))));
    });
    await delivery.done(ids, 'thread');
  }

  async #tellAuthor(author: Person, notes: StampedLine[], items: readonly DeliveringNews[], delivery: NewsDelivery): Promise<void> {
    const ids = notes.flatMap((n) => n.ids);
    if (author.platform !== 'teams') return void (await delivery.done(ids, 'author'));
    const message = asActivity(teamsMessage(notes.map((n) => n.line)));
    try {
      await this.#direct(author, message);
    } catch (error) {
      const failure = teamsNewsError(error);
      if (!failure.permanent) throw failure;
      // Teams refuses a 1:1 with someone who has not installed the app: tell them where they are.
      const first = items[0]!.news;
      await this.#mentionInThread(author, notes, first.kind === 'event' ? first.event.post.post.id : undefined, failure);
    }
    await delivery.done(ids, 'author');
  }

  /** A message in the person's 1:1 chat with Greenlight, started if there is none yet. */
  async #direct(person: Person, message: Partial<Activity>): Promise<void> {
    const known = await this.gl.findConversation('teams', 'person', String(person.id));
    if (known) return this.#in(known.reference as Partial<ConversationReference>, async (context) => void (await context.sendActivity(message)));
    const account = await this.gl.findConversation('teams', 'person', accountKey(person.id));
    if (!account) throw new NewsDeliveryError('Greenlight has no way to reach this person in Teams yet', { permanent: true, maybeDelivered: false });
    const { user, serviceUrl, tenantId } = account.reference as { user: { id: string; name?: string }; serviceUrl: string; tenantId: string };
    let failed: { error: unknown } | undefined;
    await this.adapter.createConversationAsync(
      this.botAppId,
      'msteams',
      serviceUrl,
      'https://api.botframework.com',
      { isGroup: false, bot: { id: this.botAppId, name: 'Greenlight' }, members: [user], tenantId, channelData: { tenant: { id: tenantId } } } as never,
      async (context) => {
        try {
          await this.gl.rememberConversation({ platform: 'teams', kind: 'person', key: String(person.id), reference: { ...TurnContext.getConversationReference(context.activity) } });
          await context.sendActivity(message);
        } catch (error) {
          failed = { error };
        }
      },
    );
    if (failed) throw failed.error;
  }

  async #mentionInThread(author: Person, notes: StampedLine[], postId: number | undefined, why: NewsDeliveryError): Promise<void> {
    const card = postId === undefined ? undefined : await this.#knownCard(postId);
    const account = await this.gl.findConversation('teams', 'person', accountKey(author.id));
    const user = (account?.reference as { user?: { id: string; name?: string } } | undefined)?.user;
    if (!card || !user) {
      this.logger.warn('could not tell the author in Teams', { person: author.id, error: why.message });
      return;
    }
    const name = author.displayName;
    const text = `<at>${name}</at> ${notes.map((n) => n.line.text).join('\n\n')}`;
    await this.#in(this.#threadReference(card), async (context) => {
      await context.sendActivity({ type: 'message', text, textFormat: 'markdown', entities: [{ type: 'mention', text: `<at>${name}</at>`, mentioned: { id: user.id, name } }] });
    });
  }

  // The digest -----------------------------------------------------------------------------

  async #digest(item: DeliveringNews, digest: Digest, delivery: NewsDelivery): Promise<void> {
    const channel = (await this.gl.findConversation('teams', 'channel', 'digest')) ?? (await this.gl.findConversation('teams', 'channel', 'approvals'));
    if (!channel) {
      this.logger.warn('no Teams channel for the digest: an approver sets one with “@Greenlight use this channel for the digest”');
      return void (await delivery.done([item.id], 'message'));
    }
    const reference = channel.reference as Partial<ConversationReference>;
    const base = { ...reference, conversation: { ...reference.conversation!, id: reference.conversation!.id.split(';')[0]! } } as Partial<ConversationReference>;
    await this.#in(base, async (context) => {
      await context.sendActivity({ type: 'message', summary: digestSummary(digest), attachments: [CardFactory.adaptiveCard(buildDigestCard(digest, this.gl.digestChart(digest)))] });
    });
    await delivery.done([item.id], 'message');
  }
}

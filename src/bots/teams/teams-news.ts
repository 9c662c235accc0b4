import { CardFactory, TeamsInfo, type Activity, type CloudAdapter, type ConversationReference, type TurnContext } from 'botbuilder';
import type { ConnectorClient } from 'botframework-connector';
import { cardImageUrls } from '../card-image-urls.js';
import { INBOX_MAX } from './media-inbox.js';
import type { Person } from '../../domain/post.js';
import type { Logger } from '../../observability/logger.js';
import type { Digest } from '../../workflows/digest/build-digest.js';
import type { Greenlight } from '../../workflows/greenlight.js';
import { NewsDeliveryError, type DeliveringNews, type NewsChannel, type NewsDelivery } from '../news/news-channel.js';
import { deliverPostNews, type CardPlace, type EventItem, type PostNewsSurface, type StampedLine } from '../news/post-news.js';
import { digestSummary } from '../presentation/digest-lines.js';
import { approvalCardSummary, buildApprovalCard } from './cards/approval-card.js';
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
    return new NewsDeliveryError(`Teams refused it (HTTP ${status}${e.code ? ` ${e.code}` : ''})`, {
      permanent: true,
      maybeDelivered: false,
      cause: error,
    });
  }
  if (status === 429)
    return new NewsDeliveryError('Teams is throttling Greenlight', { retryAfterMs: 30_000, maybeDelivered: false, cause: error });
  return new NewsDeliveryError(
    status ? `Teams answered HTTP ${status}` : `Teams did not answer (${error instanceof Error ? error.message : String(error)})`,
    {
      maybeDelivered: true,
      cause: error,
    },
  );
}

/** A Teams link to a channel message, for notes that point at the card. */
function messageLink(channelId: string, activityId: string, tenantId: string | undefined): string {
  return `https://teams.microsoft.com/l/message/${encodeURIComponent(channelId)}/${activityId}${tenantId ? `?tenantId=${encodeURIComponent(tenantId)}` : ''}`;
}

const asActivity = (message: TeamsMessage): Partial<Activity> =>
  message.card
    ? { type: 'message', summary: message.text.slice(0, 200), attachments: [CardFactory.adaptiveCard(message.card)] }
    : { type: 'message', text: message.text, textFormat: 'markdown' };

/** The reference's conversation as a channel's bare id (a thread's id would put a post inside that thread). */
function channelOf(reference: Partial<ConversationReference>): Partial<ConversationReference> {
  return {
    ...reference,
    conversation: { ...reference.conversation!, id: reference.conversation!.id.split(';')[0]! },
  } as Partial<ConversationReference>;
}

/** What one delivery does in Teams: its proactive turn and the connector client of that turn. */
interface Turn {
  context: TurnContext;
  client: ConnectorClient;
  /** The channel the turn was opened on (approvals, or digest). */
  reference: Partial<ConversationReference>;
}

/**
 * Shows news from the outbox in Teams, proactively (Greenlight speaks first): the approval
 * card in the approvals channel (posted once, then updated in place for everyone), history
 * as replies in the card's thread, notes to the author in their 1:1 chat (or, where Teams
 * refuses that because the app is not installed for them, a mention in the card's thread),
 * and the digest in the digest channel. One lane's news goes out in one proactive turn, with
 * one connector client, whatever it holds.
 */
export class TeamsNews implements NewsChannel {
  readonly platform = 'teams' as const;
  #approverIds: { ids: string[]; until: number } | undefined;

  constructor(
    private readonly adapter: CloudAdapter,
    private readonly botAppId: string,
    private readonly gl: Greenlight,
    private readonly approvers: TeamsApproverDirectory,
    private readonly logger: Logger,
  ) {}

  async deliver(delivery: NewsDelivery): Promise<void> {
    try {
      const digests = delivery.items.filter((i) => i.news.kind === 'digest');
      const events = delivery.items.filter((i): i is EventItem => i.news.kind === 'event');
      for (const item of digests) if (item.news.kind === 'digest') await this.#digest(item, item.news.digest, delivery);
      if (!events.length) return;
      const channel = await this.gl.findConversation('teams', 'channel', 'approvals');
      if (!channel) {
        // Nowhere to show a card: the author still hears why (the card step is refused for good).
        return await deliverPostNews(this.#surface(undefined), events, delivery);
      }
      await this.#in(channelOf(channel.reference as Partial<ConversationReference>), (turn) =>
        deliverPostNews(this.#surface(turn), events, delivery),
      );
    } catch (error) {
      throw teamsNewsError(error);
    }
  }

  /**
   * Runs `work` in a proactive turn on `reference`. The adapter would hand an error to its
   * turn-error handler and call the turn done; news must see it, to retry.
   */
  async #in(reference: Partial<ConversationReference>, work: (turn: Turn) => Promise<void>): Promise<void> {
    let failed: { error: unknown } | undefined;
    await this.adapter.continueConversationAsync(this.botAppId, reference, async (context) => {
      try {
        const client = context.turnState.get<ConnectorClient>(context.adapter.ConnectorClientKey);
        await work({ context, client, reference });
      } catch (error) {
        failed = { error };
      }
    });
    if (failed) throw failed.error;
  }

  /** Sends into any conversation of the turn's service with the turn's client. */
  async #send(turn: Turn, conversationId: string, activity: Partial<Activity>): Promise<string | undefined> {
    const sent = await turn.client.conversations.sendToConversation(conversationId, {
      ...activity,
      from: turn.reference.bot,
      conversation: { id: conversationId } as Activity['conversation'],
      channelId: 'msteams',
    });
    return sent.id;
  }

  #surface(turn: Turn | undefined): PostNewsSurface<TeamsCard> {
    const needTurn = (): Turn => {
      if (turn) return turn;
      throw new NewsDeliveryError('no approvals channel is set', { permanent: true, maybeDelivered: false });
    };
    return {
      markup: TEAMS_MARKUP,
      approverMentions: 'Approvers:',
      cardRefusedFix:
        'An approver can set the approvals channel with “@Greenlight use this channel for approvals” in a channel where Greenlight is installed.',
      describe: (post) => this.gl.describe(post),
      now: () => this.gl.now(),
      knownCard: (postId) => this.#knownCard(postId),
      showCard: (postId) => this.#showCard(needTurn(), postId),
      refreshCard: (postId, card) => this.#refreshCard(needTurn(), postId, card),
      postInThread: async (card, lines, _items, delivery) => {
        await this.#send(needTurn(), `${card.channelId};messageid=${card.activityId}`, asActivity(teamsMessage(lines.map((l) => l.line))));
        await delivery.done(
          lines.flatMap((l) => l.ids),
          'thread',
        );
      },
      tellAuthor: (author, notes, items, delivery) => this.#tellAuthor(turn, author, notes, items, delivery),
      onCardRefused: (postId, error) =>
        this.logger.error('could not post the approval card in Teams', { post: postId, error: error.cause ?? error.message }),
    };
  }

  // The card -------------------------------------------------------------------------------

  async #knownCard(postId: number): Promise<TeamsCard | undefined> {
    const ref = await this.gl.findMessage(postId, 'teams', CARD_PURPOSE);
    if (!ref) return undefined;
    return {
      channelId: ref.channelId,
      activityId: ref.messageId,
      permalink: (ref.reference?.permalink as string | undefined) ?? undefined,
    };
  }

  async #showCard(turn: Turn, postId: number): Promise<TeamsCard> {
    const post = await this.gl.getPost(postId);
    if (!post) throw new NewsDeliveryError(`post ${postId} no longer exists`, { permanent: true, maybeDelivered: false });
    const view = this.gl.describe(post);
    const channelId = turn.reference.conversation!.id;
    const card = buildApprovalCard(
      view,
      { canDecide: false, imageUrls: await cardImageUrls(this.gl, view.images, INBOX_MAX) },
      await this.#refreshIds(turn.context),
    );
    const activityId = await this.#send(turn, channelId, {
      type: 'message',
      summary: approvalCardSummary(view),
      attachments: [CardFactory.adaptiveCard(card)],
    });
    if (!activityId) throw new NewsDeliveryError('Teams returned no id for the card', { maybeDelivered: true });
    const permalink = messageLink(channelId, activityId, turn.reference.conversation?.tenantId);
    await this.gl.rememberMessage({
      postId,
      platform: 'teams',
      purpose: CARD_PURPOSE,
      channelId,
      messageId: activityId,
      reference: { permalink },
    });
    return { channelId, activityId, permalink };
  }

  async #refreshCard(turn: Turn, postId: number, card: TeamsCard): Promise<void> {
    const post = await this.gl.getPost(postId);
    if (!post) return;
    const view = this.gl.describe(post);
    const updated = buildApprovalCard(
      view,
      { canDecide: false, imageUrls: await cardImageUrls(this.gl, view.images, INBOX_MAX) },
      await this.#refreshIds(turn.context),
    );
    try {
      await turn.client.conversations.updateActivity(card.channelId, card.activityId, {
        type: 'message',
        id: card.activityId,
        attachments: [CardFactory.adaptiveCard(updated)],
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

  // Notes to the author ----------------------------------------------------------------------

  async #tellAuthor(
    turn: Turn | undefined,
    author: Person,
    notes: StampedLine[],
    items: readonly DeliveringNews[],
    delivery: NewsDelivery,
  ): Promise<void> {
    const ids = notes.flatMap((n) => n.ids);
    if (author.platform !== 'teams') return void (await delivery.done(ids, 'author'));
    const message = asActivity(teamsMessage(notes.map((n) => n.line)));
    try {
      await this.#direct(turn, author, message);
    } catch (error) {
      const failure = teamsNewsError(error);
      if (!failure.permanent) throw failure;
      // Teams refuses a 1:1 with someone who has not installed the app: tell them where they are.
      const first = items[0]!.news;
      if (turn) await this.#mentionInThread(turn, author, notes, first.kind === 'event' ? first.event.post.post.id : undefined, failure);
      else this.logger.warn('could not tell the author in Teams', { person: author.id, error: failure.message });
    }
    await delivery.done(ids, 'author');
  }

  /** A message in the person's 1:1 chat with Greenlight, started if there is none yet. */
  async #direct(turn: Turn | undefined, person: Person, message: Partial<Activity>): Promise<void> {
    const known = await this.gl.findConversation('teams', 'person', String(person.id));
    const account = known ? undefined : await this.gl.findConversation('teams', 'person', accountKey(person.id));
    if (!known && !account)
      throw new NewsDeliveryError('Greenlight has no way to reach this person in Teams yet', { permanent: true, maybeDelivered: false });
    const reference = (known?.reference ?? {}) as Partial<ConversationReference>;
    const target = account?.reference as { user: { id: string; name?: string }; serviceUrl: string; tenantId: string } | undefined;
    const serviceUrl = reference.serviceUrl ?? target?.serviceUrl;
    const inTurn = async (t: Turn) => {
      let conversationId = reference.conversation?.id;
      if (!conversationId) {
        const created = await t.client.conversations.createConversation({
          isGroup: false,
          bot: t.reference.bot!,
          members: [target!.user],
          tenantId: target!.tenantId,
          channelData: { tenant: { id: target!.tenantId } },
        } as never);
        conversationId = created.id;
        await this.gl.rememberConversation({
          platform: 'teams',
          kind: 'person',
          key: String(person.id),
          reference: {
            channelId: 'msteams',
            serviceUrl,
            bot: t.reference.bot,
            user: target!.user,
            conversation: { id: conversationId, conversationType: 'personal', tenantId: target!.tenantId },
          },
        });
      }
      await this.#send(t, conversationId!, message);
    };
    // The turn's client serves its own service; a person elsewhere gets a turn of their own.
    if (turn && turn.reference.serviceUrl === serviceUrl) return inTurn(turn);
    const own = known
      ? reference
      : ({
          channelId: 'msteams',
          serviceUrl,
          bot: { id: `28:${this.botAppId}`, name: 'Greenlight' },
          conversation: { id: '', tenantId: target!.tenantId },
        } as Partial<ConversationReference>);
    return this.#in(own, inTurn);
  }

  async #mentionInThread(
    turn: Turn,
    author: Person,
    notes: StampedLine[],
    postId: number | undefined,
    why: NewsDeliveryError,
  ): Promise<void> {
    const card = postId === undefined ? undefined : await this.#knownCard(postId);
    const account = await this.gl.findConversation('teams', 'person', accountKey(author.id));
    const user = (account?.reference as { user?: { id: string; name?: string } } | undefined)?.user;
    if (!card || !user) {
      this.logger.warn('could not tell the author in Teams', { person: author.id, error: why.message });
      return;
    }
    const name = author.displayName;
    const text = `<at>${name}</at> ${notes.map((n) => n.line.text).join('\n\n')}`;
    await this.#send(turn, `${card.channelId};messageid=${card.activityId}`, {
      type: 'message',
      text,
      textFormat: 'markdown',
      entities: [{ type: 'mention', text: `<at>${name}</at>`, mentioned: { id: user.id, name } }],
    });
  }

  // The digest -----------------------------------------------------------------------------

  async #digest(item: DeliveringNews, digest: Digest, delivery: NewsDelivery): Promise<void> {
    const channel =
      (await this.gl.findConversation('teams', 'channel', 'digest')) ?? (await this.gl.findConversation('teams', 'channel', 'approvals'));
    if (!channel) {
      this.logger.warn('no Teams channel for the digest: an approver sets one with “@Greenlight use this channel for the digest”');
      return void (await delivery.done([item.id], 'message'));
    }
    await this.#in(channelOf(channel.reference as Partial<ConversationReference>), async (turn) => {
      const card = buildDigestCard(digest, this.gl.digestChart(digest));
      await this.#send(turn, turn.reference.conversation!.id, {
        type: 'message',
        summary: digestSummary(digest),
        attachments: [CardFactory.adaptiveCard(card)],
      });
    });
    await delivery.done([item.id], 'message');
  }
}

/**
 * Clicks on Greenlight's cards in Teams (Action.Execute → `adaptiveCard/action`): the approval
 * card's Approve / Request changes / Reject and its refresh, and approvers' publishing buttons
 * in a card's thread. Every click is checked on the server, whatever the card showed; a
 * refused click gets a message saying why, and the card stays as it was.
 */
import type { AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';
import { cardImageUrls } from '../card-image-urls.js';
import { INBOX_MAX } from './media-inbox.js';
import { z } from 'zod';
import type { DecisionKind, Person, PostAggregate } from '../../domain/post.js';
import { zonedToInstant } from '../../domain/zoned-time.js';
import { buildApprovalCard, VERB, type CardViewer } from './cards/approval-card.js';
import { zoneOf } from './draft-task.js';
import type { TeamsDeps } from './teams-deps.js';

const Data = z
  .object({
    postId: z.coerce.number().int().positive(),
    revisionId: z.coerce.number().int().positive().optional(),
    publicationId: z.coerce.number().int().positive().optional(),
    /** Request changes' comment, and Reject's optional reason (each has its own input: ids are unique per card). */
    changes: z.string().optional(),
    reason: z.string().optional(),
    date: z.string().optional(),
    time: z.string().optional(),
  })
  .passthrough();

const STALE = 'That card is out of date: nothing was changed. Use the latest card for this post.';

export const message = (value: string): AdaptiveCardInvokeResponse => ({
  statusCode: 200,
  type: 'application/vnd.microsoft.activity.message',
  value: value as never,
});

export class CardActions {
  constructor(private readonly deps: TeamsDeps) {}

  async handle(context: TurnContext, verb: string, rawData: unknown): Promise<AdaptiveCardInvokeResponse> {
    const parsed = Data.safeParse(rawData ?? {});
    if (!parsed.success) return message(STALE);
    const data = parsed.data;
    const person = await this.deps.people.identify(context);
    switch (verb) {
      case VERB.refresh:
        return this.#cardFor(person, await this.deps.gl.getPost(data.postId));
      case VERB.fullText:
        return this.#cardFor(person, await this.deps.gl.getPost(data.postId), { fullText: true });
      case VERB.approve:
        return this.#decide(person, data, 'approve');
      case VERB.requestChanges:
        if (!data.changes?.trim())
          return this.#cardFor(person, await this.deps.gl.getPost(data.postId), { problem: 'Say what should change: the author sees it.' });
        return this.#decide(person, data, 'request_changes', data.changes);
      case VERB.reject:
        return this.#decide(person, data, 'reject', data.reason);
      case 'retry':
        return this.#done(
          data.publicationId ? await this.deps.gl.retryPublication(person, data.postId, data.publicationId) : undefined,
          'Sending it again.',
        );
      case 'mark_published':
        return this.#done(
          data.publicationId ? await this.deps.gl.markPublished(person, data.postId, data.publicationId) : undefined,
          'Marked as published: it will not be sent again.',
        );
      case 'approve_now':
        return this.#done(
          data.revisionId ? await this.deps.gl.approveAndPublishNow(person, data.postId, data.revisionId) : undefined,
          'Approved: it goes out now.',
        );
      case 'publish_now':
        return this.#done(await this.deps.gl.publishMissedNow(person, data.postId), 'It goes out now.');
      case 'reschedule':
        return this.#reschedule(context, person, data);
      default:
        return message(STALE);
    }
  }

  async #decide(person: Person, data: z.infer<typeof Data>, kind: DecisionKind, comment?: string): Promise<AdaptiveCardInvokeResponse> {
    if (!data.revisionId) return message(STALE);
    const result = await this.deps.gl.decide(person, {
      postId: data.postId,
      revisionId: data.revisionId,
      kind,
      comment: comment?.trim() || null,
      platform: 'teams',
    });
    if (!result.ok) return message(result.refusal.refused);
    // The clicker sees the new card at once, drawn from the post as the decision left it (no
    // second read on the answer's way); everyone else's is updated from the outbox.
    return this.#cardFor(person, result.post);
  }

  /** The card of `post` as `person` sees it: buttons for an approver while it can be decided. */
  async #cardFor(
    person: Person,
    post: PostAggregate | undefined,
    extra: Omit<CardViewer, 'canDecide'> & { fullText?: boolean } = {},
  ): Promise<AdaptiveCardInvokeResponse> {
    if (!post) return message(STALE);
    const view = this.deps.gl.describe(post);
    const canDecide = await this.deps.gl.isApprover(person);
    const imageUrls = await cardImageUrls(this.deps.gl, view.images, INBOX_MAX);
    return {
      statusCode: 200,
      type: 'application/vnd.microsoft.card.adaptive',
      value: buildApprovalCard(view, { canDecide, imageUrls, ...extra }) as never,
    };
  }

  #done(result: { ok: boolean; refusal?: { refused: string } } | undefined, said: string): AdaptiveCardInvokeResponse {
    if (!result) return message(STALE);
    return message(result.ok ? said : (result.refusal?.refused ?? STALE));
  }

  async #reschedule(context: TurnContext, person: Person, data: z.infer<typeof Data>): Promise<AdaptiveCardInvokeResponse> {
    const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(data.date ?? '');
    const t = /^(\d{2}):(\d{2})/.exec(data.time ?? '');
    if (!d || !t) return message('Choose a date and a time.');
    const { zone } = zoneOf(context, person);
    const at = zonedToInstant(Number(d[1]), Number(d[2]), Number(d[3]), Number(t[1]), Number(t[2]), zone);
    if (at.getTime() <= this.deps.clock.now().getTime()) return message('That time is in the past: choose a later one.');
    return this.#done(await this.deps.gl.reschedule(person, data.postId, at, zone), 'Rescheduled.');
  }
}

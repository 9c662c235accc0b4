import type { ChatConversation, ChatMessageRef, PersonInput } from '../../db/store.js';
import type { NetworkId } from '../domain/network.js';
import type { ChatPlatform, Person, PostAggregate } from '../domain/post.js';
import { createCaptionService, type CaptionsSetup } from './captions/caption-service.js';
import { checkCaptionRequest, type CaptionInput } from './captions/caption-request.js';
import type { CaptionOutcome } from './captions/types.js';
import type { WorkflowContext } from './context.js';
import { checkDecision, decide, type DecideRequest } from './deciding.js';
import { buildDigest, type Digest, type DigestRequest } from './digest/build-digest.js';
import { chartFor, deliverDigest } from './digest/deliver-digest.js';
import { validateDraft, type DraftInput } from './draft-validation.js';
import { cancelPost, checkRevision, reviseDraft, submitDraft } from './drafting.js';
import { describePost, networkUsage } from './post-view.js';
import {
  approveAndPublishNow,
  markPublished,
  publishMissedNow,
  reschedulePost,
  retryPublication,
} from './publishing/publication-actions.js';
import { queueFor } from './queue.js';
import { chooseChannel, type ChannelPurpose } from './chat-channels.js';
import { quotaNotices } from './network-quota.js';
import { takeImageLink, takeVideoLink } from './media/video-link.js';

/**
 * The product's logic in one chat-free object. Slack, Teams, the CLI and the playground
 * all call it the same way: identify the person, then ask for what they clicked.
 */
export function createGreenlight(ctx: WorkflowContext, extras: { captions?: CaptionsSetup } = {}) {
  const captions = extras.captions ? createCaptionService(extras.captions, ctx) : undefined;
  return {
    ctx,
    /** Records (or refreshes) who is acting; every other call takes the returned person. */
    identify: (input: PersonInput): Promise<Person> => ctx.store.upsertPerson(input, ctx.clock.now()),
    /** Someone Greenlight already knows, without refreshing them. */
    findPerson: (platform: ChatPlatform, platformUserId: string) => ctx.store.findPerson(platform, platformUserId),
    isApprover: (person: Person) => ctx.approvers.isApprover(person),
    networks: () => ctx.catalog.available(),
    /** How much of each network's budget `text` uses (live limits while typing). */
    usage: (text: string, networks: readonly NetworkId[]) => networkUsage(text, networks, ctx.catalog),
    now: () => ctx.clock.now(),
    rules: (network: Parameters<typeof ctx.catalog.rules>[0]) => ctx.catalog.rules(network),
    /** What the networks' daily allowances (YouTube's quota) say about one more post today, in `zone`. */
    quotaNotices: (networks: readonly NetworkId[], zone: string) => quotaNotices(ctx, networks, zone),
    /** A video given by link: downloaded into the media store (public internet only), read as an upload is. */
    takeVideoLink: (link: string, onBytes?: (received: number, total: number | null) => void) => takeVideoLink(ctx, link, onBytes),
    /** An image given by link (Teams' YouTube thumbnail): downloaded into the media store and checked as an upload is. */
    takeImageLink: (link: string) => takeImageLink(ctx, link),
    validateDraft: (input: DraftInput) => validateDraft(input, ctx.catalog, ctx.clock.now(), ctx.media, ctx.draftRules),
    submitDraft: (author: Person, input: DraftInput) => submitDraft(ctx, author, input),
    reviseDraft: (author: Person, postId: number, basedOnRevisionId: number | null, input: DraftInput) =>
      reviseDraft(ctx, author, postId, basedOnRevisionId, input),
    checkRevision: (author: Person, postId: number, basedOnRevisionId: number | null, input: DraftInput) =>
      checkRevision(ctx, author, postId, basedOnRevisionId, input),
    cancel: (actor: Person, postId: number) => cancelPost(ctx, actor, postId),
    decide: (approver: Person, request: DecideRequest) => decide(ctx, approver, request),
    checkDecision: (approver: Person, request: DecideRequest) => checkDecision(ctx, approver, request),
    describe: (post: PostAggregate) => describePost(post, ctx.catalog, ctx.policy),
    getPost: (postId: number) => ctx.store.getPost(postId),
    queue: (person: Person) => queueFor(ctx, person),
    /** A chat request is being acted on: true the first time its key is seen (replays are refused). */
    rememberRequest: (key: string, at: Date) => ctx.store.rememberRequest(key, at),
    forgetRequest: (key: string) => ctx.store.forgetRequest(key),
    /** Which chat message shows a post (so a bot can update its card in place). */
    rememberMessage: (ref: ChatMessageRef) => ctx.store.saveChatMessage(ref, ctx.clock.now()),
    findMessage: (postId: number, platform: ChatPlatform, purpose: string) => ctx.store.getChatMessage(postId, platform, purpose),
    /** Where a chat can reach a person or a channel later (Teams' conversation references). */
    rememberConversation: (conversation: ChatConversation) => ctx.store.saveConversation(conversation, ctx.clock.now()),
    findConversation: (platform: ChatPlatform, kind: ChatConversation['kind'], key: string) =>
      ctx.store.getConversation(platform, kind, key),
    /** An approver chooses a channel for approvals or the digest (Teams); audited. */
    chooseChannel: (actor: Person, platform: ChatPlatform, purpose: ChannelPurpose, reference: Record<string, unknown>, describe: string) =>
      chooseChannel(ctx, actor, platform, purpose, reference, describe),
    /** Approvers' decisions about publishing itself (after failures, expiry or downtime). */
    retryPublication: (actor: Person, postId: number, publicationId: number) => retryPublication(ctx, actor, postId, publicationId),
    markPublished: (actor: Person, postId: number, publicationId: number, url: string | null = null) =>
      markPublished(ctx, actor, postId, publicationId, url),
    publishMissedNow: (actor: Person, postId: number) => publishMissedNow(ctx, actor, postId),
    reschedule: (actor: Person, postId: number, publishAt: Date, zone: string) => reschedulePost(ctx, actor, postId, publishAt, zone),
    approveAndPublishNow: (actor: Person, postId: number, revisionId: number) => approveAndPublishNow(ctx, actor, postId, revisionId),
    /** The engagement digest as data (daily: yesterday in `zone`; recent: the last 24 hours). */
    buildDigest: (request: DigestRequest) => buildDigest(ctx, request),
    digestChart: (digest: Digest) => chartFor(ctx, digest),
    /** Builds a digest and queues it for the chats' digest channels (only `platforms`' if given). */
    postDigest: (request: DigestRequest, platforms?: readonly ChatPlatform[]) => deliverDigest(ctx, request, platforms),
    /** AI caption suggestions are configured (OPENAI_API_KEY). */
    captionsEnabled: () => captions !== undefined,
    /** Whether suggestions can be asked for now: a message for the author if not. Pure. */
    checkCaptionRequest: (input: CaptionInput) => checkCaptionRequest(input, ctx.catalog),
    /** Suggestions for the draft's text, within the person's hourly allowance. */
    suggestCaptions: (person: Person, input: CaptionInput): Promise<CaptionOutcome> =>
      captions
        ? captions.suggest(person, input)
        : Promise.resolve({ ok: false, kind: 'unavailable', reason: 'AI caption suggestions are off.' }),
    captionBatch: (batchId: string) => captions?.batch(batchId),
    /** One suggestion's full text, for "Use this"; only its owner gets it. */
    captionSuggestion: (person: Person, suggestionId: string) => captions?.suggestion(person, suggestionId),
  };
}

export type Greenlight = ReturnType<typeof createGreenlight>;

import type { ChatMessageRef, PersonInput } from '../../db/store.js';
import type { Person } from '../domain/post.js';
import type { WorkflowContext } from './context.js';
import { checkDecision, decide, type DecideRequest } from './deciding.js';
import { validateDraft, type DraftInput } from './draft-validation.js';
import { cancelPost, checkRevision, reviseDraft, submitDraft } from './drafting.js';
import { describePost } from './post-view.js';
import { queueFor } from './queue.js';
import type { ChatPlatform, PostAggregate } from '../domain/post.js';

/**
 * The product's logic in one chat-free object. Slack, Teams, the CLI and the playground
 * all call it the same way: identify the person, then ask for what they clicked.
 */
export function createGreenlight(ctx: WorkflowContext) {
  return {
    ctx,
    /** Records (or refreshes) who is acting; every other call takes the returned person. */
    identify: (input: PersonInput): Promise<Person> => ctx.store.upsertPerson(input, ctx.clock.now()),
    isApprover: (person: Person) => ctx.approvers.isApprover(person),
    networks: () => ctx.catalog.available(),
    rules: (network: Parameters<typeof ctx.catalog.rules>[0]) => ctx.catalog.rules(network),
    validateDraft: (input: DraftInput) => validateDraft(input, ctx.catalog, ctx.clock.now()),
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
    /** Which chat message shows a post (so a bot can update its card in place). */
    rememberMessage: (ref: ChatMessageRef) => ctx.store.saveChatMessage(ref, ctx.clock.now()),
    findMessage: (postId: number, platform: ChatPlatform, purpose: string) => ctx.store.getChatMessage(postId, platform, purpose),
  };
}

export type Greenlight = ReturnType<typeof createGreenlight>;

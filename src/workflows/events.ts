import type { Decision, Person, PostAggregate } from '../domain/post.js';
import type { Publication } from '../domain/publication.js';
import type { Logger } from '../observability/logger.js';
import type { PublishProgress } from '../platforms/publisher.js';

export type { PublishProgress };
import type { DecisionOutcome } from './approval-policy.js';

/**
 * What happened, for the chat bots to show. Workflows emit these after the database
 * committed; a bot that fails to show one never undoes the state change.
 */
export type DomainEvent =
  | { type: 'post.submitted'; post: PostAggregate; actor: Person }
  | {
      type: 'post.decided';
      post: PostAggregate;
      decision: Decision;
      outcome: DecisionOutcome;
      /** Approvals still needed on this revision (0 once approved). */
      remainingApprovals: number;
    }
  | { type: 'post.revised'; post: PostAggregate; previous: PostAggregate; actor: Person }
  | { type: 'post.cancelled'; post: PostAggregate; actor: Person }
  | { type: 'post.expired'; post: PostAggregate }
  /** A pending post is close to its publish time: approvers are reminded once. */
  | { type: 'post.reminder'; post: PostAggregate }
  /** An approver rescheduled or chose to publish now (after expiry or downtime). */
  | { type: 'post.rescheduled'; post: PostAggregate; actor: Person; action: 'reschedule' | 'publish_now' }
  | { type: 'publication.published'; post: PostAggregate; publication: Publication }
  /** On the network ahead of time (YouTube, private until its time), which publishes it by itself then. */
  | { type: 'publication.held'; post: PostAggregate; publication: Publication }
  | { type: 'publication.failed'; post: PostAggregate; publication: Publication; willRetry: boolean }
  | { type: 'publication.needs_attention'; post: PostAggregate; publication: Publication }
  /** Due while Greenlight was down, later than the grace period: waits for a person. */
  | { type: 'publication.missed'; post: PostAggregate; publication: Publication }
  /** How far a long publication has come (a video uploading, the network processing it): said in the thread. */
  | { type: 'publication.progress'; post: PostAggregate; publication: Publication; progress: PublishProgress }
  /** A person retried or marked a publication as published. */
  | { type: 'publication.resolved'; post: PostAggregate; publication: Publication; actor: Person; action: 'retry' | 'mark_published' };

/** Something in the process that wants to hear what happened (the scheduler reloads its window). */
export interface Notifier {
  notify(event: DomainEvent): Promise<void>;
}

/**
 * Fans each event out to every subscribed in-process listener (the scheduler) without
 * waiting for them: whoever emits an event (a click, a send) never waits on a listener, and
 * a failing listener is logged and does not stop the others. Chat news does not go through
 * here: it is written to the outbox with the change it reports (rule 10 in docs/architecture.md).
 */
export class EventBus implements Notifier {
  readonly #subscribers: Notifier[] = [];
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  subscribe(notifier: Notifier): () => void {
    this.#subscribers.push(notifier);
    return () => {
      const i = this.#subscribers.indexOf(notifier);
      if (i >= 0) this.#subscribers.splice(i, 1);
    };
  }

  async notify(event: DomainEvent): Promise<void> {
    for (const subscriber of this.#subscribers) {
      Promise.resolve()
        .then(() => subscriber.notify(event))
        .catch((error: unknown) => {
          this.#logger.error('an event listener failed; the change itself is saved', {
            event: event.type,
            post: event.post.post.id,
            error,
          });
        });
    }
  }
}

/**
 * Chat news as it is kept in the outbox. A row is written with every decision, so it is kept
 * small (measured: the whole post as JSON doubled a decision's cost in bench:workflow): the
 * event's own facts (which decision, the publication as it then was, who acted) and a snapshot
 * of what a line says about the post at that moment (its status, revision, publish time,
 * decisions so far). Delivery reads the post as it is now and lays the snapshot over it, so a
 * line delivered an hour late still says what was true when it happened.
 */
import type { Person, PostAggregate, PostStatus } from '../../domain/post.js';
import type { Publication, PublicationStatus } from '../../domain/publication.js';
import type { DecisionOutcome } from '../approval-policy.js';
import type { Digest } from '../digest/build-digest.js';
import type { DomainEvent, PublishProgress } from '../events.js';

export type ChatNews = { kind: 'event'; event: DomainEvent } | { kind: 'digest'; digest: Digest };

/** What a line says about the post, as it was when the event happened. */
interface PostSnapshot {
  status: PostStatus;
  revisionId: number;
  revisionNumber: number;
  publishAt: number | null;
  publishZone: string;
  /** Decisions up to this id had been made (later ones are left out of the view). */
  lastDecisionId: number;
}

/** The publication as the event saw it (the rest of the row does not change). */
interface PublicationSnapshot {
  id: number;
  status: PublicationStatus;
  dueAt: number;
  nextAttemptAt: number | null;
  url: string | null;
  externalId: string | null;
  lastError: string | null;
  publishedAt: number | null;
}

type ActorSnapshot = Pick<Person, 'id' | 'platform' | 'platformUserId' | 'displayName' | 'timezone'>;

interface StoredEvent {
  kind: 'event';
  type: DomainEvent['type'];
  postId: number;
  post: PostSnapshot;
  decisionId?: number;
  outcome?: DecisionOutcome;
  remainingApprovals?: number;
  publication?: PublicationSnapshot;
  actor?: ActorSnapshot;
  action?: string;
  willRetry?: boolean;
  progress?: PublishProgress;
}

interface StoredDigest {
  kind: 'digest';
  digest: unknown;
}

const ms = (d: Date | null) => (d ? d.getTime() : null);
const date = (n: number | null) => (n === null ? null : new Date(n));

function snapshotOf(post: PostAggregate): PostSnapshot {
  return {
    status: post.post.status,
    revisionId: post.revision.id,
    revisionNumber: post.revision.number,
    publishAt: ms(post.post.publishAt),
    publishZone: post.post.publishZone,
    lastDecisionId: post.decisions.at(-1)?.id ?? 0,
  };
}

function publicationSnapshot(p: Publication): PublicationSnapshot {
  return {
    id: p.id,
    status: p.status,
    dueAt: p.dueAt.getTime(),
    nextAttemptAt: ms(p.nextAttemptAt),
    url: p.url,
    externalId: p.externalId,
    lastError: p.lastError,
    publishedAt: ms(p.publishedAt),
  };
}

const actorSnapshot = ({ id, platform, platformUserId, displayName, timezone }: Person): ActorSnapshot => ({
  id,
  platform,
  platformUserId,
  displayName,
  timezone,
});

export function encodeEvent(event: DomainEvent): string {
  const stored: StoredEvent = { kind: 'event', type: event.type, postId: event.post.post.id, post: snapshotOf(event.post) };
  switch (event.type) {
    case 'post.decided':
      Object.assign(stored, { decisionId: event.decision.id, outcome: event.outcome, remainingApprovals: event.remainingApprovals });
      break;
    case 'post.submitted':
    case 'post.revised':
    case 'post.cancelled':
      stored.actor = actorSnapshot(event.actor);
      break;
    case 'post.rescheduled':
      Object.assign(stored, { actor: actorSnapshot(event.actor), action: event.action });
      break;
    case 'publication.published':
    case 'publication.held':
    case 'publication.needs_attention':
    case 'publication.missed':
      stored.publication = publicationSnapshot(event.publication);
      break;
    case 'publication.failed':
      Object.assign(stored, { publication: publicationSnapshot(event.publication), willRetry: event.willRetry });
      break;
    case 'publication.progress':
      Object.assign(stored, { publication: publicationSnapshot(event.publication), progress: event.progress });
      break;
    case 'publication.resolved':
      Object.assign(stored, {
        publication: publicationSnapshot(event.publication),
        actor: actorSnapshot(event.actor),
        action: event.action,
      });
      break;
    case 'post.expired':
    case 'post.reminder':
      break;
  }
  return JSON.stringify(stored);
}

/** Digests are rare and large: their dates are tagged, so text that looks like a date stays text. */
export function encodeDigest(digest: Digest): string {
  return JSON.stringify({ kind: 'digest', digest }, function (this: Record<string, unknown>, key, value: unknown) {
    const original = this[key];
    return original instanceof Date ? { $date: original.getTime() } : value;
  });
}

/** What a row holds, before the post it is about is read. */
export type StoredNews = StoredEvent | { kind: 'digest'; digest: Digest };

export function decodeNews(payload: string): StoredNews {
  const parsed = JSON.parse(payload, (_key, value: unknown) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const keys = Object.keys(value);
      if (keys.length === 1 && keys[0] === '$date') return new Date((value as { $date: number }).$date);
    }
    return value;
  }) as StoredEvent | StoredDigest;
  if (parsed.kind !== 'event' && parsed.kind !== 'digest')
    throw new Error(`unknown news kind ${String((parsed as { kind?: unknown }).kind)}`);
  return parsed as StoredNews;
}

/** The post id a stored event is about (digests are about none). */
export const newsPostId = (stored: StoredNews): number | null => (stored.kind === 'event' ? stored.postId : null);

/**
 * The event as it was, rebuilt from the post as it is now (`current`) and the snapshot: the
 * post's status, revision, publish time and decisions as the event saw them, and the
 * publication as it then stood.
 */
export function toChatNews(stored: StoredNews, current: PostAggregate | undefined): ChatNews {
  if (stored.kind === 'digest') return stored;
  if (!current) throw new Error(`post ${stored.postId} no longer exists`);
  const snap = stored.post;
  const revision =
    current.revision.id === snap.revisionId ? current.revision : { ...current.revision, id: snap.revisionId, number: snap.revisionNumber };
  const publications = current.publications.map((p) =>
    stored.publication && p.id === stored.publication.id ? withSnapshot(p, stored.publication) : p,
  );
  const post: PostAggregate = {
    ...current,
    post: {
      ...current.post,
      status: snap.status,
      currentRevisionId: snap.revisionId,
      publishAt: date(snap.publishAt),
      publishZone: snap.publishZone,
    },
    revision,
    decisions: current.decisions.filter((d) => d.id <= snap.lastDecisionId),
    publications,
  };
  const publication = () => publications.find((p) => p.id === stored.publication!.id)!;
  const actor = () => stored.actor as Person;
  switch (stored.type) {
    case 'post.submitted':
      return event({ type: stored.type, post, actor: actor() });
    case 'post.decided': {
      const decision = current.decisions.find((d) => d.id === stored.decisionId);
      if (!decision) throw new Error(`decision ${stored.decisionId} of post ${stored.postId} not found`);
      return event({ type: stored.type, post, decision, outcome: stored.outcome!, remainingApprovals: stored.remainingApprovals ?? 0 });
    }
    case 'post.revised':
      return event({ type: stored.type, post, previous: post, actor: actor() });
    case 'post.cancelled':
      return event({ type: stored.type, post, actor: actor() });
    case 'post.expired':
    case 'post.reminder':
      return event({ type: stored.type, post });
    case 'post.rescheduled':
      return event({ type: stored.type, post, actor: actor(), action: stored.action as 'reschedule' | 'publish_now' });
    case 'publication.published':
    case 'publication.held':
    case 'publication.needs_attention':
    case 'publication.missed':
      return event({ type: stored.type, post, publication: publication() });
    case 'publication.failed':
      return event({ type: stored.type, post, publication: publication(), willRetry: stored.willRetry ?? false });
    case 'publication.progress':
      return event({ type: stored.type, post, publication: publication(), progress: stored.progress ?? { stage: 'processing' } });
    case 'publication.resolved':
      return event({
        type: stored.type,
        post,
        publication: publication(),
        actor: actor(),
        action: stored.action as 'retry' | 'mark_published',
      });
  }
}

const event = (e: DomainEvent): ChatNews => ({ kind: 'event', event: e });

function withSnapshot(p: Publication, s: PublicationSnapshot): Publication {
  return {
    ...p,
    status: s.status,
    dueAt: new Date(s.dueAt),
    nextAttemptAt: date(s.nextAttemptAt),
    url: s.url,
    externalId: s.externalId,
    lastError: s.lastError,
    publishedAt: date(s.publishedAt),
  };
}

import { describe, expect, it } from 'vitest';
import type { Decision, Person, PostAggregate } from '../../../src/domain/post.js';
import type { Publication } from '../../../src/domain/publication.js';
import type { Digest } from '../../../src/workflows/digest/build-digest.js';
import type { DomainEvent } from '../../../src/workflows/events.js';
import { decodeNews, encodeDigest, encodeEvent, toChatNews } from '../../../src/workflows/news/news-codec.js';

const at = (iso: string) => new Date(iso);
const ann: Person = { id: 1, platform: 'slack', platformUserId: 'U0ANN', displayName: 'ann', timezone: 'Europe/Berlin' };
const bob: Person = { id: 2, platform: 'slack', platformUserId: 'U0BOB', displayName: 'bob', timezone: null };
const decision = (id: number, approver: Person, revisionId = 10): Decision => ({
  id,
  postId: 7,
  revisionId,
  approver,
  kind: 'approve',
  comment: null,
  platform: 'slack',
  createdAt: at('2026-03-02T09:00:00Z'),
});
const publication: Publication = {
  id: 30,
  postId: 7,
  revisionId: 10,
  network: 'x',
  status: 'scheduled',
  dueAt: at('2026-03-02T12:00:00Z'),
  claimOwner: null,
  leaseUntil: null,
  sendingAt: null,
  attempts: 1,
  nextAttemptAt: at('2026-03-02T12:05:00Z'),
  externalId: null,
  url: null,
  lastError: 'X is busy',
  publishedAt: null,
  createdAt: at('2026-03-02T09:00:00Z'),
  updatedAt: at('2026-03-02T09:00:00Z'),
};
const thenPost: PostAggregate = {
  post: {
    id: 7,
    status: 'pending',
    authorId: 1,
    currentRevisionId: 10,
    publishAt: at('2026-03-02T12:00:00Z'),
    publishZone: 'Europe/Berlin',
    originPlatform: 'slack',
    remindedFor: null,
    createdAt: at('2026-03-02T08:00:00Z'),
    updatedAt: at('2026-03-02T09:00:00Z'),
  },
  revision: {
    id: 10,
    postId: 7,
    number: 1,
    text: '2026-03-02T09:00:00.000Z',
    networks: ['x'],
    mediaUrl: null,
    images: [],
    variants: {},
    video: null,
    youtube: null,
    contentHash: 'h1',
    authorId: 1,
    aiAssisted: false,
    createdAt: at('2026-03-02T08:00:00Z'),
  },
  author: ann,
  decisions: [decision(20, bob)],
  publications: [publication],
};
/** An hour later: another approval, a new revision, the publication went out. */
const nowPost: PostAggregate = {
  ...thenPost,
  post: { ...thenPost.post, status: 'approved', currentRevisionId: 11, publishAt: at('2026-03-02T15:00:00Z') },
  revision: { ...thenPost.revision, id: 11, number: 2, text: 'Edited' },
  decisions: [decision(20, bob), decision(21, { ...bob, id: 3, platformUserId: 'U0CAROL' }, 11)],
  publications: [
    {
      ...publication,
      status: 'published',
      url: 'https://x.example/p/30',
      lastError: null,
      nextAttemptAt: null,
      publishedAt: at('2026-03-02T12:06:00Z'),
    },
  ],
};

const roundTrip = (event: DomainEvent, current: PostAggregate) => {
  const news = toChatNews(decodeNews(encodeEvent(event)), current);
  if (news.kind !== 'event') throw new Error('not an event');
  return news.event;
};

describe('outbox news codec', () => {
  it('a decision, delivered after the post moved on, still shows the post as it was', () => {
    const event = roundTrip(
      { type: 'post.decided', post: thenPost, decision: decision(20, bob), outcome: 'approval_recorded', remainingApprovals: 1 },
      nowPost,
    );
    expect(event.type).toBe('post.decided');
    if (event.type !== 'post.decided') return;
    expect(event.decision.approver.platformUserId).toBe('U0BOB');
    expect(event.outcome).toBe('approval_recorded');
    expect(event.remainingApprovals).toBe(1);
    expect(event.post.post.status).toBe('pending');
    expect(event.post.revision).toMatchObject({ id: 10, number: 1 });
    expect(event.post.post.publishAt).toEqual(at('2026-03-02T12:00:00Z'));
    expect(event.post.decisions.map((d) => d.id)).toEqual([20]);
  });

  it('a failed attempt keeps its reason and retry time though the publication has since gone out', () => {
    const event = roundTrip({ type: 'publication.failed', post: thenPost, publication, willRetry: true }, nowPost);
    if (event.type !== 'publication.failed') throw new Error(event.type);
    expect(event.willRetry).toBe(true);
    expect(event.publication).toMatchObject({ id: 30, network: 'x', status: 'scheduled', lastError: 'X is busy', url: null });
    expect(event.publication.nextAttemptAt).toEqual(at('2026-03-02T12:05:00Z'));
  });

  it('keeps who acted', () => {
    const event = roundTrip({ type: 'post.rescheduled', post: thenPost, actor: bob, action: 'publish_now' }, nowPost);
    if (event.type !== 'post.rescheduled') throw new Error(event.type);
    expect(event.actor).toMatchObject({ platformUserId: 'U0BOB', displayName: 'bob' });
    expect(event.action).toBe('publish_now');
  });

  it('is small: a decision is a few hundred bytes, not the whole post', () => {
    const payload = encodeEvent({
      type: 'post.decided',
      post: nowPost,
      decision: decision(21, bob, 11),
      outcome: 'approved',
      remainingApprovals: 0,
    });
    expect(payload.length).toBeLessThan(400);
  });

  it('a digest keeps its dates as dates and text that looks like a date as text', () => {
    const digest = {
      kind: 'daily',
      title: '2026-03-02T09:00:00.000Z',
      generatedAt: at('2026-03-03T08:00:00Z'),
      posts: [],
    } as unknown as Digest;
    const news = toChatNews(decodeNews(encodeDigest(digest)), undefined);
    if (news.kind !== 'digest') throw new Error(news.kind);
    expect(news.digest.title).toBe('2026-03-02T09:00:00.000Z');
    expect(news.digest.generatedAt).toEqual(at('2026-03-03T08:00:00Z'));
  });

  it('refuses news about a post that does not exist, and rows it cannot read', () => {
    expect(() => toChatNews(decodeNews(encodeEvent({ type: 'post.expired', post: thenPost })), undefined)).toThrow(/no longer exists/);
    expect(() => decodeNews('{"kind":"telegram"}')).toThrow(/unknown news kind/);
  });
});

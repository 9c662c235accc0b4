import type { NewsInput } from '../../../db/store.js';
import type { ChatPlatform } from '../../domain/post.js';
import type { Digest } from '../digest/build-digest.js';
import type { DomainEvent } from '../events.js';
import { encodeDigest, encodeEvent } from './news-codec.js';

/**
 * Which chats hear about what (rule 10 in docs/architecture.md): a post's news goes to the chat it was drafted
 * in, if that chat is on; a digest to every chat that has a digest channel. Pure: the rows it
 * returns are written in the transaction of the change they report.
 */
export interface NewsPolicy {
  /** Outbox rows for a workflow event (none when its chat is off). */
  forEvent(event: DomainEvent): NewsInput[];
  forDigest(digest: Digest): NewsInput[];
}

export function newsPolicy(chats: { news: readonly ChatPlatform[]; digest: readonly ChatPlatform[] }): NewsPolicy {
  return {
    forEvent(event) {
      const platform = event.post.post.originPlatform;
      if (!chats.news.includes(platform)) return [];
      const postId = event.post.post.id;
      return [{ platform, lane: postLane(platform, postId), kind: event.type, postId, payload: encodeEvent(event) }];
    },
    forDigest(digest) {
      const payload = encodeDigest(digest);
      return chats.digest.map((platform) => ({ platform, lane: `${platform}:digest`, kind: 'digest', postId: null, payload }));
    },
  };
}

/** All news about one post in one chat goes out in order, in one lane. */
export const postLane = (platform: ChatPlatform, postId: number) => `${platform}:post:${postId}`;

/** No chat is on: nothing is written (tests of the workflows alone, the CLI). */
export const NO_NEWS: NewsPolicy = newsPolicy({ news: [], digest: [] });

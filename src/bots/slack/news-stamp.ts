/**
 * Slack message metadata that names what a message shows, so news whose delivery may have
 * reached Slack (a timeout, a dropped connection, a crash) can be found before it is sent again:
 * each thread line, DM and digest carries the outbox rows it reports; each approval card, its
 * post. Slack returns metadata to the app that wrote it (conversations.history/replies with
 * include_all_metadata).
 */
import type { MessageMetadata } from '@slack/types';

const NEWS_EVENT = 'greenlight_news';
const CARD_EVENT = 'greenlight_card';

export function newsMetadata(ids: readonly number[]): MessageMetadata {
  return { event_type: NEWS_EVENT, event_payload: { outbox: ids.join(',') } };
}

export function cardMetadata(postId: number): MessageMetadata {
  return { event_type: CARD_EVENT, event_payload: { post: postId } };
}

interface WithMetadata {
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
}

/** The outbox rows a message reports, from its metadata. */
export function stampedIds(message: WithMetadata): number[] {
  if (message.metadata?.event_type !== NEWS_EVENT) return [];
  const ids = String(message.metadata.event_payload?.outbox ?? '');
  return ids ? ids.split(',').map(Number).filter(Number.isInteger) : [];
}

export function isCardOf(message: WithMetadata, postId: number): boolean {
  return message.metadata?.event_type === CARD_EVENT && Number(message.metadata.event_payload?.post) === postId;
}

/** Slack timestamps are seconds; look a minute before the news was written (clock skew). */
export function slackOldest(since: Date): string {
  return ((since.getTime() - 60_000) / 1000).toFixed(6);
}

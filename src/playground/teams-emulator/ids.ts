import { createHash } from 'node:crypto';

/**
 * Identifiers shaped like Teams' own. The per-bot ones (`29:…` user ids, `a:1…` personal chat
 * ids) are derived from the bot's app id and the person's AAD object id, so the fake connector
 * and the activity builders agree on them without talking to each other — and, as in Teams,
 * the same person has a different `29:` id for every bot.
 */

const opaque = (seed: string) => createHash('sha512').update(seed).digest('base64url');

/** Teams' per-bot user id, e.g. `29:1GcS4EyB_oSI8A88XmWBN7NJ…`. */
export const teamsUserId = (appId: string, aadObjectId: string): string =>
  `29:1${opaque(`user/${appId}/${aadObjectId.toLowerCase()}`).slice(0, 80)}`;

/** The 1:1 chat between a bot and a person: one per pair, the same every time it is asked for. */
export const personalChatId = (appId: string, aadObjectId: string): string =>
  `a:1${opaque(`chat/${appId}/${aadObjectId.toLowerCase()}`).slice(0, 100)}`;

/** A bot's account id in Teams: `28:` followed by its app id. */
export const botAccountId = (appId: string): string => `28:${appId}`;

/** A channel thread is addressed as the channel id plus the root message id. */
export const threadConversationId = (channelId: string, rootMessageId: string): string => `${channelId};messageid=${rootMessageId}`;

export interface ParsedConversationId {
  /** The channel (`19:…@thread.tacv2`) or chat (`a:1…`, `19:…@thread.v2`) itself. */
  base: string;
  /** Set for `…;messageid=…`: the thread's root message. */
  rootMessageId?: string;
}

export function parseConversationId(id: string): ParsedConversationId {
  const match = /^(.*);messageid=(\d+)$/.exec(id);
  return match ? { base: match[1]!, rootMessageId: match[2]! } : { base: id };
}

/**
 * Teams message ids are the post time in epoch milliseconds (`1712345678901`); they must stay
 * unique and increasing even when two posts land in the same millisecond.
 */
export class MessageIds {
  private last = 0;

  constructor(private readonly now: () => number) {}

  next(): string {
    this.last = Math.max(Math.floor(this.now()), this.last + 1);
    return String(this.last);
  }
}

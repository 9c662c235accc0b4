/**
 * What each chat (Slack, Teams) is to the rest of Greenlight. The composition root loops over
 * the front ends the configuration turns on: one process, one database and one scheduler serve
 * Slack, Teams or both, and each post is reviewed in the chat it was drafted in.
 */
import type { ChatPlatform } from '../domain/post.js';
import type { Route } from '../server/http-server.js';
import type { ApproverDirectory } from '../workflows/approvers.js';
import type { Greenlight } from '../workflows/greenlight.js';
import type { NewsChannel } from './news/news-channel.js';

export interface ChatFrontEnd {
  readonly platform: ChatPlatform;
  /** Who may decide, resolved against this chat (user groups, emails). */
  readonly approvers: ApproverDirectory;
  /** The HTTP routes this chat calls, by "METHOD /path". */
  readonly routes: Readonly<Record<string, Route>>;
  /** Whether the daily digest is posted in this chat. */
  readonly postsDigest: boolean;
  /** How long fresh news waits for news written with it, to go out together (see CourierOptions). */
  readonly newsGatherMs?: number;
  /** Registers its listeners on the product's logic; returns what shows news from the outbox. */
  attach(gl: Greenlight, options: { aiHint?: string; digestZone: string }): NewsChannel;
  /** Connects (Socket Mode); nothing to do over HTTP. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Every read and write Greenlight makes, behind one async interface. Workflows depend on
 * this, never on SQL, so a PostgreSQL implementation can sit beside the SQLite one.
 */
import type { AuditEntry } from '../src/domain/audit.js';
import type { NetworkId } from '../src/domain/network.js';
import type {
  ChatPlatform,
  DecisionKind,
  Person,
  PostAggregate,
  PostImage,
  PostVideo,
  PostStatus,
  TextVariants,
  YouTubeDetails,
} from '../src/domain/post.js';
import type { EngagementMetrics, Publication, PublicationStatus } from '../src/domain/publication.js';

export interface PersonInput {
  platform: ChatPlatform;
  platformUserId: string;
  displayName: string;
  /** Leave undefined to keep what is stored. */
  timezone?: string | null;
  /** Leave undefined to keep what is stored. */
  email?: string | null;
}

export interface NewRevision {
  text: string;
  networks: NetworkId[];
  mediaUrl: string | null;
  /** Absent: none (posts drafted before uploads, and drafts without images). */
  images?: PostImage[];
  variants?: TextVariants;
  /** Absent: none. */
  video?: PostVideo | null;
  youtube?: YouTubeDetails | null;
  contentHash: string;
  authorId: number;
  aiAssisted: boolean;
}

export interface NewDecision {
  revisionId: number;
  /** The whole person, so the store can return the decision without looking them up. */
  approver: Person;
  kind: DecisionKind;
  comment: string | null;
  platform: ChatPlatform;
}

export interface NewPublication {
  network: NetworkId;
  revisionId: number;
  dueAt: Date;
}

export interface NewAuditEntry {
  platform: ChatPlatform;
  actorId: number | null;
  actorLabel: string;
  action: string;
  /** Defaults to the post being changed. */
  postId?: number | null;
  /** Defaults to the post's current revision once the change is applied. */
  revisionId?: number | null;
  details?: Record<string, unknown>;
}

/**
 * A person's decision about one publication (retry, publish now, mark as published),
 * applied only if the publication is still in one of `from` (else the change is undone).
 */
export interface PublicationChange {
  id: number;
  from: readonly PublicationStatus[];
  status: PublicationStatus;
  dueAt?: Date;
  /** Reset the retry budget (a person decided to try again). */
  resetAttempts?: boolean;
  url?: string | null;
  externalId?: string | null;
  publishedAt?: Date | null;
  lastError?: string | null;
}

/**
 * One piece of chat news (rule 10 in docs/architecture.md): a card to post or refresh, a thread line, a
 * message to a person, a digest. Written in the same transaction as the change it reports,
 * delivered by the chat it names, in id order within its lane.
 */
export interface NewsInput {
  platform: ChatPlatform;
  /** Delivery order: rows of one lane go out in id order, one batch at a time. */
  lane: string;
  /** What it is (an event type, `digest`), for logs and health. */
  kind: string;
  postId: number | null;
  /** The news itself, encoded by the workflows (see src/workflows/news/news-codec.ts). */
  payload: string;
}

/** A claimed piece of news, with what earlier attempts found out. */
export interface NewsItem {
  id: number;
  platform: ChatPlatform;
  lane: string;
  kind: string;
  postId: number | null;
  payload: string;
  /** Attempts so far, this one included. */
  attempts: number;
  /**
   * An earlier attempt may have reached the chat (it timed out, the connection dropped, the
   * process died): look for what it sent before sending again.
   */
  lookFirst: boolean;
  /** Steps earlier attempts finished, with what they left (a message id, say). */
  progress: Record<string, unknown>;
  createdAt: Date;
}

/** How an attempt at delivering a lane's batch ended. */
export type NewsSettlement =
  | { status: 'delivered' }
  /**
   * Try again at `retryAt`; `maybeDelivered` when the chat may have acted on it. `progress`:
   * the steps this attempt finished, per row, kept so the next attempt does not repeat them.
   */
  | { status: 'retry'; retryAt: Date; error: string; maybeDelivered: boolean; progress?: ReadonlyMap<number, Record<string, unknown>> }
  /** Given up (attempts ran out, or the chat refused it for good). */
  | { status: 'failed'; error: string };

export interface NewsClaim {
  platform: ChatPlatform;
  owner: string;
  now: Date;
  leaseUntil: Date;
  /** At most this many lanes. */
  lanes: number;
  /** Lanes the claimant is delivering now: never claimed a second time, whatever their lease says. */
  busy: ReadonlySet<string>;
}

export interface NewsHealth {
  pending: number;
  /** When the longest-waiting pending news was written. */
  oldestPendingAt: Date | null;
  /** News given up since the time asked about, and the last reason. */
  failed: number;
  lastFailure: { at: Date; kind: string; error: string } | null;
}

/** Everything one state change writes, applied atomically by `updatePost`. */
export interface PostChange {
  at: Date;
  status?: PostStatus;
  publishAt?: Date | null;
  publishZone?: string;
  remindedFor?: Date | null;
  publicationChanges?: PublicationChange[];
  /** Appended as the next revision number and made current. */
  revision?: NewRevision;
  decision?: NewDecision;
  createPublications?: NewPublication[];
  /** Cancels this post's publications that are still `scheduled` (an edit, a rejection). */
  cancelScheduledPublications?: boolean;
  audit: NewAuditEntry[];
  /** The chat news this change makes, from the post as it is after (and before) the change. */
  news?: (after: PostAggregate, before: PostAggregate) => NewsInput[];
}

/** Why a change was not made, in words for the person who asked for it. */
export interface Refusal {
  refused: string;
  /** Stable machine-readable reason, for tests and for choosing how to show it. */
  code: string;
}

export type UpdateResult =
  | { ok: true; before: PostAggregate; after: PostAggregate }
  /** `post` is absent when there is no such post (refusal code `not_found`). */
  | { ok: false; refusal: Refusal; post?: PostAggregate };

export interface NewPost {
  at: Date;
  author: Person;
  status: Extract<PostStatus, 'draft' | 'pending'>;
  publishAt: Date | null;
  publishZone: string;
  originPlatform: ChatPlatform;
  revision: Omit<NewRevision, 'authorId'>;
  audit: NewAuditEntry[];
  /** The chat news the new post makes (its card, the author's receipt). */
  news?: (post: PostAggregate) => NewsInput[];
}

export interface PostQuery {
  statuses?: PostStatus[];
  authorId?: number;
  /** Newest first unless `oldestFirst`. */
  oldestFirst?: boolean;
  limit?: number;
}

export interface ChatMessageRef {
  postId: number;
  platform: ChatPlatform;
  purpose: string;
  channelId: string;
  messageId: string;
  reference?: Record<string, unknown> | null;
}

/** Where a chat can reach someone or something later (see chat_conversations). */
export interface ChatConversation {
  platform: ChatPlatform;
  kind: 'person' | 'channel';
  /** A person's id (kind person), or the channel's purpose: `approvals`, `digest`. */
  key: string;
  reference: Record<string, unknown>;
  setBy?: number | null;
}

export interface AuditQuery {
  since?: Date;
  until?: Date;
  /** Resume after this id (export streams in pages). */
  afterId?: number;
  limit?: number;
}

export interface UpcomingPublication {
  postId: number;
  network: NetworkId;
  dueAt: Date;
  status: PublicationStatus;
}

/** A publication claimed for sending, with what to send: its approved revision's content. */
export interface ClaimedPublication {
  publication: Publication;
  /** What goes out on this publication's network: its own text variant where there is one. */
  content: { text: string; mediaUrl: string | null; images: PostImage[]; video: PostVideo | null; youtube: YouTubeDetails | null };
  /** The post's approved time (null: as soon as approved), for networks that schedule on their side. */
  publishAt: Date | null;
  checkpoint: Record<string, unknown> | null;
}

/** How one attempt at publishing ended, as the scheduler records it. */
export type PublishOutcome =
  | { status: 'published'; externalId: string; url: string }
  /** On the network, which makes it public at its due time by itself (YouTube's publishAt). */
  | { status: 'held'; externalId: string; url: string; until: Date }
  /** Try again at `retryAt` (a retryable failure within the retry budget). */
  | { status: 'scheduled'; retryAt: Date; error: string }
  | { status: 'failed' | 'needs_attention'; error: string };

export interface SettledPublication {
  publication: Publication;
  post: PostAggregate;
}

/** The chat news about a settled publication, written in the same transaction. */
export type SettledNews = (settled: SettledPublication) => NewsInput[];

export interface DueItem {
  /** `stale`: a claim whose lease runs out then (its process may have died mid-call). */
  kind: 'publication' | 'expiry' | 'reminder' | 'stale';
  /** Publication id for `publication` and `stale`, post id otherwise. */
  id: number;
  at: Date;
  /** The network of a `publication` (each network is published in its own lane). */
  network?: NetworkId;
}

/** Which claim a recovery acts on: the one seen, only if its lease has still run out at `now`. */
export interface StaleClaimRef {
  id: number;
  owner: string;
  now: Date;
}

export interface PublishedTarget {
  publicationId: number;
  postId: number;
  network: NetworkId;
  externalId: string;
  url: string | null;
  publishedAt: Date;
}

export interface MetricSnapshotInput {
  publicationId: number;
  takenAt: Date;
  metrics: EngagementMetrics;
}

/** A published publication with what the digest shows about its post. */
export interface DigestPublication {
  publicationId: number;
  postId: number;
  network: NetworkId;
  url: string | null;
  publishedAt: Date;
  text: string;
}

export interface ScheduledPublication {
  publicationId: number;
  postId: number;
  network: NetworkId;
  dueAt: Date;
  text: string;
}

/** Whether the database can do what Greenlight needs; each problem in words for an operator. */
export interface StoreHealth {
  ok: boolean;
  problems: string[];
}

export interface Store {
  /** True when the database answers a trivial query. */
  ping(): Promise<boolean>;
  /**
   * Whether the database can take writes and is still the one that was opened (not deleted
   * or replaced). Never throws; never joins or disturbs writes in progress.
   */
  health(): Promise<StoreHealth>;
  close(): Promise<void>;

  upsertPerson(input: PersonInput, at: Date): Promise<Person>;
  getPerson(id: number): Promise<Person | undefined>;
  findPerson(platform: ChatPlatform, platformUserId: string): Promise<Person | undefined>;

  createPost(input: NewPost): Promise<PostAggregate>;
  getPost(id: number): Promise<PostAggregate | undefined>;
  listPosts(query: PostQuery): Promise<PostAggregate[]>;
  countPosts(query: Omit<PostQuery, 'limit' | 'oldestFirst'>): Promise<number>;
  /** How many publications are in one of `statuses` now (the /metrics gauges read it at each scrape). */
  countPublications(statuses: readonly PublicationStatus[]): Promise<number>;
  /**
   * Loads the post and calls `decide` inside one write transaction, then applies what it
   * returns. `decide` must be synchronous and pure: it sees the post as it is at this
   * instant, so two approvers clicking at once get one consistent outcome.
   */
  updatePost(postId: number, decide: (post: PostAggregate) => PostChange | Refusal): Promise<UpdateResult>;

  /** The earliest publication still waiting to go out, for /healthz and the scheduler. */
  nextDuePublication(): Promise<UpcomingPublication | undefined>;

  // Scheduling -----------------------------------------------------------------------------
  /**
   * What falls due up to `until`, soonest first (ties in id order): publications to send (at
   * their due time or retry time), pending posts to expire at their publish time, reminders
   * 2 h before, and claims whose lease runs out. At most `limit` of each kind, and of
   * publications at most `limit` per network, so a backlog on one network never hides
   * another's.
   */
  dueItems(until: Date, limit: number, reminderLeadMs: number): Promise<DueItem[]>;
  /**
   * Atomically takes due publications for sending (status publishing, owner, lease): those of
   * `ids` still scheduled, due, and belonging to their post's approved current revision.
   */
  claimPublications(ids: readonly number[], claim: { owner: string; now: Date; leaseUntil: Date }): Promise<ClaimedPublication[]>;
  /** Extends a claim while the network call is still running; false if the claim was lost. */
  renewLease(id: number, owner: string, leaseUntil: Date): Promise<boolean>;
  saveCheckpoint(id: number, owner: string, checkpoint: Record<string, unknown>): Promise<void>;
  /**
   * Records, before the request that makes the post public leaves, that it is leaving (only
   * by the claim's owner; an earlier mark of this claim is kept). False when the claim was
   * lost: then the request must not leave.
   */
  markSending(id: number, owner: string, at: Date): Promise<boolean>;
  /**
   * Gives back a claim whose request never left (no sending mark): scheduled again as it was,
   * the attempt not counted. By its owner (shutdown), or, with `staleBy`, by anyone once its
   * lease has run out by then (its process died). False when it is no longer so.
   */
  releaseClaim(id: number, owner: string, at: Date, staleBy?: Date): Promise<boolean>;
  /** Records how an attempt ended (only by the claim's owner); marks the post published when all are. */
  settlePublication(
    id: number,
    owner: string,
    outcome: PublishOutcome,
    at: Date,
    news?: SettledNews,
  ): Promise<SettledPublication | undefined>;
  /** Claims whose lease ran out by `now` (their process died or stalled), oldest lease first. */
  staleClaims(now: Date, limit: number): Promise<Publication[]>;
  /**
   * Takes over a stale claim whose request had left, for `claim.owner` to send again with the
   * same idempotency key (the sending mark is kept, the attempt counted).
   */
  resumeStaleClaim(stale: StaleClaimRef, claim: { owner: string; leaseUntil: Date }): Promise<ClaimedPublication | undefined>;
  /** A stale claim whose request may have reached the network: its outcome is unknown. */
  abandonStaleClaim(stale: StaleClaimRef, error: string, news?: SettledNews): Promise<SettledPublication | undefined>;
  /** Scheduled publications due before `cutoff` (beyond the grace period) become `missed`. */
  markMissed(cutoff: Date, at: Date, news?: SettledNews): Promise<SettledPublication[]>;

  // Chat news (the outbox) ------------------------------------------------------------------
  /**
   * Calls `listener` after every commit that wrote news, so a chat's courier delivers it at
   * once instead of at its next poll. Returns the function that stops listening.
   */
  onNewsWritten(listener: () => void): () => void;
  /** News that reports no other change (a digest). */
  enqueueNews(items: NewsInput[], at: Date): Promise<void>;
  /**
   * Claims whole lanes whose first pending row is due and that no other owner holds: every
   * pending row of each lane, oldest first, one array per lane. Rows written to a claimed lane
   * meanwhile wait for the next claim, so a lane is delivered in order by one owner at a time.
   */
  claimNews(claim: NewsClaim): Promise<NewsItem[][]>;
  settleNews(ids: readonly number[], owner: string, settlement: NewsSettlement, at: Date): Promise<void>;
  /** Makes every unclaimed pending row of `platform` due now (the chat is back after an outage). */
  hurryNews(platform: ChatPlatform, now: Date): Promise<void>;
  /** Extends the claim on rows still being delivered. */
  renewNewsLease(ids: readonly number[], owner: string, leaseUntil: Date): Promise<void>;
  /**
   * Gives back every lane `owner` still holds (a shutdown cut it off), due at once and looked
   * at before anything is sent again, so the next process need not wait for the lease to lapse.
   */
  releaseNews(owner: string, at: Date): Promise<void>;
  /** When the next pending news of `platform` falls due (for a wake-up), if any. */
  nextNewsDue(platform: ChatPlatform): Promise<Date | undefined>;
  newsHealth(failedSince: Date): Promise<NewsHealth>;
  /** Deletes up to `limit` delivered or failed rows settled before `before`; returns how many. */
  pruneNews(before: Date, limit: number): Promise<number>;

  // Media ---------------------------------------------------------------------------------
  /**
   * The sha256 of every uploaded image something may still need: the current revision of a
   * post not yet finished (draft to approved), the revision of a publication not yet done
   * (scheduled, sending, or waiting for a person: failed, outcome unknown, missed), and any
   * revision of a post that changed at or after `changedSince` (kept for the retention time).
   */
  mediaInUse(changedSince: Date): Promise<Set<string>>;
  /** The key that signs media links, made once and shared by every process on this database. */
  mediaLinkSecret(): Promise<string>;

  // Metrics -------------------------------------------------------------------------------
  publishedSince(since: Date): Promise<PublishedTarget[]>;
  /**
   * What a network's daily allowance has to cover: its publications that went to it (or were
   * tried) since `since`, and those due to go before `until`.
   */
  countNetworkPosts(network: NetworkId, since: Date, until: Date): Promise<number>;
  saveMetricSnapshots(rows: MetricSnapshotInput[]): Promise<void>;
  /**
   * Deletes up to `limit` snapshots taken before `before` that a later snapshot of the same
   * publication supersedes (each publication keeps its latest for ever); returns how many.
   */
  pruneMetricSnapshots(before: Date, limit: number): Promise<number>;

  // Digest --------------------------------------------------------------------------------
  /** Publications published in [from, to), oldest first. */
  publishedBetween(from: Date, to: Date): Promise<DigestPublication[]>;
  /** Each publication's latest figures taken at or before `at` (absent when none yet). */
  latestMetrics(publicationIds: readonly number[], at: Date): Promise<Map<number, EngagementMetrics>>;
  /**
   * Per network, likes + comments + shares as of `at` (each publication's latest snapshot
   * then), over publications published since `publishedSince`.
   */
  engagementByNetwork(at: Date, publishedSince: Date): Promise<Map<NetworkId, number>>;
  /** Publications scheduled to go out in [from, to), soonest first. */
  scheduledBetween(from: Date, to: Date, limit: number): Promise<ScheduledPublication[]>;

  saveChatMessage(ref: ChatMessageRef, at: Date): Promise<void>;
  /** Records (or replaces) where a chat can reach a person or a channel. */
  saveConversation(conversation: ChatConversation, at: Date): Promise<void>;
  getConversation(platform: ChatPlatform, kind: ChatConversation['kind'], key: string): Promise<ChatConversation | undefined>;
  getChatMessage(postId: number, platform: ChatPlatform, purpose: string): Promise<ChatMessageRef | undefined>;

  appendAudit(entries: NewAuditEntry[], at: Date): Promise<void>;
  listAudit(query: AuditQuery): Promise<AuditEntry[]>;

  // Credentials Greenlight rotates itself (X refresh tokens) --------------------------------
  getCredential(key: string): Promise<string | undefined>;
  /**
   * Compare-and-set: writes `value` only if the stored value is still `expectedPrevious`
   * (undefined: no value stored yet). False means another writer got there first; read again.
   * Processes sharing the database use this to agree on one newest value.
   */
  saveCredential(key: string, value: string, expectedPrevious: string | undefined, at: Date): Promise<boolean>;

  // Chat requests already acted on (replays are refused) ------------------------------------
  /**
   * Records that the request named `key` is being acted on: true the first time, false when it
   * was seen within the last `SEEN_REQUEST_MEMORY_MS` (keys older than that are forgotten).
   */
  rememberRequest(key: string, at: Date): Promise<boolean>;
  /** Forgets `key`, so the same request may be acted on again (it was answered with a correction). */
  forgetRequest(key: string): Promise<void>;
}

/**
 * How long a request key is kept: Slack accepts a signed request within 5 minutes either side
 * of its timestamp, so a replay can arrive at most 10 minutes after the original.
 */
export const SEEN_REQUEST_MEMORY_MS = 10 * 60_000;

export function isRefusal(value: PostChange | Refusal): value is Refusal {
  return 'refused' in value;
}

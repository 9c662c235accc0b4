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
  PostStatus,
} from '../src/domain/post.js';
import type { PublicationStatus } from '../src/domain/publication.js';

export interface PersonInput {
  platform: ChatPlatform;
  platformUserId: string;
  displayName: string;
  /** Leave undefined to keep what is stored. */
  timezone?: string | null;
}

export interface NewRevision {
  text: string;
  networks: NetworkId[];
  mediaUrl: string | null;
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

/** Everything one state change writes, applied atomically by `updatePost`. */
export interface PostChange {
  at: Date;
  status?: PostStatus;
  publishAt?: Date | null;
  publishZone?: string;
  /** Appended as the next revision number and made current. */
  revision?: NewRevision;
  decision?: NewDecision;
  createPublications?: NewPublication[];
  /** Cancels this post's publications that are still `scheduled` (an edit, a rejection). */
  cancelScheduledPublications?: boolean;
  audit: NewAuditEntry[];
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

export interface Store {
  /** True when the database answers a trivial query. */
  ping(): Promise<boolean>;
  close(): Promise<void>;

  upsertPerson(input: PersonInput, at: Date): Promise<Person>;
  getPerson(id: number): Promise<Person | undefined>;
  findPerson(platform: ChatPlatform, platformUserId: string): Promise<Person | undefined>;

  createPost(input: NewPost): Promise<PostAggregate>;
  getPost(id: number): Promise<PostAggregate | undefined>;
  listPosts(query: PostQuery): Promise<PostAggregate[]>;
  countPosts(query: Omit<PostQuery, 'limit' | 'oldestFirst'>): Promise<number>;
  /**
   * Loads the post and calls `decide` inside one write transaction, then applies what it
   * returns. `decide` must be synchronous and pure: it sees the post as it is at this
   * instant, so two approvers clicking at once get one consistent outcome.
   */
  updatePost(postId: number, decide: (post: PostAggregate) => PostChange | Refusal): Promise<UpdateResult>;

  /** The earliest publication still waiting to go out, for /healthz and the scheduler. */
  nextDuePublication(): Promise<UpcomingPublication | undefined>;

  saveChatMessage(ref: ChatMessageRef, at: Date): Promise<void>;
  getChatMessage(postId: number, platform: ChatPlatform, purpose: string): Promise<ChatMessageRef | undefined>;

  appendAudit(entries: NewAuditEntry[], at: Date): Promise<void>;
  listAudit(query: AuditQuery): Promise<AuditEntry[]>;
}

export function isRefusal(value: PostChange | Refusal): value is Refusal {
  return 'refused' in value;
}

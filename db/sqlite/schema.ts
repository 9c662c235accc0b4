/**
 * The SQLite schema. Times are UTC instants stored as integer milliseconds since the epoch
 * (rule 5 in docs/architecture.md); the zone a time was entered in is stored beside it. JSON columns hold
 * small lists and objects as text. Both are converted to domain types in `rows.ts`: the
 * columns stay plain so prepared statements can bind them directly (the hot path).
 */
import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

const createdAt = () => integer('created_at').notNull();
const updatedAt = () => integer('updated_at').notNull();

export const people = sqliteTable(
  'people',
  {
    id: integer('id').primaryKey(),
    platform: text('platform').notNull(),
    platformUserId: text('platform_user_id').notNull(),
    displayName: text('display_name').notNull(),
    timezone: text('timezone'),
    /** Email or UPN, where the chat gives one (Teams): approvers may be listed by email. */
    email: text('email'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('people_platform_user').on(t.platform, t.platformUserId)],
);

export const posts = sqliteTable(
  'posts',
  {
    id: integer('id').primaryKey(),
    status: text('status').notNull(),
    authorId: integer('author_id')
      .notNull()
      .references(() => people.id),
    // Points at revisions.id; no FK because the two rows are created in one transaction in either order.
    currentRevisionId: integer('current_revision_id').notNull().default(0),
    publishAt: integer('publish_at'),
    publishZone: text('publish_zone').notNull(),
    originPlatform: text('origin_platform').notNull(),
    /** The publish time approvers were last reminded about (a reschedule earns a new reminder). */
    remindedFor: integer('reminded_for'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('posts_status_publish_at').on(t.status, t.publishAt),
    // Not (author, status): a status change would then rewrite this index too.
    index('posts_author').on(t.authorId),
  ],
);

export const revisions = sqliteTable(
  'revisions',
  {
    id: integer('id').primaryKey(),
    postId: integer('post_id')
      .notNull()
      .references(() => posts.id),
    number: integer('number').notNull(),
    text: text('text').notNull(),
    networks: text('networks').notNull(),
    mediaUrl: text('media_url'),
    /** The uploaded images in order, with alt text (JSON array of PostImage); bytes are in the media store. */
    images: text('images').notNull().default('[]'),
    /** A text per network where it differs from `text` (JSON object, network → text). */
    variants: text('variants').notNull().default('{}'),
    /** An uploaded video (JSON PostVideo; bytes in the media store), or null. */
    video: text('video'),
    /** YouTube's own fields (JSON YouTubeDetails), or null when the post does not go to YouTube. */
    youtube: text('youtube'),
    contentHash: text('content_hash').notNull(),
    authorId: integer('author_id')
      .notNull()
      .references(() => people.id),
    aiAssisted: integer('ai_assisted', { mode: 'boolean' }).notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('revisions_post_number').on(t.postId, t.number)],
);

export const decisions = sqliteTable(
  'decisions',
  {
    id: integer('id').primaryKey(),
    postId: integer('post_id')
      .notNull()
      .references(() => posts.id),
    revisionId: integer('revision_id')
      .notNull()
      .references(() => revisions.id),
    approverId: integer('approver_id')
      .notNull()
      .references(() => people.id),
    kind: text('kind').notNull(),
    comment: text('comment'),
    platform: text('platform').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    // One decision per approver per revision: the policy refuses a second click, and the
    // database refuses it too should two requests race past the policy. Revision ids are
    // unique, so leading with the post id costs nothing and serves "decisions of a post".
    uniqueIndex('decisions_post_revision_approver').on(t.postId, t.revisionId, t.approverId),
  ],
);

export const publications = sqliteTable(
  'publications',
  {
    id: integer('id').primaryKey(),
    postId: integer('post_id')
      .notNull()
      .references(() => posts.id),
    revisionId: integer('revision_id')
      .notNull()
      .references(() => revisions.id),
    network: text('network').notNull(),
    status: text('status').notNull(),
    dueAt: integer('due_at').notNull(),
    claimOwner: text('claim_owner'),
    leaseUntil: integer('lease_until'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at'),
    externalId: text('external_id'),
    url: text('url'),
    lastError: text('last_error'),
    // Publisher-specific progress that must survive a crash (Instagram's container id, say).
    checkpoint: text('checkpoint'),
    /**
     * When the request that makes the post public was about to leave (null while the claim is
     * only a lease, waiting for its turn or the network's rate limit). A crash with this unset
     * cannot have published anything; with it set, the outcome is unknown.
     */
    sendingAt: integer('sending_at'),
    publishedAt: integer('published_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // At most one publication per (post, network), ever (rule 2 in docs/architecture.md).
    uniqueIndex('publications_post_network').on(t.postId, t.network),
    // Partial indexes: only rows still to be published, and only published rows (for
    // metrics), are indexed, so most writes touch fewer index pages.
    index('publications_open_due').on(t.status, t.dueAt).where(sql`status IN ('scheduled', 'held', 'publishing')`),
    index('publications_published_at').on(t.publishedAt).where(sql`published_at IS NOT NULL`),
  ],
);

export const metricSnapshots = sqliteTable(
  'metric_snapshots',
  {
    id: integer('id').primaryKey(),
    publicationId: integer('publication_id')
      .notNull()
      .references(() => publications.id),
    takenAt: integer('taken_at').notNull(),
    likes: integer('likes'),
    comments: integer('comments'),
    shares: integer('shares'),
    impressions: integer('impressions'),
    clicks: integer('clicks'),
    saves: integer('saves'),
  },
  (t) => [index('metric_snapshots_publication_taken').on(t.publicationId, t.takenAt), index('metric_snapshots_taken').on(t.takenAt)],
);

export const chatMessages = sqliteTable(
  'chat_messages',
  {
    id: integer('id').primaryKey(),
    postId: integer('post_id')
      .notNull()
      .references(() => posts.id),
    platform: text('platform').notNull(),
    /** What the message is for: `approval_card`, `author_receipt`, … */
    purpose: text('purpose').notNull(),
    channelId: text('channel_id').notNull(),
    /** Slack `ts`, Teams activity id. */
    messageId: text('message_id').notNull(),
    /** Slack thread `ts` / Teams conversation reference: whatever the bot needs to reply in place. */
    reference: text('reference'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('chat_messages_post_purpose').on(t.postId, t.platform, t.purpose)],
);

export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey(),
    at: integer('at').notNull(),
    platform: text('platform').notNull(),
    actorId: integer('actor_id').references(() => people.id),
    actorLabel: text('actor_label').notNull(),
    action: text('action').notNull(),
    postId: integer('post_id').references(() => posts.id),
    revisionId: integer('revision_id').references(() => revisions.id),
    details: text('details').notNull().default(sql`'{}'`),
  },
  (t) => [index('audit_log_at').on(t.at)],
);

/**
 * Small secrets Greenlight rotates itself and must not lose on a restart: X hands out a new
 * refresh token with every access token and retires the old one, so the newest pair lives
 * here rather than only in one process's memory. Writes are compare-and-set on `value`, so
 * processes sharing the database agree on one newest pair.
 */
export const credentials = sqliteTable('credentials', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/**
 * The durable outbox for chat news (rule 10 in docs/architecture.md): card posts and updates, thread lines,
 * messages to people and digests. A row is written in the same transaction as the change it
 * reports and deleted from `pending` only once the chat confirmed it, so an outage delays news
 * and never drops it. Rows are chat-neutral events; each chat front end renders them.
 */
export const chatOutbox = sqliteTable(
  'chat_outbox',
  {
    id: integer('id').primaryKey(),
    /** The chat that shows it: `slack`, `teams`. */
    platform: text('platform').notNull(),
    /** Rows of one lane are delivered in id order (`post:12`, `person:7`, `digest`). */
    lane: text('lane').notNull(),
    /** What kind of news it is (the event type, or `digest`). */
    kind: text('kind').notNull(),
    postId: integer('post_id').references(() => posts.id),
    /** The event, as JSON. */
    payload: text('payload').notNull(),
    /** pending → delivered, or failed once its attempts ran out. */
    status: text('status').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    /** The last attempt may have reached the chat (timeout, reset): look before sending again. */
    outcomeUnknown: integer('outcome_unknown', { mode: 'boolean' }).notNull().default(false),
    /** What each platform step already did (card posted, thread line sent …), as JSON. */
    progress: text('progress'),
    lastError: text('last_error'),
    claimOwner: text('claim_owner'),
    leaseUntil: integer('lease_until'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deliveredAt: integer('delivered_at'),
  },
  (t) => [
    index('chat_outbox_pending').on(t.platform, t.nextAttemptAt).where(sql`status = 'pending'`),
    index('chat_outbox_lane').on(t.lane, t.id).where(sql`status = 'pending'`),
    index('chat_outbox_done').on(t.updatedAt).where(sql`status <> 'pending'`),
  ],
);

/**
 * Chat requests already acted on, by a key the chat makes unique per request (Slack's
 * `view.id` for a submission, `action_ts` + user for a click): a replayed request within the
 * signature window is recognised and changes nothing. Old keys are pruned.
 */
export const seenRequests = sqliteTable(
  'seen_requests',
  {
    key: text('key').primaryKey(),
    seenAt: integer('seen_at').notNull(),
  },
  (t) => [index('seen_requests_seen_at').on(t.seenAt)],
);

/** Facts about the database itself (its identity, when it was created), one row per key. */
export const greenlightMeta = sqliteTable('greenlight_meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/**
 * Where a chat can reach someone or something later, without being asked first: a person's
 * 1:1 conversation (Teams' conversation reference, kept per person, not per post), and the
 * channels an approver chose for approvals and for the digest.
 */
export const chatConversations = sqliteTable(
  'chat_conversations',
  {
    id: integer('id').primaryKey(),
    platform: text('platform').notNull(),
    /** `person` (key: the person's id) or `channel` (key: its purpose, `approvals` or `digest`). */
    kind: text('kind').notNull(),
    key: text('key').notNull(),
    /** What the chat needs to post there (a Teams ConversationReference), as JSON. */
    reference: text('reference').notNull(),
    /** Who set it (channels), for the audit and for "who can change this". */
    setBy: integer('set_by').references(() => people.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('chat_conversations_key').on(t.platform, t.kind, t.key)],
);

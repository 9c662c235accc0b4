/** Converts SQLite rows (ms integers, JSON text) to domain types and back. */
import type { AuditEntry } from '../../src/domain/audit.js';
import type { NetworkId } from '../../src/domain/network.js';
import type {
  ChatPlatform,
  Decision,
  DecisionKind,
  Person,
  Post,
  PostImage,
  PostStatus,
  PostVideo,
  Revision,
  TextVariants,
  YouTubeDetails,
} from '../../src/domain/post.js';
import type { Publication, PublicationStatus } from '../../src/domain/publication.js';
import { getTableColumns, type Table } from 'drizzle-orm';
import * as schema from './schema.js';

/**
 * Reads a table's columns out of a raw row array (a prepared query's `.values()`), starting
 * at `offset`. Drizzle's own result mapping checks every column's kind on every row; the
 * post loader runs for every decision and every send, so it reads raw arrays instead.
 */
export function columnReader<T extends Table>(table: T): (values: readonly unknown[], offset?: number) => T['$inferSelect'] {
  const keys = Object.keys(getTableColumns(table));
  const modes = Object.values(getTableColumns(table)).map((c) => (c.columnType === 'SQLiteBoolean' ? 'boolean' : 'raw'));
  return (values, offset = 0) => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const v = values[offset + i];
      row[keys[i]!] = modes[i] === 'boolean' && v !== null ? v === 1 : v;
    }
    return row as T['$inferSelect'];
  };
}

export const width = (table: Table) => Object.keys(getTableColumns(table)).length;

/** Raw-row readers for the compiled statements' rows (the post loader, people, chat messages). */
export const read = {
  post: columnReader(schema.posts),
  revision: columnReader(schema.revisions),
  person: columnReader(schema.people),
  decision: columnReader(schema.decisions),
  publication: columnReader(schema.publications),
  chatMessage: columnReader(schema.chatMessages),
};

const date = (ms: number) => new Date(ms);
const maybeDate = (ms: number | null) => (ms === null ? null : new Date(ms));
export const ms = (d: Date) => d.getTime();
export const maybeMs = (d: Date | null | undefined) => (d ? d.getTime() : null);
export const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));
const parse = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

export function toPerson(row: typeof schema.people.$inferSelect): Person {
  return {
    id: row.id,
    platform: row.platform as ChatPlatform,
    platformUserId: row.platformUserId,
    displayName: row.displayName,
    timezone: row.timezone,
    email: row.email,
  };
}

export function toPost(row: typeof schema.posts.$inferSelect): Post {
  return {
    id: row.id,
    status: row.status as PostStatus,
    authorId: row.authorId,
    currentRevisionId: row.currentRevisionId,
    publishAt: maybeDate(row.publishAt),
    publishZone: row.publishZone,
    originPlatform: row.originPlatform as ChatPlatform,
    remindedFor: maybeDate(row.remindedFor),
    createdAt: date(row.createdAt),
    updatedAt: date(row.updatedAt),
  };
}

export function toRevision(row: typeof schema.revisions.$inferSelect): Revision {
  return {
    id: row.id,
    postId: row.postId,
    number: row.number,
    text: row.text,
    networks: JSON.parse(row.networks) as NetworkId[],
    mediaUrl: row.mediaUrl,
    images: JSON.parse(row.images) as PostImage[],
    variants: JSON.parse(row.variants) as TextVariants,
    video: row.video ? (JSON.parse(row.video) as PostVideo) : null,
    youtube: row.youtube ? (JSON.parse(row.youtube) as YouTubeDetails) : null,
    contentHash: row.contentHash,
    authorId: row.authorId,
    aiAssisted: row.aiAssisted,
    createdAt: date(row.createdAt),
  };
}

export function toDecision(row: typeof schema.decisions.$inferSelect, approver: Person): Decision {
  return {
    id: row.id,
    postId: row.postId,
    revisionId: row.revisionId,
    approver,
    kind: row.kind as DecisionKind,
    comment: row.comment,
    platform: row.platform as ChatPlatform,
    createdAt: date(row.createdAt),
  };
}

export function toPublication(row: typeof schema.publications.$inferSelect): Publication {
  return {
    id: row.id,
    postId: row.postId,
    revisionId: row.revisionId,
    network: row.network as NetworkId,
    status: row.status as PublicationStatus,
    dueAt: date(row.dueAt),
    claimOwner: row.claimOwner,
    leaseUntil: maybeDate(row.leaseUntil),
    attempts: row.attempts,
    nextAttemptAt: maybeDate(row.nextAttemptAt),
    externalId: row.externalId,
    url: row.url,
    lastError: row.lastError,
    sendingAt: maybeDate(row.sendingAt),
    publishedAt: maybeDate(row.publishedAt),
    createdAt: date(row.createdAt),
    updatedAt: date(row.updatedAt),
  };
}

export function toAuditEntry(row: typeof schema.auditLog.$inferSelect): AuditEntry {
  return {
    id: row.id,
    at: date(row.at),
    platform: row.platform as ChatPlatform,
    actorId: row.actorId,
    actorLabel: row.actorLabel,
    action: row.action,
    postId: row.postId,
    revisionId: row.revisionId,
    details: parse<Record<string, unknown>>(row.details) ?? {},
  };
}

export const parseReference = (text: string | null) => parse<Record<string, unknown>>(text);

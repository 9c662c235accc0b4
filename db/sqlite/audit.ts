/** The append-only audit log: written in the same transaction as the change it records. */
import { and, asc, gt, gte, lt } from 'drizzle-orm';
import type { AuditEntry } from '../../src/domain/audit.js';
import type { AuditQuery, NewAuditEntry } from '../store.js';
import type { Db } from './context.js';
import { ms, toAuditEntry } from './rows.js';
import * as schema from './schema.js';
import type { Statements } from './statements.js';

/** Greenlight itself, as the actor of what the scheduler does. */
export const SYSTEM = { platform: 'system' as const, actorId: null, actorLabel: 'Greenlight' };

/** Callers run it inside a write; `postId` and `revisionId` are the defaults an entry may override. */
export function insertAudit(q: Statements, entries: NewAuditEntry[], at: Date, postId: number | null, revisionId: number | null): void {
  for (const e of entries) {
    q.insertAudit.run({
      at: ms(at),
      platform: e.platform,
      actorId: e.actorId,
      actorLabel: e.actorLabel,
      action: e.action,
      postId: e.postId === undefined ? postId : e.postId,
      revisionId: e.revisionId === undefined ? revisionId : e.revisionId,
      details: e.details ? JSON.stringify(e.details) : '{}',
    });
  }
}

export function listAudit(db: Db, query: AuditQuery): AuditEntry[] {
  const conditions = [];
  if (query.since) conditions.push(gte(schema.auditLog.at, ms(query.since)));
  if (query.until) conditions.push(lt(schema.auditLog.at, ms(query.until)));
  if (query.afterId !== undefined) conditions.push(gt(schema.auditLog.id, query.afterId));
  return db
    .select()
    .from(schema.auditLog)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(asc(schema.auditLog.id))
    .limit(query.limit ?? 1000)
    .all()
    .map(toAuditEntry);
}

import type { ChatPlatform } from './post.js';

/** One line of the append-only audit log: who did what to which revision, when, from where. */
export interface AuditEntry {
  id: number;
  at: Date;
  platform: ChatPlatform;
  actorId: number | null;
  /** Display name and chat id at the time, so the log stays readable if people change. */
  actorLabel: string;
  action: string;
  postId: number | null;
  revisionId: number | null;
  details: Record<string, unknown>;
}

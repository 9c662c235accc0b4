import type { ChatPlatform, Person } from './post.js';

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

/** How a person is named in the audit log: "Ann Lee (slack:U0123)". */
export const actorLabel = (person: Person): string => `${person.displayName} (${person.platform}:${person.platformUserId})`;

import type { ChatPlatform, Person } from '../domain/post.js';

/** Who may decide. Each chat platform knows its own approvers. */
export interface ApproverDirectory {
  isApprover(person: Pick<Person, 'platform' | 'platformUserId'>): Promise<boolean>;
}

/** Approvers listed by id per platform (user ids, emails …), as configured. */
export function listedApprovers(lists: Partial<Record<ChatPlatform, readonly string[]>>): ApproverDirectory {
  const sets = new Map(Object.entries(lists).map(([platform, ids]) => [platform, new Set(ids.map((id) => id.toLowerCase()))] as const));
  return {
    async isApprover(person) {
      return sets.get(person.platform)?.has(person.platformUserId.toLowerCase()) ?? false;
    },
  };
}

/** Routes each person to their own platform's directory (Slack resolves user groups, Teams its ids). */
export function approversByPlatform(directories: Partial<Record<ChatPlatform, ApproverDirectory>>): ApproverDirectory {
  return {
    async isApprover(person) {
      return (await directories[person.platform]?.isApprover(person)) ?? false;
    },
  };
}

import type { Person } from '../../domain/post.js';
import type { ApproverDirectory } from '../../workflows/approvers.js';

/**
 * TEAMS_APPROVERS: AAD object ids and/or emails. A person is an approver when their object id
 * or their email (as Teams last gave it, at most a minute old) is listed.
 */
export class TeamsApproverDirectory implements ApproverDirectory {
  readonly #listed: ReadonlySet<string>;

  constructor(approvers: readonly string[]) {
    this.#listed = new Set(approvers.map((a) => a.toLowerCase()));
  }

  async isApprover(person: Person): Promise<boolean> {
    if (person.platform !== 'teams') return false;
    return this.#listed.has(person.platformUserId.toLowerCase()) || (!!person.email && this.#listed.has(person.email.toLowerCase()));
  }

  /** Everyone listed (object ids and emails), for looking their Teams user ids up. */
  get listed(): readonly string[] {
    return [...this.#listed];
  }
}

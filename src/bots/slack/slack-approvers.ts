import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Clock } from '../../domain/clock.js';
import type { Logger } from '../../observability/logger.js';
import type { ApproverDirectory } from '../../workflows/approvers.js';

const GroupUsers = z.object({ users: z.array(z.string()) });

/** Membership changes rarely; a short expiry keeps a removed approver out within a minute. */
const GROUP_TTL_MS = 60_000;

/**
 * SLACK_APPROVERS: user ids (U…/W…) and user-group ids (S…). Groups are resolved with
 * usergroups.users.list and cached briefly. If a group cannot be read, its members are not
 * approvers (refusing is the safe side) and the failure is logged.
 */
export class SlackApproverDirectory implements ApproverDirectory {
  readonly #users: Set<string>;
  readonly #groups: string[];
  readonly #cache = new Map<string, { members: Set<string>; until: number }>();

  constructor(
    private readonly client: WebClient,
    approvers: readonly string[],
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.#users = new Set(approvers.filter((id) => !id.startsWith('S')));
    this.#groups = approvers.filter((id) => id.startsWith('S'));
  }

  async isApprover(person: { platform: string; platformUserId: string }): Promise<boolean> {
    if (person.platform !== 'slack') return false;
    if (this.#users.has(person.platformUserId)) return true;
    for (const group of this.#groups) {
      if ((await this.#members(group)).has(person.platformUserId)) return true;
    }
    return false;
  }

  async #members(group: string): Promise<Set<string>> {
    const now = this.clock.now().getTime();
    const cached = this.#cache.get(group);
    if (cached && cached.until > now) return cached.members;
    try {
      const { users } = GroupUsers.parse(await this.client.usergroups.users.list({ usergroup: group }));
      const members = new Set(users);
      this.#cache.set(group, { members, until: now + GROUP_TTL_MS });
      return members;
    } catch (error) {
      this.logger.error('could not read an approver user group; its members cannot approve until it can be read', { group, error });
      return cached?.members ?? new Set();
    }
  }
}

import { botAccountId, personalChatId, teamsUserId } from './ids.js';

/**
 * Who exists in the fake tenant: the bot, the people (with the profile fields the Teams roster
 * API returns), and the teams with their channels. Shared by the fake connector and the
 * activity builders so both describe the same people with the same ids.
 */

export interface SeedTeamsUser {
  /** The stable identity Greenlight keys people by. */
  aadObjectId: string;
  name: string;
  /** Defaults to the UPN. Teams' member lookups accept the UPN, not the email, when they differ. */
  email?: string;
  /** Defaults to `firstname@{tenant domain}`. */
  userPrincipalName?: string;
  givenName?: string;
  surname?: string;
  /** IANA zone the person's Teams client reports as `localTimezone`. */
  timezone?: string;
}

export interface SeedChannel {
  /** `19:…@thread.tacv2`. */
  id: string;
  /** Teams reports no name for a team's General channel; leave it out for that one. */
  name?: string;
}

export interface SeedTeam {
  /** A team's id is its General channel's id. */
  id: string;
  name: string;
  aadGroupId: string;
  /** General first; its id must equal the team id. Defaults to the General channel alone. */
  channels?: SeedChannel[];
  /** AAD object ids of the members; defaults to every user. */
  members?: string[];
}

export interface TeamsDirectoryOptions {
  /** The bot's Microsoft App ID (also what per-bot ids are derived from). */
  appId?: string;
  tenantId?: string;
  /** Shown in mentions (`<at>Greenlight</at>`). */
  botName?: string;
  tenantDomain?: string;
  users?: SeedTeamsUser[];
  teams?: SeedTeam[];
}

export interface TeamsUser {
  /** The per-bot `29:…` id Teams puts in `from.id`. */
  id: string;
  aadObjectId: string;
  name: string;
  email: string;
  userPrincipalName: string;
  givenName: string;
  surname: string;
  timezone: string;
}

export interface TeamsChannel {
  id: string;
  name: string | undefined;
  teamId: string;
}

export interface TeamsTeam {
  id: string;
  name: string;
  aadGroupId: string;
  channels: TeamsChannel[];
  memberAadObjectIds: string[];
}

const GENERAL = '19:5d1f0c3b7a2e4e0f9c8b6a4d2e1f3a5b@thread.tacv2';

export const TEAMS_DEFAULTS = {
  appId: '4c8a1e2f-9b3d-4f6a-8e7c-1d2b3a4c5e6f',
  tenantId: '2f7c9e1a-3b5d-4c8e-9a1f-6e4d2c0b8a7e',
  tenantDomain: 'contoso.com',
  botName: 'Greenlight',
  users: [
    { aadObjectId: 'a3c1e5f7-2b4d-4e6f-8a1c-3e5f7a9b1d20', name: 'Ann Author', timezone: 'Europe/Berlin' },
    { aadObjectId: 'b4d2f6a8-3c5e-4f7a-9b2d-4f6a8b0c2e31', name: 'Alice Approver', timezone: 'America/New_York' },
    // Bob's sign-in name is not his email, as for many accounts made before the company's domain.
    {
      aadObjectId: 'c5e3a7b9-4d6f-4a8b-8c3e-5a7b9c1d3f42',
      name: 'Bob Approver',
      email: 'Bob.Approver@contoso.com',
      userPrincipalName: 'bob@contoso.onmicrosoft.com',
      timezone: 'UTC',
    },
    { aadObjectId: 'd6f4b8c0-5e7a-4b9c-9d4f-6b8c0d2e4a53', name: 'Carol Manager', timezone: 'Asia/Tokyo' },
    { aadObjectId: 'e7a5c9d1-6f8b-4cad-8e5a-7c9d1e3f5b64', name: 'Mallory', timezone: 'UTC' },
  ] satisfies SeedTeamsUser[],
  teams: [
    {
      id: GENERAL,
      name: 'Marketing',
      aadGroupId: 'f8b6d0e2-7a9c-4dbe-9f6b-8d0e2f4a6c75',
      channels: [
        { id: GENERAL },
        { id: '19:8e2a4c6d0b1f4a3c9e7d5b3a1c9e7f20@thread.tacv2', name: 'Approvals' },
        { id: '19:1b3d5f7a9c0e4b2d8f6a4c2e0b8d6f31@thread.tacv2', name: 'Digest' },
      ],
    },
  ] satisfies SeedTeam[],
} as const;

export class TeamsDirectory {
  readonly appId: string;
  readonly tenantId: string;
  readonly tenantDomain: string;
  readonly bot: { readonly id: string; readonly name: string };
  readonly users: readonly TeamsUser[];
  readonly teams: readonly TeamsTeam[];

  constructor(options: TeamsDirectoryOptions = {}) {
    this.appId = options.appId ?? TEAMS_DEFAULTS.appId;
    this.tenantId = options.tenantId ?? TEAMS_DEFAULTS.tenantId;
    this.tenantDomain = options.tenantDomain ?? TEAMS_DEFAULTS.tenantDomain;
    this.bot = { id: botAccountId(this.appId), name: options.botName ?? TEAMS_DEFAULTS.botName };
    this.users = (options.users ?? TEAMS_DEFAULTS.users).map((seed) => this.resolveUser(seed));
    const teams: readonly SeedTeam[] = options.teams ?? TEAMS_DEFAULTS.teams;
    this.teams = teams.map((seed) => ({
      id: seed.id,
      name: seed.name,
      aadGroupId: seed.aadGroupId,
      channels: (seed.channels ?? [{ id: seed.id }]).map((c) => ({ id: c.id, name: c.name, teamId: seed.id })),
      memberAadObjectIds: seed.members ?? this.users.map((u) => u.aadObjectId),
    }));
    for (const team of this.teams) {
      if (team.channels[0]?.id !== team.id)
        throw new Error(`team ${team.name}: the first channel must be General, whose id is the team id`);
    }
  }

  /** A person by `29:` id, AAD object id or UPN (case-insensitive), as Teams' member lookup accepts. */
  findUser(key: string): TeamsUser | undefined {
    const k = key.toLowerCase();
    return this.users.find((u) => u.id === key || u.aadObjectId.toLowerCase() === k || u.userPrincipalName.toLowerCase() === k);
  }

  /** Like findUser, also by display name (for tests), and throws when nobody matches. */
  user(key: string): TeamsUser {
    const user = this.findUser(key) ?? this.users.find((u) => u.name === key);
    if (!user) throw new Error(`no user ${key} in the fake tenant`);
    return user;
  }

  personalChatId(user: TeamsUser | string): string {
    const person = typeof user === 'string' ? this.user(user) : user;
    return personalChatId(this.appId, person.aadObjectId);
  }

  /** A channel by id or name (`General` finds a team's General channel). */
  channel(key: string): TeamsChannel {
    for (const team of this.teams) {
      const found = team.channels.find((c) => c.id === key || c.name === key || (key === 'General' && c.id === team.id));
      if (found) return found;
    }
    throw new Error(`no channel ${key} in the fake tenant`);
  }

  findChannel(id: string): TeamsChannel | undefined {
    for (const team of this.teams) {
      const found = team.channels.find((c) => c.id === id);
      if (found) return found;
    }
    return undefined;
  }

  team(id: string): TeamsTeam | undefined {
    return this.teams.find((t) => t.id === id);
  }

  /** The personal chat (`a:1…`) this id belongs to, with its one human member. */
  personalChatOwner(conversationId: string): TeamsUser | undefined {
    return this.users.find((u) => this.personalChatId(u) === conversationId);
  }

  private resolveUser(seed: SeedTeamsUser): TeamsUser {
    const [givenName = seed.name, ...rest] = seed.name.split(' ');
    const upn = seed.userPrincipalName ?? `${givenName.toLowerCase()}@${this.tenantDomain}`;
    return {
      id: teamsUserId(this.appId, seed.aadObjectId),
      aadObjectId: seed.aadObjectId,
      name: seed.name,
      email: seed.email ?? upn,
      userPrincipalName: upn,
      givenName: seed.givenName ?? givenName,
      surname: seed.surname ?? rest.join(' '),
      timezone: seed.timezone ?? 'UTC',
    };
  }
}

/**
 * The workspace the playground starts with: an author, two approvers (one named, one through
 * the @managers user group), a colleague who is not an approver, each in their own time zone,
 * and the channels Greenlight uses.
 */
import type { SeedUser } from './slack-emulator/index.js';

export type Role = 'author' | 'approver' | 'approver through @managers' | 'colleague';

export interface PlaygroundPerson extends SeedUser {
  id: string;
  realName: string;
  tz: string;
  role: Role;
}

export const MANAGERS_GROUP = { id: 'S0MANAGERS', handle: 'managers' };

export const SEEDED_PEOPLE: PlaygroundPerson[] = [
  { id: 'U0ANN', realName: 'Ann Author', displayName: 'ann', tz: 'Europe/Berlin', role: 'author', email: 'ann@example.com' },
  { id: 'U0ALICE', realName: 'Alice Approver', displayName: 'alice', tz: 'America/New_York', role: 'approver', email: 'alice@example.com' },
  {
    id: 'U0CAROL',
    realName: 'Carol Manager',
    displayName: 'carol',
    tz: 'Asia/Tokyo',
    role: 'approver through @managers',
    email: 'carol@example.com',
  },
  { id: 'U0COLIN', realName: 'Colin Colleague', displayName: 'colin', tz: 'Europe/London', role: 'colleague', email: 'colin@example.com' },
];

export const CHANNELS = [
  { id: 'C0GENERAL', name: 'general' },
  { id: 'C0APPROVALS', name: 'social-approvals' },
  { id: 'C0DIGEST', name: 'social-digest' },
] as const;

export const APPROVALS_CHANNEL = 'C0APPROVALS';
export const DIGEST_CHANNEL = 'C0DIGEST';
/** SLACK_APPROVERS as a team would write it: one person and one user group. */
export const APPROVERS = ['U0ALICE', MANAGERS_GROUP.id];

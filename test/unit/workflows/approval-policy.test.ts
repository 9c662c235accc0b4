import { describe, expect, it } from 'vitest';
import type { Refusal } from '../../../db/store.js';
import type { Decision, DecisionKind, Person, PostAggregate, PostStatus } from '../../../src/domain/post.js';
import { evaluateDecision, remainingApprovals, type ApprovalPolicy, type DecisionCommand } from '../../../src/workflows/approval-policy.js';

const now = new Date('2026-03-02T09:00:00Z');
const person = (id: number, name: string): Person => ({
  id,
  platform: 'slack',
  platformUserId: `U${id}`,
  displayName: name,
  timezone: 'Europe/Berlin',
});
const author = person(1, 'Ann Author');
const alice = person(2, 'Alice Approver');
const bob = person(3, 'Bob Approver');

function post(
  overrides: { status?: PostStatus; decisions?: Decision[]; publishAt?: Date | null; revisionId?: number } = {},
): PostAggregate {
  const revisionId = overrides.revisionId ?? 11;
  return {
    post: {
      id: 7,
      status: overrides.status ?? 'pending',
      authorId: author.id,
      currentRevisionId: revisionId,
      publishAt: overrides.publishAt === undefined ? new Date('2026-03-03T09:00:00Z') : overrides.publishAt,
      publishZone: 'Europe/Berlin',
      originPlatform: 'slack',
      remindedFor: null,
      createdAt: now,
      updatedAt: now,
    },
    revision: {
      id: revisionId,
      postId: 7,
      number: revisionId - 9,
      text: 'Spring sale',
      networks: ['x', 'sandbox'],
      mediaUrl: null,
      images: [],
      variants: {},
      video: null,
      youtube: null,
      contentHash: 'abc',
      authorId: author.id,
      aiAssisted: false,
      createdAt: now,
    },
    author,
    decisions: overrides.decisions ?? [],
    publications: [],
  };
}

const decision = (approver: Person, kind: DecisionKind, revisionId = 11): Decision => ({
  id: Math.floor(Math.random() * 1e6),
  postId: 7,
  revisionId,
  approver,
  kind,
  comment: null,
  platform: 'slack',
  createdAt: now,
});

const command = (overrides: Partial<DecisionCommand> = {}): DecisionCommand => ({
  kind: 'approve',
  revisionId: 11,
  comment: null,
  actor: alice,
  actorIsApprover: true,
  platform: 'slack',
  now,
  ...overrides,
});

const one: ApprovalPolicy = { requiredApprovals: 1, allowSelfApproval: false };
const two: ApprovalPolicy = { requiredApprovals: 2, allowSelfApproval: false };

function refusal(result: ReturnType<typeof evaluateDecision>): Refusal {
  if (!('refused' in result)) throw new Error(`expected a refusal, got ${result.outcome}`);
  return result;
}
function accepted(result: ReturnType<typeof evaluateDecision>) {
  if ('refused' in result) throw new Error(`expected acceptance, got refusal: ${result.refused}`);
  return result;
}

describe('approval policy', () => {
  it('refuses a decision from another chat than the one the post was drafted in', () => {
    const fromTeams = refusal(evaluateDecision(post(), command({ platform: 'teams' }), one));
    expect(fromTeams.code).toBe('other_chat');
    expect(fromTeams.refused).toBe('post #7 is reviewed in Slack, where it was drafted: decide it there.');
    accepted(evaluateDecision(post(), command({ platform: 'slack' }), one));
  });

  it('approves with one approval: status, decision bound to the revision, one publication per network at the publish time, audit', () => {
    const { change, outcome } = accepted(evaluateDecision(post(), command(), one));
    expect(outcome).toBe('approved');
    expect(change.status).toBe('approved');
    expect(change.decision).toEqual({ revisionId: 11, approver: alice, kind: 'approve', comment: null, platform: 'slack' });
    expect(change.createPublications).toEqual([
      { network: 'x', revisionId: 11, dueAt: new Date('2026-03-03T09:00:00Z') },
      { network: 'sandbox', revisionId: 11, dueAt: new Date('2026-03-03T09:00:00Z') },
    ]);
    expect(change.audit.map((a) => a.action)).toEqual(['decision.approve', 'post.approved']);
    expect(change.audit[0]!.details).toMatchObject({ revision: 2, contentHash: 'abc' });
  });

  it('schedules "as soon as approved" posts for the moment of approval', () => {
    const { change } = accepted(evaluateDecision(post({ publishAt: null }), command(), one));
    expect(change.createPublications!.every((p) => p.dueAt.getTime() === now.getTime())).toBe(true);
  });

  it('needs REQUIRED_APPROVALS distinct approvers: the first approval is recorded, the second approves', () => {
    const first = accepted(evaluateDecision(post(), command(), two));
    expect(first.outcome).toBe('approval_recorded');
    expect(first.change.status).toBeUndefined();
    expect(first.change.createPublications).toBeUndefined();
    expect(remainingApprovals(post(), two)).toBe(2);

    const afterFirst = post({ decisions: [decision(alice, 'approve')] });
    expect(remainingApprovals(afterFirst, two)).toBe(1);
    const second = accepted(evaluateDecision(afterFirst, command({ actor: bob }), two));
    expect(second.outcome).toBe('approved');
    expect(second.change.status).toBe('approved');
  });

  it('does not count approvals of an earlier revision', () => {
    const p = post({ revisionId: 12, decisions: [decision(alice, 'approve', 11)] });
    expect(remainingApprovals(p, two)).toBe(2);
    const result = accepted(evaluateDecision(p, command({ actor: bob, revisionId: 12 }), two));
    expect(result.outcome).toBe('approval_recorded');
  });

  it('rejects and requests changes, keeping the comment', () => {
    const rejected = accepted(evaluateDecision(post(), command({ kind: 'reject', comment: ' Off-brand ' }), one));
    expect(rejected.outcome).toBe('rejected');
    expect(rejected.change.status).toBe('rejected');
    expect(rejected.change.decision!.comment).toBe('Off-brand');
    expect(rejected.change.createPublications).toBeUndefined();

    const changes = accepted(evaluateDecision(post(), command({ kind: 'request_changes', comment: 'Add the date' }), one));
    expect(changes.outcome).toBe('changes_requested');
    expect(changes.change.status).toBe('changes_requested');
    expect(changes.change.audit.map((a) => a.action)).toEqual(['decision.request_changes', 'post.changes_requested']);
  });

  it('refuses a non-approver', () => {
    const r = refusal(evaluateDecision(post(), command({ actorIsApprover: false }), one));
    expect(r.code).toBe('not_approver');
    expect(r.refused).toContain('Only approvers');
  });

  it('refuses the author approving their own post, and reviewing it', () => {
    const self = { ...author };
    expect(refusal(evaluateDecision(post(), command({ actor: self }), one)).code).toBe('own_post');
    const r = refusal(evaluateDecision(post(), command({ actor: self, kind: 'reject' }), one));
    expect(r.code).toBe('own_post');
    expect(r.refused).toContain('cancel it instead');
  });

  it('lets an approver approve their own post only with ALLOW_SELF_APPROVAL', () => {
    const result = accepted(evaluateDecision(post(), command({ actor: author }), { requiredApprovals: 1, allowSelfApproval: true }));
    expect(result.outcome).toBe('approved');
    // Self-rejection is still not a review: the author cancels instead.
    expect(
      refusal(evaluateDecision(post(), command({ actor: author, kind: 'reject' }), { requiredApprovals: 1, allowSelfApproval: true })).code,
    ).toBe('own_post');
  });

  it('refuses a decision on an outdated revision', () => {
    const r = refusal(evaluateDecision(post({ revisionId: 12 }), command({ revisionId: 11 }), one));
    expect(r.code).toBe('outdated_revision');
    expect(r.refused).toContain('revision 3');
  });

  it('refuses a repeated click by the same approver, saying what is still needed', () => {
    const p = post({ decisions: [decision(alice, 'approve')] });
    const r = refusal(evaluateDecision(p, command(), two));
    expect(r.code).toBe('already_decided');
    expect(r.refused).toContain('already approved');
    expect(r.refused).toContain('1 more approval');
    expect(refusal(evaluateDecision(p, command({ kind: 'reject' }), two)).code).toBe('already_decided');
  });

  it.each(['approved', 'rejected', 'changes_requested', 'cancelled', 'expired', 'published', 'draft'] as const)(
    'refuses any decision on a post that is %s',
    (status) => {
      const decided = status === 'approved' || status === 'rejected' || status === 'changes_requested';
      const p = post({
        status,
        decisions: decided ? [decision(bob, status === 'approved' ? 'approve' : status === 'rejected' ? 'reject' : 'request_changes')] : [],
      });
      const r = refusal(evaluateDecision(p, command(), one));
      expect(r.code).toBe('not_pending');
      if (decided) expect(r.refused).toContain('Bob Approver');
    },
  );

  it('refuses to approve a post whose publish time has passed (no late publishing without a fresh decision)', () => {
    const r = refusal(evaluateDecision(post({ publishAt: new Date('2026-03-02T08:59:00Z') }), command(), one));
    expect(r.code).toBe('time_passed');
    expect(r.refused).toContain('Mon 2 Mar 2026, 09:59 CET');
  });

  it('requires a comment when asking for changes', () => {
    expect(refusal(evaluateDecision(post(), command({ kind: 'request_changes', comment: '  ' }), one)).code).toBe('comment_required');
    expect(refusal(evaluateDecision(post(), command({ kind: 'request_changes', comment: '\u200B\u0000\uFEFF' }), one)).code).toBe(
      'comment_required',
    );
    const kept = accepted(evaluateDecision(post(), command({ kind: 'reject', comment: 'No\u0000 thanks' }), one));
    expect(kept.change.decision!.comment).toBe('No thanks');
  });

  it('checks who decides before anything else, so a non-approver learns nothing about the post', () => {
    const r = refusal(evaluateDecision(post({ status: 'rejected' }), command({ actorIsApprover: false }), one));
    expect(r.code).toBe('not_approver');
  });
});

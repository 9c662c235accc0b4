import { describe, expect, it } from 'vitest';
import { POST_STATUSES, type PostStatus } from '../../../src/domain/post.js';
import { canMove, EDITABLE, FINAL } from '../../../src/workflows/post-lifecycle.js';

const allowed: Array<[PostStatus, PostStatus]> = [
  ['draft', 'pending'],
  ['draft', 'draft'], // an edit of an unsubmitted draft
  ['draft', 'cancelled'],
  ['pending', 'approved'],
  ['pending', 'changes_requested'],
  ['pending', 'rejected'],
  ['pending', 'cancelled'],
  ['pending', 'expired'],
  ['pending', 'pending'], // an edit while waiting: new revision, still pending
  ['changes_requested', 'pending'],
  ['changes_requested', 'cancelled'],
  ['approved', 'published'],
  ['approved', 'pending'],
  ['approved', 'cancelled'],
  ['expired', 'approved'],
  ['expired', 'pending'],
  ['expired', 'cancelled'],
];

describe('post lifecycle', () => {
  it.each(allowed)('allows %s → %s', (from, to) => {
    expect(canMove(from, to)).toBe(true);
  });

  it('refuses every move not listed, including any way out of a final state', () => {
    const listed = new Set(allowed.map(([a, b]) => `${a}>${b}`));
    for (const from of POST_STATUSES) {
      for (const to of POST_STATUSES) {
        if (!listed.has(`${from}>${to}`)) expect(canMove(from, to), `${from} → ${to}`).toBe(false);
      }
    }
    for (const from of FINAL) expect(POST_STATUSES.filter((to) => canMove(from, to))).toEqual([]);
  });

  it('lets authors edit only what has not been decided for good', () => {
    expect([...EDITABLE].sort()).toEqual(['approved', 'changes_requested', 'draft', 'expired', 'pending']);
    for (const status of FINAL) expect(EDITABLE).not.toContain(status);
  });
});

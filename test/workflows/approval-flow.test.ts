import { afterEach, describe, expect, it } from 'vitest';
import { workflowHarness, type Harness } from '../support/workflow-harness.js';

let h: Harness;
afterEach(async () => h?.close());

async function submitted(harness: Harness, overrides = {}) {
  const author = await harness.person('U_AUTHOR', 'Ann Author');
  const result = await harness.gl.submitDraft(author, harness.draft(overrides));
  if (!result.ok) throw new Error(JSON.stringify(result));
  return { author, post: result.post };
}

describe('approval workflow over SQLite', () => {
  it('submits a draft: pending, revision 1, audited, approvers told', async () => {
    h = await workflowHarness();
    const { post, author } = await submitted(h);
    expect(post.post.status).toBe('pending');
    expect(post.revision.number).toBe(1);
    expect(h.events.map((e) => e.type)).toEqual(['post.submitted']);
    const audit = await h.store.listAudit({});
    expect(audit).toEqual([
      expect.objectContaining({ action: 'post.submitted', actorId: author.id, platform: 'slack', postId: post.post.id }),
    ]);
  });

  it('stores nothing and tells nobody when the draft is invalid', async () => {
    h = await workflowHarness();
    const author = await h.person('U_AUTHOR');
    const result = await h.gl.submitDraft(author, h.draft({ text: '', networks: [] }));
    expect(result).toEqual({ ok: false, errors: { text: 'Write the text of the post.', networks: 'Choose at least one network.' } });
    expect(await h.store.listPosts({})).toEqual([]);
    expect(await h.store.listAudit({})).toEqual([]);
    expect(h.events).toEqual([]);
  });

  it('runs the whole story: refused non-approver and self-approval, changes requested, edit, approval', async () => {
    h = await workflowHarness();
    const { author, post } = await submitted(h);
    const alice = await h.person('U_APPROVER1', 'Alice');
    const mallory = await h.person('U_MALLORY', 'Mallory');
    const id = post.post.id;

    const stranger = await h.gl.decide(mallory, { postId: id, revisionId: post.revision.id, kind: 'approve' });
    expect(stranger).toMatchObject({ ok: false, refusal: { code: 'not_approver' } });
    const self = await h.gl.decide(author, { postId: id, revisionId: post.revision.id, kind: 'approve' });
    expect(self).toMatchObject({ ok: false, refusal: { code: 'not_approver' } });
    expect((await h.store.getPost(id))!.decisions).toEqual([]);

    const changes = await h.gl.decide(alice, {
      postId: id,
      revisionId: post.revision.id,
      kind: 'request_changes',
      comment: 'Mention the date',
    });
    expect(changes).toMatchObject({ ok: true, outcome: 'changes_requested' });

    const revised = await h.gl.reviseDraft(author, id, post.revision.id, h.draft({ text: 'Our spring sale starts Monday 9 March!' }));
    if (!revised.ok) throw new Error('revise refused');
    expect(revised.post.post.status).toBe('pending');
    expect(revised.post.revision.number).toBe(2);

    const stale = await h.gl.decide(alice, { postId: id, revisionId: post.revision.id, kind: 'approve' });
    expect(stale).toMatchObject({ ok: false, refusal: { code: 'outdated_revision' } });

    const approved = await h.gl.decide(alice, { postId: id, revisionId: revised.post.revision.id, kind: 'approve' });
    expect(approved).toMatchObject({ ok: true, outcome: 'approved', remainingApprovals: 0 });
    if (!approved.ok) return;
    expect(approved.post.post.status).toBe('approved');
    expect(approved.post.publications).toEqual([
      expect.objectContaining({
        network: 'sandbox',
        status: 'scheduled',
        revisionId: revised.post.revision.id,
        dueAt: post.post.publishAt,
      }),
    ]);

    expect(h.events.map((e) => e.type)).toEqual(['post.submitted', 'post.decided', 'post.revised', 'post.decided']);
    const actions = (await h.store.listAudit({})).map((e) => e.action);
    expect(actions).toEqual([
      'post.submitted',
      'decision.request_changes',
      'post.changes_requested',
      'post.revised',
      'decision.approve',
      'post.approved',
    ]);
  });

  it('resets approvals when the author edits: REQUIRED_APPROVALS=2 needs two fresh approvals on the new revision', async () => {
    h = await workflowHarness({ requiredApprovals: 2 });
    const { author, post } = await submitted(h);
    const alice = await h.person('U_APPROVER1');
    const bob = await h.person('U_APPROVER2');
    const first = await h.gl.decide(alice, { postId: post.post.id, revisionId: post.revision.id, kind: 'approve' });
    expect(first).toMatchObject({ ok: true, outcome: 'approval_recorded', remainingApprovals: 1 });

    const revised = await h.gl.reviseDraft(author, post.post.id, null, h.draft({ text: 'Edited' }));
    if (!revised.ok) throw new Error('refused');
    const r2 = revised.post.revision.id;
    expect(await h.gl.decide(bob, { postId: post.post.id, revisionId: r2, kind: 'approve' })).toMatchObject({
      outcome: 'approval_recorded',
    });
    const second = await h.gl.decide(alice, { postId: post.post.id, revisionId: r2, kind: 'approve' });
    expect(second).toMatchObject({ ok: true, outcome: 'approved' });
    const again = await h.gl.decide(bob, { postId: post.post.id, revisionId: r2, kind: 'approve' });
    expect(again).toMatchObject({ ok: false, refusal: { code: 'not_pending' } });
  });

  it('an edit after approval (before publishing) cancels the scheduled publications and needs approval again', async () => {
    h = await workflowHarness();
    const { author, post } = await submitted(h, { networks: ['sandbox', 'x'] });
    const alice = await h.person('U_APPROVER1');
    await h.gl.decide(alice, { postId: post.post.id, revisionId: post.revision.id, kind: 'approve' });
    const revised = await h.gl.reviseDraft(author, post.post.id, null, h.draft({ text: 'Changed after approval', networks: ['x'] }));
    if (!revised.ok) throw new Error('refused');
    expect(revised.post.post.status).toBe('pending');
    expect(revised.post.publications.map((p) => [p.network, p.status])).toEqual([
      ['sandbox', 'cancelled'],
      ['x', 'cancelled'],
    ]);
    const approved = await h.gl.decide(alice, { postId: post.post.id, revisionId: revised.post.revision.id, kind: 'approve' });
    if (!approved.ok) throw new Error('refused');
    expect(approved.post.publications.map((p) => [p.network, p.status, p.revisionId])).toEqual([
      ['sandbox', 'cancelled', post.revision.id],
      ['x', 'scheduled', revised.post.revision.id],
    ]);
  });

  it('refuses edits by others, from a stale dialog, without changes, and once decided for good', async () => {
    h = await workflowHarness();
    const { author, post } = await submitted(h);
    const other = await h.person('U_OTHER');
    const alice = await h.person('U_APPROVER1');
    expect(await h.gl.reviseDraft(other, post.post.id, null, h.draft({ text: 'Mine now' }))).toMatchObject({
      ok: false,
      refusal: { code: 'not_author' },
    });
    expect(await h.gl.reviseDraft(author, post.post.id, null, h.draft())).toMatchObject({ ok: false, refusal: { code: 'unchanged' } });
    const r2 = await h.gl.reviseDraft(author, post.post.id, post.revision.id, h.draft({ text: 'Second' }));
    expect(r2.ok).toBe(true);
    expect(await h.gl.reviseDraft(author, post.post.id, post.revision.id, h.draft({ text: 'Third' }))).toMatchObject({
      ok: false,
      refusal: { code: 'outdated_revision' },
    });
    expect(await h.gl.reviseDraft(author, post.post.id, null, h.draft({ text: '' }))).toMatchObject({
      ok: false,
      errors: { text: 'Write the text of the post.' },
    });

    const current = (await h.store.getPost(post.post.id))!;
    await h.gl.decide(alice, { postId: post.post.id, revisionId: current.revision.id, kind: 'reject', comment: 'No' });
    expect(await h.gl.reviseDraft(author, post.post.id, null, h.draft({ text: 'Please?' }))).toMatchObject({
      ok: false,
      refusal: { code: 'not_editable' },
    });
    expect((await h.store.getPost(post.post.id))!.revision.number).toBe(2);
  });

  it('lets the author or an approver cancel, nobody else', async () => {
    h = await workflowHarness();
    const { author, post } = await submitted(h);
    const other = await h.person('U_OTHER');
    expect(await h.gl.cancel(other, post.post.id)).toMatchObject({ ok: false, refusal: { code: 'not_allowed' } });
    const cancelled = await h.gl.cancel(author, post.post.id);
    expect(cancelled).toMatchObject({ ok: true, post: { post: { status: 'cancelled' } } });
    expect(await h.gl.cancel(author, post.post.id)).toMatchObject({ ok: false, refusal: { code: 'not_cancellable' } });

    const second = await submitted(h);
    const alice = await h.person('U_APPROVER1');
    expect(await h.gl.cancel(alice, second.post.post.id)).toMatchObject({ ok: true });
    expect(h.events.filter((e) => e.type === 'post.cancelled')).toHaveLength(2);
  });

  it('refuses a decision on a post that does not exist', async () => {
    h = await workflowHarness();
    const alice = await h.person('U_APPROVER1');
    expect(await h.gl.decide(alice, { postId: 42, revisionId: 1, kind: 'approve' })).toEqual({
      ok: false,
      refusal: { code: 'not_found', refused: 'There is no post #42.' },
    });
  });

  it('refuses approval once the publish time has passed while waiting', async () => {
    h = await workflowHarness();
    const { post } = await submitted(h);
    const alice = await h.person('U_APPROVER1');
    h.clock.advance(25 * 3600_000);
    expect(await h.gl.decide(alice, { postId: post.post.id, revisionId: post.revision.id, kind: 'approve' })).toMatchObject({
      ok: false,
      refusal: { code: 'time_passed' },
    });
    expect((await h.store.getPost(post.post.id))!.publications).toEqual([]);
  });

  it('shows each person their queue: authors their own posts, approvers everything waiting and scheduled', async () => {
    h = await workflowHarness();
    const { author, post: first } = await submitted(h);
    const later = await submitted(h, { publishAt: new Date(h.clock.now().getTime() + 48 * 3600_000) });
    const soon = await submitted(h, { publishAt: new Date(h.clock.now().getTime() + 2 * 3600_000) });
    const alice = await h.person('U_APPROVER1');
    await h.gl.decide(alice, { postId: later.post.post.id, revisionId: later.post.revision.id, kind: 'approve' });
    await h.gl.decide(alice, { postId: soon.post.post.id, revisionId: soon.post.revision.id, kind: 'approve' });

    const mine = await h.gl.queue(author);
    expect(mine.isApprover).toBe(false);
    expect(mine.pending).toEqual([]);
    expect(mine.mine.map((p) => p.post.id)).toEqual([soon.post.post.id, later.post.post.id, first.post.id]);
    expect(mine.scheduled.map((p) => p.post.id)).toEqual([soon.post.post.id, later.post.post.id]);

    const approver = await h.gl.queue(alice);
    expect(approver.isApprover).toBe(true);
    expect(approver.pending.map((p) => p.post.id)).toEqual([first.post.id]);
    expect(approver.scheduled.map((p) => p.post.id)).toEqual([soon.post.post.id, later.post.post.id]);
  });
});

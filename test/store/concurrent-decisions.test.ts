import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { workflowHarness, type Harness } from '../support/workflow-harness.js';

const run = promisify(execFile);
const worker = new URL('../support/decide-worker.ts', import.meta.url).pathname;

let h: Harness;
afterEach(async () => h?.close());

// The workers use the real clock, so drafts here publish "as soon as approved".
/** Two processes, each with its own connection to the same SQLite file, click at the same instant. */
async function clickTogether(postId: number, revisionId: number, clicks: Array<[string, string]>, required: number) {
  const goAt = Date.now() + 2500; // time for both processes to start and open the database
  const results = await Promise.all(
    clicks.map(([user, kind]) =>
      run(process.execPath, [
        '--import',
        'tsx',
        worker,
        h.dbFile,
        String(postId),
        String(revisionId),
        user,
        kind,
        String(required),
        String(goAt),
      ]),
    ),
  );
  return results.map((r) => JSON.parse(r.stdout) as { ok: boolean; outcome?: string; code?: string });
}

describe('two approvers deciding at the same moment from two processes', () => {
  it('approve vs reject: exactly one wins, the other is refused, and the post is consistent', async () => {
    h = await workflowHarness();
    const author = await h.person('U_AUTHOR');
    const created = await h.gl.submitDraft(author, h.draft({ publishAt: null }));
    if (!created.ok) throw new Error('submit failed');
    const { post, revision } = created.post;
    const results = await clickTogether(
      post.id,
      revision.id,
      [
        ['U_APPROVER1', 'approve'],
        ['U_APPROVER2', 'reject'],
      ],
      1,
    );

    const winners = results.filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, code: 'not_pending' }]);
    const after = (await h.store.getPost(post.id))!;
    expect(after.decisions).toHaveLength(1);
    expect(after.post.status).toBe(winners[0]!.outcome === 'approved' ? 'approved' : 'rejected');
    expect(after.publications).toHaveLength(winners[0]!.outcome === 'approved' ? 1 : 0);
  });

  it('REQUIRED_APPROVALS=2, both approve at once: one approval recorded, one completes it, publications created once', async () => {
    h = await workflowHarness({ requiredApprovals: 2 });
    const author = await h.person('U_AUTHOR');
    const created = await h.gl.submitDraft(author, h.draft({ networks: ['sandbox', 'x'], publishAt: null }));
    if (!created.ok) throw new Error('submit failed');
    const { post, revision } = created.post;
    const results = await clickTogether(
      post.id,
      revision.id,
      [
        ['U_APPROVER1', 'approve'],
        ['U_APPROVER2', 'approve'],
      ],
      2,
    );

    expect(results.map((r) => r.outcome).sort()).toEqual(['approval_recorded', 'approved']);
    const after = (await h.store.getPost(post.id))!;
    expect(after.post.status).toBe('approved');
    expect(after.decisions.map((d) => d.approver.platformUserId).sort()).toEqual(['U_APPROVER1', 'U_APPROVER2']);
    expect(after.publications.map((p) => p.network)).toEqual(['sandbox', 'x']);
    expect((await h.store.listAudit({})).filter((e) => e.action === 'post.approved')).toHaveLength(1);
  });

  it('the same approver double-clicking from two processes gives one decision', async () => {
    h = await workflowHarness({ requiredApprovals: 2 });
    const author = await h.person('U_AUTHOR');
    const created = await h.gl.submitDraft(author, h.draft({ publishAt: null }));
    if (!created.ok) throw new Error('submit failed');
    const { post, revision } = created.post;
    const results = await clickTogether(
      post.id,
      revision.id,
      [
        ['U_APPROVER1', 'approve'],
        ['U_APPROVER1', 'approve'],
      ],
      2,
    );
    expect(results.map((r) => r.outcome ?? r.code).sort()).toEqual(['already_decided', 'approval_recorded']);
    expect((await h.store.getPost(post.id))!.decisions).toHaveLength(1);
  });
});

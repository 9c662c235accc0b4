import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { exportAudit } from '../../src/workflows/audit-export.js';
import { workflowHarness, type Harness } from '../support/workflow-harness.js';
import { BUILT_AUDIT } from '../support/built.js';

const run = promisify(execFile);

let h: Harness;
afterEach(async () => h?.close());

async function story(harness: Harness) {
  const author = await harness.person('U_AUTHOR', '=SUM(1) "Ann"');
  const alice = await harness.person('U_APPROVER1', 'Alice');
  const created = await harness.gl.submitDraft(author, harness.draft());
  if (!created.ok) throw new Error('submit');
  harness.clock.advance(3600_000);
  await harness.gl.decide(alice, {
    postId: created.post.post.id,
    revisionId: created.post.revision.id,
    kind: 'request_changes',
    comment: '=HYPERLINK("http://evil")',
  });
  return created.post;
}

describe('audit export', () => {
  it('writes CSV with a header, quoting, and a name that looks like a spreadsheet formula neutralised', async () => {
    h = await workflowHarness();
    const post = await story(h);
    let out = '';
    const count = await exportAudit(h.store, { format: 'csv', pageSize: 1 }, (c) => void (out += c));
    expect(count).toBe(3);
    const lines = out.trimEnd().split('\r\n');
    expect(lines[0]).toBe('id,at,platform,actor_id,actor,action,post_id,revision_id,details');
    expect(lines[1]).toMatch(
      new RegExp(
        `^1,2026-03-02T09:00:00.000Z,slack,\\d+,"'=SUM\\(1\\) ""Ann"" \\(slack:U_AUTHOR\\)",post.submitted,${post.post.id},${post.revision.id},`,
      ),
    );
    expect(lines[2]).toContain('decision.request_changes');
    expect(lines[2]).toContain('2026-03-02T10:00:00.000Z');
  });

  it('writes JSON lines with the full details, and honours a date range', async () => {
    h = await workflowHarness();
    await story(h);
    let out = '';
    await exportAudit(h.store, { format: 'jsonl', since: new Date('2026-03-02T09:30:00Z') }, (c) => void (out += c));
    const entries = out
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(entries.map((e) => e.action)).toEqual(['decision.request_changes', 'post.changes_requested']);
    expect(entries[0]).toMatchObject({
      platform: 'slack',
      at: '2026-03-02T10:00:00.000Z',
      details: { comment: '=HYPERLINK("http://evil")', revision: 1 },
    });
  });

  it('is what `npm run audit` prints, from the database DATABASE_URL names', async () => {
    h = await workflowHarness();
    await story(h);
    const env = { ...process.env, DATABASE_URL: `file:${h.dbFile}` };
    const csv = await run(process.execPath, [BUILT_AUDIT, '--since', '2026-03-02', '--until', '2026-03-03'], { env });
    expect(csv.stdout.trimEnd().split('\r\n')).toHaveLength(4);
    const jsonl = await run(process.execPath, [BUILT_AUDIT, '--format', 'jsonl', '--since', '2026-03-03'], { env });
    expect(jsonl.stdout).toBe('');
    await expect(run(process.execPath, [BUILT_AUDIT, '--format', 'xml'], { env })).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('--format: must be csv or jsonl'),
    });
    await expect(run(process.execPath, [BUILT_AUDIT, '--since', 'yesterday'], { env })).rejects.toMatchObject({
      stderr: expect.stringContaining('--since: "yesterday" is not a date'),
    });
  });
});

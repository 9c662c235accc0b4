import { afterEach, describe, expect, it } from 'vitest';
import { startMastodonFake, type MastodonFake } from '../fakes/mastodon/server.js';
import { startXFake, type XFake } from '../fakes/x/server.js';
import { eventually, startGreenlightProcess, type GreenlightProcess } from '../support/greenlight-process.js';
import { workflowHarness, type Harness } from '../support/workflow-harness.js';

const TOKEN = 'mastodon-test-token-123456';
let h: Harness;
let fake: MastodonFake;
let xFake: XFake | undefined;
const processes: GreenlightProcess[] = [];

afterEach(async () => {
  await Promise.all(processes.splice(0).map((p) => p.stop('SIGKILL')));
  await fake?.close();
  await xFake?.close();
  xFake = undefined;
  await h?.close();
});

/** Approved posts (Mastodon unless told) in the shared database, due at `dueAt` (real time). */
async function approvedPosts(count: number, dueAt: Date | null, networks: Array<'mastodon' | 'x'> = ['mastodon']): Promise<number[]> {
  h.clock.set(Date.now());
  const author = await h.person('U_AUTHOR', 'Author');
  const approver = await h.person('U_APPROVER1', 'Approver');
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    const created = await h.gl.submitDraft(author, h.draft({ text: `Post ${i} for everyone`, networks, publishAt: dueAt }));
    if (!created.ok) throw new Error(JSON.stringify(created));
    const decided = await h.gl.decide(approver, { postId: created.post.post.id, revisionId: created.post.revision.id, kind: 'approve' });
    if (!decided.ok) throw new Error(decided.refusal.refused);
    ids.push(created.post.post.id);
  }
  return ids;
}

const env = (extra: Record<string, string> = {}) => ({
  DATABASE_URL: `file:${h.dbFile}`,
  MASTODON_URL: fake.url,
  MASTODON_ACCESS_TOKEN: TOKEN,
  LOG_LEVEL: 'info',
  ...extra,
});
const statusPosts = () => fake.server.requestsTo('POST', '/api/v1/statuses');
const publicationStatuses = async (ids: number[]) =>
  (await Promise.all(ids.map((id) => h.store.getPost(id)))).map((p) => p!.publications[0]!.status);

describe('Greenlight processes sharing one database', () => {
  it('two processes on one SQLite file send every publication exactly once', async () => {
    h = await workflowHarness();
    fake = await startMastodonFake({ accessToken: TOKEN });
    const ids = await approvedPosts(30, new Date(Date.now() + 5000));
    processes.push(await startGreenlightProcess(env()), await startGreenlightProcess(env()));
    await eventually(async () => (await publicationStatuses(ids)).every((s) => s === 'published'), 30_000, 'all published');

    expect(statusPosts()).toHaveLength(30);
    expect(new Set(statusPosts().map((r) => r.headers['idempotency-key'])).size).toBe(30);
    expect(fake.statuses.size).toBe(30);
    expect(new Set([...fake.statuses.values()].map((s) => s.text)).size).toBe(30);
    expect((await h.store.listAudit({})).filter((a) => a.action === 'publication.published')).toHaveLength(30);
    for (const p of processes) expect(await p.stop()).toBe(0);
  });

  it('a process killed while X holds its request is not resent after restart: it needs attention', async () => {
    h = await workflowHarness();
    fake = await startMastodonFake({ accessToken: TOKEN });
    xFake = await startXFake();
    xFake.failNext({ method: 'POST', path: '/2/tweets' }, { kind: 'hang' });
    const [id] = await approvedPosts(1, null, ['x']);
    const xEnv = env({ PUBLISH_LEASE_SECONDS: '2', X_ACCESS_TOKEN: xFake.token, X_API_URL: xFake.url });
    const first = await startGreenlightProcess(xEnv);
    processes.push(first);
    const tweets = () => xFake!.requestsTo('POST', '/2/tweets');
    await eventually(() => tweets().length === 1, 15_000, 'the publish request to reach the network');
    first.child.kill('SIGKILL');
    await first.exited;
    const claimed = (await h.store.getPost(id!))!.publications[0]!;
    expect(claimed).toMatchObject({ status: 'publishing', sendingAt: expect.any(Date) });

    const second = await startGreenlightProcess(xEnv);
    processes.push(second);
    await eventually(async () => (await publicationStatuses([id!]))[0] === 'needs_attention', 15_000, 'needs_attention');
    const publication = (await h.store.getPost(id!))!.publications[0]!;
    expect(publication.lastError).toContain('Greenlight stopped while this was being published');
    expect(publication.sendingAt).toEqual(claimed.sendingAt);
    // A graceful stop waits for everything in flight: after it, nothing more can be sent.
    expect(await second.stop()).toBe(0);
    expect(tweets()).toHaveLength(1);
  });

  it('a process killed while Mastodon holds its request: the restart repeats it with the same Idempotency-Key, one status', async () => {
    h = await workflowHarness();
    fake = await startMastodonFake({ accessToken: TOKEN });
    // The request arrives and Mastodon acts on it, but its answer never comes back.
    fake.server.failNext({ method: 'POST', path: '/api/v1/statuses' }, { kind: 'lose-answer' });
    const [id] = await approvedPosts(1, null);
    const first = await startGreenlightProcess(env({ PUBLISH_LEASE_SECONDS: '2' }));
    processes.push(first);
    await eventually(() => statusPosts().length === 1, 15_000, 'the publish request to reach the network');
    first.child.kill('SIGKILL');
    await first.exited;
    expect(fake.statuses.size).toBe(1);
    expect(await publicationStatuses([id!])).toEqual(['publishing']);

    const second = await startGreenlightProcess(env({ PUBLISH_LEASE_SECONDS: '2' }));
    processes.push(second);
    await eventually(async () => (await publicationStatuses([id!]))[0] === 'published', 15_000, 'published');
    expect(statusPosts()).toHaveLength(2);
    expect(new Set(statusPosts().map((r) => r.headers['idempotency-key']))).toEqual(
      new Set([`greenlight-publication-${(await h.store.getPost(id!))!.publications[0]!.id}`]),
    );
    expect(fake.statuses.size).toBe(1);
    const audit = (await h.store.listAudit({})).map((a) => a.action);
    expect(audit).toContain('publication.resumed');
    expect(audit).not.toContain('publication.needs_attention');
    expect(await second.stop()).toBe(0);
  });
});

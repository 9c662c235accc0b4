import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../db/sqlite/store.js';
import { migrateSqlite } from '../../db/sqlite/connection.js';
import type { NewPost } from '../../db/store.js';
import type { Person, PostAggregate } from '../../src/domain/post.js';
import { tempDir } from '../support/temp-db.js';

const at = new Date('2026-03-02T09:00:00Z');
let tmp: ReturnType<typeof tempDir>;
let store: SqliteStore;
let author: Person;
let approver: Person;

const newPost = (overrides: Partial<NewPost> = {}): NewPost => ({
  at,
  author,
  status: 'pending',
  publishAt: new Date('2026-03-03T09:00:00Z'),
  publishZone: 'Europe/Berlin',
  originPlatform: 'slack',
  revision: { text: 'Hello', networks: ['sandbox', 'x'], mediaUrl: null, contentHash: 'h1', aiAssisted: false },
  audit: [{ platform: 'slack', actorId: author.id, actorLabel: 'Ann', action: 'post.submitted' }],
  ...overrides,
});

beforeEach(async () => {
  tmp = tempDir();
  store = SqliteStore.open(tmp.file());
  author = await store.upsertPerson({ platform: 'slack', platformUserId: 'U1', displayName: 'Ann', timezone: 'Europe/Berlin' }, at);
  approver = await store.upsertPerson({ platform: 'slack', platformUserId: 'U2', displayName: 'Alice' }, at);
});
afterEach(async () => {
  await store.close();
  tmp.cleanup();
});

describe('SQLite store', () => {
  it('opens with WAL, foreign keys and a busy timeout, and re-running migrations applies nothing', () => {
    expect(store.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(migrateSqlite(store.sqlite)).toBe(0);
    const tables = store.sqlite.prepare("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name").pluck().all();
    expect(tables).toEqual(
      expect.arrayContaining([
        'people',
        'posts',
        'revisions',
        'decisions',
        'publications',
        'metric_snapshots',
        'chat_messages',
        'audit_log',
      ]),
    );
  });

  it('upserts people by platform id, keeping the zone unless told otherwise', async () => {
    const again = await store.upsertPerson({ platform: 'slack', platformUserId: 'U1', displayName: 'Ann B.' }, at);
    expect(again).toEqual({ ...author, displayName: 'Ann B.' });
    const moved = await store.upsertPerson({ platform: 'slack', platformUserId: 'U1', displayName: 'Ann B.', timezone: 'Asia/Tokyo' }, at);
    expect(moved.timezone).toBe('Asia/Tokyo');
    expect(await store.findPerson('slack', 'U1')).toEqual(moved);
    expect(await store.findPerson('teams', 'U1')).toBeUndefined();
    expect(await store.getPerson(approver.id)).toEqual(approver);
  });

  it('creates a post with revision 1 and its audit entry in one go', async () => {
    const post = await store.createPost(newPost());
    expect(post.post).toMatchObject({
      status: 'pending',
      authorId: author.id,
      publishZone: 'Europe/Berlin',
      currentRevisionId: post.revision.id,
    });
    expect(post.post.publishAt).toEqual(new Date('2026-03-03T09:00:00Z'));
    expect(post.revision).toMatchObject({ number: 1, text: 'Hello', networks: ['sandbox', 'x'], contentHash: 'h1', aiAssisted: false });
    expect(post.author).toEqual(author);
    const audit = await store.listAudit({});
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'post.submitted', postId: post.post.id, revisionId: post.revision.id, actorId: author.id });
    expect(await store.getPost(post.post.id)).toEqual(post);
    expect(await store.getPost(999)).toBeUndefined();
  });

  it('applies a change atomically and returns the post before and after', async () => {
    const { post } = await store.createPost(newPost());
    const result = await store.updatePost(post.id, (p) => ({
      at,
      status: 'approved',
      decision: { revisionId: p.revision.id, approver, kind: 'approve', comment: null, platform: 'slack' },
      createPublications: p.revision.networks.map((network) => ({ network, revisionId: p.revision.id, dueAt: p.post.publishAt! })),
      audit: [{ platform: 'slack', actorId: approver.id, actorLabel: 'Alice', action: 'decision.approve' }],
    }));
    if (!result.ok) throw new Error(result.refusal.refused);
    expect(result.before.post.status).toBe('pending');
    expect(result.after.post.status).toBe('approved');
    expect(result.after.decisions).toHaveLength(1);
    expect(result.after.decisions[0]!.approver).toEqual(approver);
    expect(result.after.publications.map((p) => [p.network, p.status, p.attempts])).toEqual([
      ['sandbox', 'scheduled', 0],
      ['x', 'scheduled', 0],
    ]);
    expect(await store.nextDuePublication()).toMatchObject({ postId: post.id, dueAt: new Date('2026-03-03T09:00:00Z') });
    // The store builds `after` without reading it back: it must be exactly what a read gives.
    expect(await store.getPost(post.id)).toEqual(result.after);
  });

  it('changes nothing when the decide function refuses', async () => {
    const created = await store.createPost(newPost());
    const result = await store.updatePost(created.post.id, () => ({ code: 'nope', refused: 'No.' }));
    expect(result).toEqual({ ok: false, refusal: { code: 'nope', refused: 'No.' }, post: created });
    expect(await store.getPost(created.post.id)).toEqual(created);
    expect(await store.listAudit({})).toHaveLength(1);
  });

  it('refuses an update of a post that does not exist', async () => {
    const result = await store.updatePost(404, () => {
      throw new Error('must not be called');
    });
    expect(result).toEqual({ ok: false, refusal: { code: 'not_found', refused: 'There is no post #404.' } });
  });

  it('rolls everything back when a write inside the change fails', async () => {
    const { post, revision } = await store.createPost(newPost());
    const decision = { revisionId: revision.id, approver, kind: 'approve' as const, comment: null, platform: 'slack' as const };
    await store.updatePost(post.id, () => ({ at, decision, audit: [] }));
    // Same approver, same revision: the unique index refuses, and the status change with it.
    await expect(
      store.updatePost(post.id, () => ({
        at,
        status: 'approved',
        decision,
        audit: [{ platform: 'slack', actorId: null, actorLabel: 'x', action: 'y' }],
      })),
    ).rejects.toThrow(/UNIQUE/);
    const after = await store.getPost(post.id);
    expect(after!.post.status).toBe('pending');
    expect(after!.decisions).toHaveLength(1);
    expect(await store.listAudit({})).toHaveLength(1);
  });

  it('undoes only the unit that failed when writes asked for together commit as one group', async () => {
    const [a, b] = await Promise.all([store.createPost(newPost()), store.createPost(newPost())]);
    const decision = (revisionId: number) => ({
      revisionId,
      approver,
      kind: 'approve' as const,
      comment: null,
      platform: 'slack' as const,
    });
    await store.updatePost(a.post.id, () => ({ at, decision: decision(a.revision.id), audit: [] }));
    const audited = (action: string) => [{ platform: 'slack' as const, actorId: null, actorLabel: 'x', action }];
    // Asked for in one turn of the event loop, so all three join one commit; the middle one
    // breaks the unique index after it has already changed the post's status.
    const results = await Promise.allSettled([
      store.createPost(newPost()),
      store.updatePost(a.post.id, () => ({ at, status: 'approved', decision: decision(a.revision.id), audit: audited('fails') })),
      store.updatePost(b.post.id, () => ({ at, status: 'approved', decision: decision(b.revision.id), audit: audited('works') })),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await store.getPost(a.post.id))!.post.status).toBe('pending');
    expect((await store.getPost(b.post.id))!.post.status).toBe('approved');
    const created = (results[0] as PromiseFulfilledResult<PostAggregate>).value;
    expect(await store.getPost(created.post.id)).toEqual(created);
    expect((await store.listAudit({})).map((e) => e.action)).toEqual(['post.submitted', 'post.submitted', 'post.submitted', 'works']);
  });

  it('returns after a change exactly what a fresh read finds: new post, decision, new publications', async () => {
    const created = await store.createPost(newPost());
    expect(await store.getPost(created.post.id)).toEqual(created);
    const result = await store.updatePost(created.post.id, (post) => ({
      at,
      status: 'approved',
      decision: { revisionId: post.revision.id, approver, kind: 'approve', comment: 'Fine', platform: 'slack' },
      createPublications: [
        { network: 'x', revisionId: post.revision.id, dueAt: new Date('2026-03-03T09:00:00Z') },
        { network: 'sandbox', revisionId: post.revision.id, dueAt: new Date('2026-03-03T09:00:00Z') },
      ],
      audit: [],
    }));
    if (!result.ok) throw new Error('refused');
    expect(result.after.publications.map((p) => p.network)).toEqual(['x', 'sandbox']);
    expect(await store.getPost(created.post.id)).toEqual(result.after);
  });

  it('appends a new revision and points the post at it; audit defaults to that revision', async () => {
    const created = await store.createPost(newPost());
    const result = await store.updatePost(created.post.id, () => ({
      at,
      revision: {
        text: 'Hello!',
        networks: ['x'],
        mediaUrl: 'https://e.com/a.png',
        contentHash: 'h2',
        authorId: author.id,
        aiAssisted: true,
      },
      audit: [{ platform: 'slack', actorId: author.id, actorLabel: 'Ann', action: 'post.revised' }],
    }));
    if (!result.ok) throw new Error('refused');
    expect(result.after.revision).toMatchObject({ number: 2, text: 'Hello!', contentHash: 'h2', aiAssisted: true });
    expect(result.after.post.currentRevisionId).toBe(result.after.revision.id);
    expect(await store.getPost(created.post.id)).toEqual(result.after);
    const audit = await store.listAudit({});
    expect(audit.at(-1)).toMatchObject({ action: 'post.revised', revisionId: result.after.revision.id });
  });

  it('keeps one publication per (post, network) for ever: a cancelled one is revived, a live one is never duplicated', async () => {
    const { post, revision } = await store.createPost(newPost());
    const create = (dueAt: Date) => ({ at, createPublications: [{ network: 'x' as const, revisionId: revision.id, dueAt }], audit: [] });
    await store.updatePost(post.id, () => create(new Date('2026-03-03T09:00:00Z')));
    await expect(store.updatePost(post.id, () => create(new Date('2026-03-04T09:00:00Z')))).rejects.toThrow(
      /already has a live x publication/,
    );
    await store.updatePost(post.id, () => ({ at, cancelScheduledPublications: true, audit: [] }));
    expect((await store.getPost(post.id))!.publications.map((p) => p.status)).toEqual(['cancelled']);
    const revived = await store.updatePost(post.id, () => create(new Date('2026-03-05T09:00:00Z')));
    if (!revived.ok) throw new Error('refused');
    expect(revived.after.publications).toHaveLength(1);
    expect(revived.after.publications[0]).toMatchObject({ status: 'scheduled', dueAt: new Date('2026-03-05T09:00:00Z') });
    expect(await store.getPost(post.id)).toEqual(revived.after);
  });

  it('lists posts by status and author, newest or oldest first', async () => {
    const a = await store.createPost(newPost());
    const b = await store.createPost(newPost({ author: approver }));
    const c = await store.createPost(newPost({ status: 'draft' }));
    expect((await store.listPosts({ statuses: ['pending'] })).map((p) => p.post.id)).toEqual([b.post.id, a.post.id]);
    expect((await store.listPosts({ statuses: ['pending'], oldestFirst: true })).map((p) => p.post.id)).toEqual([a.post.id, b.post.id]);
    expect((await store.listPosts({ authorId: author.id })).map((p) => p.post.id)).toEqual([c.post.id, a.post.id]);
    expect(await store.listPosts({ limit: 1 })).toHaveLength(1);
  });

  it('counts publications in any of the statuses asked for', async () => {
    const { post, revision } = await store.createPost(newPost());
    const dueAt = new Date('2026-03-03T09:00:00Z');
    await store.updatePost(post.id, () => ({
      at,
      createPublications: [
        { network: 'x', revisionId: revision.id, dueAt },
        { network: 'sandbox', revisionId: revision.id, dueAt },
      ],
      audit: [],
    }));
    const x = (await store.getPost(post.id))!.publications.find((p) => p.network === 'x')!;
    await store.updatePost(post.id, () => ({
      at,
      publicationChanges: [{ id: x.id, from: ['scheduled'], status: 'needs_attention' }],
      audit: [],
    }));
    expect(await store.countPublications(['needs_attention'])).toBe(1);
    expect(await store.countPublications(['scheduled', 'needs_attention'])).toBe(2);
    expect(await store.countPublications(['published'])).toBe(0);
    expect(await store.countPublications([])).toBe(0);
  });

  it('remembers which chat message shows which post, replacing on save', async () => {
    const { post } = await store.createPost(newPost());
    await store.saveChatMessage({ postId: post.id, platform: 'slack', purpose: 'approval_card', channelId: 'C1', messageId: '1.1' }, at);
    await store.saveChatMessage(
      { postId: post.id, platform: 'slack', purpose: 'approval_card', channelId: 'C1', messageId: '2.2', reference: { threadTs: '2.2' } },
      at,
    );
    expect(await store.getChatMessage(post.id, 'slack', 'approval_card')).toEqual({
      postId: post.id,
      platform: 'slack',
      purpose: 'approval_card',
      channelId: 'C1',
      messageId: '2.2',
      reference: { threadTs: '2.2' },
    });
    expect(await store.getChatMessage(post.id, 'teams', 'approval_card')).toBeUndefined();
  });

  it('keeps the audit log append-only: the database refuses updates and deletes', async () => {
    await store.appendAudit([{ platform: 'cli', actorId: null, actorLabel: 'ops', action: 'export' }], at);
    expect(() => store.sqlite.prepare("UPDATE audit_log SET action = 'forged'").run()).toThrow(/append-only/);
    expect(() => store.sqlite.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    expect((await store.listAudit({}))[0]!.action).toBe('export');
  });

  it('pages the audit log by time range and id', async () => {
    for (let i = 0; i < 5; i++) {
      await store.appendAudit([{ platform: 'cli', actorId: null, actorLabel: 'ops', action: `a${i}` }], new Date(Date.UTC(2026, 0, 1 + i)));
    }
    const range = await store.listAudit({ since: new Date('2026-01-02T00:00:00Z'), until: new Date('2026-01-04T00:00:00Z') });
    expect(range.map((e) => e.action)).toEqual(['a1', 'a2']);
    const page = await store.listAudit({ afterId: range[0]!.id, limit: 2 });
    expect(page.map((e) => e.action)).toEqual(['a2', 'a3']);
  });

  it('fails writes on a database that cannot grow (a full disk) with that cause, each of them', async () => {
    // SQLite undoes the whole transaction by itself on SQLITE_FULL, savepoints included.
    store.sqlite.pragma(`max_page_count = ${store.sqlite.pragma('page_count', { simple: true }) as number}`);
    const big = 'x'.repeat(3 * 4096);
    const writes = [
      store.createPost(newPost({ revision: { ...newPost().revision, text: big } })),
      store.appendAudit([{ platform: 'cli', actorId: null, actorLabel: 'ops', action: 'small' }], at),
    ];
    const results = await Promise.allSettled(writes);
    for (const result of results) expect(result).toMatchObject({ status: 'rejected', reason: { code: 'SQLITE_FULL' } });
  });

  it('remembers a request key once (even asked for at the same instant), forgets it on request and after ten minutes', async () => {
    const [first, again] = await Promise.all([store.rememberRequest('view:V1', at), store.rememberRequest('view:V1', at)]);
    expect([first, again]).toEqual([true, false]);
    expect(await store.rememberRequest('view:V1', new Date(at.getTime() + 9 * 60_000))).toBe(false);
    await store.forgetRequest('view:V1');
    expect(await store.rememberRequest('view:V1', at)).toBe(true);
    // Ten minutes on, the old key is gone: by then Slack refuses the request's signature anyway.
    const later = new Date(at.getTime() + 10 * 60_000 + 1);
    expect(await store.rememberRequest('action:U1:1.1', later)).toBe(true);
    expect(store.sqlite.prepare('SELECT key FROM seen_requests').pluck().all()).toEqual(['action:U1:1.1']);
  });

  it('answers ping, and not after close', async () => {
    expect(await store.ping()).toBe(true);
    await store.close();
    expect(await store.ping()).toBe(false);
  });
});

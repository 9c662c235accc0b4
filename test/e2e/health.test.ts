import { afterEach, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { ManualClock } from '../../src/domain/clock.js';
import { ManualTimers } from '../../src/domain/timers.js';
import { createMemoryLogger } from '../../src/observability/logger.js';
import { tempDir } from '../support/temp-db.js';

let app: RunningApp | undefined;
let tmp: ReturnType<typeof tempDir>;
afterEach(async () => {
  await app?.stop();
  tmp?.cleanup();
});

describe('GET /healthz', () => {
  it('says the database answers, the scheduler runs, and what is due next', async () => {
    tmp = tempDir();
    const clock = new ManualClock('2026-03-02T09:00:00Z');
    app = await startApp(loadConfig({ DATABASE_URL: `file:${tmp.file()}` }), {
      clock,
      timers: new ManualTimers(clock),
      logger: createMemoryLogger(),
      port: 0,
      host: '127.0.0.1',
    });
    const gl = app.greenlight;
    const author = await gl.identify({ platform: 'cli', platformUserId: 'author', displayName: 'Author' });
    const created = await gl.submitDraft(author, {
      text: 'Soon',
      networks: ['sandbox'],
      publishAt: new Date('2026-03-02T10:30:00Z'),
      timezone: 'UTC',
      mediaUrl: null,
    });
    if (!created.ok) throw new Error('submit failed');
    // Approve straight through the store-backed workflow (the CLI platform has no approvers configured).
    await app.store.updatePost(created.post.post.id, (post) => ({
      at: clock.now(),
      status: 'approved',
      createPublications: [{ network: 'sandbox', revisionId: post.revision.id, dueAt: post.post.publishAt! }],
      audit: [],
    }));
    const response = await fetch(`${app.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      ok: true,
      database: 'reachable',
      problems: [],
      checks: [{ name: 'chat outbox', ok: true, detail: 'no chat updates waiting' }],
      scheduler: 'running',
      nextDuePublication: { postId: created.post.post.id, network: 'sandbox', dueAt: '2026-03-02T10:30:00.000Z' },
    });
    expect((await fetch(`${app.url}/healthz`, { method: 'POST' })).status).toBe(405);
    await app.store.close();
    const down = await fetch(`${app.url}/healthz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ ok: false, database: 'unreachable' });
  });
});

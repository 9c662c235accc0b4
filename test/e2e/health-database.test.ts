/**
 * /healthz sees what Greenlight needs of its database, the way the probe broke it: a disk
 * that cannot take more data, a database that refuses writes, the data folder deleted or the
 * file replaced under a running process. Faults are made on the real connection and file;
 * nothing of ours is mocked.
 */
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { SqliteStore } from '../../db/sqlite/store.js';
import { startApp, type RunningApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { ManualClock } from '../../src/domain/clock.js';
import { ManualTimers } from '../../src/domain/timers.js';
import { createMemoryLogger } from '../../src/observability/logger.js';
import { tempDir } from '../support/temp-db.js';

let app: RunningApp | undefined;
let tmp: ReturnType<typeof tempDir> | undefined;
afterEach(async () => {
  await app?.stop().catch(() => undefined);
  app = undefined;
  tmp?.cleanup();
  tmp = undefined;
});

async function start(extra: Parameters<typeof startApp>[1] = {}) {
  tmp = tempDir();
  const dbFile = path.join(tmp.dir, 'data', 'greenlight.db');
  const clock = new ManualClock('2026-03-02T09:00:00Z');
  const timers = new ManualTimers(clock);
  const logger = createMemoryLogger();
  app = await startApp(loadConfig({ DATABASE_URL: `file:${dbFile}` }), { clock, timers, logger, port: 0, host: '127.0.0.1', ...extra });
  const sqlite: Database.Database = (app.store as SqliteStore).sqlite;
  return { app, dbFile, sqlite, logger, clock, timers };
}

async function health(running: RunningApp) {
  const response = await fetch(`${running.url}/healthz`);
  return {
    status: response.status,
    body: (await response.json()) as { ok: boolean; database: string; problems: string[]; checks: unknown[] },
  };
}

const draft = { text: 'Hello', networks: ['sandbox' as const], publishAt: null, timezone: 'UTC', mediaUrl: null };

describe('/healthz and the database', () => {
  it('answers 200 with no problems when the database takes writes', async () => {
    const { app } = await start();
    const { status, body } = await health(app);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      ok: true,
      database: 'reachable',
      problems: [],
      checks: [{ name: 'chat outbox', ok: true, detail: 'no chat updates waiting' }],
    });
  });

  it('answers 503 when the database cannot grow (a full disk), as every write then fails', async () => {
    const { app, sqlite } = await start();
    // The connection may not grow the file by a single page: what a full disk does to SQLite.
    const pages = sqlite.pragma('page_count', { simple: true }) as number;
    sqlite.pragma(`max_page_count = ${pages}`);
    const author = await app.greenlight.identify({ platform: 'cli', platformUserId: 'a', displayName: 'A' });
    // Writes go on while the pages in hand have room, then every one fails.
    let failure: unknown;
    for (let i = 0; i < 100 && !failure; i++) {
      failure = await app.greenlight.submitDraft(author, { ...draft, text: `Post ${i} ${'x'.repeat(1000)}` }).then(
        () => undefined,
        (error: unknown) => error,
      );
    }
    expect(String(failure)).toMatch(/database or disk is full/);

    const { status, body } = await health(app);
    expect(status).toBe(503);
    expect(body.ok).toBe(false);
    expect(body.database).toBe('failing');
    expect(body.problems.join('\n')).toMatch(/database or disk is full/);
  });

  it('answers 503 when the database refuses writes (a read-only file), and 200 again once it takes them', async () => {
    const { app, sqlite, logger } = await start();
    // query_only makes SQLite refuse writes with the very error a read-only file gives
    // (SQLITE_READONLY); file modes cannot be used here because tests may run as root.
    sqlite.pragma('query_only = 1');
    const down = await health(app);
    expect(down.status).toBe(503);
    expect(down.body.problems.join('\n')).toMatch(/cannot write.*readonly/);
    expect((await health(app)).status).toBe(503);
    expect(logger.lines.filter((l) => l.includes('ERROR [greenlight] database:'))).toEqual([expect.stringMatching(/readonly/)]);

    sqlite.pragma('query_only = 0');
    expect((await health(app)).status).toBe(200);
    expect(logger.lines.some((l) => l.includes('INFO') && l.includes('database is healthy again'))).toBe(true);
  });

  it('answers 503 and logs one error naming the file when the data folder is deleted under it', async () => {
    const { app, dbFile, logger } = await start();
    fs.rmSync(path.dirname(dbFile), { recursive: true });
    const first = await health(app);
    expect(first.status).toBe(503);
    expect(first.body.problems.join('\n')).toContain(`${dbFile} was deleted`);
    await health(app);
    const errors = logger.lines.filter((l) => l.includes('ERROR') && l.includes(dbFile));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('was deleted');
  });

  it('answers 503 when another file was put in its place', async () => {
    const { app, dbFile } = await start();
    fs.copyFileSync(dbFile, `${dbFile}.copy`);
    fs.renameSync(`${dbFile}.copy`, dbFile);
    const { status, body } = await health(app);
    expect(status).toBe(503);
    expect(body.problems.join('\n')).toContain(`${dbFile} was replaced`);
  });

  it('notices a deleted database on its own, without anyone asking /healthz', async () => {
    const { dbFile, logger, timers } = await start();
    fs.rmSync(dbFile);
    await timers.advance(60_000);
    expect(logger.lines.filter((l) => l.includes('ERROR') && l.includes(`${dbFile} was deleted`))).toHaveLength(1);
    await timers.advance(60_000);
    expect(logger.lines.filter((l) => l.includes('ERROR') && l.includes(`${dbFile} was deleted`))).toHaveLength(1);
  });
});

describe('/healthz with checks plugged in', () => {
  it('answers 503 naming a plugged-in check that fails or throws, and lists every check', async () => {
    tmp = tempDir();
    const { SqliteStore } = await import('../../db/sqlite/store.js');
    const { healthRoute } = await import('../../src/server/health.js');
    const { startHttpServer } = await import('../../src/server/http-server.js');
    const store = SqliteStore.open(tmp.file());
    let outboxOk = true;
    const server = await startHttpServer({
      port: 0,
      host: '127.0.0.1',
      logger: createMemoryLogger(),
      routes: {
        'GET /healthz': healthRoute({
          store,
          schedulerRunning: () => true,
          checks: [
            async () => ({ name: 'outbox', ok: outboxOk, detail: outboxOk ? '0 waiting' : '12 waiting, oldest 10 min' }),
            async () => {
              throw new Error('boom');
            },
          ],
        }),
      },
    });
    try {
      const first = await fetch(`${server.url}/healthz`);
      expect(first.status).toBe(503);
      const body = (await first.json()) as { checks: unknown[]; problems: string[] };
      expect(body.checks).toEqual([
        { name: 'outbox', ok: true, detail: '0 waiting' },
        { name: 'check 2', ok: false, detail: 'boom' },
      ]);
      expect(body.problems).toEqual(['check 2: boom']);
      outboxOk = false;
      const second = (await (await fetch(`${server.url}/healthz`)).json()) as { problems: string[] };
      expect(second.problems).toEqual(['outbox: 12 waiting, oldest 10 min', 'check 2: boom']);
    } finally {
      await server.close();
      await store.close();
    }
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../db/sqlite/store.js';
import { tempDir } from '../support/temp-db.js';

let store: SqliteStore | undefined;
let tmp: ReturnType<typeof tempDir> | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
  tmp?.cleanup();
  tmp = undefined;
});

const at = new Date('2026-03-02T09:00:00Z');
const meta = (s: SqliteStore) => s.sqlite.prepare('SELECT key FROM greenlight_meta').all();

describe('SqliteStore.health', () => {
  it('is ok for a writable database and leaves nothing of its probe behind', async () => {
    tmp = tempDir();
    store = SqliteStore.open(tmp.file());
    const before = meta(store);
    expect(await store.health()).toEqual({ ok: true, problems: [] });
    expect(meta(store)).toEqual(before);
  });

  it('is ok for an in-memory database (no file to watch)', async () => {
    store = SqliteStore.open(':memory:');
    expect(await store.health()).toEqual({ ok: true, problems: [] });
  });

  it('reports a disk with less free space than the database needs', async () => {
    tmp = tempDir();
    store = SqliteStore.open(tmp.file(), { minFreeBytes: Number.MAX_SAFE_INTEGER });
    const health = await store.health();
    expect(health.ok).toBe(false);
    expect(health.problems).toEqual([expect.stringMatching(new RegExp(`the disk holding ${tmp.file()} is full \\(\\d+ KiB free\\)`))]);
  });

  it('remembers a write that failed for a storage reason until a write commits again', async () => {
    tmp = tempDir();
    store = SqliteStore.open(tmp.file());
    store.sqlite.pragma('query_only = 1');
    await expect(
      store.appendAudit([{ platform: 'system', actorId: null, actorLabel: 'Greenlight', action: 'test' }], at),
    ).rejects.toMatchObject({ code: 'SQLITE_READONLY' });
    expect((await store.health()).problems).toEqual([expect.stringContaining('attempt to write a readonly database (SQLITE_READONLY)')]);
    store.sqlite.pragma('query_only = 0');
    expect(await store.health()).toEqual({ ok: true, problems: [] });
    expect(meta(store).some((r) => (r as { key: string }).key === 'health_probe')).toBe(false);
  });

  it('reports a closed database', async () => {
    tmp = tempDir();
    const closed = SqliteStore.open(tmp.file());
    await closed.close();
    expect(await closed.health()).toEqual({ ok: false, problems: ['the database is closed'] });
  });
});

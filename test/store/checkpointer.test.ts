import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startCheckpointer } from '../../db/sqlite/checkpointer.js';
import { SqliteStore } from '../../db/sqlite/store.js';
import { tempDir } from '../support/temp-db.js';

let tmp: ReturnType<typeof tempDir>;
afterEach(() => tmp?.cleanup());

const size = (file: string) => (fs.existsSync(file) ? fs.statSync(file).size : 0);

describe('WAL checkpoints off the event loop', () => {
  it('the main connection never checkpoints; a worker moves the WAL into the database; close leaves the WAL empty', async () => {
    tmp = tempDir();
    const file = tmp.file();
    const store = SqliteStore.open(file);
    expect(store.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const before = size(file);
    const at = new Date('2026-03-02T09:00:00Z');
    for (let i = 0; i < 40; i++) {
      await store.appendAudit(
        Array.from({ length: 50 }, (_, k) => ({
          platform: 'cli' as const,
          actorId: null,
          actorLabel: 'ops',
          action: `bulk ${i}.${k}`,
          details: { pad: 'x'.repeat(200) },
        })),
        at,
      );
    }
    expect(size(`${file}-wal`)).toBeGreaterThan(100_000);
    // The rows are in the WAL; the worker's next passive checkpoint copies them into the file.
    const deadline = Date.now() + 5000;
    while (size(file) <= before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(size(file)).toBeGreaterThan(before + 100_000);
    expect(await store.listAudit({ limit: 5000 })).toHaveLength(2000);
    await store.close();
    expect(size(`${file}-wal`)).toBe(0);
    const reopened = SqliteStore.open(file);
    expect(await reopened.listAudit({ limit: 5000 })).toHaveLength(2000);
    await reopened.close();
  });

  it('stopping a worker that already died (its folder was deleted before it opened the file) returns at once', async () => {
    tmp = tempDir();
    const file = tmp.file();
    fs.rmSync(tmp.dir, { recursive: true, force: true });
    let died!: (message: string) => void;
    const error = new Promise<string>((resolve) => (died = resolve));
    const checkpointer = startCheckpointer(file, { onError: (message) => died(message) });
    expect(await error).toMatch(/directory does not exist|unable to open/i);
    // Before, stop() waited for an 'exit' that had already happened: shutdown hung for good.
    await expect(checkpointer.stop()).resolves.toBeUndefined();
  });
});

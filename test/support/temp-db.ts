import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A fresh directory for one test's SQLite files, removed by `cleanup`. It sits one level down
 * in a directory of its own, because Greenlight writes a database's marker beside the folder
 * that holds it (see db/sqlite/marker.ts): the marker is removed with everything else.
 */
export function tempDir(prefix = 'greenlight-'): { dir: string; file: (name?: string) => string; cleanup: () => void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const dir = path.join(root, 'files');
  fs.mkdirSync(dir);
  return {
    dir,
    file: (name = 'greenlight.db') => path.join(dir, name),
    cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

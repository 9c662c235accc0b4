import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh directory for one test's SQLite files, removed by `cleanup`. */
export function tempDir(prefix = 'greenlight-'): { dir: string; file: (name?: string) => string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return {
    dir,
    file: (name = 'greenlight.db') => path.join(dir, name),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

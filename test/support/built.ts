/**
 * The compiled build, as `npm start`, `npm run backup` and `npm run audit` run it. Tests that
 * start Greenlight as a process run these files, so they test what operators deploy; the
 * suite's global setup (build-once.ts) builds them from the current sources first.
 */
import { fileURLToPath } from 'node:url';

const built = (file: string) => fileURLToPath(new URL(`../../dist/${file}`, import.meta.url));

export const BUILT_MAIN = built('main.js');
export const BUILT_BACKUP = built('backup.js');
export const BUILT_AUDIT = built('audit.js');

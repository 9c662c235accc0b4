/**
 * Vitest global setup: `npm run build` once before any test file runs, so the tests that start
 * Greenlight as a process run the compiled build of the sources as they are now (not one left
 * from an earlier `npm install`).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  execFileSync(process.execPath, [fileURLToPath(new URL('../../scripts/build.mjs', import.meta.url))], { stdio: 'inherit' });
}

/**
 * The process's entry point (`npm start` runs its build, dist/main.js; `npm run dev` runs it
 * through tsx). It turns on Node's
 * on-disk cache of compiled code where Node has one (22.1 and later; kept in the system's temp
 * folder, rebuilt by Node when missing or stale), then loads Greenlight (main.ts). Loaded
 * dynamically, not imported: a static import would be compiled before this module's first line
 * runs, with the cache still off.
 */
import nodeModule from 'node:module';

(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
const { runGreenlight } = await import('./main.js');
runGreenlight();

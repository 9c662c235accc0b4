/**
 * One Greenlight start-up, measured from inside a fresh process: the time from the start of
 * startApp until the scheduler has rebuilt its window, and resident memory after a GC.
 * Prints one JSON line. Usage: node --expose-gc --import tsx startup-probe.ts <db file>
 */
import { startApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';

const file = process.argv[2]!;
const before = process.memoryUsage().rss;
const start = performance.now();
const app = await startApp(loadConfig({ DATABASE_URL: `file:${file}` }), {
  logger: createLogger({ level: 'error' }),
  port: 0,
  host: '127.0.0.1',
});
await app.scheduler.idle();
const ms = performance.now() - start;
globalThis.gc?.();
const rss = process.memoryUsage().rss;
process.stdout.write(`${JSON.stringify({ ms, rss, rssBefore: before, timers: app.scheduler.timerCount })}\n`);
await app.stop();

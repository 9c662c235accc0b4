import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Moves SQLite's WAL checkpoints off the event loop. better-sqlite3 is synchronous: an
 * automatic checkpoint runs inside whichever commit crosses the threshold, and its fsyncs
 * stall every Slack acknowledgement waiting behind it. Here the main connection never
 * checkpoints (`wal_autocheckpoint = 0`); a worker thread with its own connection runs a
 * PASSIVE checkpoint every second, which copies what it can without taking the write lock.
 */
export interface Checkpointer {
  stop(): Promise<void>;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (error) { parentPort.postMessage({ error: String(error) }); }
}, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.postMessage('stopped');
});
`;

export function startCheckpointer(file: string, options: { intervalMs?: number; onError?: (message: string) => void } = {}): Checkpointer {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { file, intervalMs: options.intervalMs ?? 1000, module: createRequire(import.meta.url).resolve('better-sqlite3') },
  });
  worker.unref();
  worker.on('message', (message: unknown) => {
    if (message && typeof message === 'object' && 'error' in message) options.onError?.(String((message as { error: unknown }).error));
  });
  worker.on('error', (error) => options.onError?.(String(error)));
  // A worker that already died (it could not open the file: the folder was deleted first) sends
  // nothing and exits no more: waiting for it would hold shutdown forever.
  let exited = false;
  worker.once('exit', () => (exited = true));
  return {
    stop: () =>
      exited
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const done = () => resolve();
            worker.once('exit', done);
            // Not `once`: an error reported just before 'stop' arrived must not take its place.
            const stopped = (m: unknown) => {
              if (m !== 'stopped') return;
              worker.off('message', stopped);
              void worker.terminate().then(done, done);
            };
            worker.on('message', stopped);
            worker.postMessage('stop');
          }),
  };
}

/**
 * Driving the playground as its page does, over HTTP: Greenlight started as `npm start` starts
 * it with no chat configured, the page's POSTs, and waiting for what the page would see.
 */
import { expect } from 'vitest';
import { startApp, type RunningApp } from '../../src/app.js';
import { loadConfig, type Env } from '../../src/config.js';
import { createMemoryLogger } from '../../src/observability/logger.js';
import { tempDir } from './temp-db.js';

export interface PlaygroundApp {
  app: RunningApp;
  dir: string;
  /** POST /playground/api/{path} with a JSON body, as the page sends it. */
  post(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }>;
  stop(): Promise<void>;
}

/** Greenlight with the playground on (no chat configured), its database and media in a temp folder. */
export async function startPlaygroundApp(env: Env = {}): Promise<PlaygroundApp> {
  const tmp = tempDir();
  const app = await startApp(loadConfig({ DATABASE_URL: `file:${tmp.file()}`, MEDIA_DIR: `${tmp.dir}/media`, ...env }), {
    logger: createMemoryLogger('debug'),
    port: 0,
  });
  return {
    app,
    dir: tmp.dir,
    async post(path, body) {
      const res = await fetch(`${app.url}/playground/api/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    },
    async stop() {
      await app.stop();
      tmp.cleanup();
    },
  };
}

/** Reads until `ok` holds (the page is updated as things happen), failing with `what` after `ms`. */
export async function until<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  let value = await read();
  while (!ok(value) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 50));
    value = await read();
  }
  expect(ok(value), what).toBe(true);
  return value;
}

import type { Store } from '../../db/store.js';
import type { Route } from './http-server.js';
import { sendJson } from './http-server.js';

export interface HealthSources {
  store: Store;
  /** Whether the publishing scheduler is running; absent until a scheduler is started. */
  schedulerRunning: () => boolean;
}

/** GET /healthz: 200 when the database answers, 503 otherwise; JSON for humans and probes. */
export function healthRoute(sources: HealthSources): Route {
  return async (_req, res) => {
    const database = await sources.store.ping();
    const next = database ? await sources.store.nextDuePublication() : undefined;
    sendJson(res, database ? 200 : 503, {
      ok: database,
      database: database ? 'reachable' : 'unreachable',
      scheduler: sources.schedulerRunning() ? 'running' : 'stopped',
      nextDuePublication: next ? { postId: next.postId, network: next.network, dueAt: next.dueAt.toISOString() } : null,
    });
  };
}

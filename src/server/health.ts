import type { Store, StoreHealth } from '../../db/store.js';
import type { Route } from './http-server.js';
import { sendJson } from './http-server.js';

export interface HealthCheckResult {
  name: string;
  ok: boolean;
  /** What an operator reads: why it is not ok, or a short status when it is. */
  detail: string;
}

/** A check another part of Greenlight plugs into /healthz; it must answer promptly. */
export type HealthCheck = () => Promise<HealthCheckResult>;

export interface HealthSources {
  store: Store;
  /** Whether the publishing scheduler is running; absent until a scheduler is started. */
  schedulerRunning: () => boolean;
  /** The database's health (default: the store's own check); the app's logs what changes. */
  database?: () => Promise<StoreHealth>;
  /** More checks (the chat outbox, say): any that fails or throws makes /healthz 503. */
  checks?: readonly HealthCheck[];
}

async function runCheck(check: HealthCheck, index: number): Promise<HealthCheckResult> {
  try {
    return await check();
  } catch (error) {
    return { name: `check ${index + 1}`, ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * GET /healthz: 200 when Greenlight can do its work, 503 with the reasons when it cannot.
 * "The database answers" is not enough: a full disk or a read-only file still answers reads.
 */
export function healthRoute(sources: HealthSources): Route {
  const database = sources.database ?? (() => sources.store.health());
  return async (_req, res) => {
    const reachable = await sources.store.ping();
    const [db, checks] = await Promise.all([
      reachable ? database() : Promise.resolve({ ok: false, problems: ['the database does not answer'] }),
      Promise.all((sources.checks ?? []).map(runCheck)),
    ]);
    const next = reachable ? await sources.store.nextDuePublication().catch(() => undefined) : undefined;
    const problems = [...db.problems, ...checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`)];
    sendJson(res, problems.length ? 503 : 200, {
      ok: problems.length === 0,
      database: !reachable ? 'unreachable' : db.ok ? 'reachable' : 'failing',
      problems,
      checks,
      scheduler: sources.schedulerRunning() ? 'running' : 'stopped',
      nextDuePublication: next ? { postId: next.postId, network: next.network, dueAt: next.dueAt.toISOString() } : null,
    });
  };
}

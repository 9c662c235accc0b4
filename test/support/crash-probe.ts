/**
 * The crash probe from issue 11: a real Greenlight process publishing a burst of posts due
 * at one instant on X, Mastodon and Bluesky (local fakes that hold every post-creating
 * request for a while, as a slow network or a proxy would), killed with SIGKILL at a chosen
 * moment, then started again on the same database. What each trial reports is what an
 * approver would face afterwards: how many publications say "outcome unknown", how many of
 * those never reached the network at all, and whether any post went out twice.
 */
import Database from 'better-sqlite3';
import { SqliteStore } from '../../db/sqlite/store.js';
import { seedBurst } from '../../bench/support/burst.js';
import { startBlueskyFake, type BlueskyFake } from '../fakes/bluesky/server.js';
import { startMastodonFake, type MastodonFake } from '../fakes/mastodon/server.js';
import type { FakeRequest } from '../fakes/network/server.js';
import { startXFake, type XFake } from '../fakes/x/server.js';
import { eventually, startGreenlightProcess, type GreenlightProcess } from './greenlight-process.js';
import { tempDir } from './temp-db.js';

export const PROBE_NETWORKS = ['x', 'mastodon', 'bluesky'] as const;
export type ProbeNetwork = (typeof PROBE_NETWORKS)[number];

export interface NetworkTrial {
  /** Publications whose post-creating request reached the network (before or after the crash). */
  reached: number;
  /** Marked "outcome unknown" (needs_attention) once the restarted process recovered. */
  unknown: number;
  /** Of those, how many never reached the network: flagged for nothing. */
  unknownNeverReached: number;
  /** Publications the network now shows more than once. */
  duplicates: number;
  /** Publications whose create request reached the network twice (a resumed send). */
  sentTwice: number;
  published: number;
}

export type TrialResult = Record<ProbeNetwork, NetworkTrial>;

export interface TrialOptions {
  posts: number;
  /** When, after the first post reached a network, the first process is killed. */
  killAfterMs: number;
  /** How long each fake holds a post-creating request before it acts on it. */
  delayMs: number;
  leaseSeconds?: number;
  /** How long to watch the restarted process after it recovered the dead one's claims. */
  watchMs?: number;
}

const MASTODON_TOKEN = 'mastodon-probe-token-123456';
const BLUESKY = { handle: 'probe.bsky.social', password: 'abcd-efgh-ijkl-mnop' };
const CREATE_PATHS: Record<ProbeNetwork, string> = {
  x: '/2/tweets',
  mastodon: '/api/v1/statuses',
  bluesky: '/xrpc/com.atproto.repo.createRecord',
};

/** Which post ("Burst post i") a create request was for. */
function postIndexOf(network: ProbeNetwork, request: FakeRequest): number | undefined {
  const body = request.json as { text?: string; status?: string; record?: { text?: string } } | undefined;
  const text = network === 'x' ? body?.text : network === 'mastodon' ? body?.status : body?.record?.text;
  const match = /Burst post (\d+)/.exec(text ?? '');
  return match ? Number(match[1]) : undefined;
}

interface Fakes {
  x: XFake;
  mastodon: MastodonFake;
  bluesky: BlueskyFake;
}

/** Every post the network shows, as post indexes (one entry per post it holds). */
function shownPosts(fakes: Fakes, network: ProbeNetwork): number[] {
  const texts =
    network === 'x'
      ? fakes.x.tweets.map((t) => t.text)
      : network === 'mastodon'
        ? [...fakes.mastodon.statuses.values()].map((s) => s.text)
        : [...fakes.bluesky.posts.values()].map((p) => String(p.record.text));
  return texts.map((t) => Number(/Burst post (\d+)/.exec(t)?.[1]));
}

export async function crashTrial(options: TrialOptions): Promise<TrialResult> {
  const tmp = tempDir('greenlight-probe-');
  const fakes: Fakes = {
    x: await startXFake(),
    mastodon: await startMastodonFake({ accessToken: MASTODON_TOKEN }),
    bluesky: await startBlueskyFake({ handle: BLUESKY.handle, password: BLUESKY.password }),
  };
  for (const network of PROBE_NETWORKS) {
    fakes[network].server.failNext({ method: 'POST', path: CREATE_PATHS[network] }, { kind: 'delay', ms: options.delayMs }, 1_000_000);
  }
  const file = tmp.file();
  const processes: GreenlightProcess[] = [];
  try {
    await SqliteStore.open(file).close();
    const due = Date.now() + 4000;
    const seed = new Database(file);
    seedBurst(seed, { count: options.posts, networks: PROBE_NETWORKS, due, now: Date.now() });
    seed.close();
    const env = {
      DATABASE_URL: `file:${file}`,
      X_ACCESS_TOKEN: fakes.x.token,
      X_API_URL: fakes.x.url,
      MASTODON_URL: fakes.mastodon.url,
      MASTODON_ACCESS_TOKEN: MASTODON_TOKEN,
      BLUESKY_IDENTIFIER: BLUESKY.handle,
      BLUESKY_APP_PASSWORD: BLUESKY.password,
      BLUESKY_SERVICE_URL: fakes.bluesky.url,
      PUBLISH_LEASE_SECONDS: String(options.leaseSeconds ?? 2),
      LOG_LEVEL: 'info',
    };
    const first = await startGreenlightProcess(env);
    processes.push(first);
    // Measured from when publishing began, however long the process took to start.
    const arrivals = () => PROBE_NETWORKS.flatMap((n) => fakes[n].server.requestsTo('POST', CREATE_PATHS[n]).map((r) => r.at));
    await eventually(() => arrivals().length > 0, 30_000, 'the first post to reach a network');
    const killAt = Math.min(...arrivals()) + options.killAfterMs;
    if (killAt > Date.now()) await new Promise((r) => setTimeout(r, killAt - Date.now()));
    first.child.kill('SIGKILL');
    await first.exited;

    const db = new Database(file, { readonly: true });
    const dead = (
      db.prepare("SELECT DISTINCT claim_owner AS owner FROM publications WHERE status = 'publishing'").all() as Array<{ owner: string }>
    ).map((r) => r.owner);
    const second = await startGreenlightProcess(env);
    processes.push(second);
    const leftByTheDead = () =>
      dead.length === 0
        ? 0
        : (
            db.prepare(`SELECT count(*) AS n FROM publications WHERE claim_owner IN (${dead.map(() => '?').join(',')})`).get(...dead) as {
              n: number;
            }
          ).n;
    await eventually(() => leftByTheDead() === 0, 30_000, 'the dead process’s claims to be recovered');
    // Time for what was taken back to be sent again (and, if it were wrong, sent twice).
    await new Promise((r) => setTimeout(r, options.watchMs ?? 3000));

    const result = {} as TrialResult;
    for (const network of PROBE_NETWORKS) {
      const requests = fakes[network].server.requestsTo('POST', CREATE_PATHS[network]);
      const sends = new Map<number, number>();
      for (const r of requests) {
        const i = postIndexOf(network, r);
        if (i !== undefined) sends.set(i, (sends.get(i) ?? 0) + 1);
      }
      const rows = db
        .prepare(
          'SELECT r.text AS text, p.status AS status FROM publications p JOIN revisions r ON r.id = p.revision_id WHERE p.network = ?',
        )
        .all(network) as Array<{ text: string; status: string }>;
      const unknown = rows.filter((r) => r.status === 'needs_attention').map((r) => Number(/Burst post (\d+)/.exec(r.text)?.[1]));
      const shown = new Map<number, number>();
      for (const i of shownPosts(fakes, network)) shown.set(i, (shown.get(i) ?? 0) + 1);
      result[network] = {
        reached: sends.size,
        unknown: unknown.length,
        unknownNeverReached: unknown.filter((i) => !sends.has(i)).length,
        duplicates:
          [...shown.values()].filter((n) => n > 1).length + (network === 'x' ? [...sends.values()].filter((n) => n > 1).length : 0),
        sentTwice: [...sends.values()].filter((n) => n > 1).length,
        published: rows.filter((r) => r.status === 'published').length,
      };
    }
    db.close();
    return result;
  } finally {
    for (const p of processes) await p.stop('SIGKILL');
    for (const network of PROBE_NETWORKS) await fakes[network].close();
    tmp.cleanup();
  }
}

/**
 * The three-network burst of `bench:schedule`: posts due at one instant on several networks
 * at once, and a network that answers quickly and limits nothing (the lane that must never
 * wait behind another network's limit).
 */
import type Database from 'better-sqlite3';
import type { NetworkId } from '../../src/domain/network.js';
import type { EngagementMetrics } from '../../src/domain/publication.js';
import { createLogger } from '../../src/observability/logger.js';
import { createNetworkClient } from '../../src/platforms/http/network-client.js';
import type { MetricsTarget, PublishRequest, PublishResult, Publisher } from '../../src/platforms/publisher.js';
import { defaultRules } from '../../src/platforms/rules/index.js';
import { startFakeNetworkServer, type FakeNetworkServer } from '../../test/fakes/network/server.js';
import { seedPeople } from './seed.js';

/**
 * `count` approved posts, each with one publication per network in `networks`, all due at
 * `due`. Post i says "Burst post i", so the order a network received them in can be read
 * from its fake.
 */
export function seedBurst(
  db: Database.Database,
  options: { count: number; networks: readonly NetworkId[]; due: number; now: number },
): void {
  const { author, approver } = seedPeople(db, options.now);
  const post = db.prepare(
    "INSERT INTO posts (status, author_id, current_revision_id, publish_at, publish_zone, origin_platform, created_at, updated_at) VALUES ('approved', ?, 0, ?, 'UTC', 'slack', ?, ?)",
  );
  const revision = db.prepare(
    'INSERT INTO revisions (post_id, number, text, networks, media_url, content_hash, author_id, ai_assisted, created_at) VALUES (?, 1, ?, ?, NULL, ?, ?, 0, ?)',
  );
  const point = db.prepare('UPDATE posts SET current_revision_id = ? WHERE id = ?');
  const decision = db.prepare(
    "INSERT INTO decisions (post_id, revision_id, approver_id, kind, comment, platform, created_at) VALUES (?, ?, ?, 'approve', NULL, 'slack', ?)",
  );
  const publication = db.prepare(
    "INSERT INTO publications (post_id, revision_id, network, status, due_at, attempts, created_at, updated_at) VALUES (?, ?, ?, 'scheduled', ?, 0, ?, ?)",
  );
  db.transaction(() => {
    for (let i = 0; i < options.count; i++) {
      const postId = Number(post.run(author, options.due, options.now, options.now).lastInsertRowid);
      const revisionId = Number(
        revision.run(postId, `Burst post ${i}`, JSON.stringify(options.networks), `burst-${i}`, author, options.now).lastInsertRowid,
      );
      point.run(revisionId, postId);
      decision.run(postId, revisionId, approver, options.now);
      for (const network of options.networks) publication.run(postId, revisionId, network, options.due, options.now, options.now);
    }
  })();
}

/**
 * A network that limits nothing and answers every post after `answerMs`, over the shared
 * HTTP client (so the lane sees real requests, timeouts and all). It takes a real network's
 * id only because lanes are keyed by network.
 */
export async function unlimitedNetwork(network: NetworkId, answerMs: number): Promise<{ publisher: Publisher; server: FakeNetworkServer }> {
  const server = await startFakeNetworkServer({ name: `${network} (unlimited)` });
  let next = 1;
  server.route('POST', '/posts', async () => {
    await new Promise((resolve) => setTimeout(resolve, answerMs));
    return { status: 201, json: { id: String(next++) } };
  });
  const { client } = createNetworkClient(
    network,
    { logger: createLogger({ level: 'error' }) },
    {
      baseUrl: server.url,
      rate: { capacity: 10_000, refillPerSecond: 10_000 },
    },
  );
  const publisher: Publisher = {
    network,
    rules: defaultRules[network],
    marksSending: true,
    async publish(request: PublishRequest): Promise<PublishResult> {
      const { body } = await client.request({
        method: 'POST',
        path: '/posts',
        json: { text: request.text },
        retry: false,
        ...(request.markSending ? { beforeSend: request.markSending } : {}),
        ...(request.signal ? { signal: request.signal } : {}),
      });
      const id = (body as { id: string }).id;
      return { externalId: id, url: `${server.url}/posts/${id}` };
    },
    async fetchMetrics(_targets: MetricsTarget[]): Promise<Map<string, EngagementMetrics>> {
      return new Map();
    },
  };
  return { publisher, server };
}

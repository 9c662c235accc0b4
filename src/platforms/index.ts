import type { NetworkConfigs } from '../config.js';
import type { Publisher, PublisherDeps } from './publisher.js';
import { SandboxPublisher } from './sandbox/publisher.js';
import type { XPublisherDeps } from './x/publisher.js';

/**
 * One publisher per configured network, plus the sandbox (always). A factory throws a
 * `UserFacingError` naming the variable when a network's configuration cannot work.
 * `credentials` (the Store) keeps X's rotating refresh token across restarts.
 *
 * Each network's module is imported only when the network is configured: some bring a heavy
 * client (Bluesky's @atproto/api, YouTube's googleapis) that would cost every start-up time and
 * memory for a network that is off.
 */
export async function buildPublishers(
  networks: NetworkConfigs,
  deps: PublisherDeps & Pick<XPublisherDeps, 'credentials'>,
): Promise<Publisher[]> {
  const publishers: Publisher[] = [new SandboxPublisher({ now: () => (deps.clock ? deps.clock.now() : new Date()) })];
  if (networks.x) publishers.push((await import('./x/publisher.js')).createXPublisher(networks.x, deps));
  if (networks.linkedin) publishers.push((await import('./linkedin/publisher.js')).createLinkedInPublisher(networks.linkedin, deps));
  if (networks.facebook) publishers.push((await import('./facebook/publisher.js')).createFacebookPublisher(networks.facebook, deps));
  if (networks.instagram) publishers.push((await import('./instagram/publisher.js')).createInstagramPublisher(networks.instagram, deps));
  if (networks.pinterest) publishers.push((await import('./pinterest/publisher.js')).createPinterestPublisher(networks.pinterest, deps));
  if (networks.mastodon) publishers.push((await import('./mastodon/publisher.js')).createMastodonPublisher(networks.mastodon, deps));
  if (networks.bluesky) publishers.push((await import('./bluesky/publisher.js')).createBlueskyPublisher(networks.bluesky, deps));
  if (networks.youtube) publishers.push((await import('./youtube/publisher.js')).createYouTubePublisher(networks.youtube, deps));
  return publishers;
}

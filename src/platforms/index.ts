import type { NetworkConfigs } from '../config.js';
import { createBlueskyPublisher } from './bluesky/publisher.js';
import { createFacebookPublisher } from './facebook/publisher.js';
import { createInstagramPublisher } from './instagram/publisher.js';
import { createLinkedInPublisher } from './linkedin/publisher.js';
import { createMastodonPublisher } from './mastodon/publisher.js';
import { createPinterestPublisher } from './pinterest/publisher.js';
import type { Publisher, PublisherDeps } from './publisher.js';
import { SandboxPublisher } from './sandbox/publisher.js';
import { createXPublisher, type XPublisherDeps } from './x/publisher.js';
import { createYouTubePublisher } from './youtube/publisher.js';

/**
 * One publisher per configured network, plus the sandbox (always). A factory throws a
 * `UserFacingError` naming the variable when a network's configuration cannot work.
 * `credentials` (the Store) keeps X's rotating refresh token across restarts.
 */
export function buildPublishers(networks: NetworkConfigs, deps: PublisherDeps & Pick<XPublisherDeps, 'credentials'>): Publisher[] {
  const publishers: Publisher[] = [new SandboxPublisher({ now: () => (deps.clock ? deps.clock.now() : new Date()) })];
  if (networks.x) publishers.push(createXPublisher(networks.x, deps));
  if (networks.linkedin) publishers.push(createLinkedInPublisher(networks.linkedin, deps));
  if (networks.facebook) publishers.push(createFacebookPublisher(networks.facebook, deps));
  if (networks.instagram) publishers.push(createInstagramPublisher(networks.instagram, deps));
  if (networks.pinterest) publishers.push(createPinterestPublisher(networks.pinterest, deps));
  if (networks.mastodon) publishers.push(createMastodonPublisher(networks.mastodon, deps));
  if (networks.bluesky) publishers.push(createBlueskyPublisher(networks.bluesky, deps));
  if (networks.youtube) publishers.push(createYouTubePublisher(networks.youtube, deps));
  return publishers;
}

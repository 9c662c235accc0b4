import type { PostImage } from '../domain/post.js';
import type { Greenlight } from '../workflows/greenlight.js';

/**
 * How long a card's image links work. Chats fetch a card's images when they show it (Teams in
 * each reader's client, Slack through its image proxy), so the links outlive the review; each
 * card update signs them afresh.
 */
export const CARD_IMAGE_LINK_MS = 30 * 24 * 3600_000;

/** Signed links to the first `max` uploaded images, for cards; none without PUBLIC_URL. */
export async function cardImageUrls(gl: Greenlight, images: readonly PostImage[], max: number): Promise<string[]> {
  const links = gl.ctx.mediaLinks;
  if (!links) return [];
  return Promise.all(images.slice(0, max).map((image) => links.urlFor(image, CARD_IMAGE_LINK_MS)));
}

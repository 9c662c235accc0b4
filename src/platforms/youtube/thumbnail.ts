import type { Logger } from '../../observability/logger.js';
import type { PublishImage } from '../publisher.js';
import type { YouTubeClient } from './client.js';

/** thumbnails.set takes JPEG, PNG, GIF or BMP images of at most 2 MB. */
export const THUMBNAIL_MAX_BYTES = 2 * 1024 * 1024;
const THUMBNAIL_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/bmp']);

/**
 * Sets the approved custom thumbnail. The video is up by now, so a thumbnail YouTube refuses
 * (the channel is not verified for custom thumbnails, the image is too large) must not fail
 * the publication: it is logged as a warning and YouTube keeps its own frame. True when set.
 */
export async function setThumbnail(
  client: YouTubeClient,
  videoId: string,
  image: PublishImage,
  logger: Logger,
  signal?: AbortSignal,
): Promise<boolean> {
  if (!THUMBNAIL_TYPES.has(image.type) || image.bytes > THUMBNAIL_MAX_BYTES) {
    logger.warn('YouTube thumbnail not set: YouTube takes JPEG, PNG, GIF or BMP images of at most 2 MB', {
      videoId,
      type: image.type,
      bytes: image.bytes,
    });
    return false;
  }
  try {
    const parts: Buffer[] = [];
    const stream = await image.open();
    for await (const part of stream) parts.push(typeof part === 'string' ? Buffer.from(part) : (part as Buffer));
    const body = Buffer.concat(parts);
    await client.call('thumbnails.set', (api, options) => api.thumbnails.set({ videoId, media: { mimeType: image.type, body } }, options), {
      retry: true,
      ...(signal ? { signal } : {}),
    });
    return true;
  } catch (error) {
    logger.warn('YouTube video published, but its custom thumbnail could not be set', {
      videoId,
      error: error instanceof Error ? error.message : String(error),
    });
    return false;
  }
}

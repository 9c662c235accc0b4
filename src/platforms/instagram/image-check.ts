import type { Logger } from '../../observability/logger.js';
import type { FetchLike } from '../http/http-client.js';
import type { MediaLinkPolicy } from '../../domain/media-links.js';
import { fetchImage } from '../http/image-fetch.js';
import { PublishError } from '../publisher.js';

const MiB = 1024 * 1024;

/**
 * Instagram feed images (IG User Media reference): JPEG only, at most 8 MiB, aspect ratio
 * from 4:5 (portrait) to 1.91:1 (landscape).
 */
export const INSTAGRAM_IMAGE_LIMITS = {
  maxBytes: 8 * MiB,
  acceptedTypes: ['image/jpeg'] as const,
  minAspect: 4 / 5,
  maxAspect: 1.91,
};

const IMAGE_DOWNLOAD_TIMEOUT_MS = 30_000;

/** Ratios are compared at two decimals, as Meta states them: 1200×628 (1.9108) is "1.91:1". */
const atTwoDecimals = (n: number) => Math.round(n * 100) / 100;

/**
 * Instagram downloads the image itself from `image_url`; Greenlight downloads it first only
 * to check it, so the author hears "this is a PNG" or "too tall" instead of a container
 * ERROR minutes later.
 */
export async function checkInstagramImage(args: {
  mediaUrl: string;
  logger: Logger;
  fetch?: FetchLike;
  media?: MediaLinkPolicy | undefined;
  signal?: AbortSignal;
}): Promise<void> {
  const image = await fetchImage(args.mediaUrl, {
    network: 'instagram',
    maxBytes: INSTAGRAM_IMAGE_LIMITS.maxBytes,
    acceptedTypes: INSTAGRAM_IMAGE_LIMITS.acceptedTypes,
    timeoutMs: IMAGE_DOWNLOAD_TIMEOUT_MS,
    logger: args.logger,
    ...(args.fetch ? { fetch: args.fetch } : {}),
    media: args.media,
    ...(args.signal ? { signal: args.signal } : {}),
  });
  checkInstagramShape(image, 'The image', args.logger);
}

/**
 * Refuses a shape Instagram refuses (4:5 to 1.91:1, as shown: EXIF orientations 5–8 are a
 * phone portrait stored landscape). `which` names the image in the message.
 */
export function checkInstagramShape(
  image: { width?: number | undefined; height?: number | undefined; orientation?: number | undefined },
  which: string,
  logger: Logger,
): void {
  if (image.width === undefined || image.height === undefined) {
    // Unusual JPEG structure: let Instagram judge it rather than refuse a possibly fine image.
    logger.debug('Instagram image size unreadable; leaving the aspect check to Instagram', {});
    return;
  }
  const turned = image.orientation !== undefined && image.orientation >= 5;
  const width = turned ? image.height : image.width;
  const height = turned ? image.width : image.height;
  const ratio = atTwoDecimals(width / height);
  if (ratio < atTwoDecimals(INSTAGRAM_IMAGE_LIMITS.minAspect) || ratio > INSTAGRAM_IMAGE_LIMITS.maxAspect) {
    const shape = ratio < 1 ? 'too tall' : 'too wide';
    throw new PublishError({
      kind: 'permanent',
      network: 'instagram',
      message: `${which} is ${width}×${height} pixels, ${shape} for Instagram, which accepts shapes from 4:5 (portrait) to 1.91:1 (landscape). Crop it, e.g. to 1080×1350 or 1080×1080.`,
    });
  }
}

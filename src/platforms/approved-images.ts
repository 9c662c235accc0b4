import { createHash } from 'node:crypto';
import { IMAGE_EXTENSIONS, IMAGE_TYPE_NAMES, imageSize, type ImageType } from '../domain/image-format.js';
import { formatMegabytes } from '../domain/megabytes.js';
import { NETWORK_LABELS, type NetworkId } from '../domain/network.js';
import type { FetchedImage } from './http/image-fetch.js';
import { PublishError, type PublishImage, type PublishRequest } from './publisher.js';

/** An uploaded image read into memory for one upload, with what the network wants besides its bytes. */
export interface ApprovedImage extends FetchedImage {
  sha256: string;
  alt: string | null;
  /** 1-based place in the post, for messages. */
  position: number;
}

/**
 * The uploaded images a post carries, refused as a whole when the network takes fewer.
 *
 * Drafting checks the count already; this is the publisher's own guard, because silently
 * dropping an approved image would publish something other than what was approved. A linked
 * image (`mediaUrl`) counts too: it is sent first.
 */
export function approvedImages(
  request: PublishRequest,
  network: NetworkId,
  max: number,
  /** Each image's type and size are checked too, from what the media store recorded, so none is uploaded when one will not do. */
  limits?: ImageLimits,
): readonly PublishImage[] {
  const images = request.images ?? [];
  const linked = request.mediaUrl?.trim() ? 1 : 0;
  const total = images.length + linked;
  if (total > max) {
    const label = NETWORK_LABELS[network];
    throw new PublishError({
      kind: 'permanent',
      network,
      message:
        max === 0
          ? `${label} does not take images in this post, and this post has ${total}; nothing was posted.`
          : `${label} takes at most ${max} image${max === 1 ? '' : 's'} in a post, and this post has ${total}; nothing was posted.`,
    });
  }
  if (limits) images.forEach((image, index) => checkImage(image, linked + index + 1, { network, ...limits }));
  return images;
}

export interface ImageLimits {
  maxBytes: number;
  acceptedTypes: readonly ImageType[];
}

function checkImage(image: PublishImage, position: number, options: ImageLimits & { network: NetworkId }): void {
  const label = NETWORK_LABELS[options.network];
  const which = `Image ${position}`;
  const fail = (message: string) => new PublishError({ kind: 'permanent', network: options.network, message });
  if (!options.acceptedTypes.includes(image.type)) {
    throw fail(
      `${which} is a ${IMAGE_TYPE_NAMES[image.type]}; ${label} does not take ${IMAGE_TYPE_NAMES[image.type]} images in posts. Nothing was posted.`,
    );
  }
  if (image.bytes > options.maxBytes) {
    throw fail(
      `${which} is ${formatMegabytes(image.bytes, 'up')}; ${label} accepts at most ${formatMegabytes(options.maxBytes, 'down')}. Nothing was posted.`,
    );
  }
}

/**
 * Reads an approved image's bytes from the media store for upload, checking that they are
 * still exactly the approved bytes (sha256) and that the network takes them. A problem
 * here is found before anything is posted.
 */
export async function readApprovedImage(
  image: PublishImage,
  position: number,
  options: ImageLimits & { network: NetworkId; signal?: AbortSignal | undefined },
): Promise<ApprovedImage> {
  const { network, maxBytes } = options;
  const label = NETWORK_LABELS[network];
  const which = `Image ${position}`;
  const fail = (kind: 'permanent' | 'retryable', message: string, cause?: unknown) =>
    new PublishError({ kind, network, message, ...(cause !== undefined ? { cause } : {}) });

  checkImage(image, position, options);
  const limit = formatMegabytes(maxBytes, 'down');

  const stream = await image.open();
  const chunks: Buffer[] = [];
  const hash = createHash('sha256');
  let received = 0;
  try {
    for await (const chunk of stream) {
      options.signal?.throwIfAborted();
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      received += buffer.byteLength;
      if (received > maxBytes) {
        throw fail('permanent', `${which} is larger than ${limit}; ${label} accepts at most ${limit}. Nothing was posted.`);
      }
      hash.update(buffer);
      chunks.push(buffer);
    }
  } catch (error) {
    stream.destroy();
    if (error instanceof PublishError) throw error;
    throw fail('retryable', `Greenlight could not read ${which.toLowerCase()} from its media store just now; nothing was posted.`, error);
  }
  const bytes = Buffer.concat(chunks);
  if (hash.digest('hex') !== image.sha256) {
    // Content-addressed storage makes this a damaged file, which waiting will not repair.
    throw fail(
      'permanent',
      `${which} in Greenlight's media store is not the approved image any more (its bytes changed), so the post was not sent.`,
    );
  }
  const size = imageSize(bytes, image.type);
  return {
    bytes,
    contentType: image.type,
    filename: `image-${position}.${IMAGE_EXTENSIONS[image.type]}`,
    width: size?.width ?? image.width,
    height: size?.height ?? image.height,
    ...(size?.orientation !== undefined ? { orientation: size.orientation } : {}),
    sha256: image.sha256,
    alt: image.alt,
    position,
  };
}

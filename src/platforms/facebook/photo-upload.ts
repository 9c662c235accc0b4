import { z } from 'zod';
import { fetchImage, type FetchedImage } from '../http/image-fetch.js';
import type { ImageType } from '../../domain/image-format.js';
import type { Logger } from '../../observability/logger.js';
import type { FetchLike } from '../http/http-client.js';
import type { MediaLinkPolicy } from '../../domain/media-links.js';
import type { GraphClient } from '../meta-graph/graph-client.js';
import { graphPath } from '../meta-graph/version.js';
import { PublishError } from '../publisher.js';

const MiB = 1024 * 1024;

/**
 * Page photos: Meta's Pages API guide asks for photos under 4 MB in JPG, PNG, GIF, TIFF,
 * HEIF or WebP. Of those, Greenlight recognises JPEG, PNG, GIF and WebP from their bytes.
 */
export const FACEBOOK_IMAGE_LIMITS = {
  maxBytes: 4 * MiB,
  acceptedTypes: ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] as readonly ImageType[],
};

/**
 * Photos in one Page post. Meta documents `attached_media` as a list without a stated
 * maximum; Greenlight drafts carry at most 10 images, so this guard only stops something
 * drafting should already have refused.
 */
export const FACEBOOK_MAX_PHOTOS = 10;

const IMAGE_DOWNLOAD_TIMEOUT_MS = 30_000;
/** Uploading a few MB takes longer than an API call: four times the API timeout (60 s by default). */
const UPLOAD_TIMEOUT_FACTOR = 4;

const Uploaded = z.object({ id: z.string().min(1) });

/**
 * Downloads the post's image (so the author hears "not found", "not an image" or "too large"
 * in plain words) and uploads those exact bytes to the Page as an *unpublished* photo,
 * returning its id for `/feed`'s `attached_media`.
 *
 * Why two steps instead of one published `/photos` call: the upload makes nothing visible,
 * so it may be retried like any upload, and the one visible step is the same small `/feed`
 * call as a text post. A single published `/photos` call would make the slow multipart
 * transfer itself the create call, widening the window in which a timeout leaves the
 * outcome unknown. Uploading the bytes (rather than `url`) means Facebook publishes the
 * image Greenlight checked, and a link Facebook's crawler cannot reach does not fail late.
 */
export async function uploadUnpublishedPhoto(args: {
  graph: GraphClient;
  pageId: string;
  mediaUrl: string;
  /** The API call timeout; the upload gets a multiple of it. */
  timeoutMs: number;
  logger: Logger;
  fetch?: FetchLike;
  media?: MediaLinkPolicy | undefined;
  signal?: AbortSignal;
}): Promise<string> {
  const image = await fetchImage(args.mediaUrl, {
    network: 'facebook',
    ...FACEBOOK_IMAGE_LIMITS,
    timeoutMs: IMAGE_DOWNLOAD_TIMEOUT_MS,
    logger: args.logger,
    ...(args.fetch ? { fetch: args.fetch } : {}),
    media: args.media,
    ...(args.signal ? { signal: args.signal } : {}),
  });
  return uploadPhotoBytes({ ...args, image, alt: null });
}

/**
 * Uploads image bytes to the Page as an unpublished photo (see `uploadUnpublishedPhoto`),
 * with its alt text as `alt_text_custom` when it has one, and returns the photo's id.
 */
export async function uploadPhotoBytes(args: {
  graph: GraphClient;
  pageId: string;
  image: FetchedImage;
  alt: string | null;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}): Promise<string> {
  const { image } = args;
  const form = new FormData();
  form.set('source', new Blob([new Uint8Array(image.bytes)], { type: image.contentType }), image.filename);
  form.set('published', 'false');
  // The Photo node's user-provided accessible description (`alt_text` is Facebook's own guess).
  if (args.alt) form.set('alt_text_custom', args.alt);
  let uploaded: z.infer<typeof Uploaded>;
  try {
    uploaded = await args.graph.post({
      path: graphPath(args.pageId, 'photos'),
      form,
      schema: Uploaded,
      retry: true,
      // Nothing is visible yet: an unreadable answer is a failed upload, not an unknown post.
      unreadable: 'retryable',
      timeoutMs: args.timeoutMs * UPLOAD_TIMEOUT_FACTOR,
      ...(args.signal ? { signal: args.signal } : {}),
    });
  } catch (error) {
    // An upload cut off mid-way leaves at most an invisible, unpublished photo: nothing a
    // person needs to check, so it is an ordinary retryable failure, not an unknown outcome.
    if (error instanceof PublishError && error.kind === 'unknown') {
      throw new PublishError({
        kind: 'retryable',
        network: 'facebook',
        message: `The image upload to Facebook did not complete; nothing was published, so it can be tried again. (${error.message})`,
        cause: error,
      });
    }
    throw error;
  }
  return uploaded.id;
}

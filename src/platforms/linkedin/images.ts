/**
 * A LinkedIn image is uploaded in two steps before the post names it:
 * `POST /rest/images?action=initializeUpload {initializeUploadRequest:{owner}}` answers
 * `{value:{uploadUrl, image}}`, then the bytes are PUT to `uploadUrl` (a different host,
 * signed, not a Rest.li resource), and the post carries `content.media.id = image`.
 */
import { z } from 'zod';
import type { MessageFromError } from '../http/classify.js';
import type { HttpClient } from '../http/http-client.js';
import type { FetchedImage } from '../http/image-fetch.js';
import type { ImageType } from '../../domain/image-format.js';
import { linkedinRules } from '../rules/linkedin.js';
import { PublishError } from '../publisher.js';
import { LINKEDIN_REST_HEADERS } from './api-version.js';

export const LINKEDIN_IMAGE_TYPES: readonly ImageType[] = linkedinRules.media.formats;
/** LinkedIn documents no byte limit for the Images API; this is Greenlight's own cap on the download. */
export const LINKEDIN_IMAGE_MAX_BYTES = linkedinRules.media.maxBytes!;
/** A MultiImage post holds 2 to 20 images. */
export const LINKEDIN_MAX_IMAGES = 20;
/** The Images API refuses images of this many pixels (width × height) or more. */
export const LINKEDIN_MAX_PIXELS = 36_152_320;

const InitializeAnswer = z.object({
  value: z.object({ uploadUrl: z.string().url(), image: z.string().startsWith('urn:li:image:') }),
});

/** Refuses, before anything is uploaded, an image LinkedIn would refuse for its size in pixels. */
export function checkLinkedInPixels(image: { width?: number | undefined; height?: number | undefined }): void {
  if (image.width === undefined || image.height === undefined) return;
  if (image.width * image.height >= LINKEDIN_MAX_PIXELS) {
    throw new PublishError({
      kind: 'permanent',
      network: 'linkedin',
      message: `The image is ${image.width}×${image.height} pixels; LinkedIn accepts images of fewer than 36 million pixels. Use a smaller image.`,
    });
  }
}

/**
 * An upload whose answer was lost (timeout, dropped connection) cannot have published
 * anything: the post is only created afterwards. So it is retryable, not an unknown outcome
 * that would make a person check the account (rule 2 (docs/architecture.md) is about the post itself).
 */
async function uploadOnly<T>(step: Promise<T>): Promise<T> {
  try {
    return await step;
  } catch (error) {
    if (error instanceof PublishError && error.kind === 'unknown') {
      throw new PublishError({
        kind: 'retryable',
        network: 'linkedin',
        message: 'The image upload to LinkedIn did not complete (no answer, or the connection broke); nothing was posted, try again.',
        cause: error,
      });
    }
    throw error;
  }
}

export async function uploadLinkedInImage(
  client: HttpClient,
  image: FetchedImage,
  options: { owner: string; signal?: AbortSignal | undefined; messageFromError: MessageFromError; timeoutMs: number },
): Promise<string> {
  const signal = options.signal ? { signal: options.signal } : {};
  // Registering an upload has no visible effect (an unused one just expires), so both steps may be retried.
  const init = await uploadOnly(
    client.request({
      method: 'POST',
      path: '/rest/images',
      query: { action: 'initializeUpload' },
      headers: { ...LINKEDIN_REST_HEADERS },
      json: { initializeUploadRequest: { owner: options.owner } },
      retry: true,
      messageFromError: options.messageFromError,
      ...signal,
    }),
  );
  const parsed = InitializeAnswer.safeParse(init.body);
  if (!parsed.success) {
    throw new PublishError({
      kind: 'retryable',
      network: 'linkedin',
      message: 'LinkedIn did not hand out an image upload address Greenlight could use; nothing was posted, try again.',
      cause: parsed.error,
    });
  }
  const { uploadUrl, image: imageUrn } = parsed.data.value;
  await uploadOnly(
    client.request({
      method: 'PUT',
      path: uploadUrl,
      headers: { 'content-type': image.contentType },
      body: new Uint8Array(image.bytes),
      expect: 'none',
      retry: true,
      messageFromError: options.messageFromError,
      timeoutMs: options.timeoutMs,
      ...signal,
    }),
  );
  return imageUrn;
}

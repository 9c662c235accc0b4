/**
 * Image upload for X through the v2 one-shot endpoint `POST /2/media/upload` (multipart:
 * `media`, `media_category=tweet_image`, `media_type`), which X documents for images;
 * the chunked initialize/append/finalize flow is only needed for video and animated GIFs.
 */
import { z } from 'zod';
import { describeWait, type MessageFromError } from '../http/classify.js';
import type { FetchedImage } from '../http/image-fetch.js';
import type { ImageType } from '../../domain/image-format.js';
import { xRules } from '../rules/x.js';
import { PublishError } from '../publisher.js';
import type { XApi } from './authorized-client.js';

/** X's limit for a post image (animated GIFs go through the chunked flow and are not offered). */
export const X_IMAGE_MAX_BYTES = xRules.media.maxBytes!;
/** A post takes at most 4 images (`media.media_ids`). */
export const X_MAX_IMAGES = 4;
/** The `tweet_image` category's types that Greenlight can recognise from the bytes. */
export const X_IMAGE_TYPES: readonly ImageType[] = xRules.media.formats;

const UploadAnswer = z.object({
  data: z.object({
    id: z.string().regex(/^\d+$/),
    media_key: z.string().optional(),
    processing_info: z
      .object({
        state: z.string(),
        check_after_secs: z.number().optional(),
        error: z.object({ message: z.string().optional() }).optional(),
      })
      .optional(),
  }),
});

/**
 * An upload whose answer was lost (timeout, dropped connection) cannot have published
 * anything: the post is only created afterwards. So it is retryable, not an unknown outcome
 * that would make a person check the account (rule 2 (docs/architecture.md) is about the post itself).
 */
export async function uploadOnly<T>(upload: Promise<T>, what: 'image' | 'video' = 'image'): Promise<T> {
  try {
    return await upload;
  } catch (error) {
    if (error instanceof PublishError && error.kind === 'unknown') {
      throw new PublishError({
        kind: 'retryable',
        network: 'x',
        message: `The ${what} upload to X did not complete (no answer, or the connection broke); nothing was posted, try again.`,
        cause: error,
      });
    }
    throw error;
  }
}

export async function uploadXImage(
  client: XApi,
  image: FetchedImage,
  options: { signal?: AbortSignal | undefined; messageFromError: MessageFromError; timeoutMs?: number },
): Promise<string> {
  const form = new FormData();
  form.append('media', new Blob([new Uint8Array(image.bytes)], { type: image.contentType }), image.filename);
  form.append('media_category', 'tweet_image');
  form.append('media_type', image.contentType);

  const answer = await uploadOnly(
    client.request({
      method: 'POST',
      path: '/2/media/upload',
      body: form,
      // An upload has no visible effect until a post uses it, so trying again is safe.
      retry: true,
      messageFromError: options.messageFromError,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    }),
  );
  const parsed = UploadAnswer.safeParse(answer.body);
  if (!parsed.success) {
    throw new PublishError({
      kind: 'retryable',
      network: 'x',
      message: 'X accepted the image but did not say which media id it got; nothing was posted, try again.',
    });
  }
  const { id, processing_info: processing } = parsed.data.data;
  if (processing?.state === 'failed') {
    throw new PublishError({
      kind: 'permanent',
      network: 'x',
      message: `X could not process the image${processing.error?.message ? ` ("${processing.error.message}")` : ''}; try another image.`,
    });
  }
  if (processing && processing.state !== 'succeeded') {
    // Still-processing media would make the post fail; nothing was posted, so come back later.
    const waitMs = Math.max(1, processing.check_after_secs ?? 5) * 1000;
    throw new PublishError({
      kind: 'retryable',
      network: 'x',
      retryAfterMs: waitMs,
      message: `X is still processing the image; nothing was posted, try again in ${describeWait(waitMs)}.`,
    });
  }
  return id;
}

/** X's limit for an image's alt text. */
export const X_ALT_TEXT_MAX = 1000;

const MetadataAnswer = z.object({ data: z.object({ id: z.string() }) });

/**
 * Gives an uploaded image its alt text with `POST /2/media/metadata` (the v2 successor of
 * v1.1 media/metadata/create), between the upload and the post that uses it. Setting the same
 * text again changes nothing, so it may be retried.
 */
export async function setXAltText(
  client: XApi,
  mediaId: string,
  altText: string,
  options: { signal?: AbortSignal | undefined; messageFromError: MessageFromError },
): Promise<void> {
  const answer = await uploadOnly(
    client.request({
      method: 'POST',
      path: '/2/media/metadata',
      json: { id: mediaId, metadata: { alt_text: { text: altText } } },
      retry: true,
      messageFromError: options.messageFromError,
      ...(options.signal ? { signal: options.signal } : {}),
    }),
  );
  if (!MetadataAnswer.safeParse(answer.body).success) {
    throw new PublishError({
      kind: 'retryable',
      network: 'x',
      message: 'X answered the alt text of an image in a shape Greenlight does not know; nothing was posted, try again.',
    });
  }
}

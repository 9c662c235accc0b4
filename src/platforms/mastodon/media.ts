import { z } from 'zod';
import type { Logger } from '../../observability/logger.js';
import type { Sleep } from '../http/backoff.js';
import type { HttpClient } from '../http/http-client.js';
import type { FetchedImage } from '../http/image-fetch.js';
import { PublishError } from '../publisher.js';
import { mediaErrors } from './errors.js';

const Attachment = z.object({ id: z.string().min(1), url: z.string().nullable().optional() });

/** Waits between looks at an image Mastodon is still processing: about a minute in all. */
const POLL_DELAYS_MS = [500, 1000, 2000, 3000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000];

export async function uploadImage(
  client: HttpClient,
  image: FetchedImage,
  deps: { sleep: Sleep; logger: Logger; signal?: AbortSignal; description?: string | null },
): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([image.bytes], { type: image.contentType }), image.filename);
  // Alt text: Mastodon shows it to people who cannot see the image.
  if (deps.description) form.append('description', deps.description);
  // An upload may be repeated: a second copy is an unattached attachment Mastodon cleans up.
  const uploaded = await client.request({
    method: 'POST',
    path: '/api/v2/media',
    body: form,
    retry: true,
    messageFromError: mediaErrors,
    ...(deps.signal ? { signal: deps.signal } : {}),
  });
  const attachment = parseAttachment(uploaded.body);
  // 200: processed already. 202: accepted, `url` is null until processing finishes, and a
  // status that names it before then is refused with a 422.
  if (uploaded.status === 200 && attachment.url) return attachment.id;

  for (const delay of POLL_DELAYS_MS) {
    await deps.sleep(delay, deps.signal);
    const { status, body } = await client.request({
      method: 'GET',
      path: `/api/v1/media/${encodeURIComponent(attachment.id)}`,
      retry: true,
      messageFromError: mediaErrors,
      ...(deps.signal ? { signal: deps.signal } : {}),
    });
    // 206 Partial Content: still processing.
    if (status === 200 && parseAttachment(body).url) return attachment.id;
  }
  deps.logger.warn('Mastodon is still processing the image', { media: attachment.id });
  throw new PublishError({
    kind: 'retryable',
    network: 'mastodon',
    message: 'Mastodon is still processing the image after a minute; nothing was posted, try again later.',
  });
}

function parseAttachment(body: unknown): z.infer<typeof Attachment> {
  const parsed = Attachment.safeParse(body);
  if (!parsed.success) {
    // Nothing is posted yet, so an unreadable upload answer costs only a retry.
    throw new PublishError({
      kind: 'retryable',
      network: 'mastodon',
      message: 'Mastodon answered the image upload in a shape Greenlight does not know; nothing was posted.',
      cause: parsed.error,
    });
  }
  return parsed.data;
}

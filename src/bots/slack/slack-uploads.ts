/**
 * Takes the files an author picked in the draft dialog into Greenlight's media store:
 * files.info for each (its `url_private_download`), then the download with the bot token,
 * checked as it streams (downloadMedia). A Slack file link expires and needs the token, so
 * the bytes are kept and the link is never what gets published.
 *
 * Everything happens before the dialog is answered, so a problem is shown next to the file
 * field; the time allowed leaves room inside Slack's 3 seconds.
 */
import type { WebClient } from '@slack/web-api';
import type { PostImage, PostVideo } from '../../domain/post.js';
import { downloadMedia, downloadVideo } from '../../media/media-download.js';
import { MediaRejected } from '../../media/media-rejected.js';
import type { MediaLimits, MediaStore } from '../../media/media-store.js';
import type { Logger } from '../../observability/logger.js';
import type { SlackUpload } from './draft-form.js';
import type { PendingImage } from './pending-drafts.js';

/** Until a file's answer starts, and for the whole file: both inside Slack's 3 s for a dialog. */
export const UPLOAD_HEADERS_TIMEOUT_MS = 1_200;
export const UPLOAD_TIMEOUT_MS = 2_000;

export interface UploadDeps {
  client: WebClient;
  store: MediaStore | undefined;
  limits: MediaLimits | undefined;
  videoLimits?: MediaLimits | undefined;
  allowHttp: boolean;
  logger: Logger;
}

export type KeptUploads = { ok: true; images: PendingImage[] } | { ok: false; message: string };

/** The file's private download link (files.info), read with the bot token. */
async function downloadLink(deps: UploadDeps, upload: SlackUpload): Promise<string> {
  try {
    const info = await deps.client.files.info({ file: upload.id });
    const file = info.file as { url_private_download?: string; url_private?: string } | undefined;
    const link = file?.url_private_download ?? file?.url_private ?? '';
    if (!link) throw new Error('files.info gave no download link');
    return link;
  } catch (error) {
    throw new MediaRejected('download_failed', 'Slack did not let Greenlight read this file (files:read); try again, or tell an admin.', {
      cause: error,
    });
  }
}

const VIDEO_NAME = /\.(mp4|m4v|mov)$/i;

/** Whether a picked file is a video (Slack's mimetype, or its name when Slack gave none). */
export const isVideoUpload = (upload: SlackUpload): boolean =>
  upload.mimetype ? upload.mimetype.startsWith('video/') : VIDEO_NAME.test(upload.name);

/** A video may take minutes to arrive: until its answer starts, and for the whole file. */
export const VIDEO_HEADERS_TIMEOUT_MS = 15_000;
export const VIDEO_TIMEOUT_MS = 30 * 60_000;

export type ReceivedVideo = { ok: true; video: PostVideo } | { ok: false; message: string };

/**
 * Downloads a picked video into the media store, after the dialog was answered (it takes
 * longer than Slack waits): read as it streams, its description read from the file once
 * complete. `onBytes` hears how much has arrived.
 */
export async function receiveSlackVideo(
  deps: UploadDeps,
  upload: SlackUpload,
  onBytes: (received: number, total: number | null) => void,
): Promise<ReceivedVideo> {
  const { store, videoLimits } = deps;
  if (!store || !videoLimits) return { ok: false, message: 'Uploaded videos are not available in this Greenlight (no media store).' };
  try {
    const link = await downloadLink(deps, upload);
    const stored = await downloadVideo(link, store, {
      token: deps.client.token ?? '',
      limits: videoLimits,
      headersTimeoutMs: VIDEO_HEADERS_TIMEOUT_MS,
      timeoutMs: VIDEO_TIMEOUT_MS,
      allowHttp: deps.allowHttp,
      onBytes,
    });
    const { sha256, bytes, container, durationSeconds, width, height, videoCodec, audioCodec } = stored;
    return { ok: true, video: { sha256, bytes, container, durationSeconds, width, height, videoCodec, audioCodec, name: upload.name } };
  } catch (error) {
    if (error instanceof MediaRejected) return { ok: false, message: error.userMessage };
    deps.logger.error('could not take an uploaded video', { file: upload.id, error });
    return { ok: false, message: 'Greenlight could not take this video; try again.' };
  }
}

/** Downloads every file (at once); the first problem, named by file, if any fails. */
export async function keepSlackUploads(deps: UploadDeps, uploads: readonly SlackUpload[]): Promise<KeptUploads> {
  const { store, limits } = deps;
  if (!store || !limits) return { ok: false, message: 'Uploaded images are not available in this Greenlight (no media store).' };
  const token = deps.client.token ?? '';
  const results = await Promise.allSettled(
    uploads.map(async (upload): Promise<PendingImage> => {
      const link = await downloadLink(deps, upload);
      const stored = await downloadMedia(link, store, {
        token,
        limits,
        headersTimeoutMs: UPLOAD_HEADERS_TIMEOUT_MS,
        timeoutMs: UPLOAD_TIMEOUT_MS,
        allowHttp: deps.allowHttp,
      });
      const image: PostImage = {
        sha256: stored.sha256,
        type: stored.type,
        bytes: stored.bytes,
        width: stored.width,
        height: stored.height,
        alt: null,
      };
      // A JPEG turned a quarter (EXIF 5–8) is shown with width and height swapped: aspect rules see it as shown.
      if (stored.orientation !== undefined && stored.orientation >= 5) Object.assign(image, { width: stored.height, height: stored.width });
      return { image, name: upload.name, slackFileId: upload.id };
    }),
  );
  const problems: string[] = [];
  results.forEach((result, i) => {
    if (result.status === 'fulfilled') return;
    const error = result.reason;
    if (!(error instanceof MediaRejected)) deps.logger.error('could not take an uploaded file', { file: uploads[i]!.id, error });
    const message = error instanceof MediaRejected ? error.userMessage : 'Greenlight could not take this file; try again.';
    problems.push(`${uploads[i]!.name}: ${message}`);
  });
  // Bytes already stored stay unreferenced until the retention sweep: the same bytes may belong to another post.
  if (problems.length) return { ok: false, message: problems.join('\n') };
  return { ok: true, images: results.map((r) => (r as PromiseFulfilledResult<PendingImage>).value) };
}

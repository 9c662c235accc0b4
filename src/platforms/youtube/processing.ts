import type { youtube_v3 } from '@googleapis/youtube';
import { PublishError } from '../publisher.js';
import type { YouTubeClient } from './client.js';

/**
 * Waits between looks at a video YouTube is still processing (each look costs 1 quota unit):
 * about ten minutes in all. A short video is usually done within the first minute.
 */
export const PROCESSING_POLL_DELAYS_MS = [5_000, 10_000, 15_000, 30_000, 30_000, ...Array<number>(8).fill(60_000)];

export interface ProcessingOutcome {
  processed: boolean;
  /** The video's status as last seen (privacy, publishAt …). */
  status: youtube_v3.Schema$VideoStatus;
}

/** YouTube's reasons, in words for the post's thread. */
const REJECTIONS: Record<string, string> = {
  duplicate: 'it is a duplicate of a video already on the channel',
  copyright: 'of a copyright claim',
  claim: 'of a copyright claim',
  inappropriate: 'it breaks YouTube’s rules',
  legal: 'of a legal complaint',
  length: 'it is longer than the channel may upload (unverified channels: 15 minutes)',
  termsOfUse: 'it breaks YouTube’s terms of use',
  trademark: 'of a trademark claim',
  uploaderAccountClosed: 'the channel is closed',
  uploaderAccountSuspended: 'the channel is suspended',
};
const FAILURES: Record<string, string> = {
  codec: 'its video or audio codec is not one YouTube reads',
  conversion: 'YouTube could not convert it',
  emptyFile: 'the file was empty',
  invalidFile: 'the file is not a video YouTube can read',
  tooSmall: 'the file is too small',
  uploadAborted: 'the upload was cut off',
  transcodeFailed: 'YouTube could not convert it',
  streamingFailed: 'YouTube could not convert it for streaming',
  uploadFailed: 'the upload did not complete',
  other: 'YouTube did not say why',
};

const permanent = (message: string) => new PublishError({ kind: 'permanent', network: 'youtube', message });

/**
 * Looks at the uploaded video until YouTube has processed it (`processingDetails.processingStatus`
 * `succeeded`), with bounded waits on the injected sleep. Processing that failed, or an upload
 * YouTube rejected, is a permanent failure in plain words. Still processing after the waits is
 * not a failure: the video is on YouTube with the approved details and YouTube finishes it by itself.
 * A video already processed (a later attempt's look) costs one look.
 */
export async function waitForProcessing(client: YouTubeClient, videoId: string, signal?: AbortSignal): Promise<ProcessingOutcome> {
  for (let look = 0; ; look++) {
    const data = await client.call(
      'videos.list',
      (api, options) => api.videos.list({ part: ['status', 'processingDetails'], id: [videoId] }, options),
      { retry: true, signal },
    );
    const video = data.items?.[0];
    if (!video) throw permanent(`YouTube no longer lists the uploaded video (${videoId}); it may have been removed. Check YouTube Studio.`);
    const uploadStatus = video.status?.uploadStatus;
    if (uploadStatus === 'rejected') {
      const reason = video.status?.rejectionReason ?? '';
      throw permanent(
        `YouTube rejected the uploaded video because ${REJECTIONS[reason] ?? `of "${reason || 'a reason it did not give'}"`}.`,
      );
    }
    const processing = video.processingDetails?.processingStatus;
    if (uploadStatus === 'failed' || processing === 'failed' || processing === 'terminated') {
      const reason = video.processingDetails?.processingFailureReason ?? video.status?.failureReason ?? 'other';
      throw permanent(
        `YouTube could not process the uploaded video: ${FAILURES[reason] ?? reason}. Upload a different file in a new version of the post.`,
      );
    }
    const status = video.status ?? {};
    if (processing === 'succeeded' || uploadStatus === 'processed') return { processed: true, status };
    const delay = PROCESSING_POLL_DELAYS_MS[look];
    if (delay === undefined) return { processed: false, status };
    client.logger.debug('YouTube is still processing the video', { videoId, nextLookMs: delay });
    try {
      await client.sleep(delay, signal);
    } catch {
      return { processed: false, status };
    }
  }
}

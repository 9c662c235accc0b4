import { youtubeRules } from '../rules/youtube.js';
import {
  PublishError,
  type MetricsTarget,
  type PublishRequest,
  type PublishResult,
  type Publisher,
  type PublisherDeps,
  type PublishVideo,
} from '../publisher.js';
import type { YouTubeDetails } from '../../domain/post.js';
import { readCheckpoint, saveProgress, type YouTubeCheckpoint } from './checkpoint.js';
import { createYouTubeClient, type YouTubeConfig, type YouTubeClient } from './client.js';
import { settleVisibility, updatePrivacy } from './holding.js';
import { fetchVideoMetrics } from './metrics.js';
import { waitForProcessing } from './processing.js';
import {
  checkChunkBytes,
  contentTypeOf,
  DEFAULT_CHUNK_BYTES,
  querySession,
  startSession,
  uploadFrom,
  type UploadedVideo,
} from './resumable-upload.js';
import { setThumbnail } from './thumbnail.js';
import { videoResource, watchUrl } from './video-resource.js';
import { nextQuotaReset, YOUTUBE_DAILY_QUOTA_DEFAULT, YOUTUBE_QUOTA_COSTS } from './quota.js';

export type { YouTubeConfig } from './client.js';

export interface YouTubePublisherDeps extends PublisherDeps {
  /** Bytes per upload request: a positive multiple of 256 KiB (default 8 MiB; tests use less). */
  chunkBytes?: number;
}

const permanent = (message: string) => new PublishError({ kind: 'permanent', network: 'youtube', message });

/**
 * Publishes videos to one YouTube channel through the YouTube Data API v3: Google's own client
 * (videos.list, videos.update, thumbnails.set) with an OAuth2Client kept fresh by the refresh
 * token, and the resumable upload by hand (the client has none).
 *
 * At most once (rule 2 in docs/architecture.md): the video exists on YouTube from the moment YouTube has its
 * last byte, and only then. So the session URI is checkpointed before the first byte, the
 * moment a request carrying the last byte is about to leave is checkpointed and marked
 * (`markSending`) right before it, and any later attempt asks the session first: it carries
 * on from what YouTube holds, or takes the video YouTube already made. A session YouTube no
 * longer knows after its last part may have arrived is an unknown outcome, for a person.
 */
export function createYouTubePublisher(config: YouTubeConfig, deps: YouTubePublisherDeps): Publisher {
  const client: YouTubeClient = createYouTubeClient(config, deps);
  const { logger, clock } = client;
  const chunkBytes = checkChunkBytes(deps.chunkBytes ?? DEFAULT_CHUNK_BYTES);

  const progress = (request: PublishRequest, report: Parameters<NonNullable<PublishRequest['onProgress']>>[0]) => {
    try {
      request.onProgress?.(report);
    } catch (error) {
      logger.debug('progress report failed', { error: error instanceof Error ? error.message : String(error) });
    }
  };

  /** Progress after the video exists is worth keeping, but failing to keep it must not fail a publication that happened. */
  const keep = async (request: PublishRequest, checkpoint: YouTubeCheckpoint) => {
    try {
      await request.saveCheckpoint?.({ ...checkpoint });
    } catch (error) {
      logger.warn('could not record YouTube progress; the next attempt will ask the upload session instead', {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  };

  /** Uploads the video, carrying on a checkpointed session; returns the video YouTube made and the checkpoint that records it. */
  const upload = async (
    request: PublishRequest,
    video: PublishVideo,
    youtube: YouTubeDetails,
    saved: YouTubeCheckpoint | null,
  ): Promise<{ uploaded: UploadedVideo | { id: string }; checkpoint: YouTubeCheckpoint }> => {
    const { signal } = request;
    let checkpoint = saved;
    let from = 0;
    if (checkpoint) {
      const state = await querySession(client, checkpoint.sessionUri, video.bytes, signal);
      logger.info('resuming a YouTube upload', {
        publication: request.publicationId,
        state: state.kind,
        ...(state.kind === 'incomplete' ? { received: state.received } : {}),
      });
      if (state.kind === 'complete') return { uploaded: state.video, checkpoint };
      if (state.kind === 'incomplete') from = state.received;
      else if (checkpoint.finalChunkAt) {
        throw new PublishError({
          kind: 'unknown',
          network: 'youtube',
          message:
            'YouTube no longer knows the earlier upload of this video, and its last part may have arrived, so the video may be on the channel: check YouTube Studio before retrying.',
        });
      } else {
        // The session never got its last byte, so it made no video: start again.
        checkpoint = null;
      }
    }
    if (!checkpoint) {
      const sessionUri = await startSession(client, {
        metadata: videoResource({ text: request.text, publishAt: request.publishAt, youtube }, clock.now()),
        totalBytes: video.bytes,
        contentType: contentTypeOf(video),
        signal,
      });
      checkpoint = { sessionUri, sha256: video.sha256, totalBytes: video.bytes, startedAt: clock.now().toISOString() };
      await saveProgress(request.saveCheckpoint, checkpoint);
    }
    const session: YouTubeCheckpoint = checkpoint;
    let current = session;
    const uploaded = await uploadFrom(client, {
      sessionUri: session.sessionUri,
      video,
      from,
      chunkBytes,
      signal,
      finalSentBefore: session.finalChunkAt !== undefined,
      resumable: request.saveCheckpoint !== undefined,
      beforeFinal: async () => {
        // Recorded before the mark, so a later attempt that finds the session gone knows the video may exist.
        if (!current.finalChunkAt) {
          current = { ...current, finalChunkAt: clock.now().toISOString() };
          await saveProgress(request.saveCheckpoint, current);
        }
        await request.markSending?.();
      },
      onProgress: (bytesSent) => progress(request, { stage: 'uploading', bytesSent, totalBytes: video.bytes }),
    });
    return { uploaded, checkpoint: current };
  };

  return {
    network: 'youtube',
    rules: youtubeRules,
    publishesVideo: true,
    // What the draft dialog counts an upload against: the project's units, 1,600 an upload, back at midnight Pacific.
    quota: {
      unitsPerDay: config.dailyQuota ?? YOUTUBE_DAILY_QUOTA_DEFAULT,
      unitsPerPost: YOUTUBE_QUOTA_COSTS['videos.insert'],
      resetsAfter: nextQuotaReset,
    },
    // YouTube's publishAt only ever makes a video public: an unlisted one goes up at its time.
    schedulesOnNetwork: (content) => content.youtube?.privacy === 'public',
    // Marked right before each request carrying the video's last byte: only that one can make the video.
    marksSending: true,
    // A marked send cut off by a crash is safe to repeat at any time: the repeat asks the
    // checkpointed session first (carrying on, or taking the video YouTube made) and never
    // uploads a second copy; a session YouTube forgot meanwhile is reported as unknown.
    resumeAfterCrash: () => true,

    async init() {
      // A refresh token Google refuses should stop start-up naming the variable, not fail the first video hours later.
      try {
        await client.accessToken();
      } catch (error) {
        if (error instanceof PublishError && error.kind === 'permanent') throw error;
        logger.warn('Could not check the YouTube authorisation now; will find out at the first upload', {
          error: error instanceof Error ? error.message : String(error),
        });
      }
    },

    async publish(request: PublishRequest): Promise<PublishResult> {
      const { video, youtube, signal } = request;
      if (!video) throw permanent('YouTube posts need a video: upload one to the draft.');
      if (!youtube) throw permanent('YouTube posts need a title and the other YouTube details: fill them in on the draft.');
      if (video.bytes <= 0) throw permanent('The approved video is empty, so there is nothing to upload to YouTube.');

      const saved = readCheckpoint(request.checkpoint, video);
      let checkpoint: YouTubeCheckpoint;
      let videoId: string;
      if (saved?.videoId) {
        // An earlier attempt finished the upload: carry on after it.
        checkpoint = saved;
        videoId = saved.videoId;
      } else {
        const done = await upload(request, video, youtube, saved);
        videoId = done.uploaded.id;
        checkpoint = { ...done.checkpoint, videoId };
        logger.info('YouTube upload complete', { publication: request.publicationId, videoId });
        await keep(request, checkpoint);
      }

      if (request.thumbnail && !checkpoint.thumbnailSet) {
        if (await setThumbnail(client, videoId, request.thumbnail, logger, signal)) {
          checkpoint = { ...checkpoint, thumbnailSet: true };
          await keep(request, checkpoint);
        }
      }

      progress(request, { stage: 'processing' });
      const processing = await waitForProcessing(client, videoId, signal);
      if (processing.processed) progress(request, { stage: 'processed' });
      else logger.warn('YouTube is still processing the video; it finishes by itself', { publication: request.publicationId, videoId });
      const { heldUntil } = await settleVisibility(client, {
        videoId,
        youtube,
        publishAt: request.publishAt,
        status: processing.status,
        signal,
      });
      if (heldUntil)
        logger.info('YouTube holds the video until its time', {
          publication: request.publicationId,
          videoId,
          until: heldUntil.toISOString(),
        });
      return { externalId: videoId, url: watchUrl(videoId), ...(heldUntil ? { heldUntil } : {}) };
    },

    async withdraw(externalId: string): Promise<void> {
      const listed = await client.call('videos.list', (api, options) => api.videos.list({ part: ['status'], id: [externalId] }, options), {
        retry: true,
      });
      const current = listed.items?.[0];
      if (!current) {
        logger.info('YouTube no longer has the video to withdraw; nothing can go public', { videoId: externalId });
        return;
      }
      // Private, and without publishAt, which clears the time YouTube would publish it at.
      await updatePrivacy(client, externalId, current.status ?? {}, { privacyStatus: 'private' });
      logger.info('YouTube video kept private', { videoId: externalId });
    },

    async fetchMetrics(targets: MetricsTarget[]) {
      return fetchVideoMetrics(
        client,
        targets.map((t) => t.externalId),
      );
    },
  };
}

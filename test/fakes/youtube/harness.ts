/**
 * The YouTube publisher wired to the fake as Greenlight wires it, with the clock and sleep
 * injected (sleeping moves the clock, so no test waits), and publish requests that record
 * what the scheduler would keep: checkpoints, progress, sending marks.
 */
import { ManualClock } from '../../../src/domain/clock.js';
import type { YouTubeDetails } from '../../../src/domain/post.js';
import { createMemoryLogger } from '../../../src/observability/logger.js';
import type { PublishProgress, PublishRequest, Publisher } from '../../../src/platforms/publisher.js';
import { createYouTubePublisher } from '../../../src/platforms/youtube/publisher.js';
import type { TestVideo } from '../../support/publish-video.js';
import { startYouTubeFake, type YouTubeFake, type YouTubeFakeOptions } from './server.js';

export const START = '2026-03-02T09:00:00.000Z';
export const MiB = 1024 * 1024;
/** Small parts, so a few-megabyte video takes several. */
export const TEST_CHUNK = MiB;

export const DETAILS: YouTubeDetails = {
  title: 'Spring sale: the whole story',
  tags: ['spring', 'sale 2026'],
  categoryId: '22',
  privacy: 'public',
  madeForKids: false,
  thumbnail: null,
};

export interface Harness {
  fake: YouTubeFake;
  clock: ManualClock;
  publisher: Publisher;
  logger: ReturnType<typeof createMemoryLogger>;
  /** Every sleep the publisher asked for, in ms. */
  waits: number[];
}

export async function startHarness(
  options: { fake?: YouTubeFakeOptions; refreshToken?: string; clientSecret?: string; chunkBytes?: number } = {},
): Promise<Harness> {
  const clock = new ManualClock(START);
  const fake = await startYouTubeFake({ now: () => clock.now(), ...options.fake });
  const waits: number[] = [];
  const logger = createMemoryLogger();
  const publisher = createYouTubePublisher(
    {
      clientId: fake.clientId,
      clientSecret: options.clientSecret ?? fake.clientSecret,
      refreshToken: options.refreshToken ?? fake.refreshToken,
      apiUrl: fake.url,
      oauthUrl: fake.url,
    },
    {
      logger,
      clock,
      timeoutMs: 5000,
      random: () => 0,
      chunkBytes: options.chunkBytes ?? TEST_CHUNK,
      sleep: async (ms) => {
        waits.push(ms);
        clock.advance(ms);
      },
    },
  );
  return { fake, clock, publisher, logger, waits };
}

export interface RecordedRequest {
  req: PublishRequest;
  saved: Array<Record<string, unknown>>;
  progress: PublishProgress[];
  /** How many requests the upload listener had seen at each mark. */
  marks: number[];
  last(): Record<string, unknown> | null;
}

/** A publish request for `video`, recording what the scheduler would keep. */
export function youtubeRequest(fake: YouTubeFake, video: TestVideo, overrides: Partial<PublishRequest> = {}): RecordedRequest {
  const saved: Array<Record<string, unknown>> = [];
  const progress: PublishProgress[] = [];
  const marks: number[] = [];
  const req: PublishRequest = {
    publicationId: 7,
    text: 'Our spring sale starts Monday: everything you need to know. #spring',
    mediaUrl: null,
    video: video.video,
    youtube: DETAILS,
    publishAt: null,
    onProgress: (p) => progress.push(p),
    saveCheckpoint: async (p) => void saved.push(p),
    markSending: async () => void marks.push(fake.uploadRequests.length),
    ...overrides,
  };
  return { req, saved, progress, marks, last: () => saved.at(-1) ?? null };
}

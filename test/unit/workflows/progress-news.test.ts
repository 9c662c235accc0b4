import { describe, expect, it } from 'vitest';
import type { NewsInput } from '../../../db/store.js';
import { ManualClock } from '../../../src/domain/clock.js';
import type { PostAggregate } from '../../../src/domain/post.js';
import type { Publication } from '../../../src/domain/publication.js';
import { createMemoryLogger } from '../../../src/observability/logger.js';
import type { WorkflowContext } from '../../../src/workflows/context.js';
import { decodeNews } from '../../../src/workflows/news/news-codec.js';
import { newsPolicy } from '../../../src/workflows/news/news-policy.js';
import { PROGRESS_AFTER_MS, PROGRESS_EVERY_MS, progressNews } from '../../../src/workflows/publishing/progress-news.js';

const at = new Date('2026-03-02T08:00:00Z');
const ann = { id: 1, platform: 'slack' as const, platformUserId: 'U1', displayName: 'Ann', timezone: 'Europe/Berlin' };
const publication: Publication = {
  id: 3,
  postId: 7,
  revisionId: 10,
  network: 'youtube',
  status: 'publishing',
  dueAt: at,
  claimOwner: 'p',
  leaseUntil: at,
  sendingAt: null,
  attempts: 1,
  nextAttemptAt: null,
  externalId: null,
  url: null,
  lastError: null,
  publishedAt: null,
  createdAt: at,
  updatedAt: at,
};
const post: PostAggregate = {
  post: {
    id: 7,
    status: 'approved',
    authorId: 1,
    currentRevisionId: 10,
    publishAt: null,
    publishZone: 'UTC',
    originPlatform: 'slack',
    remindedFor: null,
    createdAt: at,
    updatedAt: at,
  },
  revision: {
    id: 10,
    postId: 7,
    number: 1,
    text: 'Tour',
    networks: ['youtube'],
    mediaUrl: null,
    images: [],
    variants: {},
    video: null,
    youtube: null,
    contentHash: 'h',
    authorId: 1,
    aiAssisted: false,
    createdAt: at,
  },
  author: ann,
  decisions: [],
  publications: [publication],
};

function setUp() {
  const clock = new ManualClock('2026-03-02T09:00:00Z');
  const written: NewsInput[] = [];
  const logger = createMemoryLogger();
  const ctx = {
    clock,
    logger,
    news: newsPolicy({ news: ['slack'], digest: [] }),
    store: { getPost: async () => post, enqueueNews: async (items: NewsInput[]) => void written.push(...items) },
  } as unknown as WorkflowContext;
  const said = () => written.map((n) => (decodeNews(n.payload) as { progress?: unknown }).progress);
  return { clock, progress: progressNews(ctx, publication), said, written, logs: logger.lines };
}

describe('progress in the thread', () => {
  it('says nothing of a quick upload, then tells a long one at most every half minute, and processing once each', async () => {
    const { clock, progress, said } = setUp();
    const MB = 1024 * 1024;
    progress.report({ stage: 'uploading', bytesSent: 8 * MB, totalBytes: 500 * MB });
    clock.advance(PROGRESS_AFTER_MS);
    progress.report({ stage: 'uploading', bytesSent: 16 * MB, totalBytes: 500 * MB });
    clock.advance(1000);
    progress.report({ stage: 'uploading', bytesSent: 24 * MB, totalBytes: 500 * MB });
    clock.advance(PROGRESS_EVERY_MS);
    progress.report({ stage: 'uploading', bytesSent: 200 * MB, totalBytes: 500 * MB });
    progress.report({ stage: 'uploading', bytesSent: 500 * MB, totalBytes: 500 * MB });
    progress.report({ stage: 'processing' });
    progress.report({ stage: 'processing' });
    progress.report({ stage: 'processed' });
    await progress.flushed();
    expect(said()).toEqual([
      { stage: 'uploading', bytesSent: 16 * MB, totalBytes: 500 * MB },
      { stage: 'uploading', bytesSent: 200 * MB, totalBytes: 500 * MB },
      { stage: 'processing' },
      { stage: 'processed' },
    ]);
  });

  it('says nothing for a post whose chat hears no news', async () => {
    const { progress, written, logs } = setUp();
    (post.post as { originPlatform: string }).originPlatform = 'cli';
    progress.report({ stage: 'processing' });
    await progress.flushed();
    expect(written).toEqual([]);
    expect(logs).toEqual([]);
    (post.post as { originPlatform: string }).originPlatform = 'slack';
  });
});

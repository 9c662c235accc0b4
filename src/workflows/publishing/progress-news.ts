import type { Publication } from '../../domain/publication.js';
import type { PublishProgress } from '../../platforms/publisher.js';
import type { WorkflowContext } from '../context.js';

/** An upload is told about in the thread once it has taken this long ("longer than a few seconds")… */
export const PROGRESS_AFTER_MS = 5_000;
/** …and then at most this often: enough to see it move, not a message flood. */
export const PROGRESS_EVERY_MS = 30_000;

/**
 * Turns a publisher's progress reports (which may come per chunk) into a few lines in the
 * post's thread: bytes sent for an upload that takes more than a few seconds, at most every
 * half minute, and once each when the network starts and finishes processing. Each is news
 * written to the outbox like any other; writing it never holds up the upload, and a failure
 * to write it is only logged.
 */
export function progressNews(
  ctx: WorkflowContext,
  publication: Publication,
): { report: (progress: PublishProgress) => void; flushed: () => Promise<void> } {
  const started = ctx.clock.now().getTime();
  let lastUpload = -Infinity;
  const said = new Set<PublishProgress['stage']>();
  let queue: Promise<void> = Promise.resolve();
  const tell = (progress: PublishProgress) => {
    queue = queue
      .then(async () => {
        const post = await ctx.store.getPost(publication.postId);
        if (!post) return;
        const news = ctx.news.forEvent({ type: 'publication.progress', post, publication, progress });
        if (news.length) await ctx.store.enqueueNews(news, ctx.clock.now());
      })
      .catch((error: unknown) =>
        ctx.logger.warn('could not tell the thread how a publication is going', {
          post: publication.postId,
          network: publication.network,
          error,
        }),
      );
  };
  const report = (progress: PublishProgress) => {
    const now = ctx.clock.now().getTime();
    if (progress.stage === 'uploading') {
      const done = progress.bytesSent >= progress.totalBytes;
      if (done || now - started < PROGRESS_AFTER_MS || now - lastUpload < PROGRESS_EVERY_MS) return;
      lastUpload = now;
      tell(progress);
      return;
    }
    if (said.has(progress.stage)) return;
    said.add(progress.stage);
    tell(progress);
  };
  // Awaited before the outcome is written, so "published" never comes before "uploading" in the thread.
  return { report, flushed: () => queue };
}

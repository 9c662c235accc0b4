import type { Logger } from '../observability/logger.js';

/**
 * The last line behind every request handler: an error nothing else caught is logged and the
 * process keeps serving. Node's default would exit and take every other conversation, the
 * scheduler and the news in flight with it, for one bad request. Keeping on is safe here
 * because Greenlight's state lives in the database, changed only in whole transactions (an
 * error mid-change rolls it back), and no handler shares half-done in-memory state with
 * another. Returns a function that removes the handlers (tests).
 */
export function keepServingOnStrayErrors(logger: Logger): () => void {
  const onRejection = (reason: unknown) => {
    logger.error('a promise failed and nothing handled it; carrying on', { error: reason });
  };
  const onException = (error: Error, origin: string) => {
    logger.error('an error escaped every handler; carrying on', { error, origin });
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}

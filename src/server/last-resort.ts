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
  // Output that can no longer be written (EPIPE: whatever read it went away, a closed terminal
  // or a log collector that exited) fails as an 'error' on the stream. Left unhandled it came
  // back as an uncaught exception here, whose own log line failed the same way, for ever: a
  // process was found spinning at 100% CPU. Such output is dropped; Greenlight keeps serving.
  const onOutputError = () => undefined;
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  process.stdout.on('error', onOutputError);
  process.stderr.on('error', onOutputError);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
    process.stdout.off('error', onOutputError);
    process.stderr.off('error', onOutputError);
  };
}

/** `npm start`: read configuration, start Greenlight, stop cleanly on SIGTERM/SIGINT. */
import { startApp } from './app.js';
import { ConfigError, loadConfig, loadDotEnv } from './config.js';
import { UserFacingError } from './domain/errors.js';
import { createLogger } from './observability/logger.js';
import { keepServingOnStrayErrors } from './server/last-resort.js';

async function main(): Promise<void> {
  loadDotEnv();
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) console.error(`greenlight: ${problem}`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel });
  keepServingOnStrayErrors(logger);
  const app = await startApp(config, { logger });

  let signals = 0;
  const shutdown = (signal: string) => {
    if (++signals > 1) process.exit(1); // a second Ctrl-C means "now"
    logger.info(`${signal}: finishing work in flight, then stopping`);
    app.stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error('shutdown failed', { error });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  const message = error instanceof UserFacingError ? error.userMessage : error instanceof Error ? error.stack ?? error.message : String(error);
  console.error(`greenlight: ${message}`);
  process.exit(1);
});

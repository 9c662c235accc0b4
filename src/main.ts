/**
 * `npm start [-- --init]`: read configuration, start Greenlight, stop cleanly on SIGTERM/SIGINT.
 * `--init` lets a new, empty database take the place of one that existed (see docs/operations.md).
 */
import { parseArgs } from 'node:util';
import { startApp } from './app.js';
import { ConfigError, loadConfig, loadDotEnv } from './config.js';
import { UserFacingError } from './domain/errors.js';
import { createLogger } from './observability/logger.js';
import { keepServingOnStrayErrors } from './server/last-resort.js';

/** A repeated SIGINT/SIGTERM sooner than this is the same request delivered twice. */
const REPEAT_MEANS_NOW_AFTER_MS = 1000;

function parseFlags(): { init: boolean } {
  try {
    return { init: parseArgs({ options: { init: { type: 'boolean', default: false } } }).values.init };
  } catch (error) {
    throw new UserFacingError(`${(error as Error).message}\nusage: npm start [-- --init]`);
  }
}

async function main(): Promise<void> {
  const flags = parseFlags();
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
  const logger = createLogger({ level: config.logLevel, format: config.logFormat });
  keepServingOnStrayErrors(logger);
  // Signals are handled from before start-up: without a listener a SIGTERM ends Node at once,
  // and a supervisor may send one the moment "listening" is printed, or while starting.
  const starting = startApp(config, { logger, initDatabase: flags.init });

  let firstSignalAt: number | undefined;
  const shutdown = (signal: string) => {
    if (firstSignalAt !== undefined) {
      // One request often arrives twice within milliseconds: a terminal's Ctrl-C (or a
      // control-group kill) reaches both npm and Greenlight, and npm forwards its copy. Only
      // a later repeat is a person's second Ctrl-C, which means "now".
      if (performance.now() - firstSignalAt > REPEAT_MEANS_NOW_AFTER_MS) process.exit(1);
      return;
    }
    firstSignalAt = performance.now();
    logger.info(`${signal}: finishing work in flight, then stopping`);
    starting
      .then((app) => app.stop())
      .then(
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
  await starting;
}

/** Runs Greenlight as this process (start.ts calls it; importing this module starts nothing). */
export function runGreenlight(): void {
  main().catch((error: unknown) => {
    const message =
      error instanceof UserFacingError ? error.userMessage : error instanceof Error ? (error.stack ?? error.message) : String(error);
    console.error(`greenlight: ${message}`);
    process.exit(1);
  });
}

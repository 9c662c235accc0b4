import os from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Builds dist/ from the sources: the tests that start Greenlight as a process run it.
    globalSetup: ['test/support/build-once.ts'],
    // End-to-end tests start real HTTP servers and SQLite files; give slow CI machines room.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // One test file per core, and never fewer than two at once. Vitest's default (cores - 1)
    // ran the files one by one on a 2-core machine, while many of them mostly wait: on their
    // own child processes (Greenlight started for real, npm start, CLIs), on fakes that hold a
    // request, on a network's real rate limit. Two at once took the suite from about 350 s to
    // about 165 s there; a third gained little more (about 150 s), the cores being busy by then.
    maxWorkers: Math.max(2, os.availableParallelism()),
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end tests start real HTTP servers and SQLite files; give slow CI machines room.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Tests run against core's source, never a stale build.
    alias: {
      '@wpp-sessions/core': fileURLToPath(new URL('../../packages/core/src/index.ts', import.meta.url)),
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Each file starts PGlite (3-5 s) and talks to it over real HTTP.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

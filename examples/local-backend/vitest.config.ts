import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const core = (entry: string) =>
  fileURLToPath(new URL(`../../packages/core/src/${entry}.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against core's source, never a stale build.
    alias: {
      // Subpaths first: an alias key also matches longer specifiers that start with it.
      '@wpp-sessions/core/messages': core('messages'),
      '@wpp-sessions/core/fetch': core('fetch'),
      '@wpp-sessions/core/supabase': core('supabase'),
      '@wpp-sessions/core/testing': core('testing'),
      '@wpp-sessions/core': core('index'),
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

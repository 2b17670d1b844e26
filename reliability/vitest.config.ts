import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      // Tests run against the sources, never a stale build.
      // Subpaths first: an alias key also matches longer specifiers that start with it.
      '@wpp-sessions/core/messages': here('../packages/core/src/messages.ts'),
      '@wpp-sessions/core/fetch': here('../packages/core/src/fetch.ts'),
      '@wpp-sessions/core/normalize': here('../packages/core/src/normalize.ts'),
      '@wpp-sessions/core/supabase': here('../packages/core/src/supabase.ts'),
      '@wpp-sessions/core/testing': here('../packages/core/src/testing.ts'),
      '@wpp-sessions/core': here('../packages/core/src/index.ts'),
      '@wpp-sessions/react': here('../packages/react/src/index.ts'),
      '@wpp-sessions/local-backend': here('../examples/local-backend/src/index.ts'),
    },
  },
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    environment: 'node',
    testTimeout: 600_000,
    hookTimeout: 120_000,
    // The machine has 2 cores shared with other work: two files at a time at most.
    maxWorkers: 2,
    reporters: ['default', './support/reliability.reporter.ts'],
  },
});

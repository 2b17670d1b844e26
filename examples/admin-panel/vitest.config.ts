import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  // Tests run against the libraries' sources, never a stale build.
  resolve: {
    alias: {
      // Subpaths first: an alias key also matches longer specifiers that start with it.
      '@wpp-sessions/core/messages': src('../../packages/core/src/messages.ts'),
      '@wpp-sessions/core/fetch': src('../../packages/core/src/fetch.ts'),
      '@wpp-sessions/core/supabase': src('../../packages/core/src/supabase.ts'),
      '@wpp-sessions/core/testing': src('../../packages/core/src/testing.ts'),
      '@wpp-sessions/core': src('../../packages/core/src/index.ts'),
      '@wpp-sessions/react': src('../../packages/react/src/index.ts'),
    },
  },
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    environment: 'happy-dom',
    setupFiles: ['test/setup.ts'],
  },
});

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  // Tests run against the libraries' sources, never a stale build.
  resolve: {
    alias: {
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

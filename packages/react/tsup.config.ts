import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // Hooks and context: React Server Components frameworks must load this package on the client.
  banner: { js: "'use client';" },
  external: ['react', '@xstate/react', 'xstate', /^@wpp-sessions\/core(\/.*)?$/],
});

import { defineConfig } from 'tsup';

export default defineConfig({
  // One file per entry point (see package.json "exports"); code they share goes to chunks, so `WppError` is one
  // class whichever entry an app imports it through, in ESM and in CommonJS alike.
  entry: {
    index: 'src/index.ts',
    supabase: 'src/supabase.ts',
    testing: 'src/testing.ts',
    normalize: 'src/normalize.ts',
    messages: 'src/messages.ts',
    fetch: 'src/fetch.ts',
  },
  format: ['esm', 'cjs'],
  splitting: true,
  dts: true,
  sourcemap: true,
  clean: true,
  treeshake: true,
  target: 'es2022',
});

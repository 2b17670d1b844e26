import { defineConfig } from 'vite';

// Vite 8 compiles TSX with oxc's automatic JSX runtime: no React plugin needed (no Fast Refresh either).
export default defineConfig({
  build: {
    outDir: 'dist',
    sourcemap: true,
    // supabase-js, React, xstate and zod in one chunk of an example app.
    chunkSizeWarningLimit: 800,
    rolldownOptions: {
      onwarn(warning, warn) {
        // "use client" of lucide-react and @wpp-sessions/react means nothing in a client-only bundle.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});

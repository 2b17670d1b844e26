import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const core = (entry: string) => fileURLToPath(new URL(`../core/src/${entry}.ts`, import.meta.url));

// React 18.3.1 lives inside @wpp-sessions/react18-env (a packed devDependency, see test-react18/README.md),
// beside the workspace's React 19.
const env = dirname(createRequire(import.meta.url).resolve('@wpp-sessions/react18-env/package.json'));
const react18 = createRequire(`${env}/`);
const react18Dir = (name: string) => dirname(react18.resolve(`${name}/package.json`));

export default defineConfig({
  // Subpaths first: an alias key also matches longer specifiers that start with it.
  resolve: {
    alias: {
      '@wpp-sessions/core/messages': core('messages'),
      '@wpp-sessions/core/testing': core('testing'),
      '@wpp-sessions/core': core('index'),
    },
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'react19',
          env: { REACT_UNDER_TEST: '19.3.1' },
          include: ['test/**/*.test.{ts,tsx}'],
          environment: 'happy-dom',
          setupFiles: ['test/setup.ts'],
          typecheck: { enabled: true, include: ['test/**/*.test-d.tsx'], tsconfig: './tsconfig.json' },
        },
      },
      {
        extends: true,
        resolve: {
          alias: [
            { find: /^react$/, replacement: `${react18Dir('react')}/index.js` },
            { find: /^react\/(.*)$/, replacement: `${react18Dir('react')}/$1` },
            { find: /^react-dom$/, replacement: `${react18Dir('react-dom')}/index.js` },
            { find: /^react-dom\/(.*)$/, replacement: `${react18Dir('react-dom')}/$1` },
          ],
        },
        test: {
          name: 'react18',
          include: ['test/**/*.test.{ts,tsx}'],
          environment: 'happy-dom',
          // The register file must run before anything imports React (see its comment).
          setupFiles: ['test-react18/register.ts', 'test/setup.ts', 'test/react18.setup.ts'],
          env: { REACT_UNDER_TEST: '18.3.1' },
        },
      },
    ],
  },
});

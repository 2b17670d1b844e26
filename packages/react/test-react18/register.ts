/**
 * Makes every `react` / `react-dom` import in this test process load React 18.3.1 from
 * `@wpp-sessions/react18-env`, including the imports inside packages Node loads itself (@xstate/react,
 * use-sync-external-store, @testing-library/react), which Vite's aliases never see. Loaded first by the react18
 * vitest project (see ../vitest.config.ts); the react19 project never loads it.
 */
import Module, { createRequire, register } from 'node:module';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';

const env = createRequire(import.meta.url).resolve('@wpp-sessions/react18-env/package.json');
const REACT = /^react(-dom)?(\/.*)?$/;

type Resolve = (request: string, parent: unknown, ...rest: unknown[]) => string;
const internals = Module as unknown as {
  _resolveFilename: Resolve;
  _nodeModulePaths(from: string): string[];
};
const resolveFilename = internals._resolveFilename;
// Resolves as if required from inside the env package, whose node_modules holds React 18.
const fromEnv = Object.assign(new Module(env), {
  filename: env,
  paths: internals._nodeModulePaths(dirname(env)),
});

// import: an ESM resolve hook (computed before require() is patched below).
const mapping = Object.fromEntries(
  [
    'react',
    'react/jsx-runtime',
    'react/jsx-dev-runtime',
    'react-dom',
    'react-dom/client',
    'react-dom/server',
    'react-dom/test-utils',
  ].map((specifier) => [specifier, pathToFileURL(resolveFilename.call(Module, specifier, fromEnv)).href]),
);
register(
  `data:text/javascript,${encodeURIComponent(`
    const mapping = ${JSON.stringify(mapping)};
    export async function resolve(specifier, context, next) {
      const url = mapping[specifier];
      return url ? { url, format: 'commonjs', shortCircuit: true } : next(specifier, context);
    }
  `)}`,
);

// require(): Node 20 has no hook for it but this one.
internals._resolveFilename = function (this: unknown, request, parent, ...rest) {
  return resolveFilename.call(this, request, REACT.test(request) ? fromEnv : parent, ...rest);
};

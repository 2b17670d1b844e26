import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/** Sizes of one bundle, in bytes. */
export interface BundleSize {
  minified: number;
  gzip: number;
}

/** What P5 measures. */
export interface BundleSizes {
  /** P5: the main entry's whole public API + react's, zod and every peer and xstate external. */
  coreAndReact: BundleSize;
  /** The main entry alone, externals as P5. */
  core: BundleSize;
  /** P5 with zod bundled (zod is a dependency of core: an app without zod of its own pays it too). */
  coreAndReactWithZod: BundleSize;
  /** P5-app: what a typical app imports (the Supabase adapter, the provider, the two hooks), externals as P5. */
  app: BundleSize;
  /** P5-total: P5-app plus xstate and @xstate/react, i.e. what an app without xstate adds (react, zod external). */
  appWithXstate: BundleSize;
  /** P5-total with zod bundled too: an app that has neither xstate nor zod. */
  appWithXstateAndZod: BundleSize;
  /** The other entry points alone, externals as P5. */
  entries: { supabase: BundleSize; testing: BundleSize; normalize: BundleSize };
  /** `createWppSessions` alone: the two machines, the limiter and what they import. */
  machines: BundleSize;
  /** Minified bytes each source file adds to P5 and to P5-app (built from `src`, so files can be told apart). */
  breakdown: {
    main: Array<{ file: string; minified: number }>;
    app: Array<{ file: string; minified: number }>;
  };
}

const BENCH_DIR = fileURLToPath(new URL('../..', import.meta.url));
const REPO_DIR = fileURLToPath(new URL('../../..', import.meta.url));

const REACT = ['react', 'react/*', 'react-dom', 'react-dom/*', '@supabase/supabase-js'];
const XSTATE = ['xstate', 'xstate/*', '@xstate/react', '@xstate/react/*'];
const ZOD = ['zod', 'zod/*'];

const SRC_ALIAS = {
  '@wpp-sessions/core/supabase': `${REPO_DIR}packages/core/src/supabase.ts`,
  '@wpp-sessions/core/testing': `${REPO_DIR}packages/core/src/testing.ts`,
  '@wpp-sessions/core/normalize': `${REPO_DIR}packages/core/src/normalize.ts`,
  '@wpp-sessions/core': `${REPO_DIR}packages/core/src/index.ts`,
  '@wpp-sessions/react': `${REPO_DIR}packages/react/src/index.ts`,
};

async function measure(contents: string, external: string[]): Promise<BundleSize> {
  const result = await build({
    stdin: { contents, resolveDir: BENCH_DIR, sourcefile: 'entry.js', loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    external,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  return { minified: code.byteLength, gzip: gzipSync(code, { level: 9 }).byteLength };
}

async function breakdown(contents: string, external: string[]): Promise<BundleSizes['breakdown']['app']> {
  const result = await build({
    stdin: { contents, resolveDir: BENCH_DIR, sourcefile: 'entry.js', loader: 'js' },
    alias: SRC_ALIAS,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    write: false,
    metafile: true,
    external,
    logLevel: 'silent',
  });
  const output = Object.values(result.metafile.outputs)[0]!;
  return Object.entries(output.inputs)
    .map(([file, input]) => ({ file: file.replace(/^(\.\.\/)+/, ''), minified: input.bytesInOutput }))
    .filter((entry) => entry.minified > 0)
    .sort((a, b) => b.minified - a.minified);
}

/**
 * Bundles tiny entries that import the packages' built entry points (`dist`, as published) with esbuild, minified,
 * and gzips them with node:zlib at level 9.
 *
 * @example
 * ```ts
 * const { coreAndReact, app } = await bundleSizes(); // .gzip in bytes
 * ```
 */
export async function bundleSizes(): Promise<BundleSizes> {
  const both = "export * from '@wpp-sessions/core';\nexport * from '@wpp-sessions/react';\n";
  const app =
    "export { createSupabaseBackend } from '@wpp-sessions/core/supabase';\n" +
    "export { WppSessionsProvider, useWppSessions, useWppSession } from '@wpp-sessions/react';\n";
  const external = [...REACT, ...XSTATE, ...ZOD];
  return {
    coreAndReact: await measure(both, external),
    core: await measure("export * from '@wpp-sessions/core';\n", external),
    coreAndReactWithZod: await measure(both, [...REACT, ...XSTATE]),
    app: await measure(app, external),
    appWithXstate: await measure(app, [...REACT, ...ZOD]),
    appWithXstateAndZod: await measure(app, REACT),
    entries: {
      supabase: await measure("export * from '@wpp-sessions/core/supabase';\n", external),
      testing: await measure("export * from '@wpp-sessions/core/testing';\n", external),
      normalize: await measure("export * from '@wpp-sessions/core/normalize';\n", external),
    },
    machines: await measure("export { createWppSessions } from '@wpp-sessions/core';\n", external),
    breakdown: { main: await breakdown(both, external), app: await breakdown(app, external) },
  };
}

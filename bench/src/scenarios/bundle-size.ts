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
  /** Both packages' whole public API, every dependency and peer external. */
  coreAndReact: BundleSize;
  /** Core's whole public API alone, dependencies and peers external. */
  core: BundleSize;
  /** Both packages with zod bundled (zod is a dependency of core, not a peer). */
  coreAndReactWithZod: BundleSize;
  /** What a typical app imports: the Supabase adapter, the provider and the two hooks (peers and zod external). */
  app: BundleSize;
  /** P5 without the simulated backend and platform (as if they lived in a `/testing` subpath). */
  withoutSimulated: BundleSize;
  /** `createWppSessions` alone: the two machines, the limiter and what they import. */
  machines: BundleSize;
  /** `createSupabaseBackend` alone, from the published `dist` and from `src` (shows what tree-shaking can drop). */
  adapter: { dist: BundleSize; src: BundleSize };
  /** Minified bytes each source file adds to `coreAndReact` (built from `src`, so files can be told apart). */
  breakdown: Array<{ file: string; minified: number }>;
}

const BENCH_DIR = fileURLToPath(new URL('../..', import.meta.url));
const REPO_DIR = fileURLToPath(new URL('../../..', import.meta.url));

const PEERS = [
  'react',
  'react/*',
  'react-dom',
  'react-dom/*',
  'xstate',
  'xstate/*',
  '@xstate/react',
  '@xstate/react/*',
  '@supabase/supabase-js',
];
const ZOD = ['zod', 'zod/*'];

const SRC_ALIAS = {
  '@wpp-sessions/core': `${REPO_DIR}packages/core/src/index.ts`,
  '@wpp-sessions/react': `${REPO_DIR}packages/react/src/index.ts`,
};

async function measure(contents: string, external: string[], fromSrc = false): Promise<BundleSize> {
  const result = await build({
    stdin: { contents, resolveDir: BENCH_DIR, sourcefile: 'entry.js', loader: 'js' },
    ...(fromSrc ? { alias: SRC_ALIAS, jsx: 'automatic' as const } : {}),
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

async function breakdown(contents: string, external: string[]): Promise<BundleSizes['breakdown']> {
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
 * Bundles tiny entries that import the packages' built public API (`dist`, as published) with esbuild, minified,
 * and gzips them with node:zlib at level 9.
 *
 * @example
 * ```ts
 * const { coreAndReact } = await bundleSizes(); // coreAndReact.gzip in bytes
 * ```
 */
export async function bundleSizes(): Promise<BundleSizes> {
  const both = "export * from '@wpp-sessions/core';\nexport * from '@wpp-sessions/react';\n";
  const external = [...PEERS, ...ZOD];
  const coreExports = Object.keys(await import('@wpp-sessions/core')).filter(
    (name) => !/Simulated/.test(name),
  );
  const adapter = "export { createSupabaseBackend } from '@wpp-sessions/core';\n";
  return {
    coreAndReact: await measure(both, [...PEERS, ...ZOD]),
    core: await measure("export * from '@wpp-sessions/core';\n", [...PEERS, ...ZOD]),
    coreAndReactWithZod: await measure(both, PEERS),
    app: await measure(
      "export { createSupabaseBackend } from '@wpp-sessions/core';\n" +
        "export { WppSessionsProvider, useWppSessions, useWppSession } from '@wpp-sessions/react';\n",
      [...PEERS, ...ZOD],
    ),
    withoutSimulated: await measure(
      `export { ${coreExports.join(', ')} } from '@wpp-sessions/core';\nexport * from '@wpp-sessions/react';\n`,
      external,
    ),
    machines: await measure("export { createWppSessions } from '@wpp-sessions/core';\n", external),
    adapter: { dist: await measure(adapter, external), src: await measure(adapter, external, true) },
    breakdown: await breakdown(both, external),
  };
}

#!/usr/bin/env node
// `npm run test:consumer`: installs the packed packages the way a new user would, outside the workspaces.
//
// Packs @wpp-sessions/core and @wpp-sessions/react (`npm pack`) into a temporary folder, then for each variant
// below writes a scratch Vite + React app there (`consumer/app`), installs the two tarballs and the app's own
// dependencies from the npm registry, and checks:
//   - the install succeeds (with `--strict-peer-deps`: no ERESOLVE),
//   - one copy of xstate, @xstate/react, react and zod in the tree, and the app keeps its own zod version,
//   - `tsc --noEmit` (skipLibCheck off, so our .d.ts files are checked too) and `vite build` pass,
//   - `node node-check.mjs`: every entry point imports in plain Node (ESM and CommonJS) without a DOM.
// Variants run one after another and share npm's cache (`--prefer-offline`). `--keep` keeps the folder.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TEMPLATE = fileURLToPath(new URL('app', import.meta.url));

/** The app's own dependencies: the user had zod 4.1 and supabase-js 2.75 beside React 18.3. */
const APP_DEPS = { '@supabase/supabase-js': '2.75.0', zod: '4.1.11' };
// @types/node: supabase-js's own .d.ts files name Buffer and NodeJS, and skipLibCheck is off.
const DEV_DEPS = { '@types/node': '20.19.43', typescript: '5.9.3', vite: '8.3.8' };
const REACT = {
  18: { react: '18.3.1', 'react-dom': '18.3.1', '@types/react': '18.3.32', '@types/react-dom': '18.3.7' },
  19: { react: '19.3.1', 'react-dom': '19.3.1', '@types/react': '19.3.0', '@types/react-dom': '19.3.0' },
};

/** Strict peers and legacy peers, on both Reacts; half the apps also depend on xstate themselves. */
const VARIANTS = [
  { name: 'react18-legacy-peers', react: 18, peers: '--legacy-peer-deps', ownXstate: false },
  { name: 'react18-strict-peers', react: 18, peers: '--strict-peer-deps', ownXstate: true },
  { name: 'react19-strict-peers', react: 19, peers: '--strict-peer-deps', ownXstate: false },
  { name: 'react19-legacy-peers', react: 19, peers: '--legacy-peer-deps', ownXstate: true },
];

// Child npm processes must not inherit the workspace's npm settings (npm run sets npm_config_* variables).
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));

function run(command, args, cwd) {
  const startedAt = performance.now();
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = Math.round(performance.now() - startedAt);
  if (result.status !== 0) {
    process.stderr.write(`${result.stdout}\n${result.stderr}\n`);
    throw new Error(`\`${command} ${args.join(' ')}\` failed in ${cwd} (exit ${result.status}, ${ms} ms)`);
  }
  return { stdout: result.stdout, ms };
}

/** Every installed copy of a package in a node_modules tree, by version. */
function copiesOf(name, dir, found = []) {
  const modules = path.join(dir, 'node_modules');
  if (!existsSync(modules)) return found;
  const own = path.join(modules, name, 'package.json');
  if (existsSync(own)) found.push(JSON.parse(readFileSync(own, 'utf8')).version);
  for (const entry of readdirSync(modules)) {
    if (entry.startsWith('.')) continue;
    const scoped = entry.startsWith('@')
      ? readdirSync(path.join(modules, entry)).map((s) => `${entry}/${s}`)
      : [entry];
    for (const pkg of scoped) copiesOf(name, path.join(modules, pkg), found);
  }
  return found;
}

function pack(workspace, into) {
  const { stdout } = run('npm', ['pack', '--json', '--pack-destination', into], path.join(ROOT, workspace));
  const [{ filename }] = JSON.parse(stdout);
  return path.join(into, filename);
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'wpp-consumer-'));
const failures = [];
try {
  const tarballs = path.join(tmp, 'tarballs');
  mkdirSync(tarballs);
  const core = pack('packages/core', tarballs);
  const react = pack('packages/react', tarballs);
  console.log(`consumer: packed ${path.basename(core)}, ${path.basename(react)} into ${tmp}`);

  for (const variant of VARIANTS) {
    const app = path.join(tmp, variant.name);
    cpSync(TEMPLATE, app, { recursive: true });
    const dependencies = {
      ...APP_DEPS,
      ...REACT[variant.react],
      '@wpp-sessions/core': `file:${core}`,
      '@wpp-sessions/react': `file:${react}`,
      ...(variant.ownXstate ? { xstate: '^5.28.0' } : {}),
    };
    const manifest = { name: `consumer-${variant.name}`, private: true, type: 'module', dependencies };
    writeFileSync(
      path.join(app, 'package.json'),
      `${JSON.stringify({ ...manifest, devDependencies: DEV_DEPS }, null, 2)}\n`,
    );
    const steps = [];
    try {
      const flags = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', variant.peers];
      steps.push(`install ${run('npm', ['install', ...flags], app).ms} ms`);
      for (const name of ['xstate', '@xstate/react', 'react', 'zod']) {
        const copies = copiesOf(name, app);
        if (copies.length !== 1)
          throw new Error(`${name}: ${copies.length} copies (${copies.join(', ')}), wanted one`);
      }
      const zod = copiesOf('zod', app)[0];
      if (zod !== APP_DEPS.zod) throw new Error(`the app's zod moved from ${APP_DEPS.zod} to ${zod}`);
      steps.push(`tsc ${run('node', ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], app).ms} ms`);
      steps.push(
        `vite build ${run('node', ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], app).ms} ms`,
      );
      steps.push(`node ${run('node', ['node-check.mjs'], app).ms} ms`);
      console.log(`consumer: ✓ ${variant.name} (${variant.peers}): ${steps.join(', ')}`);
    } catch (error) {
      failures.push(variant.name);
      console.error(
        `consumer: ✗ ${variant.name} (${variant.peers}) after ${steps.join(', ') || 'nothing'}: ${error.message}`,
      );
    }
  }
} finally {
  if (process.argv.includes('--keep')) console.log(`consumer: kept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
}

if (failures.length > 0) {
  console.error(`consumer: ${failures.length} of ${VARIANTS.length} variants failed: ${failures.join(', ')}`);
  process.exit(1);
}
console.log(`consumer: all ${VARIANTS.length} variants installed, typechecked, built and imported in Node`);

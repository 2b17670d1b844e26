#!/usr/bin/env node
// `npm run release`: what must hold before the packages leave this repository, then the tarballs.
// Builds, lints (biome, tsc, publint, attw), runs every test, installs the packed packages into scratch apps
// (`npm run test:consumer`), and packs @wpp-sessions/core and @wpp-sessions/react into `release/`. Publishing is a
// separate, deliberate step (`npx changeset publish`, see the root README); this script never publishes.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = fileURLToPath(new URL('../release/', import.meta.url));

/** Runs one step; its output streams through, except when `capture` asks for stdout (npm pack --json). */
function step(label, command, args, cwd = ROOT, capture = false) {
  console.log(`\nrelease: ${label}`);
  const stdio = ['ignore', capture ? 'pipe' : 'inherit', 'inherit'];
  const result = spawnSync(command, args, { cwd, stdio, encoding: 'utf8' });
  if (result.status !== 0) {
    console.error(`release: ${label} failed (exit ${result.status}); nothing was packed`);
    process.exit(1);
  }
  return result.stdout;
}

step('build', 'npm', ['run', 'build']);
step('lint', 'npm', ['run', 'lint']);
step('test', 'npm', ['test']);
step('consumer test', 'npm', ['run', 'test:consumer']);

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT);
const files = [];
for (const workspace of ['packages/core', 'packages/react']) {
  const out = step(
    `pack ${workspace}`,
    'npm',
    ['pack', '--json', '--pack-destination', OUT],
    `${ROOT}${workspace}`,
    true,
  );
  files.push(JSON.parse(out)[0].filename);
}
console.log(`\nrelease: packed into release/: ${files.join(', ')}`);
console.log(
  `Install them in an app with:\n  npm install ${files.map((file) => `<path to>/release/${file}`).join(' ')}`,
);

#!/usr/bin/env node
// `npm test`: runs every workspace's tests through turbo, streams their output, and closes with one plain line
// `tests: N passed, N failed, N skipped` summed from each vitest run, so a reader (or CI) sees the whole count.
import { spawn } from 'node:child_process';

const args = ['turbo', 'run', 'test', '--concurrency=2', ...process.argv.slice(2)];
const child = spawn('npx', args, { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
const totals = { passed: 0, failed: 0, skipped: 0, runs: 0 };
// biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes
const ansi = /\u001b\[[0-9;]*m/g;

// Chunks can end mid-line: each stream keeps its unfinished line until the rest arrives.
const carry = new Map();

function scan(chunk, out) {
  out.write(chunk);
  const lines = ((carry.get(out) ?? '') + chunk.toString()).split('\n');
  carry.set(out, lines.pop() ?? '');
  countLines(lines);
}

function countLines(lines) {
  for (const line of lines) {
    const plain = line.replace(ansi, '');
    const match = /\bTests\s+(.*)\(\d+\)\s*$/.exec(plain);
    if (!match) continue;
    totals.runs += 1;
    for (const [, count, kind] of match[1].matchAll(/(\d+) (passed|failed|skipped|todo)/g)) {
      if (kind === 'todo') totals.skipped += Number(count);
      else totals[kind] += Number(count);
    }
  }
}

child.stdout.on('data', (chunk) => scan(chunk, process.stdout));
child.stderr.on('data', (chunk) => scan(chunk, process.stderr));
child.on('close', (code) => {
  for (const rest of carry.values()) countLines([rest]);
  console.log(`\n${totals.runs} test runs`);
  console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  process.exit(code ?? 1);
});

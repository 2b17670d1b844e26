import { readdirSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Reporter, TestModule } from 'vitest/node';
import { type ReliabilityMeta, SECTIONS } from './report.js';

const TEST_DIR = fileURLToPath(new URL('../test/', import.meta.url));
const OUTPUT = fileURLToPath(new URL('../../docs/RELIABILITY.md', import.meta.url));

interface Failure {
  file: string;
  name: string;
  error: string;
}

interface Row {
  file: string;
  name: string;
  state: string;
  meta: ReliabilityMeta;
}

/** Set by `npm run test:reliability`, the one command that exists to write the report (`npm test` leaves it). */
export const WRITE_REPORT_ENV = 'WRITE_RELIABILITY_REPORT';

/**
 * Gathers the figures and invariants the reliability tests attach to `task.meta` and writes `docs/RELIABILITY.md`
 * once a run of every test file ends, only when `WRITE_RELIABILITY_REPORT=1` (`npm run test:reliability` sets it),
 * so `npm test` leaves the tracked report as it found it. A partial run (one file, a filter) writes nothing either,
 * so it cannot replace the full report with a part of it.
 *
 * @example
 * ```ts
 * // vitest.config.ts
 * export default defineConfig({ test: { reporters: ['default', './support/reliability.reporter.ts'] } });
 * ```
 */
export default class ReliabilityReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, _errors: unknown, reason: string): void {
    if (process.env[WRITE_REPORT_ENV] !== '1') {
      console.log(
        `[reliability] docs/RELIABILITY.md is written by \`npm run test:reliability\` only; left as it is`,
      );
      return;
    }
    const expected = readdirSync(TEST_DIR).filter((name) => /\.test\.tsx?$/.test(name));
    const ran = new Set(testModules.map((module) => basename(module.moduleId)));
    const missing = expected.filter((name) => !ran.has(name));
    if (reason === 'interrupted' || missing.length > 0) {
      console.log(
        `[reliability] partial run (${missing.length} test files did not run): docs/RELIABILITY.md left as it is`,
      );
      return;
    }
    const rows: Row[] = [];
    const failed: Failure[] = [];
    for (const module of testModules) {
      const file = basename(module.moduleId);
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) {
        failed.push({ file, name: '(the file did not load)', error: module.errors()[0]?.message ?? '' });
      }
      for (const test of module.children.allTests()) {
        const result = test.result();
        if (result.state === 'failed') {
          failed.push({ file, name: test.fullName, error: result.errors?.[0]?.message ?? '' });
        }
        const meta = test.meta().reliability;
        if (!meta) continue;
        rows.push({ file, name: test.name, state: result.state, meta });
      }
    }
    writeFileSync(OUTPUT, render(rows, failed));
    console.log(`[reliability] wrote ${OUTPUT}`);
  }
}

function cell(text: string | number): string {
  return String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function render(rows: Row[], failed: Failure[]): string {
  const full = process.env.FULL_SOAK === '1';
  const lines: string[] = [
    '# Reliability and security report',
    '',
    '<!-- Written by reliability/support/reliability.reporter.ts at the end of a run of the reliability suite. -->',
    '',
    `Mode: **${full ? 'full' : 'shortened'}** (${full ? '`npm run test:reliability`' : '`FULL_SOAK` unset; the full run is `npm run test:reliability`'}).`,
    `Result: **${failed.length === 0 ? 'every check passed' : `${failed.length} check(s) failed`}**.`,
    'Every figure below was measured by the run that wrote this file; each line names the command that reproduces it',
    '(run from the repository root; `FULL_SOAK=1` selects the full sizes).',
    '',
  ];
  if (failed.length > 0) {
    lines.push('## Checks that failed', '', '| test | file | first error |', '|---|---|---|');
    for (const failure of failed) {
      lines.push(
        `| ${cell(failure.name)} | \`${failure.file}\` | ${cell(failure.error.split('\n')[0]!.slice(0, 200))} |`,
      );
    }
    lines.push('');
  }
  for (const section of SECTIONS) {
    const inSection = rows.filter((row) => row.meta.section === section);
    if (inSection.length === 0) continue;
    lines.push(`## ${section}`, '');
    if (section === 'Bugs found and fixed') {
      lines.push('| bug the test proved | where it was fixed | regression test | now |', '|---|---|---|---|');
      for (const row of inSection) {
        const regression = row.meta.regression;
        if (!regression) continue;
        lines.push(
          `| ${cell(regression.bug)} | ${cell(regression.fix)} | \`${row.file}\` › ${cell(row.name)} | ${row.state === 'passed' ? 'passes' : `**${row.state}**`} |`,
        );
      }
      lines.push('');
      continue;
    }
    const figures = inSection.flatMap((row) =>
      (row.meta.figures ?? []).map((figure) => ({ figure, command: row.meta.command ?? '' })),
    );
    if (figures.length > 0) {
      lines.push('| figure | value | must be | ok | reproduce with |', '|---|---|---|---|---|');
      for (const { figure, command } of figures) {
        lines.push(
          `| ${cell(figure.name)} | ${cell(figure.value)} | ${cell(figure.target)} | ${figure.ok ? 'yes' : '**no**'} | \`${cell(command)}\` |`,
        );
      }
      lines.push('');
    }
    const invariants = inSection.filter((row) => row.meta.invariant);
    if (invariants.length > 0) {
      lines.push('| invariant | held | test |', '|---|---|---|');
      for (const row of invariants) {
        for (const invariant of [row.meta.invariant!].flat()) {
          lines.push(
            `| ${cell(invariant)} | ${row.state === 'passed' ? 'yes' : `**no (${row.state})**`} | \`${row.file}\` |`,
          );
        }
      }
      lines.push('');
    }
    for (const row of inSection) if (row.meta.note) lines.push(`- ${row.meta.note}`);
    if (inSection.some((row) => row.meta.note)) lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

import type { TestContext } from 'vitest';

/** The report sections, in the order `docs/RELIABILITY.md` shows them. */
export const SECTIONS = [
  'Property tests',
  'Fault soak: simulated backend',
  'Fault soak: local backend over HTTP',
  'Isolation: row-level security',
  'Secrets and input safety',
  'Boundary: a backend that misbehaves',
  'Bugs found and fixed',
] as const;

/** A report section. */
export type Section = (typeof SECTIONS)[number];

/** One measured figure. */
export interface Figure {
  name: string;
  value: number | string;
  /** What it must be, in words (`0`, `≤ 1`, `≥ 1000`). */
  target: string;
  ok: boolean;
}

/** What a test hands the reporter (through `task.meta`, which crosses from the worker to the main process). */
export interface ReliabilityMeta {
  section: Section;
  /** The invariant(s) this test checks; they held when the test passed. */
  invariant?: string | string[];
  figures?: Figure[];
  /** The command that reproduces this test's figures. */
  command?: string;
  /** Set on a regression test: the bug its input proved, and where it was fixed. */
  regression?: { bug: string; fix: string };
  /** A line printed under the section (e.g. why a check was skipped). */
  note?: string;
}

declare module 'vitest' {
  interface TaskMeta {
    reliability?: ReliabilityMeta;
  }
}

/**
 * Attaches report data to the running test; the reliability reporter gathers it into `docs/RELIABILITY.md`.
 *
 * @example
 * ```ts
 * it('keeps every invariant', (context) => {
 *   report(context, { section: 'Property tests', invariant: 'at most one request in flight per session' });
 * });
 * ```
 */
export function report(context: Pick<TestContext, 'task'>, meta: ReliabilityMeta): void {
  const previous = context.task.meta.reliability;
  context.task.meta.reliability = previous
    ? { ...previous, ...meta, figures: [...(previous.figures ?? []), ...(meta.figures ?? [])] }
    : meta;
}

/**
 * A figure whose value must be at most `limit`.
 *
 * @example
 * ```ts
 * atMost('sessions stuck', 0, 0); // { name: 'sessions stuck', value: 0, target: '0', ok: true }
 * ```
 */
export function atMost(name: string, value: number, limit: number): Figure {
  return { name, value, target: limit === 0 ? '0' : `≤ ${limit}`, ok: value <= limit };
}

/**
 * A figure whose value must be at least `floor`.
 *
 * @example
 * ```ts
 * atLeast('property runs', 1000, 1000); // { name: 'property runs', value: 1000, target: '≥ 1000', ok: true }
 * ```
 */
export function atLeast(name: string, value: number, floor: number): Figure {
  return { name, value, target: `≥ ${floor}`, ok: value >= floor };
}

/**
 * A figure reported for information only.
 *
 * @example
 * ```ts
 * info('requests made', 12_345);
 * ```
 */
export function info(name: string, value: number | string): Figure {
  return { name, value, target: '(measured)', ok: true };
}

/** Whether this run is the full one (`npm run test:reliability`, CI) or the shortened one of `npm test`. */
export const FULL = process.env.FULL_SOAK === '1';

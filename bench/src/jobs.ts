import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SimulatedLastKnownOptions } from '@wpp-sessions/core/testing';
import type { BundleSizes } from './scenarios/bundle-size.js';
import type { HydrateImpl, HydrateResult } from './scenarios/hydrate.js';
import type { IdleResult, IdleTabs } from './scenarios/idle.js';
import type { QrPollingResult } from './scenarios/qr-polling.js';
import type { ScaleResult } from './scenarios/scale.js';

/** One scenario run, as the worker takes it. */
export type Job =
  | {
      kind: 'hydrate';
      impl: HydrateImpl;
      n: number;
      latency: number;
      /** Saved statuses beside the list (`whatsapp_sessions`), some stale. */
      lastKnown?: SimulatedLastKnownOptions;
    }
  | { kind: 'qr-polling'; impl: 'baseline' | 'ours'; latency: number; windowMs: number }
  | { kind: 'scale'; n: number; rounds: number; heapSamples: number; warmup: number }
  | { kind: 'idle'; impl: 'baseline' | 'ours'; tabs: IdleTabs }
  | { kind: 'bundle' };

/** What each job kind returns. */
export interface JobResults {
  hydrate: HydrateResult;
  'qr-polling': QrPollingResult;
  scale: ScaleResult;
  idle: IdleResult;
  bundle: BundleSizes;
}

/** Precedes the result line on the worker's stdout. */
export const RESULT_MARKER = '@@bench-result@@';

const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));

/**
 * Runs a job in a fresh `node --import tsx --expose-gc` process (production React) and returns its result.
 * Throws with the worker's output when it fails.
 *
 * @example
 * ```ts
 * const result = runJob({ kind: 'hydrate', impl: 'baseline', n: 50, latency: 100 });
 * ```
 */
export function runJob<J extends Job>(job: J): JobResults[J['kind']] {
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--expose-gc', 'src/worker.ts', JSON.stringify(job)],
    {
      cwd: BENCH_DIR,
      encoding: 'utf8',
      env: { ...process.env, NODE_ENV: 'production' },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const line = child.stdout?.split('\n').find((l) => l.startsWith(RESULT_MARKER));
  if (child.status !== 0 || line === undefined) {
    throw new Error(
      `bench job ${JSON.stringify(job)} failed (exit ${child.status ?? child.signal}):\n${child.stdout}\n${child.stderr}`,
    );
  }
  return JSON.parse(line.slice(RESULT_MARKER.length)) as JobResults[J['kind']];
}

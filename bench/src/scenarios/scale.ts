import { createWppSessions, type StatusResult, type WppBackend } from '@wpp-sessions/core';
import { seededBackend } from '../fixtures.js';

/** CPU times (user + system, ms) of one round: the plain-JS floor and ours on the same rows, in one process. */
export interface ScaleRound {
  /** List + shared limiter (6) + `Map`, no machines: the least any library can do. */
  floorMs: number;
  /** `createWppSessions(backend).start()` until every session's status is known. */
  hydrateMs: number;
  /** `actor.stop()` afterwards. */
  stopMs: number;
}

/** What the scale job returns. */
export interface ScaleResult {
  n: number;
  /** The warm-up rounds, the first of them cold (nothing compiled yet): reported, not counted. */
  warmup: ScaleRound[];
  rounds: ScaleRound[];
  /** Heap held per session (bytes) with the collection alive: one reading per sample. */
  heapPerSession: number[];
}

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Counts the status answers that reached the caller, so waiting for "all known" costs nothing per session. */
function counting(backend: WppBackend) {
  let answered = 0;
  const wrapped: WppBackend = {
    ...backend,
    getStatus: async (ref, signal) => {
      const result = await backend.getStatus(ref, signal);
      answered += 1;
      return result;
    },
  };
  return { backend: wrapped, answered: () => answered };
}

/**
 * The floor: what a hand-written panel does at the least (one list, every status through 6 slots, a Map). Its
 * backend is wrapped as ours is (`counting`), so the wrapper's cost is on both sides.
 */
async function floor(source: WppBackend): Promise<Map<string, StatusResult['status']>> {
  const { backend } = counting(source);
  const signal = new AbortController().signal;
  const records = await backend.listSessions(signal);
  const statuses = new Map<string, StatusResult['status']>();
  let next = 0;
  const worker = async () => {
    while (next < records.length) {
      const record = records[next++]!;
      const result = await backend.getStatus(record, signal);
      statuses.set(record.integrationId, result.status);
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
  return statuses;
}

async function hydrate(backend: WppBackend, n: number) {
  const probe = counting(backend);
  const actor = createWppSessions(probe.backend).start();
  // `matches('checking')` without its parse of the state path (a check for the harness, not for ours to pay).
  const checking = (value: unknown) =>
    value === 'checking' || (typeof value === 'object' && value !== null && 'checking' in value);
  const known = () => {
    const { context } = actor.getSnapshot();
    return (
      context.ids.length === n && context.ids.every((id) => !checking(context.refs[id]!.getSnapshot().value))
    );
  };
  while (probe.answered() < n) await tick();
  while (!known()) await tick();
  return actor;
}

// Each timed part starts with an empty young generation, so neither pays for collecting what the other left
// behind (measured: without it, the floor's rounds read 11 ms or 25–40 ms depending on whose garbage they swept). A
// minor collection only: a full one also drops compiled code and type feedback, which makes the next part slower.
function emptyNursery(): void {
  collector()({ type: 'minor' });
}

/** The collector node exposes with `--expose-gc`. */
function collector(): (options?: { type: 'minor' }) => void {
  const gc = (globalThis as { gc?: (options?: { type: 'minor' }) => void }).gc;
  if (!gc) throw new Error('run node with --expose-gc');
  return gc;
}

async function round(n: number): Promise<ScaleRound> {
  const floorBackend = seededBackend(n, 0);
  emptyNursery();
  let since = process.cpuUsage();
  const statuses = await floor(floorBackend);
  const floorMs = cpuMs(since);
  if (statuses.size !== n) throw new Error(`floor: ${statuses.size} of ${n} statuses`);
  const backend = seededBackend(n, 0);
  emptyNursery();
  since = process.cpuUsage();
  const actor = await hydrate(backend, n);
  const hydrateMs = cpuMs(since);
  emptyNursery();
  since = process.cpuUsage();
  actor.stop();
  const stopMs = cpuMs(since);
  return { floorMs, hydrateMs, stopMs };
}

function fullGc(): number {
  const gc = collector();
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

// In its own frame: nothing of an earlier sample is reachable when the heap is read before, and the collection
// being measured is reachable (held here) when it is read after, so a reading cannot fall to near zero.
async function heapOnce(n: number): Promise<number> {
  const backend = seededBackend(n, 0);
  const before = fullGc();
  const actor = await hydrate(backend, n);
  const after = fullGc();
  if (actor.getSnapshot().context.ids.length !== n) throw new Error('the collection lost sessions');
  actor.stop();
  return (after - before) / n;
}

/**
 * Hydrates `n` sessions from a zero-latency simulated backend, `rounds` times after `warmup` rounds, each round
 * timing the floor and ours back to back (interleaved, so a load change hits both), then `heapSamples` heap
 * readings. CPU time, not wall time: less sensitive to a busy machine. Needs `--expose-gc`. The warm-up lets the
 * JavaScript engine compile what both sides run: ours runs far more code than the floor, and its first rounds
 * measure mostly compilation (measured: about 120, 76, 46, 37 ms, then 20–30 ms, against a floor of 10–14 ms).
 *
 * @example
 * ```ts
 * const { rounds } = await scale(1_000, 5, 3, 4);
 * ```
 */
export async function scale(
  n: number,
  rounds: number,
  heapSamples: number,
  warmup: number,
): Promise<ScaleResult> {
  const warm: ScaleRound[] = [];
  for (let index = 0; index < Math.max(1, warmup); index += 1) {
    warm.push(await round(n));
    await new Promise<void>((resolve) => setTimeout(resolve, 20));
  }
  const results: ScaleRound[] = [];
  for (let index = 0; index < rounds; index += 1) {
    results.push(await round(n));
    await new Promise<void>((resolve) => setTimeout(resolve, 20));
  }
  const heapPerSession: number[] = [];
  for (let index = 0; index < heapSamples; index += 1) {
    heapPerSession.push(await heapOnce(n));
    await new Promise<void>((resolve) => setTimeout(resolve, 20));
  }
  return { n, warmup: warm, rounds: results, heapPerSession };
}

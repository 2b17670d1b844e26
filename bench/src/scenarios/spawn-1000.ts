import { createWppSessions, type WppBackend } from '@wpp-sessions/core';
import { seededBackend } from '../fixtures.js';

/** One real-time run of P4. */
export interface SpawnRun {
  /** Wall-clock ms from `start()` until every session's status is known. */
  ms: number;
  /** CPU time (user + system, all threads) of the same window, ms: less sensitive to a busy machine. */
  cpuMs: number;
  /** Where the wall-clock time went: list answer + row parsing, creating the actors, starting and checking them. */
  phases: { listMs: number; createMs: number; checkMs: number };
  /** Heap growth per session (bytes) with the collection alive, after a full GC before and after. */
  bytesPerSession: number;
  /** Wall-clock ms of `actor.stop()` afterwards (not a goal; reported because it grows with n²). */
  stopMs: number;
}

function fullGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run node with --expose-gc');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

// One run per call, so that nothing of a finished run stays reachable from the next one's frame.
async function runOnce(n: number): Promise<SpawnRun> {
  const simulated = seededBackend(n, 0);
  let listedAt = 0;
  let firstCheckAt = 0;
  const backend: WppBackend = {
    ...simulated,
    listSessions: async (signal) => {
      const records = await simulated.listSessions(signal);
      listedAt = performance.now();
      return records;
    },
    getStatus: (ref, signal) => {
      if (firstCheckAt === 0) firstCheckAt = performance.now();
      return simulated.getStatus(ref, signal);
    },
  };
  const heapBefore = fullGc();
  const startedAt = performance.now();
  const cpuBefore = process.cpuUsage();
  const actor = createWppSessions(backend).start();
  const allKnown = () => {
    const snapshot = actor.getSnapshot();
    const { ids, refs } = snapshot.context;
    if (!snapshot.matches('ready') || ids.length !== n) return false;
    return ids.every((id) => !refs[id]!.getSnapshot().matches('checking'));
  };
  while (!allKnown()) await new Promise<void>((resolve) => setImmediate(resolve));
  const ms = performance.now() - startedAt;
  const cpu = process.cpuUsage(cpuBefore);
  const bytesPerSession = (fullGc() - heapBefore) / n;
  const stoppingAt = performance.now();
  actor.stop();
  return {
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    phases: {
      listMs: listedAt - startedAt,
      createMs: firstCheckAt - listedAt,
      checkMs: startedAt + ms - firstCheckAt,
    },
    bytesPerSession,
    stopMs: performance.now() - stoppingAt,
  };
}

/**
 * Spawns and hydrates `n` sessions against a zero-latency simulated backend, `runs` times in this process, on the
 * REAL clock. Needs `--expose-gc`. The backend (its rows and platform) is built before the heap is read, so only
 * what the library holds is counted: the collection, `n` session actors and their parsed records. The first run is
 * cold (nothing compiled yet, as on a page load); later ones are warm.
 *
 * @example
 * ```ts
 * const runs = await spawnAndHydrate(1_000, 5);
 * ```
 */
export async function spawnAndHydrate(n: number, runs: number): Promise<SpawnRun[]> {
  const results: SpawnRun[] = [];
  for (let run = 0; run < runs; run += 1) {
    results.push(await runOnce(n));
    // Let what the stopped run left queued (aborted requests, cleared timers) settle before the next heap reading.
    await new Promise<void>((resolve) => setTimeout(resolve, 20));
  }
  return results;
}

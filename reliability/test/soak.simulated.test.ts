import { createSimulatedBackend, type SimulatedFault } from '@wpp-sessions/core/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mulberry32 } from '../support/prng.js';
import { FULL, info, report } from '../support/report.js';
import { runSoak, soakInvariants } from '../support/soak.js';

const SIZE = FULL ? { sessions: 200, minutes: 30 } : { sessions: 50, minutes: 5 };
const SEED = 20_261_126;
// Fake timers fake performance.now too; the wall time of the soak is read from the real one.
const wallClock = performance.now.bind(performance);

describe(`fault soak on the simulated backend: ${SIZE.sessions} sessions, ${SIZE.minutes} virtual minutes`, () => {
  beforeAll(() => {
    vi.useFakeTimers();
    // The machines' retry jitter uses Math.random: seeded too, so the soak replays exactly.
    vi.spyOn(Math, 'random').mockImplementation(mulberry32(SEED + 3));
  });
  afterAll(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  it('20 % 5xx, 5 % malformed, 5 % hangs past every deadline, latency up to 3 s: nothing stuck, duplicated or leaked', async (context) => {
    const faults = mulberry32(SEED);
    const latency = mulberry32(SEED + 1);
    const backend = createSimulatedBackend({
      sessions: Array.from({ length: SIZE.sessions }, (_, i) => ({
        state: (['connected', 'offline', 'qr'] as const)[i % 3]!,
        name: i % 7 === 0 ? `<img src=x onerror=alert(${i})>` : `Number ${i}`,
      })),
      latency: () => Math.floor(latency() * 3_000),
      fault: (): SimulatedFault | null => {
        const roll = faults();
        if (roll < 0.2) return { kind: 'error', code: 'server', message: 'simulated HTTP 503' };
        if (roll < 0.25) return { kind: 'malformed' };
        if (roll < 0.3) return { kind: 'hang' };
        return null;
      },
    });
    const started = wallClock();
    const figures = await runSoak(
      {
        backend,
        scan: (id) => backend.scan(id),
        drop: (id) => backend.drop(id),
        tick: async (ms) => {
          await vi.advanceTimersByTimeAsync(ms);
        },
        secret: (text) => text.includes('secret') || /wppk_\d/.test(text),
      },
      { durationMs: SIZE.minutes * 60_000, stepMs: 1_000, actionRate: 0.5, seed: SEED + 2 },
    );
    console.log(
      `[soak:simulated] ${JSON.stringify({ ...figures, violations: figures.violations.length })} in ${Math.round(wallClock() - started)} ms`,
    );
    report(context, {
      section: 'Fault soak: simulated backend',
      command: `${FULL ? 'FULL_SOAK=1 ' : ''}npx vitest run --root reliability test/soak.simulated.test.ts`,
      invariant: `simulated soak (${SIZE.sessions} sessions × ${SIZE.minutes} virtual min, 20 % 5xx, 5 % malformed, 5 % hangs, latency ≤ 3 s): no session stuck, no duplicate create, no unhandled rejection, ≤ 1 request in flight per session, no error without a reason, no secret in any inspection event`,
      figures: [
        info('sessions / virtual minutes', `${SIZE.sessions} / ${SIZE.minutes}`),
        ...soakInvariants(figures, 6),
        info('requests made / failed', `${figures.requests} / ${figures.failedRequests}`),
        info('admin actions / provider remounts', `${figures.adminActions} / ${figures.remounts}`),
        info('sessions seen', figures.sessionsSeen),
        info('longest request (ms, virtual)', figures.longestRequestMs),
        info(
          'share of status-slot time held by requests that never answered (%)',
          figures.slotTimeOnAbortedRequests,
        ),
        info('states at the end', JSON.stringify(figures.statesAtEnd)),
        info('errors shown, by code', JSON.stringify(figures.errorCodes)),
      ],
      note: `With the default concurrency of 6 and latency up to 3 s, ${figures.slotTimeOnAbortedRequests} % of the time status requests held a shared slot went to requests that never answered (5 % of calls hang). Each request now gives up after requestTimeout (20 s), so a hung one frees its slot instead of holding it until its state's deadline (45 s for a check, up to 120 s for a QR poll); the time a refresh of ${SIZE.sessions} sessions queues behind the slots still counts against checkTimeout, which is what the deadline_exceeded errors at the end are.`,
    });
    expect(figures.violations).toEqual([]);
    expect(figures.sessionsStuck).toBe(0);
    expect(figures.duplicateCreates).toBe(0);
    expect(figures.unhandledRejections).toBe(0);
    expect(figures.maxInFlightPerSession).toBeLessThanOrEqual(1);
    expect(figures.errorsWithoutReason).toBe(0);
    expect(figures.leaks).toBe(0);
    expect(figures.actorErrors).toBe(0);
    expect(figures.maxLimitedInFlight).toBeLessThanOrEqual(6);
  });
});

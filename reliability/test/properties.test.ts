import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { atLeast, FULL, info, report } from '../support/report.js';
import { runScenario, type Scenario, scenarioArb } from '../support/scenario.js';

// Random admin command sequences against the real machines over a scripted faulty backend (fake timers).
// Reproduce a failure with its seed: SEED=<seed> npx vitest run --root reliability test/properties.test.ts
// (fast-check prints the shrunk scenario; add it to FOUND in regressions.test.ts with `trace: true` to see it run).

const RUNS = Number(process.env.RUNS ?? (FULL ? 8_000 : 1_000));
const SEED = process.env.SEED ? Number(process.env.SEED) : 424_242;

const INVARIANTS = [
  'at most one request in flight per session, and at most one `create` in flight in the whole collection (also across provider remounts)',
  'status, QR and start requests in flight never exceed the concurrency limit',
  'no session stays in creating, checking, disconnecting or qr_issued past that state’s deadline, and no request outlives the deadline of the state that started it',
  'with no more commands and a backend that hangs, answers "starting" forever, or fails, every session and the collection come to rest (no session busy, no request started) within a computed bound',
  'no unhandled promise rejection; no machine snapshot with status `error`; no error thrown out of the collection actor',
  'no full API key or JWT in any snapshot or inspection event (event, snapshot, action params, errors and their causes)',
  'a removed session reappears only when a list requested after its removal names it again; no number is held by two sessions at once',
  'no `create` starts without an admin command (connect new, or retry of a failed create)',
  'every error a session or the collection shows has a non-empty reason',
];

describe('property: random admin commands against a scripted faulty backend', () => {
  beforeAll(() => {
    vi.useFakeTimers();
  });
  afterAll(() => {
    vi.useRealTimers();
  });

  it('keeps every invariant', async (context) => {
    const entries: Record<string, number> = {};
    let requests = 0;
    let sessions = 0;
    let remounts = 0;
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario: Scenario) => {
        runs += 1;
        remounts += scenario.steps.filter((step) => step.kind === 'remount').length;
        const result = await runScenario(scenario);
        for (const [state, count] of Object.entries(result.watcher.entries)) {
          entries[state] = (entries[state] ?? 0) + count;
        }
        requests += Object.values(result.probe.calls).reduce((a, b) => a + b, 0);
        sessions += result.watcher.sessions;
        expect(result.violations).toEqual([]);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    report(context, {
      section: 'Property tests',
      invariant: INVARIANTS,
      command: `${FULL ? 'FULL_SOAK=1 ' : ''}npx vitest run --root reliability test/properties.test.ts  # SEED=${SEED}`,
      figures: [
        atLeast('runs (fast-check, shrinking on failure)', runs, 1_000),
        info('sessions driven', sessions),
        info('backend calls scripted', requests),
        info('provider remounts', remounts),
        info(
          'state entries (coverage)',
          Object.entries(entries)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([state, count]) => `${state} ${count}`)
            .join(', '),
        ),
      ],
    });
  });
});

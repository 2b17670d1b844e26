import { createWppSessions, type StatusResult, type WppBackend } from '@wpp-sessions/core';
import { createScriptedBackend } from '@wpp-sessions/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createOutcomePlayer } from '../support/outcome.player.js';
import { report } from '../support/report.js';
import { runScenario, type Scenario } from '../support/scenario.js';

/**
 * Counterexamples that fast-check found (shrunk), kept as they were printed, each with the bug it proved. Each one
 * failed before its fix and must keep passing.
 */
const FOUND: Array<{ bug: string; fix: string; scenario: Scenario }> = [
  {
    bug: 'a backend that answers "starting" forever was polled forever: every pending answer reset the retry count',
    fix: 'packages/core/src/session/session.machine.ts: a pending answer runs `setPending` (keeps `attempt`) instead of `setChecked`',
    scenario: {
      seed: 0,
      concurrency: 1,
      timings: {
        requestTimeout: 20_000,
        checkTimeout: 500,
        pendingPollInterval: 50,
        qrPollInterval: 50,
        qrTimeout: 500,
        recheckInterval: 0,
        createTimeout: 500,
        createSettleTimeout: 500,
        disconnectTimeout: 300,
        listTimeout: 300,
        retryBaseDelay: 20,
        retryMaxDelay: 20,
        retryAttempts: 1,
        qrPollFailures: 1,
      },
      rows: [],
      outcomes: [
        { kind: 'ok', word: 'CONNECTED', qr: '2@AbC,dEf,gHi', latency: 0 },
        { kind: 'ok', word: '', qr: null, latency: 1 },
        { kind: 'http', status: 400, latency: 1 },
      ],
      steps: [{ kind: 'connectNew' }],
      final: 'pending',
    },
  },
  {
    bug: 'a number disconnected while a list was on its way came back from that stale list (a card for a deleted row)',
    fix: 'packages/core/src/sessions/sessions.machine.ts (+ sessions.types.ts): `removedAt` per integration; `reconcile` ignores rows removed after the list was asked for',
    scenario: {
      seed: 0,
      concurrency: 1,
      timings: {
        requestTimeout: 20_000,
        checkTimeout: 500,
        pendingPollInterval: 50,
        qrPollInterval: 50,
        qrTimeout: 500,
        recheckInterval: 0,
        createTimeout: 500,
        createSettleTimeout: 500,
        disconnectTimeout: 300,
        listTimeout: 300,
        retryBaseDelay: 20,
        retryMaxDelay: 20,
        retryAttempts: 0,
        qrPollFailures: 1,
      },
      rows: [{ name: '', primary: false, shape: 'ok' }],
      outcomes: [
        { kind: 'ok', word: 'connected', qr: '2@AbC,dEf,gHi', latency: 1 },
        { kind: 'hang' },
        { kind: 'http', status: 400, latency: 0 },
        { kind: 'ok', word: 'connected', qr: null, latency: 2 },
      ],
      steps: [
        { kind: 'advance', ms: 1 },
        { kind: 'connectNew' },
        { kind: 'session', command: 'disconnect', index: 0, fitting: false },
      ],
      final: 'hang',
    },
  },
  {
    bug: 'two creates ran at once: "connect new" while the admin retried an earlier failed create (a second number was being made beside the first)',
    fix: 'packages/core/src/sessions/sessions.wiring.ts: every `create` goes through a one-slot limiter, so a second waits for the first',
    scenario: {
      seed: 0,
      concurrency: 1,
      timings: {
        requestTimeout: 20_000,
        checkTimeout: 500,
        pendingPollInterval: 50,
        qrPollInterval: 50,
        qrTimeout: 500,
        recheckInterval: 0,
        createTimeout: 500,
        createSettleTimeout: 500,
        disconnectTimeout: 300,
        listTimeout: 300,
        retryBaseDelay: 50,
        retryMaxDelay: 50,
        retryAttempts: 0,
        qrPollFailures: 1,
      },
      rows: [{ name: '<img src=x onerror=alert(1)>', primary: false, shape: 'ok' }],
      outcomes: [
        { kind: 'ok', word: 'connected', qr: null, latency: 0 },
        { kind: 'ok', word: 'connected', qr: '2@AbC,dEf,gHi', latency: 1 },
        { kind: 'ok', word: 'connected', qr: null, latency: 501 },
        { kind: 'ok', word: 'connected', qr: '2@AbC,dEf,gHi', latency: 50 },
        { kind: 'ok', word: 'CONNECTED', qr: '2@AbC,dEf,gHi', latency: 1 },
        { kind: 'http', status: 400, latency: 0 },
      ],
      steps: [
        { kind: 'connectNew' },
        { kind: 'advance', ms: 500 },
        { kind: 'connectNew' },
        { kind: 'session', command: 'retry', index: 4, fitting: false },
      ],
      final: 'hang',
    },
  },
];

describe('regressions found by the property test', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  for (const { bug, fix, scenario } of FOUND) {
    it(bug, async (context) => {
      const result = await runScenario(scenario);
      expect(result.violations).toEqual([]);
      report(context, { section: 'Bugs found and fixed', regression: { bug, fix } });
    });
  }

  it('retryAttempts 0 (no automatic retry) is a valid setting: a failed check waits for the admin', async (context) => {
    const player = createOutcomePlayer({
      rows: [{ name: 'A', primary: true, shape: 'ok' }],
      outcomes: [
        { kind: 'ok', word: 'connected', qr: null, latency: 0 },
        { kind: 'http', status: 503, latency: 0 },
      ],
    });
    const scripted = createScriptedBackend({ respond: player.respond });
    const actor = createWppSessions(scripted.backend, { timings: { retryAttempts: 0 } }).start();
    await vi.advanceTimersByTimeAsync(10_000);
    const session = Object.values(actor.getSnapshot().context.refs)[0]!.getSnapshot();
    expect(session.value).toEqual({ error: 'waiting' });
    expect(session.context.error?.code).toBe('server');
    actor.stop();
    report(context, {
      section: 'Bugs found and fixed',
      regression: {
        bug: 'createWppSessions threw RangeError for `retryAttempts: 0` (a count checked as "a positive number of milliseconds"), so "no automatic retry" could not be configured',
        fix: 'packages/core/src/session/session.types.ts (`resolveTimings`): retryAttempts is a whole number ≥ 0',
      },
    });
  });

  it('a number that stays "starting" comes to rest in error after the automatic retries run out', async (context) => {
    const rows = [
      {
        id: '00000000-0000-4000-8000-000000000001',
        provider: 'wpp',
        messenger_type: 'whatsapp',
        name: 'A',
        settings: { wppApiKey: 'wppk_0123456789abcdef', wppAccountNumber: '0000000000001' },
      },
    ];
    const { parseSessionList } = await import('@wpp-sessions/core/normalize');
    let statusCalls = 0;
    const backend: WppBackend = {
      listSessions: async () => parseSessionList(rows),
      getStatus: async (): Promise<StatusResult> => {
        statusCalls += 1;
        return { status: 'pending', detail: 'starting' };
      },
      getQr: async () => null,
      create: async () => {
        throw new Error('not used');
      },
      start: async () => ({ status: 'pending' }),
      disconnect: async () => undefined,
    };
    const timings = {
      checkTimeout: 1_000,
      pendingPollInterval: 100,
      retryBaseDelay: 100,
      retryMaxDelay: 100,
    };
    const actor = createWppSessions(backend, { timings: { ...timings, retryAttempts: 2 } }).start();
    await vi.advanceTimersByTimeAsync(60_000);
    const session = Object.values(actor.getSnapshot().context.refs)[0]!.getSnapshot();
    expect(session.value).toEqual({ error: 'waiting' });
    expect(session.context.error?.code).toBe('deadline_exceeded');
    const callsAtRest = statusCalls;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(statusCalls).toBe(callsAtRest);
    actor.stop();
    report(context, {
      section: 'Bugs found and fixed',
      regression: {
        bug: 'the same bug, as a plain test: a number that stays "starting" kept being polled every 2 s forever',
        fix: 'packages/core/src/session/session.machine.ts (`setPending`)',
      },
    });
  });
});

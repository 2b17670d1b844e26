import { describe, expect, it } from 'vitest';
import { WppError } from '../src/index.js';
import { createSimulatedBackend } from '../src/testing.js';

const signal = () => new AbortController().signal;
const NOW = Date.parse('2026-02-05T10:00:00Z');

describe('simulated backend: lastKnown', () => {
  it('has no lastKnown without the option, as before', () => {
    expect(createSimulatedBackend({ sessions: [{ state: 'connected' }] }).lastKnown).toBeUndefined();
  });

  it('answers every listed number as the platform has it, with the row age', async () => {
    const backend = createSimulatedBackend({
      now: () => NOW,
      sessions: [{ state: 'connected' }, { state: 'qr' }, { state: 'offline' }],
      lastKnown: { ageMs: 300_000 },
    });
    const records = await backend.listSessions(signal());
    const saved = await backend.lastKnown!(signal());
    expect(saved).toEqual([
      { accountNumber: records[0]!.accountNumber, status: 'connected', at: NOW - 300_000 },
      { accountNumber: records[1]!.accountNumber, status: 'qr_issued', at: NOW - 300_000 },
      { accountNumber: records[2]!.accountNumber, status: 'disconnected', at: NOW - 300_000 },
    ]);
    backend.drop(records[0]!.integrationId);
    expect((await backend.lastKnown!(signal()))[0]!.status).toBe('disconnected');
    expect(backend.stats().calls.lastKnown).toBe(2);
  });

  it('makes a fraction of the rows stale, spread evenly, and leaves chosen ones out', async () => {
    const sessions = Array.from({ length: 10 }, () => ({ state: 'connected' as const }));
    const backend = createSimulatedBackend({ sessions, lastKnown: { stale: 0.2 } });
    const saved = await backend.lastKnown!(signal());
    expect(saved.map((s) => s.status)).toEqual([
      'connected',
      'connected',
      'connected',
      'connected',
      'disconnected',
      'connected',
      'connected',
      'connected',
      'connected',
      'disconnected',
    ]);
    const live = await Promise.all(
      (await backend.listSessions(signal())).map((r) => backend.getStatus(r, signal())),
    );
    const differing = saved.filter((s, i) => s.status !== live[i]!.status).length;
    expect(differing).toBe(2);

    const offline = createSimulatedBackend({
      sessions: [{ state: 'offline' }, { state: 'offline' }, { state: 'connected' }],
      lastKnown: { stale: (_account, index) => index === 0, missing: (_account, index) => index === 1 },
    });
    const accounts = (await offline.listSessions(signal())).map((r) => r.accountNumber);
    expect(await offline.lastKnown!(signal())).toMatchObject([
      { accountNumber: accounts[0], status: 'connected' },
      { accountNumber: accounts[2], status: 'connected' },
    ]);
  });

  it('is counted, delayed and faulted like every call; a failure rejects with a WppError', async () => {
    const backend = createSimulatedBackend({
      sessions: [{ state: 'connected' }],
      lastKnown: {},
      fault: (operation) => (operation === 'lastKnown' ? { kind: 'error', code: 'forbidden' } : null),
    });
    const error = await backend.lastKnown!(signal()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WppError);
    expect((error as WppError).code).toBe('forbidden');
    const controller = new AbortController();
    const slow = createSimulatedBackend({
      sessions: [{ state: 'connected' }],
      lastKnown: {},
      latency: 10_000,
    });
    const pending = slow.lastKnown!(controller.signal);
    controller.abort(new Error('gone'));
    await expect(pending).rejects.toThrow('gone');
  });
});

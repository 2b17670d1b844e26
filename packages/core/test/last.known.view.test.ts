import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createWppSessions,
  type SessionView,
  sessionsView,
  sessionView,
  type WppBackend,
} from '../src/index.js';
import { createSimulatedBackend } from '../src/testing.js';

// Issue 15, part 1: the saved status shows at once, unconfirmed, while the live check runs.
describe('the last known status on first paint', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const views = (actor: ReturnType<typeof createWppSessions>): SessionView[] => {
    const snapshot = actor.getSnapshot();
    return sessionsView(snapshot).ids.map((id) => sessionView(snapshot.context.refs[id]!.getSnapshot()));
  };

  it('is read beside the list, shown while each number waits for its check, and replaced by the live answer', async () => {
    // 12 numbers, 6 slots, 100 ms a call: the second half waits 100 ms for a slot after the list.
    const backend = createSimulatedBackend({
      latency: 100,
      sessions: Array.from({ length: 12 }, () => ({ state: 'connected' as const })),
      lastKnown: { ageMs: 300_000 },
    });
    const actor = createWppSessions(backend).start();
    await vi.advanceTimersByTimeAsync(1);
    // Both asked for at once: the saved statuses never wait for the list.
    expect(backend.stats().calls).toMatchObject({ listSessions: 1, lastKnown: 1, getStatus: 0 });
    await vi.advanceTimersByTimeAsync(100);
    const early = views(actor);
    expect(early).toHaveLength(12);
    expect(early.every((view) => view.status === 'checking')).toBe(true);
    expect(early.map((view) => view.lastKnown?.status)).toEqual(Array(12).fill('connected'));
    const age = Date.now() - early[0]!.lastKnown!.at;
    expect(age).toBeGreaterThanOrEqual(300_000);
    expect(age).toBeLessThan(300_200);
    await vi.advanceTimersByTimeAsync(300);
    const live = views(actor);
    expect(live.map((view) => view.status)).toEqual(Array(12).fill('connected'));
    expect(live.every((view) => view.lastKnown === null && view.lastCheckedAt !== null)).toBe(true);
    actor.stop();
  });

  it('is never shown as confirmed: a stale saved "connected" stays "checking" until the live answer says offline', async () => {
    const backend = createSimulatedBackend({
      latency: 100,
      sessions: [{ state: 'offline' }],
      lastKnown: { stale: 1 },
    });
    const actor = createWppSessions(backend).start();
    const seen: Array<[SessionView['status'], string | undefined]> = [];
    for (let step = 0; step < 30; step += 1) {
      await vi.advanceTimersByTimeAsync(10);
      const [view] = views(actor);
      if (view) seen.push([view.status, view.lastKnown?.status]);
    }
    expect(seen).toContainEqual(['checking', 'connected']);
    expect(seen.some(([status]) => status === 'connected')).toBe(false);
    expect(seen.at(-1)).toEqual(['disconnected', undefined]);
    actor.stop();
  });

  it('is absent for a number without a saved row, and a failed read changes nothing else', async () => {
    const simulated = createSimulatedBackend({
      latency: 50,
      sessions: [{ state: 'connected' }, { state: 'connected' }],
      lastKnown: { missing: 0.5 },
    });
    const actor = createWppSessions(simulated).start();
    await vi.advanceTimersByTimeAsync(60);
    expect(views(actor).map((view) => view.lastKnown?.status ?? null)).toEqual(['connected', null]);
    actor.stop();

    const failing: WppBackend = {
      ...simulated,
      lastKnown: async () => {
        throw new Error('whatsapp_sessions: permission denied');
      },
    };
    const second = createWppSessions(failing).start();
    await vi.advanceTimersByTimeAsync(200);
    expect(sessionsView(second.getSnapshot()).status).toBe('ready');
    expect(views(second).map((view) => [view.status, view.lastKnown])).toEqual([
      ['connected', null],
      ['connected', null],
    ]);
    second.stop();
  });

  it('keeps a view shallow-equal while nothing changes (one saved object, not a copy per read)', async () => {
    const backend = createSimulatedBackend({
      latency: 100,
      sessions: [{ state: 'connected' }],
      lastKnown: {},
    });
    const actor = createWppSessions(backend).start();
    await vi.advanceTimersByTimeAsync(101);
    const [first] = views(actor);
    const [again] = views(actor);
    expect(first!.lastKnown).not.toBeNull();
    expect(again!.lastKnown).toBe(first!.lastKnown);
    actor.stop();
  });
});

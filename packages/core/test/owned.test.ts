import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InspectionEvent } from 'xstate';
import { createWppSessions, sessionsView } from '../src/index.js';
import { createSimulatedBackend } from '../src/testing.js';

// Sessions are actors the collection owns (not spawned children): these say what that must keep.
describe('the sessions a collection owns', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('stop when the collection stops, and make no request after', async () => {
    const backend = createSimulatedBackend({
      latency: 50,
      sessions: [{ state: 'connected' }, { state: 'connected' }],
    });
    const actor = createWppSessions(backend, { timings: { recheckInterval: 1_000 } }).start();
    await vi.advanceTimersByTimeAsync(300);
    const { refs } = actor.getSnapshot().context;
    expect(Object.values(refs).map((ref) => ref.getSnapshot().value)).toEqual([
      { connected: 'idle' },
      { connected: 'idle' },
    ]);
    actor.stop();
    expect(Object.values(refs).map((ref) => ref.getSnapshot().status)).toEqual(['stopped', 'stopped']);
    const checks = backend.stats().calls.getStatus;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(backend.stats().calls.getStatus).toBe(checks);
  });

  it('stop when their row leaves the list', async () => {
    const backend = createSimulatedBackend({
      latency: 10,
      sessions: [{ state: 'connected' }, { state: 'connected' }],
    });
    const actor = createWppSessions(backend).start();
    await vi.advanceTimersByTimeAsync(100);
    const [first, second] = sessionsView(actor.getSnapshot()).ids;
    const gone = actor.getSnapshot().context.refs[second!]!;
    expect(backend.removeRow(second!)).toBe(true);
    actor.send({ type: 'sessions.refresh' });
    await vi.advanceTimersByTimeAsync(100);
    expect(sessionsView(actor.getSnapshot()).ids).toEqual([first]);
    expect(gone.getSnapshot().status).toBe('stopped');
    actor.stop();
  });

  it('are seen by the collection’s inspector', async () => {
    const seen = new Set<string>();
    const inspect = (event: InspectionEvent) => {
      if (event.type === '@xstate.event')
        seen.add(`${(event.actorRef as unknown as { id: string }).id} ${event.event.type}`);
    };
    const backend = createSimulatedBackend({ latency: 10, sessions: [{ state: 'connected' }] });
    const actor = createWppSessions(backend, { inspect }).start();
    await vi.advanceTimersByTimeAsync(100);
    const [id] = sessionsView(actor.getSnapshot()).ids;
    expect([...seen]).toContain(`session:${id} xstate.init`);
    expect([...seen].some((line) => line.startsWith(`session:${id} xstate.done.actor`))).toBe(true);
    actor.stop();
  });
});

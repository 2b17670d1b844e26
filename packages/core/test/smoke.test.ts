import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWppSessions, sessionsView, sessionView } from '../src/index.js';
import { createSimulatedBackend } from '../src/testing.js';

describe('smoke', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());
  it('hydrates, connects a new number and disconnects', async () => {
    const backend = createSimulatedBackend({
      latency: 100,
      sessions: [{ state: 'connected' }, { state: 'offline' }],
    });
    const actor = createWppSessions(backend).start();
    await vi.advanceTimersByTimeAsync(500);
    const view = sessionsView(actor.getSnapshot());
    expect(view.status).toBe('ready');
    expect(view.ids).toHaveLength(2);
    const views = view.ids.map((id) => sessionView(actor.getSnapshot().context.refs[id]!.getSnapshot()));
    expect(views.map((v) => v.status)).toEqual(['connected', 'disconnected']);
    actor.send({ type: 'sessions.connectNew' });
    await vi.advanceTimersByTimeAsync(150);
    const newId = sessionsView(actor.getSnapshot()).newSessionId!;
    const ref = actor.getSnapshot().context.refs[newId]!;
    expect(sessionView(ref.getSnapshot()).status).toBe('qr_issued');
    expect(backend.scan(ref.getSnapshot().context.record!.integrationId)).toBe(true);
    await vi.advanceTimersByTimeAsync(2200);
    expect(sessionView(ref.getSnapshot()).status).toBe('connected');
    ref.send({ type: 'session.disconnect' });
    await vi.advanceTimersByTimeAsync(200);
    expect(sessionsView(actor.getSnapshot()).ids).toHaveLength(2);
    expect(JSON.stringify(actor.getSnapshot())).not.toContain('secret');
    actor.stop();
  });
});

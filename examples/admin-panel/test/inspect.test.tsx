import { screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadInspector } from '../src/inspect.js';
import { advance, MODES, renderPanel, simulated } from './harness.js';

// Issue 16, item 9: `?inspect` works in any build, and the inspector's code is fetched only when asked.
describe('loadInspector', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('fetches nothing when ?inspect was not given', async () => {
    const load = vi.fn(() => import('@statelyai/inspect'));
    expect(await loadInspector(false, load)).toBeUndefined();
    expect(load).not.toHaveBeenCalled();
  });

  it.each(MODES)(
    "when asked, opens the inspector window and sends it the machines' events (%s)",
    async (_mode, strict) => {
      // The inspector's window, as a stub: it records what it is sent (stately.ai is not reachable here).
      const received: { type: string; event?: { type?: string }; definition?: string }[] = [];
      const target = { postMessage: (message: (typeof received)[number]) => received.push(message) };
      const open = vi.fn(() => target);
      vi.stubGlobal('open', open);
      const inspect = await loadInspector(true);
      expect(inspect).toBeDefined();
      expect(open).toHaveBeenCalledWith('https://stately.ai/inspect', 'xstateinspector');
      // The inspector window says it is ready; the inspector then sends what it held back.
      window.dispatchEvent(new MessageEvent('message', { data: { type: '@statelyai.connected' } }));

      vi.useFakeTimers();
      const backend = simulated({ sessions: [{ state: 'connected' }] });
      renderPanel({ backend, strict, inspect });
      await advance(300);
      expect(screen.getAllByRole('article')).toHaveLength(1);
      const events = received.filter((m) => m.type === '@xstate.event').map((m) => m.event?.type);
      // The collection machine's own events and a session machine's, both reach the inspector.
      expect(events).toContain('sessions.visibility');
      expect(events).toContain('session.requestStarted');
      const machines = received
        .filter((m) => m.type === '@xstate.actor')
        .map((m) => (JSON.parse(m.definition ?? '{}') as { id?: string }).id);
      expect(machines).toEqual(expect.arrayContaining(['sessions', 'session']));
    },
  );
});

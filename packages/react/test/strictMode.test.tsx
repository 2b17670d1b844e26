import { fireEvent, render, screen, within } from '@testing-library/react';
import { createSessionsMachine, sessionsView } from '@wpp-sessions/core';
import { useActorRef, useSelector } from '@xstate/react';
import { StrictMode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { advance, MODES, renderWithProvider, SessionsProbe, simulated } from './harness.js';

/** The collection actor run the plain @xstate/react way, without the provider's backend wrapper. */
function Bare({ machine }: { machine: ReturnType<typeof createSessionsMachine> }) {
  const actor = useActorRef(machine, { input: {} });
  const view = useSelector(actor, sessionsView);
  return <p>{view.error?.message ?? 'no error'}</p>;
}

describe.each(MODES)('backend calls (%s)', (_mode, strict) => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('mounting lists once and checks each session once', async () => {
    const backend = simulated({ sessions: [{ state: 'connected' }, { state: 'offline' }, { state: 'qr' }] });
    renderWithProvider(<SessionsProbe />, { backend, strict });
    await advance(1_000);
    expect(screen.getByTestId('list-status').textContent).toBe('ready');
    expect(screen.getByTestId('list-error').textContent).toBe('');
    const { calls } = backend.stats();
    expect(calls.listSessions).toBe(1);
    // Two checks settle at once; the QR one then polls every 2 s: not yet within this second.
    expect(calls.getStatus).toBe(3);
    expect(calls.create + calls.start + calls.disconnect + calls.getQr).toBe(0);
  });

  it('a whole story makes the same calls in both modes', async () => {
    const backend = simulated({ sessions: [{ state: 'connected' }] });
    renderWithProvider(<SessionsProbe />, { backend, strict, timings: { recheckInterval: 0 } });
    await advance(300);
    fireEvent.click(screen.getByRole('button', { name: 'connect new' }));
    await advance(100);
    const newId = screen.getByTestId('new').textContent!;
    const card = screen.getByTestId(`session-${newId}`);
    backend.scan(within(card).getByTestId('integration').textContent!);
    await advance(2_100);
    expect(within(card).getByTestId('status').textContent).toBe('connected');
    fireEvent.click(within(card).getByRole('button', { name: 'disconnect' }));
    await advance(300);
    expect(backend.stats().calls).toEqual({
      listSessions: 1,
      getStatus: 2, // the saved one at mount, the new one's first QR poll
      getQr: 0,
      create: 1,
      start: 0,
      disconnect: 1,
      forget: 0,
      rename: 0,
      lastKnown: 0,
    });
  });
});

describe.each(MODES)('why the provider wraps the backend (%s)', (_mode, strict) => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  // Guards the reason for replaySafeBackend: if @xstate/react stops replaying the invoke, this fails and the
  // wrapper can go.
  it('a bare useActorRef lists twice in StrictMode and shows the aborted first list as an error', async () => {
    const backend = simulated({ sessions: [{ state: 'connected' }] });
    const machine = createSessionsMachine(backend);
    render(
      strict ? (
        <StrictMode>
          <Bare machine={machine} />
        </StrictMode>
      ) : (
        <Bare machine={machine} />
      ),
    );
    await advance(50);
    expect(backend.stats().calls.listSessions).toBe(strict ? 2 : 1);
    expect(screen.getByRole('paragraph').textContent).toMatch(strict ? /abort/i : /^no error$/);
  });
});

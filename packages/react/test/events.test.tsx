import { act, fireEvent, screen, within } from '@testing-library/react';
import type { WppSessionsEvent } from '@wpp-sessions/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useWppSessions, useWppSessionsEvents } from '../src/index.js';
import { advance, MODES, renderWithProvider, SessionsProbe, simulated } from './harness.js';

/** What the app was told, as `type id` lines (the view's status for linked/removed). */
function recorder() {
  const told: string[] = [];
  const onEvent = (event: WppSessionsEvent) => {
    told.push(
      event.type === 'linked' || event.type === 'removed'
        ? `${event.type} ${event.id} ${event.view.accountNumber}`
        : `${event.type} ${event.id} ${event.error.code}`,
    );
  };
  return { told, onEvent };
}

describe.each(MODES)('lifecycle events (%s)', (_mode, strict) => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('a number added, scanned, then disconnected: linked once, removed once', async () => {
    const backend = simulated({ sessions: [{ state: 'connected' }] });
    const { told, onEvent } = recorder();
    renderWithProvider(<SessionsProbe />, { backend, strict, onEvent });
    await advance(200);
    // Hydrating a connected number links nothing.
    expect(told).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: 'connect new' }));
    await advance(200);
    const id = screen.getByTestId('new').textContent!;
    const card = screen.getByTestId(`session-${id}`);
    expect(within(card).getByTestId('status').textContent).toBe('qr_issued');
    act(() => {
      backend.scan(within(card).getByTestId('integration').textContent!);
    });
    await advance(2_500);
    expect(within(card).getByTestId('status').textContent).toBe('connected');
    expect(told).toEqual([`linked ${id} 0000000000002`]);
    fireEvent.click(within(card).getByRole('button', { name: 'disconnect' }));
    await advance(300);
    expect(told).toEqual([`linked ${id} 0000000000002`, `removed ${id} 0000000000002`]);
  });

  it('a failed create and a failed disconnect are told once each, by their own type', async () => {
    let failing = true;
    const backend = simulated({
      sessions: [{ state: 'connected' }],
      fault: (operation) =>
        failing && (operation === 'create' || operation === 'disconnect')
          ? { kind: 'error', code: 'unauthorized', message: 'JWT expired' }
          : null,
    });
    const { told, onEvent } = recorder();
    renderWithProvider(<SessionsProbe />, { backend, strict, onEvent });
    await advance(200);
    const saved = screen.getAllByRole('button', { name: 'disconnect' })[0]!;
    fireEvent.click(saved);
    await advance(200);
    fireEvent.click(screen.getByRole('button', { name: 'connect new' }));
    await advance(200);
    const id = screen.getByTestId('new').textContent!;
    expect(told.filter((line) => !line.startsWith('error'))).toEqual([
      expect.stringMatching(/^disconnectFailed \S+ unauthorized$/),
      `createFailed ${id} unauthorized`,
    ]);
    failing = false;
  });
});

function Adder({ results }: { results: Array<string | null> }) {
  const { connectNew, status } = useWppSessions();
  return (
    <button type="button" disabled={status !== 'ready'} onClick={() => results.push(connectNew())}>
      add
    </button>
  );
}

function EventLog({ told }: { told: string[] }) {
  useWppSessionsEvents((event) => told.push(`${event.type} ${event.id}`));
  return null;
}

describe.each(MODES)('useWppSessionsEvents inside the provider (%s)', (_mode, strict) => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('tells a component what happened, once each', async () => {
    const backend = simulated({ sessions: [{ state: 'connected' }] });
    const told: string[] = [];
    renderWithProvider(
      <>
        <EventLog told={told} />
        <SessionsProbe />
      </>,
      { backend, strict },
    );
    await advance(200);
    fireEvent.click(screen.getByRole('button', { name: 'connect new' }));
    await advance(200);
    const id = screen.getByTestId('new').textContent!;
    act(() => {
      backend.scan(within(screen.getByTestId(`session-${id}`)).getByTestId('integration').textContent!);
    });
    await advance(2_500);
    fireEvent.click(within(screen.getByTestId(`session-${id}`)).getByRole('button', { name: 'disconnect' }));
    await advance(300);
    expect(told).toEqual([`linked ${id}`, `removed ${id}`]);
  });
});

describe('connectNew returns what it started', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('the new session key, then null while that number is being created', async () => {
    const results: Array<string | null> = [];
    renderWithProvider(<Adder results={results} />, { backend: simulated(), strict: true });
    await advance(200);
    fireEvent.click(screen.getByRole('button', { name: 'add' }));
    fireEvent.click(screen.getByRole('button', { name: 'add' }));
    expect(results).toEqual([expect.stringMatching(/^new-\d+$/), null]);
  });
});

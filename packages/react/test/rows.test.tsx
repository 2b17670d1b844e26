import { fireEvent, render, screen } from '@testing-library/react';
import { type ReactNode, StrictMode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WppSessionsProvider } from '../src/index.js';
import { advance, MODES, SessionsProbe, simulated } from './harness.js';

type Backend = ReturnType<typeof simulated>;

/** The app's own query, as TanStack's result looks: `data`, `error`, and a `refetch` that reads the table again. */
function appQuery(backend: Backend) {
  const query = {
    data: undefined as unknown,
    error: null as unknown,
    refetches: 0,
    refetch: async () => {
      query.refetches += 1;
      return { data: backend.savedRows(), error: null };
    },
  };
  return query;
}

function ui(backend: Backend, query: ReturnType<typeof appQuery>, strict: boolean): ReactNode {
  const tree = (
    <WppSessionsProvider
      backend={backend}
      rows={{ data: query.data, error: query.error, refetch: query.refetch }}
    >
      <SessionsProbe />
    </WppSessionsProvider>
  );
  return strict ? <StrictMode>{tree}</StrictMode> : tree;
}

describe.each(MODES)('rows from the app’s own query (%s)', (_mode, strict) => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('never lists by itself; each new array is reconciled without re-checking what it keeps', async () => {
    const backend = simulated({ sessions: [{ state: 'connected' }, { state: 'offline' }] });
    const query = appQuery(backend);
    const { rerender } = render(ui(backend, query, strict));
    await advance(300);
    expect(screen.getByTestId('list-status').textContent).toBe('loading');
    query.data = backend.savedRows();
    rerender(ui(backend, query, strict));
    await advance(300);
    expect(screen.getByTestId('count').textContent).toBe('2');
    expect(screen.getAllByTestId('status').map((p) => p.textContent)).toEqual(['connected', 'disconnected']);
    expect(backend.stats().calls.getStatus).toBe(2);
    // The app refetched (another number was added elsewhere): one new card, one new check, nothing else re-checked.
    const made = backend.create({ addNew: true }, new AbortController().signal);
    await advance(100);
    await made;
    query.data = backend.savedRows();
    rerender(ui(backend, query, strict));
    await advance(300);
    expect(screen.getByTestId('count').textContent).toBe('3');
    expect(backend.stats().calls.getStatus).toBe(3);
    // "Обновить статусы": the app's refetch once, and every number re-checked.
    fireEvent.click(screen.getByRole('button', { name: 'refresh' }));
    await advance(300);
    expect(query.refetches).toBe(1);
    expect(backend.stats().calls.getStatus).toBe(6);
    expect(backend.stats().calls.listSessions).toBe(0);
  });

  it('a broken row is shown as an error card, a failed query as the list error', async () => {
    const backend = simulated({ sessions: [{ state: 'connected' }] });
    const query = appQuery(backend);
    query.error = new Error('HTTP 500');
    const { rerender } = render(ui(backend, query, strict));
    await advance(100);
    expect(screen.getByTestId('list-status').textContent).toBe('error');
    expect(screen.getByTestId('list-error').textContent).toBe('HTTP 500');
    query.error = null;
    query.data = [...backend.savedRows(), { id: 'broken', provider: 'wpp', settings: {} }];
    rerender(ui(backend, query, strict));
    await advance(300);
    expect(screen.getByTestId('count').textContent).toBe('2');
    expect(screen.getAllByTestId('error')[1]!.textContent).toMatch(/^invalid_record: /);
  });
});

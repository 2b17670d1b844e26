import { screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useWppSession, useWppSessions } from '../src/index.js';
import { advance, MODES, renderWithProvider, simulated } from './harness.js';

function Cards() {
  const { ids } = useWppSessions();
  return (
    <ul>
      {ids.map((id) => (
        <Card key={id} id={id} />
      ))}
    </ul>
  );
}

function Card({ id }: { id: string }) {
  const session = useWppSession(id);
  return <li>{`${session?.status} ${session?.lastKnown?.status ?? '-'}`}</li>;
}

// Issue 15, part 1, through the provider: it hands the backend's lastKnown to the collection.
describe.each(MODES)('the last known status through the provider (%s)', (_mode, strict) => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('shows on each card while its check runs, read once, then gives way to the live status', async () => {
    const backend = simulated({
      sessions: Array.from({ length: 8 }, () => ({ state: 'connected' as const })),
      lastKnown: { stale: 0.25 },
    });
    renderWithProvider(<Cards />, { backend, strict });
    await advance(110);
    const early = screen.getAllByRole('listitem').map((item) => item.textContent);
    expect(early).toHaveLength(8);
    expect(early.filter((text) => text === 'checking connected')).toHaveLength(6);
    expect(early.filter((text) => text === 'checking disconnected')).toHaveLength(2);
    await advance(300);
    expect(screen.getAllByRole('listitem').map((item) => item.textContent)).toEqual(
      Array(8).fill('connected -'),
    );
    expect(backend.stats().calls.lastKnown).toBe(1);
  });
});

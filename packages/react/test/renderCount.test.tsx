import { fireEvent, screen, within } from '@testing-library/react';
import { memo, Profiler } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useWppSession, useWppSessions } from '../src/index.js';
import { advance, MODES, renderWithProvider, simulated } from './harness.js';

const SESSIONS = 20;

/** Function calls per component (StrictMode calls each render twice) and commits per component (Profiler). */
const counters = { calls: new Map<string, number>(), commits: new Map<string, number>() };
const count = (map: Map<string, number>, id: string) => map.set(id, (map.get(id) ?? 0) + 1);
// The list's own Profiler would also report its nested cards' commits, so only cards get one.
const onRender = (id: string) => count(counters.commits, id);

const Card = memo(function Card({ id }: { id: string }) {
  count(counters.calls, id);
  const session = useWppSession(id);
  return (
    <article data-testid={`card-${id}`}>
      <span data-testid="status">{session?.status}</span>
      <button type="button" onClick={session?.check}>
        check
      </button>
    </article>
  );
});

function List() {
  count(counters.calls, 'list');
  const { ids } = useWppSessions();
  return ids.map((id) => (
    <Profiler key={id} id={id} onRender={onRender}>
      <Card id={id} />
    </Profiler>
  ));
}

const statusOf = (id: string) => within(screen.getByTestId(`card-${id}`)).getByTestId('status').textContent;

describe.each(MODES)('render count with %s mode', (mode, strict) => {
  beforeEach(() => {
    vi.useFakeTimers();
    counters.calls.clear();
    counters.commits.clear();
  });
  afterEach(() => vi.useRealTimers());

  it('a status change of one session re-renders only its card', async () => {
    const backend = simulated({ sessions: Array.from({ length: SESSIONS }, () => ({ state: 'connected' })) });
    renderWithProvider(<List />, { backend, strict, timings: { recheckInterval: 0 } });
    await advance(1_000);
    const ids = screen.getAllByTestId(/^card-/).map((el) => el.dataset.testid!.slice('card-'.length));
    expect(ids).toHaveLength(SESSIONS);
    for (const id of ids) expect(statusOf(id)).toBe('connected');

    const callsBefore = new Map(counters.calls);
    const commitsBefore = new Map(counters.commits);
    const target = ids[7]!;
    backend.drop(target);
    fireEvent.click(within(screen.getByTestId(`card-${target}`)).getByRole('button', { name: 'check' }));
    await advance(1_000);
    expect(statusOf(target)).toBe('disconnected');

    const extra = (map: Map<string, number>, before: Map<string, number>, id: string) =>
      (map.get(id) ?? 0) - (before.get(id) ?? 0);
    const others = ids.filter((id) => id !== target);
    const otherCalls = others.map((id) => extra(counters.calls, callsBefore, id));
    const otherCommits = others.map((id) => extra(counters.commits, commitsBefore, id));
    const measured = {
      mode,
      targetCalls: extra(counters.calls, callsBefore, target),
      targetCommits: extra(counters.commits, commitsBefore, target),
      listCalls: extra(counters.calls, callsBefore, 'list'),
      otherCallsTotal: otherCalls.reduce((a, b) => a + b, 0),
      otherCommitsTotal: otherCommits.reduce((a, b) => a + b, 0),
    };
    console.info(`render count ${JSON.stringify(measured)}`);
    // Two commits: connected + busy (the re-check runs), then disconnected.
    expect(measured.targetCommits).toBe(2);
    expect(measured.targetCalls).toBe(strict ? 4 : 2);
    expect(measured.listCalls).toBe(0);
    expect(otherCalls).toEqual(others.map(() => 0));
    expect(otherCommits).toEqual(others.map(() => 0));
  });
});

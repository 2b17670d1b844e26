/**
 * Two providers in one document stand for two tabs of one browser: one fake Web Locks API and one fake
 * BroadcastChannel between them. Only the leading one lists and checks; both show the same; a click in the
 * follower runs on the leader; `shareTabs: false` gives each its own collection.
 */
import { act, fireEvent, render, within } from '@testing-library/react';
import type { WppSessionsEvent } from '@wpp-sessions/core';
import { createFakeBroadcastChannel, createFakeLocks } from '@wpp-sessions/core/testing';
import { memo, type ReactNode, StrictMode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  useWppSession,
  useWppSessions,
  WppSessionsProvider,
  type WppSessionsProviderProps,
} from '../src/index.js';
import { advance, MODES, simulated } from './harness.js';

const TIMINGS = { recheckInterval: 0, qrPollInterval: 500 };
const renders = new Map<string, number>();

const Card = memo(function Card({ tab, id }: { tab: string; id: string }) {
  renders.set(`${tab}:${id}`, (renders.get(`${tab}:${id}`) ?? 0) + 1);
  const session = useWppSession(id);
  if (!session) return null;
  return (
    <li data-testid={`card-${id}`} data-integration={session.integrationId ?? ''}>
      <span data-testid="status">{session.status}</span>
      <button type="button" onClick={session.check}>
        check
      </button>
    </li>
  );
});

function Tab({ tab }: { tab: string }) {
  const { status, ids, newSessionId, connectNew } = useWppSessions();
  return (
    <section data-testid={tab}>
      <p data-testid="list-status">{status}</p>
      <p data-testid="new">{newSessionId ?? ''}</p>
      <button type="button" onClick={connectNew}>
        connect new
      </button>
      <ul>
        {ids.map((id) => (
          <Card key={id} tab={tab} id={id} />
        ))}
      </ul>
    </section>
  );
}

function twoTabs(
  backend: ReturnType<typeof simulated>,
  strict: boolean,
  shareTabs: NonNullable<WppSessionsProviderProps['options']>['shareTabs'],
  onEvent: (tab: string) => (event: WppSessionsEvent) => void = () => () => undefined,
) {
  const tab = (name: string): ReactNode => (
    <WppSessionsProvider
      key={name}
      backend={backend}
      options={{ timings: TIMINGS, shareTabs }}
      onEvent={onEvent(name)}
    >
      <Tab tab={name} />
    </WppSessionsProvider>
  );
  const tree = (names: string[]) => {
    const tabs = <>{names.map(tab)}</>;
    return strict ? <StrictMode>{tabs}</StrictMode> : tabs;
  };
  const view = render(tree(['a', 'b']));
  /** Closes every tab but these (their providers unmount). */
  const keepOnly = (...names: string[]) => view.rerender(tree(names));
  const inTab = (name: string) => within(view.getByTestId(name));
  const statuses = (name: string) =>
    inTab(name)
      .queryAllByTestId('status')
      .map((node) => node.textContent);
  return { ...view, inTab, statuses, keepOnly };
}

describe.each(MODES)('tabs sharing one collection, %s mode', (_mode, strict) => {
  let shareTabs: {
    key: string;
    locks: ReturnType<typeof createFakeLocks>;
    BroadcastChannel: ReturnType<typeof createFakeBroadcastChannel>;
  };
  beforeEach(() => {
    vi.useFakeTimers();
    renders.clear();
    shareTabs = { key: 'org-1', locks: createFakeLocks(), BroadcastChannel: createFakeBroadcastChannel() };
  });
  afterEach(() => vi.useRealTimers());

  it('lists and checks once, in the leading tab, and both show the same statuses', async () => {
    const backend = simulated({ sessions: [{ state: 'connected' }, { state: 'offline' }] });
    const { statuses } = twoTabs(backend, strict, shareTabs);
    await advance(1_000);
    expect(statuses('a')).toEqual(['connected', 'disconnected']);
    expect(statuses('b')).toEqual(['connected', 'disconnected']);
    expect(backend.stats().calls.listSessions).toBe(1);
    expect(backend.stats().calls.getStatus).toBe(2);
    expect(shareTabs.locks.held()).toEqual(['wpp-sessions:org-1']);
  });

  it("runs a click in the follower on the leader's session", async () => {
    const backend = simulated({ sessions: [{ state: 'connected' }, { state: 'connected' }] });
    const { inTab, statuses } = twoTabs(backend, strict, shareTabs);
    await advance(1_000);
    expect(statuses('b')).toEqual(['connected', 'connected']);
    const checks = backend.stats().calls.getStatus;
    const [first, second] = inTab('b').getAllByRole('listitem');
    const firstId = first!.dataset.testid!.replace('card-', '');
    const rendersBefore = renders.get(`b:${firstId}`);
    // The second number goes offline; the follower asks for a check.
    expect(backend.drop(second!.dataset.testid!.replace('card-', ''))).toBe(true);
    fireEvent.click(within(second!).getByRole('button', { name: 'check' }));
    await advance(1_000);
    expect(backend.stats().calls.getStatus).toBe(checks + 1);
    expect(statuses('a')).toEqual(['connected', 'disconnected']);
    expect(statuses('b')).toEqual(['connected', 'disconnected']);
    // The other card of the follower did not render again: its view stayed shallow-equal.
    expect(renders.get(`b:${firstId}`)).toBe(rendersBefore);
  });

  it('adds a number from the follower: the QR shows in both, and both are told once when it links', async () => {
    const backend = simulated({ sessions: [{ state: 'connected' }] });
    const told: string[] = [];
    const { inTab, statuses } = twoTabs(
      backend,
      strict,
      shareTabs,
      (tab) => (event) => told.push(`${tab}:${event.type}`),
    );
    await advance(1_000);
    fireEvent.click(inTab('b').getByRole('button', { name: 'connect new' }));
    await advance(1_000);
    expect(backend.stats().calls.create).toBe(1);
    expect(statuses('a')).toEqual(['connected', 'qr_issued']);
    expect(statuses('b')).toEqual(['connected', 'qr_issued']);
    const newId = inTab('a').getByTestId('new').textContent;
    expect(newId).toMatch(/^new-/);
    expect(inTab('b').getByTestId('new').textContent).toBe(newId);
    const added = inTab('b').getAllByRole('listitem')[1]!.dataset.integration;
    expect(added).toMatch(/./);
    await act(async () => {
      backend.scan(added!);
    });
    await advance(1_000);
    expect(statuses('b')).toEqual(['connected', 'connected']);
    expect(told.sort()).toEqual(['a:linked', 'b:linked']);
  });

  it('when the leading tab goes, the other takes over and checks by itself', async () => {
    const backend = simulated({ sessions: [{ state: 'connected' }, { state: 'offline' }] });
    const { inTab, statuses, keepOnly } = twoTabs(backend, strict, shareTabs);
    await advance(1_000);
    expect(backend.stats().calls.listSessions).toBe(1);
    keepOnly('b');
    await advance(1_000);
    expect(statuses('b')).toEqual(['connected', 'disconnected']);
    expect(backend.stats().calls.listSessions).toBe(2);
    expect(shareTabs.locks.held()).toEqual(['wpp-sessions:org-1']);
    const checks = backend.stats().calls.getStatus;
    fireEvent.click(within(inTab('b').getAllByRole('listitem')[0]!).getByRole('button', { name: 'check' }));
    await advance(1_000);
    expect(backend.stats().calls.getStatus).toBe(checks + 1);
  });

  it('with shareTabs: false, each provider runs its own collection', async () => {
    const backend = simulated({ sessions: [{ state: 'connected' }, { state: 'offline' }] });
    const { statuses } = twoTabs(backend, strict, false);
    await advance(1_000);
    expect(statuses('a')).toEqual(['connected', 'disconnected']);
    expect(statuses('b')).toEqual(['connected', 'disconnected']);
    expect(backend.stats().calls.listSessions).toBe(2);
    expect(backend.stats().calls.getStatus).toBe(4);
    expect(shareTabs.locks.held()).toEqual([]);
  });
});

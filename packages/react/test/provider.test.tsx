import { fireEvent, render, renderHook, screen, within } from '@testing-library/react';
import { type ReactNode, StrictMode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useWppSession, useWppSessions, WppSessionsProvider } from '../src/index.js';
import { advance, MODES, renderWithProvider, SessionProbe, SessionsProbe, simulated } from './harness.js';

const text = (testId: string, scope: HTMLElement = document.body) =>
  within(scope).getByTestId(testId).textContent;
const card = (id: string) => screen.getByTestId(`session-${id}`);
/** The ids of the session cards on screen, in order. */
const cardIds = () =>
  screen.queryAllByTestId(/^session-/).map((el) => el.dataset.testid!.slice('session-'.length));
const click = (name: string, scope: HTMLElement = document.body) =>
  fireEvent.click(within(scope).getByRole('button', { name }));

describe.each(MODES)('WppSessionsProvider and hooks (%s)', (_mode, strict) => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('goes from loading to ready and shows each session live status', async () => {
    const backend = simulated({ sessions: [{ state: 'connected' }, { state: 'offline' }] });
    renderWithProvider(<SessionsProbe />, { backend, strict });
    expect(text('list-status')).toBe('loading');
    expect(text('count')).toBe('0');

    await advance(100);
    expect(text('list-status')).toBe('ready');
    const [first, second] = cardIds();
    expect(text('status', card(first!))).toBe('checking');

    await advance(100);
    expect(text('status', card(first!))).toBe('connected');
    expect(text('status', card(second!))).toBe('disconnected');
    expect(text('reason', card(second!))).toBe('offline');
    expect(text('key', card(first!))).toMatch(/^•+[^•]{0,4}$/); // masked by the core: at most 4 characters shown
    expect(document.body.innerHTML).not.toContain('secret');
  });

  it('adds a number: creating, QR, scan, connected', async () => {
    const backend = simulated({ sessions: [{ state: 'connected' }] });
    renderWithProvider(<SessionsProbe />, { backend, strict });
    await advance(300);

    click('connect new');
    const newId = text('new')!;
    expect(newId).not.toBe('');
    expect(text('creating')).toBe('true');
    expect(text('status', card(newId))).toBe('creating');
    click('connect new'); // ignored while a number is being created
    await advance(100);
    expect(backend.stats().calls.create).toBe(1);
    expect(text('creating')).toBe('false');
    expect(text('status', card(newId))).toBe('qr_issued');
    const integrationId = text('integration', card(newId))!;
    expect(text('qr', card(newId))).toBe(backend.currentQr(integrationId));

    expect(backend.scan(integrationId)).toBe(true);
    await advance(2_200);
    expect(text('status', card(newId))).toBe('connected');
    expect(text('qr', card(newId))).toBe('');
    expect(text('count')).toBe('2');
  });

  it('disconnects a session and drops its card', async () => {
    const backend = simulated({ sessions: [{ state: 'connected' }, { state: 'connected' }] });
    renderWithProvider(<SessionsProbe />, { backend, strict });
    await advance(300);
    const [first] = cardIds();

    click('disconnect', card(first!));
    expect(text('status', card(first!))).toBe('disconnecting');
    await advance(100);
    expect(screen.queryByTestId(`session-${first!}`)).toBeNull();
    expect(text('count')).toBe('1');
    expect(backend.stats().calls.disconnect).toBe(1);
    expect(backend.stats().calls.disconnect + cardIds().length).toBe(2);
  });

  it('refresh re-lists and re-checks every session', async () => {
    const backend = simulated({ sessions: [{ state: 'connected' }, { state: 'connected' }] });
    renderWithProvider(<SessionsProbe />, { backend, strict });
    await advance(300);
    const before = backend.stats().calls;
    expect(before.listSessions).toBe(1);
    expect(before.getStatus).toBe(2);
    const [first, second] = cardIds();

    backend.drop(first!);
    click('refresh');
    await advance(300);
    const after = backend.stats().calls;
    expect(after.listSessions).toBe(2);
    expect(after.getStatus).toBe(4);
    expect(text('status', card(first!))).toBe('disconnected');
    expect(text('status', card(second!))).toBe('connected');
  });

  it('shows a list error and recovers on retry', async () => {
    let failing = true;
    const backend = simulated({
      sessions: [{ state: 'connected' }],
      fault: (operation) =>
        failing && operation === 'listSessions'
          ? { kind: 'error', code: 'unauthorized', message: 'JWT expired' }
          : null,
    });
    renderWithProvider(<SessionsProbe />, { backend, strict });
    await advance(100);
    expect(text('list-status')).toBe('error');
    expect(text('list-error')).toBe('JWT expired');
    await advance(60_000); // not retryable: waits for the admin
    expect(backend.stats().calls.listSessions).toBe(1);

    failing = false;
    click('retry list');
    await advance(300);
    expect(text('list-status')).toBe('ready');
    expect(text('list-error')).toBe('');
    expect(text('count')).toBe('1');
  });

  it('shows a session error and retries it on demand', async () => {
    let failing = true;
    const backend = simulated({
      sessions: [{ state: 'connected' }],
      fault: (operation) =>
        failing && operation === 'getStatus'
          ? { kind: 'error', code: 'forbidden', message: 'No access' }
          : null,
    });
    renderWithProvider(<SessionsProbe />, { backend, strict });
    await advance(300);
    const [record] = cardIds();
    const session = card(record!);
    expect(text('status', session)).toBe('error');
    expect(text('error', session)).toBe('forbidden: No access');

    failing = false;
    click('retry session', session);
    await advance(100);
    expect(text('status', session)).toBe('connected');
    expect(text('error', session)).toBe('');
  });

  it('expires an unscanned QR and offers a new one', async () => {
    const backend = simulated();
    renderWithProvider(<SessionsProbe />, { backend, strict, timings: { qrTimeout: 5_000 } });
    await advance(100);
    click('connect new');
    await advance(100);
    const newId = text('new')!;
    expect(text('status', card(newId))).toBe('qr_issued');

    await advance(5_000);
    expect(text('status', card(newId))).toBe('disconnected');
    expect(text('reason', card(newId))).toBe('qr_expired');
    expect(within(card(newId)).getByRole<HTMLButtonElement>('button', { name: 'reconnect' }).disabled).toBe(
      false,
    );

    click('reconnect', card(newId));
    await advance(100);
    expect(text('status', card(newId))).toBe('qr_issued');
    expect(backend.stats().calls.start).toBe(1);
  });

  it('cancels a new number and discards it', async () => {
    const backend = simulated({ sessions: [{ state: 'connected' }] });
    renderWithProvider(<SessionsProbe />, { backend, strict });
    await advance(300);
    click('connect new');
    await advance(100);
    const newId = text('new')!;
    click('cancel', card(newId));
    await advance(300);
    expect(screen.queryByTestId(`session-${newId}`)).toBeNull();
    expect(text('new')).toBe('');
    expect(backend.stats().calls.disconnect + cardIds().length).toBe(2);
  });

  it('returns null for an id no session has', async () => {
    const backend = simulated({ sessions: [{ state: 'connected' }] });
    renderWithProvider(<SessionProbe id="nope" />, { backend, strict });
    await advance(300);
    expect(screen.getByText('no session nope').tagName).toBe('P');
  });

  it('keeps command identities across renders', async () => {
    const backend = simulated({ sessions: [{ state: 'connected' }] });
    const wrapper = ({ children }: { children: ReactNode }) => {
      const tree = <WppSessionsProvider backend={backend}>{children}</WppSessionsProvider>;
      return strict ? <StrictMode>{tree}</StrictMode> : tree;
    };
    const { result } = renderHook(
      () => {
        const list = useWppSessions();
        return { list, one: useWppSession(list.ids[0] ?? '') };
      },
      { wrapper },
    );
    const list = result.current.list;
    expect(result.current.one).toBeNull();
    await advance(100);
    const one = result.current.one!;
    expect(one.status).toBe('checking');
    await advance(100);
    expect(result.current.list.status).toBe('ready');
    expect(result.current.list).not.toBe(list);
    expect(result.current.one!.status).toBe('connected');
    for (const name of ['connectNew', 'refresh', 'retry', 'dismissNew'] as const) {
      expect(result.current.list[name]).toBe(list[name]);
    }
    for (const name of ['disconnect', 'reconnect', 'refreshQr', 'cancel', 'retry', 'check'] as const) {
      expect(result.current.one![name]).toBe(one[name]);
    }
  });

  it('reads the backend prop once', async () => {
    const first = simulated({ sessions: [{ state: 'connected' }] });
    const second = simulated({ sessions: [{ state: 'offline' }, { state: 'offline' }] });
    const ui = (backend: typeof first) => {
      const tree = (
        <WppSessionsProvider backend={backend}>
          <SessionsProbe />
        </WppSessionsProvider>
      );
      return strict ? <StrictMode>{tree}</StrictMode> : tree;
    };
    const { rerender } = render(ui(first));
    await advance(300);
    rerender(ui(second));
    click('refresh');
    await advance(300);
    expect(text('count')).toBe('1');
    expect(first.stats().calls.listSessions).toBe(2);
    expect(Object.values(second.stats().calls).every((n) => n === 0)).toBe(true);
  });
});

describe.each(MODES)('hooks outside the provider (%s)', (_mode, strict) => {
  it.each<[string, () => unknown]>([
    ['useWppSessions', () => useWppSessions()],
    ['useWppSession', () => useWppSession('x')],
  ])('%s throws an error naming WppSessionsProvider', (_name, hook) => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const wrapper = ({ children }: { children: ReactNode }) =>
      strict ? <StrictMode>{children}</StrictMode> : children;
    expect(() => renderHook(hook, { wrapper })).toThrow(/WppSessionsProvider/);
    spy.mockRestore();
  });
});

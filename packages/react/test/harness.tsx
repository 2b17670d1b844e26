import { act, render } from '@testing-library/react';
import type { WppSessionsEvent, WppTimings } from '@wpp-sessions/core';
import { createSimulatedBackend, type SimulatedBackendOptions } from '@wpp-sessions/core/testing';
import { type ReactNode, StrictMode } from 'react';
import { vi } from 'vitest';
import { useWppSession, useWppSessions, WppSessionsProvider } from '../src/index.js';

/** Every suite runs in both React modes. */
export const MODES = [
  ['strict', true],
  ['plain', false],
] as const;

/** Moves fake time forward inside `act`, so React sees every update it causes. */
export async function advance(ms: number): Promise<void> {
  await act(() => vi.advanceTimersByTimeAsync(ms));
}

/** A simulated backend with 100 ms latency unless told otherwise. */
export function simulated(options: SimulatedBackendOptions = {}) {
  return createSimulatedBackend({ latency: 100, ...options });
}

/** Renders `ui` inside a provider for `backend`, wrapped in StrictMode when `strict`. */
export function renderWithProvider(
  ui: ReactNode,
  {
    backend,
    strict,
    timings,
    onEvent,
  }: {
    backend: ReturnType<typeof simulated>;
    strict: boolean;
    timings?: Partial<WppTimings>;
    onEvent?: (event: WppSessionsEvent) => void;
  },
) {
  const tree = (
    <WppSessionsProvider backend={backend} options={{ timings }} onEvent={onEvent}>
      {ui}
    </WppSessionsProvider>
  );
  return render(strict ? <StrictMode>{tree}</StrictMode> : tree);
}

/** Shows a session's view as text and its commands as buttons. */
export function SessionProbe({ id }: { id: string }) {
  const session = useWppSession(id);
  if (session === null) return <p>no session {id}</p>;
  return (
    <section data-testid={`session-${id}`}>
      <p data-testid="integration">{session.integrationId ?? ''}</p>
      <p data-testid="status">{session.status}</p>
      <p data-testid="reason">{session.reason ?? ''}</p>
      <p data-testid="error">{session.error ? `${session.error.code}: ${session.error.message}` : ''}</p>
      <p data-testid="qr">{session.qr?.kind === 'text' ? session.qr.value : ''}</p>
      <p data-testid="key">{session.apiKeyMasked ?? ''}</p>
      <button type="button" disabled={!session.canDisconnect} onClick={session.disconnect}>
        disconnect
      </button>
      <button type="button" disabled={!session.canReconnect} onClick={session.reconnect}>
        reconnect
      </button>
      <button type="button" disabled={!session.canCancel} onClick={session.cancel}>
        cancel
      </button>
      <button type="button" disabled={!session.canRetry} onClick={session.retry}>
        retry session
      </button>
      <button type="button" disabled={!session.canCheck} onClick={session.check}>
        check
      </button>
    </section>
  );
}

/** Shows the list view as text, its commands as buttons and one `SessionProbe` per id. */
export function SessionsProbe() {
  const sessions = useWppSessions();
  return (
    <main>
      <p data-testid="list-status">{sessions.status}</p>
      <p data-testid="list-error">{sessions.error?.message ?? ''}</p>
      <p data-testid="count">{sessions.ids.length}</p>
      <p data-testid="new">{sessions.newSessionId ?? ''}</p>
      <p data-testid="creating">{String(sessions.isCreating)}</p>
      <button type="button" onClick={sessions.connectNew}>
        connect new
      </button>
      <button type="button" onClick={sessions.refresh}>
        refresh
      </button>
      <button type="button" onClick={sessions.retry}>
        retry list
      </button>
      <button type="button" onClick={sessions.dismissNew}>
        dismiss new
      </button>
      {sessions.ids.map((id) => (
        <SessionProbe key={id} id={id} />
      ))}
    </main>
  );
}

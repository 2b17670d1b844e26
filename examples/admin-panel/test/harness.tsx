import { act, render, screen, within } from '@testing-library/react';
import type { WppTimings } from '@wpp-sessions/core';
import { createSimulatedBackend, type SimulatedBackendOptions } from '@wpp-sessions/core/testing';
import { WppSessionsProvider, type WppSessionsProviderProps } from '@wpp-sessions/react';
import { StrictMode } from 'react';
import { vi } from 'vitest';
import type { DemoScan } from '../src/backend.js';
import { DemoScanContext } from '../src/panel/demo.js';
import { WppConnectPanel } from '../src/panel/WppConnectPanel.js';

/** Every suite runs in both React modes. */
export const MODES = [
  ['strict', true],
  ['plain', false],
] as const;

/** Moves fake time forward inside `act`. */
export async function advance(ms: number): Promise<void> {
  await act(() => vi.advanceTimersByTimeAsync(ms));
}

/** A simulated backend with 100 ms latency and QRs that outlive the panel's own expiry. */
export function simulated(options: SimulatedBackendOptions = {}) {
  return createSimulatedBackend({ latency: 100, qrExpireMs: 600_000, ...options });
}

/** Renders the panel on `backend`, with the demo scan wired to it, in StrictMode when `strict`. */
export function renderPanel({
  backend,
  strict,
  timings,
  withScan = true,
  inspect,
}: {
  backend: ReturnType<typeof simulated>;
  strict: boolean;
  timings?: Partial<WppTimings>;
  withScan?: boolean;
  /** The provider's `inspect` (e.g. `loadInspector(true)`'s). */
  inspect?: WppSessionsProviderProps['inspect'];
}) {
  const scan: DemoScan = async (integrationId) => {
    if (!backend.scan(integrationId)) throw new Error('Нет QR-кода для сканирования');
  };
  const tree = (
    <WppSessionsProvider backend={backend} options={{ timings }} inspect={inspect}>
      <DemoScanContext.Provider value={withScan ? scan : null}>
        <WppConnectPanel />
      </DemoScanContext.Provider>
    </WppSessionsProvider>
  );
  return render(strict ? <StrictMode>{tree}</StrictMode> : tree);
}

/** The cards on screen. */
export const cards = () => screen.queryAllByRole('article');
/** The QR dialog, or `null`. */
export const qrDialog = () => screen.queryByRole('dialog', { name: 'Подключение WhatsApp' });
/** The card of a number, by its account number. */
export const cardOf = (accountNumber: string) =>
  screen.getByRole('article', { name: new RegExp(`${accountNumber}$`) });
/** A button by its accessible name, inside `scope` (default: the whole page). */
export const button = (name: string | RegExp, scope: HTMLElement = document.body) =>
  within(scope).getByRole<HTMLButtonElement>('button', { name });
/** Whether `scope` has a button with that name. */
export const hasButton = (name: string | RegExp, scope: HTMLElement = document.body) =>
  within(scope).queryByRole('button', { name }) !== null;
/** The badge text of a card. */
export const badge = (card: HTMLElement) => within(card).getByTestId('status-badge').textContent?.trim();

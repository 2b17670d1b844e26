import type { Clock } from '@sinonjs/fake-timers';
import { createWppSessions } from '@wpp-sessions/core';
import { createSimulatedBackend, type SimulatedBackend } from '@wpp-sessions/core/testing';
import { WppConnectPanelBaseline } from '../../baseline/WppConnectPanel.baseline.js';
import { mount } from '../render.js';
import { advanceUntil } from '../virtual-time.js';

/** What one QR-polling run measured. */
export interface QrPollingResult {
  /** Most calls in flight at once for the new number (`stats().maxInFlight[integrationId]`). */
  maxInFlight: number;
  /** `getStatus` + `getQr` calls started for it during the window. */
  calls: number;
  /** Virtual ms from the click until the QR was shown. */
  qrShownAt: number;
}

/**
 * Adds a number (its `create` answers with a QR), then lets the QR be polled for `windowMs` of virtual time at
 * `latency` ms per call, nobody scanning it.
 *
 * @example
 * ```ts
 * const { maxInFlight } = await qrPolling(clock, 'ours', 3_000, 60_000); // 1
 * ```
 */
export async function qrPolling(
  clock: Clock,
  impl: 'baseline' | 'ours',
  latency: number,
  windowMs: number,
): Promise<QrPollingResult> {
  const backend = createSimulatedBackend({ latency, qrExpireMs: 600_000 });
  let stop: () => void;
  let clickedAt: number;
  if (impl === 'baseline') {
    const root = mount(<WppConnectPanelBaseline backend={backend} />);
    const button = () => root.container.querySelector<HTMLButtonElement>('[data-connect]');
    await advanceUntil(clock, () => button() !== null, 60_000);
    clickedAt = clock.now;
    button()!.click();
    await advanceUntil(clock, () => root.container.querySelector('[data-qr]') !== null, 60_000, 10);
    stop = () => root.unmount();
  } else {
    const actor = createWppSessions(backend).start();
    await advanceUntil(clock, () => actor.getSnapshot().matches('ready'), 60_000);
    clickedAt = clock.now;
    actor.send({ type: 'sessions.connectNew' });
    await advanceUntil(
      clock,
      () => {
        const { newSessionId, refs } = actor.getSnapshot().context;
        return newSessionId !== null && (refs[newSessionId]?.getSnapshot().matches('qr_issued') ?? false);
      },
      60_000,
      10,
    );
    stop = () => actor.stop();
  }
  const qrShownAt = clock.now - clickedAt;
  const before = pollCalls(backend);
  await clock.tickAsync(windowMs);
  const calls = pollCalls(backend) - before;
  const id = integrationIdOf(backend);
  const maxInFlight = backend.stats().maxInFlight[id] ?? 0;
  stop();
  return { maxInFlight, calls, qrShownAt };
}

function pollCalls(backend: SimulatedBackend): number {
  const { calls } = backend.stats();
  return calls.getStatus + calls.getQr;
}

/** The only integration id the backend has seen (the scenario starts with no saved number). */
function integrationIdOf(backend: SimulatedBackend): string {
  const ids = Object.keys(backend.stats().maxInFlight).filter((key) => key !== 'create' && key !== 'list');
  if (ids.length !== 1) throw new Error(`expected one number, saw ${ids.length}`);
  return ids[0]!;
}

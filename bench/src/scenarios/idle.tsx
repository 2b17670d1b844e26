import type { Clock } from '@sinonjs/fake-timers';
import type { WppBackend } from '@wpp-sessions/core';
import { createFakeBroadcastChannel, createFakeLocks } from '@wpp-sessions/core/testing';
import { WppConnectPanelBaseline } from '../../baseline/WppConnectPanel.baseline.js';
import { seededBackend } from '../fixtures.js';
import { mount } from '../render.js';

/** Which tabs are open: one visible, two visible, or one hidden. */
export type IdleTabs = 'one' | 'two' | 'hidden';

/** Status requests of one idle run, from mount. */
export interface IdleResult {
  /** In the first minute (the checks on mount included). */
  firstMinute: number;
  /** Per minute afterwards (minutes 2 to 5): what an open panel costs while nobody touches it. */
  perMinute: number;
}

const NUMBERS = 20;

/**
 * 20 connected numbers, 100 ms latency, nobody touching the panel: counts the backend's status requests on the
 * virtual clock, for the user's panel logic or ours (the library's defaults, as the bench's panel uses them), with
 * one visible tab, two visible tabs (two panels on one backend; ours share one poller through fakes of Web Locks and
 * BroadcastChannel, as two tabs of one browser do) or one hidden tab (`document.visibilityState`).
 *
 * @example
 * ```ts
 * const { perMinute } = await idle(clock, 'ours', 'hidden');
 * ```
 */
export async function idle(clock: Clock, impl: 'baseline' | 'ours', tabs: IdleTabs): Promise<IdleResult> {
  const backend = seededBackend(NUMBERS, 100, { only: 'connected' });
  if (tabs === 'hidden') {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
  }
  const { OursPanel } = impl === 'ours' ? await import('../ours/OursPanel.js') : { OursPanel: null };
  // Two tabs of one browser: ours share one lock manager and one channel, as tabs do (happy-dom has no Web Locks).
  const shareTabs = { key: 'org', locks: createFakeLocks(), BroadcastChannel: createFakeBroadcastChannel() };
  const panel = (source: WppBackend) =>
    OursPanel === null ? (
      <WppConnectPanelBaseline backend={source} />
    ) : (
      <OursPanel backend={source} shareTabs={shareTabs} />
    );
  const roots = (tabs === 'two' ? [0, 1] : [0]).map(() => mount(panel(backend)));
  const calls = () => backend.stats().calls.getStatus;
  await clock.tickAsync(60_000);
  const firstMinute = calls();
  await clock.tickAsync(4 * 60_000);
  const perMinute = (calls() - firstMinute) / 4;
  for (const root of roots) root.unmount();
  return { firstMinute, perMinute };
}

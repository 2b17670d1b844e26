import type { Clock } from '@sinonjs/fake-timers';
import { createWppSessions } from '@wpp-sessions/core';
import type { AnyActorRef, InspectionEvent } from 'xstate';
import { WppConnectPanelBaseline } from '../../baseline/WppConnectPanel.baseline.js';
import { seededBackend, withListProbe } from '../fixtures.js';
import { createRenderProbe, ProbeProvider } from '../probe.js';
import { mount } from '../render.js';
import { advanceUntil } from '../virtual-time.js';

/** What one hydration run measured, in virtual milliseconds from mount. */
export interface HydrateResult {
  /** When the list answer arrived. */
  listedAt: number;
  /** When the last status became known (shown on its card, or the session left `checking`). */
  allKnownAt: number;
  /** `allKnownAt - listedAt`: the status phase alone. */
  statusPhaseMs: number;
  /** Session-card renders from mount until `allKnownAt` (React runs only). */
  renders: number | null;
  /** Most backend calls in flight at once over all sessions. */
  maxInFlightTotal: number;
}

/** Which implementation hydrates. */
export type HydrateImpl = 'baseline' | 'ours-react' | 'ours-core';

const LIMIT_MS = 10 * 60_000;

/**
 * Hydrates `n` saved numbers at `latency` ms per call and times it on the virtual clock.
 *
 * @example
 * ```ts
 * const result = await hydrate(clock, 'baseline', 50, 100); // result.statusPhaseMs === 5000
 * ```
 */
export async function hydrate(
  clock: Clock,
  impl: HydrateImpl,
  n: number,
  latency: number,
): Promise<HydrateResult> {
  const simulated = seededBackend(n, latency);
  const list = withListProbe(simulated);
  const start = clock.now;
  let allKnownAt: number | null = null;
  let renders: number | null = null;

  if (impl === 'ours-core') {
    const known = new Map<string, number>();
    const inspect = (event: InspectionEvent) => {
      if (event.type !== '@xstate.snapshot') return;
      const { id } = event.actorRef as AnyActorRef;
      if (!id.startsWith('session:') || known.has(id)) return;
      const value = (event.snapshot as { value?: unknown }).value;
      const top = typeof value === 'string' ? value : Object.keys(value ?? {})[0];
      if (top !== 'checking' && top !== 'init') known.set(id, Date.now());
    };
    const actor = createWppSessions(list.backend, { inspect }).start();
    await advanceUntil(clock, () => known.size === n, LIMIT_MS);
    allKnownAt = Math.max(...known.values());
    actor.stop();
  } else {
    const probe = createRenderProbe(n);
    // Loaded only for our runs, so a baseline run never loads @wpp-sessions/react.
    const { OursPanel } = impl === 'ours-react' ? await import('../ours/OursPanel.js') : { OursPanel: null };
    const root = mount(
      <ProbeProvider probe={probe}>
        {OursPanel === null ? (
          <WppConnectPanelBaseline backend={list.backend} />
        ) : (
          <OursPanel backend={list.backend} />
        )}
      </ProbeProvider>,
    );
    await advanceUntil(clock, () => probe.allKnownAt() !== null, LIMIT_MS);
    allKnownAt = probe.allKnownAt()!;
    renders = probe.rendersUntil(allKnownAt);
    root.unmount();
  }

  const listedAt = list.listedAt();
  if (listedAt === null) throw new Error('the list never answered');
  return {
    listedAt: listedAt - start,
    allKnownAt: allKnownAt - start,
    statusPhaseMs: allKnownAt - listedAt,
    renders,
    maxInFlightTotal: simulated.stats().maxInFlightTotal,
  };
}

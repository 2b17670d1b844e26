import type { Clock } from '@sinonjs/fake-timers';
import { createWppSessions } from '@wpp-sessions/core';
import type { SimulatedLastKnownOptions } from '@wpp-sessions/core/testing';
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
  /** With saved statuses (`lastKnown`): what the cards showed of them (our React panel only). */
  lastKnown?: LastKnownFigures;
}

/** How the saved statuses compared with the live ones, card by card. */
export interface LastKnownFigures {
  /** Cards that showed a saved status before their live one. */
  shown: number;
  /** Of those, how many showed a saved status that the live answer then contradicted. */
  differed: number;
  /** Renders that showed a saved status other than as unconfirmed ("checking"): must be 0. */
  shownAsConfirmed: number;
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
  saved?: SimulatedLastKnownOptions,
): Promise<HydrateResult> {
  const simulated = seededBackend(n, latency, { lastKnown: saved });
  const list = withListProbe(simulated);
  const start = clock.now;
  let allKnownAt: number | null = null;
  let renders: number | null = null;
  let lastKnown: LastKnownFigures | undefined;

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
    if (saved && OursPanel !== null) {
      // The live statuses too, to compare each card's saved status with what it then confirmed.
      await advanceUntil(clock, () => probe.lastKnown().every((card) => card.live !== null), LIMIT_MS);
      const cards = probe.lastKnown().filter((card) => card.saved !== null);
      lastKnown = {
        shown: cards.length,
        differed: cards.filter((card) => card.saved !== card.live).length,
        shownAsConfirmed: probe.lastKnownAsConfirmed(),
      };
    }
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
    ...(lastKnown && { lastKnown }),
  };
}

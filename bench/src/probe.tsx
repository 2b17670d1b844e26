import { createContext, type ReactNode, useContext } from 'react';

/** Counts session-card renders and remembers when each card first showed a known status. */
export interface RenderProbe {
  /** Called by a card on every render. */
  cardRendered(id: string, known: boolean): void;
  /** Virtual time at which every expected card showed a known status, or `null`. */
  allKnownAt(): number | null;
  /** Card renders that happened at or before virtual time `time`. */
  rendersUntil(time: number): number;
  /** Called by our card on every render: the saved status it shows (if any) beside its status. */
  cardShowed(id: string, saved: string | null, status: string): void;
  /** Per card: the first saved status it showed, and the first live status it showed. */
  lastKnown(): Array<{ saved: string | null; live: string | null }>;
  /** Renders that showed a saved status while the status was not `checking`. */
  lastKnownAsConfirmed(): number;
}

/**
 * Creates a probe that expects `expected` cards.
 *
 * @example
 * ```ts
 * const probe = createRenderProbe(100);
 * // … render under <ProbeProvider probe={probe}> …
 * probe.rendersUntil(probe.allKnownAt()!);
 * ```
 */
export function createRenderProbe(expected: number): RenderProbe {
  const renderTimes: number[] = [];
  const knownAt = new Map<string, number>();
  let allKnownAt: number | null = null;
  const cards = new Map<string, { saved: string | null; live: string | null }>();
  let asConfirmed = 0;
  return {
    cardShowed(id, saved, status) {
      const card = cards.get(id) ?? { saved: null, live: null };
      cards.set(id, card);
      if (saved !== null && card.saved === null) card.saved = saved;
      if (saved !== null && status !== 'checking') asConfirmed += 1;
      if (card.live === null && status !== 'checking' && status !== 'creating') card.live = status;
    },
    lastKnown: () => (cards.size < expected ? [{ saved: null, live: null }] : [...cards.values()]),
    lastKnownAsConfirmed: () => asConfirmed,
    cardRendered(id, known) {
      const now = Date.now();
      renderTimes.push(now);
      if (known && !knownAt.has(id)) {
        knownAt.set(id, now);
        if (knownAt.size === expected) allKnownAt = now;
      }
    },
    allKnownAt: () => allKnownAt,
    // Every render of one commit happens at the same virtual instant, so the commit that makes the last status
    // known is counted whole.
    rendersUntil: (time) => renderTimes.filter((t) => t <= time).length,
  };
}

const ProbeContext = createContext<RenderProbe | null>(null);

/**
 * Makes a probe available to the cards below.
 *
 * @example
 * ```tsx
 * <ProbeProvider probe={probe}><Panel /></ProbeProvider>
 * ```
 */
export function ProbeProvider({ probe, children }: { probe: RenderProbe; children: ReactNode }) {
  return <ProbeContext.Provider value={probe}>{children}</ProbeContext.Provider>;
}

/**
 * The only instrumentation in the cards: one call per render.
 *
 * @example
 * ```tsx
 * useRenderProbe(id, status !== 'checking');
 * ```
 */
export function useRenderProbe(id: string, known: boolean): void {
  useContext(ProbeContext)?.cardRendered(id, known);
}

/**
 * Our card's second probe call: the saved status it shows (or `null`) beside its status.
 *
 * @example
 * ```tsx
 * useLastKnownProbe(id, session.lastKnown?.status ?? null, session.status);
 * ```
 */
export function useLastKnownProbe(id: string, saved: string | null, status: string): void {
  useContext(ProbeContext)?.cardShowed(id, saved, status);
}

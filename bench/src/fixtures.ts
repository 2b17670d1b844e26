import type { WppBackend } from '@wpp-sessions/core';
import {
  createSimulatedBackend,
  type SimulatedBackend,
  type SimulatedLastKnownOptions,
} from '@wpp-sessions/core/testing';

/** The saved state of one seeded number. */
export type SeedState = 'connected' | 'offline' | 'qr';

/**
 * A deterministic, realistic mix of saved numbers: mostly connected, every 4th offline, every 25th left waiting for
 * a scan (it shows a QR, so our library keeps polling it once known).
 *
 * @example
 * ```ts
 * seedStates(4); // ['connected', 'connected', 'connected', 'offline']
 * ```
 */
export function seedStates(count: number): SeedState[] {
  return Array.from({ length: count }, (_, index) => {
    if (index % 25 === 24) return 'qr';
    if (index % 4 === 3) return 'offline';
    return 'connected';
  });
}

/**
 * The simulated backend every scenario uses, for the baseline and for us alike.
 * The QR phase is made long (10 min) so that no number goes offline during a scenario. With `lastKnown`, the backend
 * also has the saved statuses (`whatsapp_sessions`), some of them stale; with `only`, every number is in that state.
 *
 * @example
 * ```ts
 * const backend = seededBackend(50, 100);
 * ```
 */
export function seededBackend(
  count: number,
  latency: number,
  { lastKnown, only }: { lastKnown?: SimulatedLastKnownOptions; only?: SeedState } = {},
): SimulatedBackend {
  return createSimulatedBackend({
    latency,
    qrExpireMs: 600_000,
    sessions: seedStates(count).map((state) => ({ state: only ?? state })),
    ...(lastKnown && { lastKnown }),
  });
}

/** A backend that remembers when its list answer arrived (same wrapper for the baseline and for us). */
export interface ListProbe {
  backend: WppBackend;
  /** Virtual time of the first list answer, or `null`. */
  listedAt(): number | null;
}

/**
 * Wraps a backend to record when the first `listSessions` answer arrived, so that P1 can time the status phase
 * alone (the ideal `ceil(N / 6) × latency` leaves the list request out).
 *
 * @example
 * ```ts
 * const probe = withListProbe(seededBackend(10, 100));
 * createWppSessions(probe.backend).start();
 * ```
 */
export function withListProbe(backend: WppBackend): ListProbe {
  let listedAt: number | null = null;
  return {
    backend: {
      ...backend,
      listSessions: async (signal) => {
        const records = await backend.listSessions(signal);
        listedAt ??= Date.now();
        return records;
      },
    },
    listedAt: () => listedAt,
  };
}

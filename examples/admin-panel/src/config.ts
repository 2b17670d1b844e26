import type { WppTimings } from '@wpp-sessions/react';

/** Which backend the panel talks to, decided once at start-up. */
export type PanelConfig =
  | { mode: 'supabase'; url: string; anonKey: string; timings: Partial<WppTimings>; inspect: boolean }
  | { mode: 'sim'; timings: Partial<WppTimings>; inspect: boolean }
  | { mode: 'local'; organizationId: string | null; timings: Partial<WppTimings>; inspect: boolean };

/** The build-time variables the panel reads (`import.meta.env`). */
export interface PanelEnv {
  VITE_SUPABASE_URL?: string;
  VITE_SUPABASE_ANON_KEY?: string;
  DEV?: boolean;
}

/**
 * The panel's own timings, under any `?…` override. `recheckInterval` 30 s (core's default is 60 s): an admin watching
 * the panel sees a dropped number within 30 s, and 20 numbers cost 40 `wpp-status` calls a minute (each one upstream
 * status request), none while the tab is hidden. See the README, "Background re-check".
 */
export const PANEL_TIMINGS: Readonly<Partial<WppTimings>> = Object.freeze({ recheckInterval: 30_000 });

/** Query parameters that override timings (ms), for demos and browser tests. */
const TIMING_PARAMS = {
  qrTimeout: 'qrTimeout',
  qrPoll: 'qrPollInterval',
  recheck: 'recheckInterval',
  poll: 'pendingPollInterval',
} as const satisfies Record<string, keyof WppTimings>;

/**
 * Reads the timing overrides `?qrTimeout=<ms>&qrPoll=<ms>&recheck=<ms>&poll=<ms>`. Values that are not whole
 * non-negative numbers are ignored; `0` is kept only for `recheck` (it turns the background re-check off).
 *
 * @example
 * ```ts
 * timingsFrom(new URLSearchParams('?qrTimeout=5000&recheck=0')); // { qrTimeout: 5000, recheckInterval: 0 }
 * ```
 */
export function timingsFrom(params: URLSearchParams): Partial<WppTimings> {
  const timings: Partial<WppTimings> = {};
  for (const [param, key] of Object.entries(TIMING_PARAMS)) {
    const raw = params.get(param);
    if (raw === null || !/^\d+$/.test(raw)) continue;
    const value = Number(raw);
    if (value > 0 || (value === 0 && key === 'recheckInterval')) timings[key] = value;
  }
  return timings;
}

/**
 * Decides the backend: a real Supabase project when `VITE_SUPABASE_URL` and `VITE_SUPABASE_ANON_KEY` were set at
 * build time; else the simulated backend in the page with `?backend=sim`; else the local backend that the
 * panel's own server names (`npm start`, see `fetchLocalTokens`), organization `?org=<id>`. `?inspect` opens the
 * Stately inspector, in any build (see `loadInspector`). Timings are `PANEL_TIMINGS` with the `?…` overrides.
 *
 * @example
 * ```ts
 * readConfig('?backend=sim&qrTimeout=5000', {});
 * // { mode: 'sim', timings: { recheckInterval: 30000, qrTimeout: 5000 }, inspect: false }
 * ```
 */
export function readConfig(search: string, env: PanelEnv): PanelConfig {
  const params = new URLSearchParams(search);
  const timings = { ...PANEL_TIMINGS, ...timingsFrom(params) };
  const inspect = params.has('inspect');
  const url = env.VITE_SUPABASE_URL?.trim();
  const anonKey = env.VITE_SUPABASE_ANON_KEY?.trim();
  if (url && anonKey) return { mode: 'supabase', url, anonKey, timings, inspect };
  const backend = params.get('backend')?.trim();
  if (backend === 'sim') return { mode: 'sim', timings, inspect };
  return {
    mode: 'local',
    organizationId: params.get('org'),
    timings,
    inspect,
  };
}

import {
  createSessionsMachine,
  resolveTimings,
  sessionsRowsEvent,
  type WppBackend,
  type WppSessionsEvent,
  type WppTimings,
} from '@wpp-sessions/core';
import { useActorRef } from '@xstate/react';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import type { InspectionEvent, Observer } from 'xstate';
import { WppSessionsContext } from './context.js';
import { replaySafeBackend } from './replaySafeBackend.js';

/** Props of `WppSessionsProvider`. */
export interface WppSessionsProviderProps {
  /**
   * Where the sessions come from: `createSupabaseBackend(supabase)` in an app, `createSimulatedBackend()` in tests
   * and demos. Read once, when the provider mounts: to switch backends, remount the provider with a new `key`.
   */
  backend: WppBackend;
  /** Read once, when the provider mounts. */
  options?: {
    /**
     * Most status requests in flight at once over all sessions.
     * @default 6
     */
    concurrency?: number;
    /** Timings; missing ones take `DEFAULT_TIMINGS` (QR shown 60 s, polled every 2 s, re-check every 60 s). */
    timings?: Partial<WppTimings>;
    /**
     * While the page is hidden (another tab, a minimised window), no background re-checks and no QR polls; when it
     * is shown again, every connected, offline and QR-showing number is checked once. `false` keeps polling.
     * @default true
     */
    pauseWhenHidden?: boolean;
  };
  /**
   * Sees every event of every machine, passed to the actor as is: e.g. `createBrowserInspector().inspect` from
   * `@statelyai/inspect`. Read once, when the provider mounts.
   */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /**
   * Told what happened, once each (never twice under StrictMode): `linked`, `removed`, `createFailed`,
   * `disconnectFailed`, `error`, each with the session's key and view. For toasts, the app's own callbacks and
   * cache invalidation, without effects that watch state. The latest function is called; it may change.
   */
  onEvent?: (event: WppSessionsEvent) => void;
  /**
   * The saved rows from the app's own query instead of listing them here, e.g. the user's
   * `useMessengerIntegrations('whatsapp')`: `{ data: integrations, error, refetch }`. Every new `data` array is
   * reconciled (new rows appear, gone rows leave, kept rows keep their state; nothing is re-checked); "Обновить
   * статусы" (`refresh`) calls `refetch` and re-checks every number. Whether rows come from the app is read once,
   * at mount; `data`, `error` and `refetch` are read on every render. Needs a backend with `readRows` (the Supabase
   * adapter and the simulated backend have it).
   */
  rows?: {
    /** The rows as the query holds them (`undefined` while it loads). */
    data: unknown;
    /** The query's error, if its last fetch failed. */
    error?: unknown;
    /** Fetches the rows again; TanStack's `refetch` (resolving `{ data, error }`) fits as it is. */
    refetch(): Promise<unknown>;
  };
  children?: ReactNode;
}

/**
 * Runs the WPP sessions of the organization for the components inside it: lists the saved sessions, checks each
 * one's live status, and serves `useWppSessions()` and `useWppSession(id)`. One collection actor per provider,
 * started on mount and stopped on unmount; StrictMode's double mount does not repeat any backend call.
 *
 * The props are read once. To point the panel at another backend (another organization, say), give the provider
 * a new `key`: `<WppSessionsProvider key={orgId} backend={backend}>`.
 *
 * @example
 * ```tsx
 * const backend = createSupabaseBackend(supabase);
 *
 * export function IntegrationsPage() {
 *   return (
 *     <WppSessionsProvider
 *       backend={backend}
 *       onEvent={(event) => {
 *         if (event.type === 'linked') toast.success('WhatsApp успешно подключен!');
 *         if (event.type === 'removed') toast.success('WhatsApp отключен');
 *       }}
 *     >
 *       <WppConnectPanel />
 *     </WppSessionsProvider>
 *   );
 * }
 * ```
 */
export function WppSessionsProvider({
  backend,
  options,
  inspect,
  onEvent,
  rows,
  children,
}: WppSessionsProviderProps) {
  const latestRows = useRef(rows);
  latestRows.current = rows;
  // Built once: useActorRef keeps its first actor, and the machine's limiter must stay the one that actor uses.
  // Bad timings throw here, while rendering, as a RangeError naming the timing.
  const [{ machine, timings }] = useState(() => ({
    machine: createSessionsMachine(replaySafeBackend(backend), {
      concurrency: options?.concurrency,
      rows: rows && { refetch: () => latestRows.current!.refetch() },
    }),
    timings: resolveTimings(options?.timings),
  }));
  const actor = useActorRef(machine, { input: { timings }, inspect });
  const latest = useRef(onEvent);
  useEffect(() => {
    latest.current = onEvent;
  });
  // Each new rows array (or a failure with none) is handed in once; the machine reconciles it.
  const data = rows?.data;
  const failed = rows?.error !== undefined && rows?.error !== null && data === undefined;
  useEffect(() => {
    if (data !== undefined) actor.send(sessionsRowsEvent(backend, data));
    else if (failed) actor.send({ type: 'sessions.rowsFailed', error: latestRows.current?.error });
  }, [actor, backend, data, failed]);
  // The Page Visibility API: a hidden tab stays quiet.
  const pause = options?.pauseWhenHidden ?? true;
  useEffect(() => {
    if (!pause || typeof document === 'undefined') return;
    const update = () =>
      actor.send({ type: 'sessions.visibility', hidden: document.visibilityState === 'hidden' });
    update();
    document.addEventListener('visibilitychange', update);
    return () => document.removeEventListener('visibilitychange', update);
  }, [actor, pause]);
  // One listener at a time (StrictMode's second effect run replaces the first), so nothing is told twice.
  useEffect(() => {
    const subscription = actor.on('*', (event) => latest.current?.(event));
    return () => subscription.unsubscribe();
  }, [actor]);
  return <WppSessionsContext.Provider value={actor}>{children}</WppSessionsContext.Provider>;
}

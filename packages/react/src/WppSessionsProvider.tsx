import {
  coordinateTabs,
  createSessionsMachine,
  resolveTimings,
  type SessionsMachine,
  sessionsRowsEvent,
  type TabsCoordinator,
  type TabsOptions,
  type WppBackend,
  type WppSessionsEvent,
  type WppTimings,
} from '@wpp-sessions/core';
import { useActorRef } from '@xstate/react';
import { type ReactNode, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { createActor, type InspectionEvent, type Observer } from 'xstate';
import { type SessionsActorRef, WppSessionsContext } from './context.js';
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
    /**
     * One poller per browser: the tabs showing the same organization share one collection. The tab that holds the
     * Web Lock runs it (lists, checks, polls QRs); the others show its views over a `BroadcastChannel` and send
     * their commands to it; when it closes, another takes over, carrying on a number being added. `false`: this tab
     * runs its own. Where Web Locks or `BroadcastChannel` are missing (old browsers, SSR, tests) every tab runs its
     * own anyway. In a tab that follows, `connectNew()` returns `null` (the number's key arrives as `newSessionId`).
     *
     * `key` names what the sharing tabs have in common; tabs with another key never share. By default it is the
     * page's path and query (`location.pathname + location.search`): pass the organization's id when the address
     * does not name it and one browser may show two organizations. `locks` and `BroadcastChannel` replace the
     * platform's (tests: `createFakeLocks()`, `createFakeBroadcastChannel()` from `@wpp-sessions/core/testing`).
     * @default true
     */
    shareTabs?: boolean | Partial<TabsOptions>;
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
  // Built once: the actor keeps its first machine, and the machine's limiter must stay the one that actor uses.
  // Bad timings throw here, while rendering, as a RangeError naming the timing. The tabs coordinator does nothing
  // until started, so StrictMode's second initializer call costs nothing.
  const [{ machine, timings, tabs }] = useState(() => {
    const machine = createSessionsMachine(replaySafeBackend(backend), {
      concurrency: options?.concurrency,
      rows: rows && { refetch: () => latestRows.current!.refetch() },
    });
    const timings = resolveTimings(options?.timings);
    const share = options?.shareTabs ?? true;
    const tabs =
      share === false
        ? null
        : coordinateTabs({
            key: defaultTabsKey(),
            ...(share === true ? {} : share),
            machine,
            timings,
            lead: () => createActor(machine, { input: { timings }, inspect }).start(),
          });
    return { machine, timings, tabs };
  });
  const body = { backend, pause: options?.pauseWhenHidden ?? true, onEvent, rows, latestRows, children };
  return tabs ? (
    <SharedCollection tabs={tabs} {...body} />
  ) : (
    <OwnCollection machine={machine} timings={timings} inspect={inspect} {...body} />
  );
}

interface BodyProps {
  backend: WppBackend;
  pause: boolean;
  onEvent: WppSessionsProviderProps['onEvent'];
  rows: WppSessionsProviderProps['rows'];
  latestRows: { current: WppSessionsProviderProps['rows'] };
  children?: ReactNode;
}

/** This tab runs its own collection (sharing off, or the platform cannot share). */
function OwnCollection({
  machine,
  timings,
  inspect,
  ...body
}: BodyProps & {
  machine: SessionsMachine;
  timings: WppTimings;
  inspect: WppSessionsProviderProps['inspect'];
}) {
  const actor = useActorRef(machine, { input: { timings }, inspect });
  return (
    <Collection
      actor={actor}
      setHidden={(hidden) => actor.send({ type: 'sessions.visibility', hidden })}
      {...body}
    />
  );
}

/** The tabs of the organization share one collection: this one runs it, or mirrors the tab that does. */
function SharedCollection({ tabs, ...body }: BodyProps & { tabs: TabsCoordinator }) {
  const actor = useSyncExternalStore(tabs.subscribe, tabs.getActor, tabs.getActor);
  useEffect(() => {
    tabs.start();
    return () => tabs.stop();
  }, [tabs]);
  return <Collection actor={actor} setHidden={tabs.setHidden} {...body} />;
}

function Collection({
  actor,
  setHidden,
  backend,
  pause,
  onEvent,
  rows,
  latestRows,
  children,
}: BodyProps & { actor: SessionsActorRef; setHidden(hidden: boolean): void }) {
  const latest = useRef(onEvent);
  useEffect(() => {
    latest.current = onEvent;
  });
  // Each new rows array (or a failure with none) is handed in once; the machine reconciles it. (A tab that follows
  // drops them: the leader reconciles its own.)
  const data = rows?.data;
  const failed = rows?.error !== undefined && rows?.error !== null && data === undefined;
  useEffect(() => {
    if (data !== undefined) actor.send(sessionsRowsEvent(backend, data));
    else if (failed) actor.send({ type: 'sessions.rowsFailed', error: latestRows.current?.error });
  }, [actor, backend, data, failed, latestRows]);
  // The Page Visibility API: a hidden tab stays quiet.
  const hide = useRef(setHidden);
  hide.current = setHidden;
  useEffect(() => {
    if (!pause || typeof document === 'undefined') return;
    const update = () => hide.current(document.visibilityState === 'hidden');
    update();
    document.addEventListener('visibilitychange', update);
    return () => document.removeEventListener('visibilitychange', update);
  }, [pause]);
  // One listener at a time (StrictMode's second effect run replaces the first), so nothing is told twice.
  useEffect(() => {
    const subscription = actor.on('*', (event) => latest.current?.(event));
    return () => subscription.unsubscribe();
  }, [actor]);
  return <WppSessionsContext.Provider value={actor}>{children}</WppSessionsContext.Provider>;
}

/** The page's path and query: tabs on the same page of the panel (the same organization) share. */
function defaultTabsKey(): string {
  const location = (globalThis as { location?: { pathname: string; search: string } }).location;
  return location ? `${location.pathname}${location.search}` : '';
}

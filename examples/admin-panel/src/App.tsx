import { QueryClient, QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import {
  type WppBackend,
  type WppSessionsEvent,
  WppSessionsProvider,
  type WppTimings,
} from '@wpp-sessions/react';
import { Building, RotateCcw, TriangleAlert } from 'lucide-react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  type DemoScan,
  fetchLocalTokens,
  type LocalTokens,
  localBackend,
  simulatedBackend,
  supabaseBackend,
} from './backend.js';
import type { PanelConfig } from './config.js';
import { DemoMenu } from './demo/DemoMenu.js';
import type { DevClient } from './demo/devClient.js';
import type { Inspect } from './inspect.js';
import {
  type FetchIntegrations,
  INTEGRATIONS_KEY,
  useInvalidateIntegrations,
  useMessengerIntegrations,
} from './integrations.js';
import { DemoScanContext } from './panel/demo.js';
import { RenameContext, renameOver } from './panel/rename.js';
import { Button, Spinner } from './panel/ui.js';
import { WppConnectPanel } from './panel/WppConnectPanel.js';

/**
 * The page: the backend chosen by `config`, a provider for it, and the panel. In local mode it first reads the
 * local backend's organizations and tokens from the server that served the page, shows a switcher (switching
 * remounts the provider for the new token) and the "Демо" menu.
 *
 * @example
 * ```tsx
 * createRoot(root).render(<App config={readConfig(location.search, import.meta.env)} />);
 * ```
 */
export function App({ config, inspect }: { config: PanelConfig; inspect?: Inspect }) {
  return (
    <div className="page">
      <header className="page-header">
        <h1>Интеграции</h1>
        <span className="muted small">{MODE_TEXT[config.mode]}</span>
      </header>
      <main>
        {config.mode === 'local' ? (
          <LocalApp config={config} inspect={inspect} />
        ) : (
          <InPageApp config={config} inspect={inspect} />
        )}
      </main>
    </div>
  );
}

const MODE_TEXT: Record<PanelConfig['mode'], string> = {
  supabase: 'Supabase',
  sim: 'Симуляция в браузере',
  local: 'Локальный бэкенд',
};

/**
 * The seed's panel on the app's own list hook: the rows come from `useMessengerIntegrations('whatsapp')` (one list
 * request per load and per refresh), and a number linked, removed or renamed here invalidates
 * `['messenger-integrations']` as the app's own mutations do (a rename waits for the new rows, so the card shows the
 * new name when it ends). Exported for tests; `App` picks its props.
 *
 * @example
 * ```tsx
 * const { backend, scan, fetchIntegrations } = simulatedBackend();
 * <IntegrationsPanel backend={backend} fetchIntegrations={fetchIntegrations} scan={scan} timings={{}} inspect={undefined} />
 * ```
 */
export function IntegrationsPanel(props: PanelProps) {
  // One query cache per signed-in organization (the user's app has one organization per login; the example's
  // switcher remounts this with a new one). No automatic retry: the panel offers "Попробовать снова".
  const [queryClient] = useState(() => new QueryClient({ defaultOptions: { queries: { retry: false } } }));
  return (
    <QueryClientProvider client={queryClient}>
      <PanelOnRows {...props} />
    </QueryClientProvider>
  );
}

/** What `IntegrationsPanel` runs on. */
export interface PanelProps {
  backend: WppBackend;
  fetchIntegrations: FetchIntegrations;
  scan: DemoScan | null;
  /** The local backend's demo tools: shows the "Демо" menu. */
  dev?: DevClient | null;
  timings: Partial<WppTimings>;
  inspect: Inspect | undefined;
}

function PanelOnRows({ backend, fetchIntegrations, scan, dev = null, timings, inspect }: PanelProps) {
  const { integrations, error, refetch } = useMessengerIntegrations('whatsapp', fetchIntegrations);
  const invalidate = useInvalidateIntegrations();
  const queryClient = useQueryClient();
  const rename = useMemo(
    () => renameOver(backend, () => queryClient.invalidateQueries({ queryKey: INTEGRATIONS_KEY })),
    [backend, queryClient],
  );
  const onEvent = useCallback(
    (event: WppSessionsEvent) => {
      if (event.type === 'linked' || event.type === 'removed') invalidate();
    },
    [invalidate],
  );
  return (
    <WppSessionsProvider
      backend={backend}
      options={{ timings }}
      inspect={inspect}
      rows={{ data: integrations, error, refetch }}
      onEvent={onEvent}
    >
      {dev && <DemoMenu dev={dev} />}
      <DemoScanContext.Provider value={scan}>
        <RenameContext.Provider value={rename}>
          <WppConnectPanel />
        </RenameContext.Provider>
      </DemoScanContext.Provider>
    </WppSessionsProvider>
  );
}

function InPageApp({
  config,
  inspect,
}: {
  config: Exclude<PanelConfig, { mode: 'local' }>;
  inspect?: Inspect;
}) {
  // Once per page: the provider reads its backend once anyway.
  const [{ backend, scan, fetchIntegrations }] = useState(() =>
    config.mode === 'sim'
      ? simulatedBackend(config.timings)
      : { ...supabaseBackend(config.url, config.anonKey), scan: null },
  );
  return (
    <IntegrationsPanel
      backend={backend}
      fetchIntegrations={fetchIntegrations}
      scan={scan}
      timings={config.timings}
      inspect={inspect}
    />
  );
}

type TokensState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; tokens: LocalTokens };

function LocalApp({
  config,
  inspect,
}: {
  config: Extract<PanelConfig, { mode: 'local' }>;
  inspect?: Inspect;
}) {
  const [state, setState] = useState<TokensState>({ status: 'loading' });
  const [organizationId, setOrganizationId] = useState(config.organizationId);
  // "Попробовать снова" asks the panel's server again: a backend started (or restarted) later is picked up.
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    void attempt;
    const controller = new AbortController();
    fetchLocalTokens(controller.signal).then(
      (tokens) => setState({ status: 'ready', tokens }),
      (error: unknown) => {
        if (!controller.signal.aborted) {
          setState({ status: 'error', message: error instanceof Error ? error.message : String(error) });
        }
      },
    );
    return () => controller.abort();
  }, [attempt]);

  const tokens = state.status === 'ready' ? state.tokens : null;
  const organization =
    tokens?.organizations.find((o) => o.id === organizationId) ?? tokens?.organizations[0] ?? null;
  const connection = useMemo(
    () => (tokens && organization ? localBackend(tokens.url, tokens.anonKey, organization) : null),
    [tokens, organization],
  );

  if (state.status === 'loading') {
    return (
      <div className="loading" role="status">
        <Spinner size={28} /> Подключение к локальному бэкенду…
      </div>
    );
  }
  if (state.status === 'error' || !tokens || !organization || !connection) {
    const retry = () => {
      setState({ status: 'loading' });
      setAttempt((n) => n + 1);
    };
    return (
      <div className="alert" role="alert">
        <TriangleAlert size={18} aria-hidden="true" />
        <p>{state.status === 'error' ? state.message : 'Локальный бэкенд не вернул ни одной организации.'}</p>
        <Button variant="outline" size="sm" onClick={retry}>
          <RotateCcw size={16} aria-hidden="true" /> Попробовать снова
        </Button>
      </div>
    );
  }

  const switchOrganization = (id: string) => {
    setOrganizationId(id);
    const url = new URL(window.location.href);
    url.searchParams.set('org', id);
    window.history.replaceState(null, '', url);
  };

  return (
    <>
      <div className="toolbar">
        <label className="org-switcher">
          <Building size={16} aria-hidden="true" /> Организация
          <select value={organization.id} onChange={(event) => switchOrganization(event.target.value)}>
            {tokens.organizations.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <IntegrationsPanel
        key={organization.id}
        backend={connection.backend}
        fetchIntegrations={connection.fetchIntegrations}
        scan={connection.scan}
        dev={connection.dev}
        timings={config.timings}
        inspect={inspect}
      />
    </>
  );
}

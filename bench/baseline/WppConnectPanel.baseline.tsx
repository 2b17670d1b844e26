/**
 * BASELINE, FOR BENCHMARKS ONLY. Not part of the library, exported from nowhere but this folder.
 *
 * A faithful reimplementation of the logic of the user's HEAD `WppConnectPanel.tsx` (commit 19e6499a; see
 * `shared/reference/backend-contract.md` §5 and `shared/seed/wpp-connect-panel.ru.md`), so that `npm run bench`
 * can compare the library with what the user runs today, on the same simulated backend:
 *
 * - the integrations are listed once (`useMessengerIntegrations('whatsapp')`, react-query in the app);
 * - statuses are checked ONE AFTER ANOTHER in a `for … await` loop inside a `useEffect` that depends only on
 *   `wppIntegrations.length` (commit 5c806cdf);
 * - every session's info lives in ONE `Map` in the panel's `useState`, replaced by
 *   `setSessionsStatus(prev => new Map(prev).set(…))` per answer, so every card re-renders on every answer;
 * - anything other than `'connected'` is shown as disconnected; a card shows "⏳ Проверка..." until its answer;
 * - adding a number calls `wppCreate`, then polls with a 2 s `setInterval` that fires `wpp-qr` and `wpp-status`
 *   together (`Promise.all`) WITHOUT waiting for the previous answers; `connected` stops it; "Отмена" only stops
 *   polling; `refetch()` after create re-lists, which re-runs the status loop (the length changed).
 *
 * Differences that do not change what is measured: the app's `wppGetStatus(session)`, `wppQr(session)`,
 * `wppCreate({ addNew })` and `wppDisconnect(id)` are the simulated backend's `getStatus`, `getQr`, `create` and
 * `disconnect` (the port also wants an AbortSignal: the baseline passes one that never aborts, as the app has
 * none); the port lists WPP rows only, so the `provider === 'wpp'` filter is a no-op and is left out; the QR is
 * drawn as text instead of `<QRCodeSVG>`, and shadcn `<Card>`/`<Badge>`/`<Button>` are plain elements, in the
 * baseline and in our panel alike. Each card is a component (not memoised) so renders can be counted: it renders
 * exactly when the seed's inline card JSX would.
 */
import type { QrValue, SessionRecord, SessionRef, WppBackend } from '@wpp-sessions/core';
import { useCallback, useEffect, useState } from 'react';
import { useRenderProbe } from '../src/probe.js';

type ConnectionStatus = 'idle' | 'loading' | 'qr' | 'error';
type SessionStatus = 'connected' | 'disconnected' | 'checking';

interface WppSessionInfo {
  integration: SessionRecord;
  status: 'connected' | 'disconnected' | 'checking';
  session: string;
  apiKey: string;
}

/** The app passes no AbortSignal; the port wants one. */
const NEVER_ABORTED = new AbortController().signal;

function qrText(qr: QrValue): string {
  return qr.kind === 'text' ? qr.value : qr.src;
}

/** Stands in for `useMessengerIntegrations('whatsapp')`: one list on mount, `refetch()` re-lists. */
function useMessengerIntegrationsBaseline(backend: WppBackend) {
  const [integrations, setIntegrations] = useState<SessionRecord[]>([]);
  const [isLoading, setIsLoading] = useState(true);
  const refetch = useCallback(async () => {
    const rows = await backend.listSessions(NEVER_ABORTED);
    setIntegrations(rows);
    setIsLoading(false);
  }, [backend]);
  useEffect(() => {
    void refetch();
  }, [refetch]);
  return { integrations, isLoading, refetch };
}

/**
 * BASELINE: the user's current panel logic (see the file comment). For `npm run bench` only.
 *
 * @example
 * ```tsx
 * createRoot(container).render(<WppConnectPanelBaseline backend={createSimulatedBackend({ latency: 100 })} />);
 * ```
 */
export function WppConnectPanelBaseline({ backend }: { backend: WppBackend }) {
  const { integrations, isLoading, refetch } = useMessengerIntegrationsBaseline(backend);
  const wppIntegrations = integrations;

  const [sessionsStatus, setSessionsStatus] = useState<Map<string, WppSessionInfo>>(new Map());
  const [connectingStatus, setConnectingStatus] = useState<ConnectionStatus>('idle');
  const [qrCode, setQrCode] = useState<string | null>(null);
  const [newSession, setNewSession] = useState<SessionRef | null>(null);

  // HEAD: statuses one after another; the effect depends on the length only.
  // biome-ignore lint/correctness/useExhaustiveDependencies: faithful to HEAD, which lists only the length
  useEffect(() => {
    const checkStatuses = async () => {
      for (const integration of wppIntegrations) {
        const session = integration.accountNumber;
        const apiKey = integration.apiKeyMasked ?? '';
        if (!session) continue;
        const statusResult = await backend.getStatus(integration, NEVER_ABORTED);
        setSessionsStatus((prev) =>
          new Map(prev).set(integration.integrationId, {
            integration,
            status: statusResult.status === 'connected' ? 'connected' : 'disconnected',
            session,
            apiKey,
          }),
        );
      }
    };
    if (wppIntegrations.length > 0) {
      void checkStatuses();
    }
  }, [wppIntegrations.length]);

  // HEAD (c4edad55, 7213c958): a 2 s interval firing wpp-qr and wpp-status together, never waiting for the
  // previous answers; errors are logged; `connected` stops it.
  useEffect(() => {
    if (connectingStatus !== 'qr' || newSession === null) return;
    const interval = setInterval(async () => {
      try {
        const [qr, status] = await Promise.all([
          backend.getQr(newSession, NEVER_ABORTED),
          backend.getStatus(newSession, NEVER_ABORTED),
        ]);
        if (qr) setQrCode(qrText(qr));
        if (status.status === 'connected') {
          clearInterval(interval);
          setConnectingStatus('idle');
          setNewSession(null);
          setQrCode(null);
          void refetch();
        }
      } catch (error) {
        console.error('WPP polling error:', error);
      }
    }, 2000);
    return () => clearInterval(interval);
  }, [backend, connectingStatus, newSession, refetch]);

  const handleConnect = async (addNew = false) => {
    setConnectingStatus('loading');
    try {
      const result = await backend.create({ addNew }, NEVER_ABORTED);
      if (result.status.status === 'qr_issued') {
        setQrCode(qrText(result.status.qr));
        setNewSession(result.record);
        setConnectingStatus('qr');
      } else {
        setConnectingStatus('idle');
      }
      void refetch();
    } catch {
      setConnectingStatus('error');
    }
  };

  // HEAD: cancel only stops polling; the row and the upstream client stay behind.
  const handleCancel = () => {
    setConnectingStatus('idle');
    setNewSession(null);
    setQrCode(null);
  };

  const handleDisconnect = async (integration: SessionRecord) => {
    await backend.disconnect(integration, NEVER_ABORTED);
    setSessionsStatus((prev) => {
      const next = new Map(prev);
      next.delete(integration.integrationId);
      return next;
    });
  };

  if (isLoading) return <div>Загрузка…</div>;

  return (
    <div className="space-y-4">
      {wppIntegrations.map((integration) => (
        <BaselineSessionCard
          key={integration.integrationId}
          integration={integration}
          info={sessionsStatus.get(integration.integrationId)}
          onDisconnect={handleDisconnect}
        />
      ))}
      {connectingStatus === 'loading' && (
        <div>
          Ожидание QR-кода…{' '}
          <button type="button" onClick={handleCancel}>
            Отмена
          </button>
        </div>
      )}
      {connectingStatus === 'qr' && qrCode !== null && (
        <div data-qr="">
          <code>{qrCode}</code>
          <button type="button" onClick={handleCancel}>
            Отмена
          </button>
        </div>
      )}
      <button type="button" onClick={() => void refetch()}>
        Обновить статусы
      </button>
      <button type="button" data-connect="" onClick={() => void handleConnect(wppIntegrations.length > 0)}>
        {wppIntegrations.length > 0 ? 'Подключить ещё один WhatsApp' : 'Подключить WhatsApp'}
      </button>
    </div>
  );
}

function BaselineSessionCard({
  integration,
  info,
  onDisconnect,
}: {
  integration: SessionRecord;
  info: WppSessionInfo | undefined;
  onDisconnect: (integration: SessionRecord) => Promise<void>;
}) {
  const status: SessionStatus = info?.status ?? 'checking';
  useRenderProbe(integration.integrationId, status !== 'checking');
  return (
    <div className="card">
      <h3>WhatsApp подключён</h3>
      <span>
        {status === 'connected'
          ? '🟢 Подключено'
          : status === 'disconnected'
            ? '🔴 Отключено'
            : '⏳ Проверка...'}
      </span>
      <div>
        <span>Session:</span> <code>{integration.accountNumber}</code>
      </div>
      <div>
        <span>API Key:</span> <code>{info?.apiKey ?? integration.apiKeyMasked}</code>
      </div>
      <button type="button" onClick={() => void onDisconnect(integration)}>
        Отключить
      </button>
    </div>
  );
}

import type { WppBackend } from '@wpp-sessions/core';
import { lastKnownText } from '@wpp-sessions/core/messages';
import {
  useWppSession,
  useWppSessions,
  WppSessionsProvider,
  type WppSessionsProviderProps,
} from '@wpp-sessions/react';
import { memo } from 'react';
import { useLastKnownProbe, useRenderProbe } from '../probe.js';

/**
 * The same panel on our hooks, as an app would write it: the list reads only the ids, each card reads only its own
 * session. Rendered with the same plain elements as the baseline.
 *
 * @example
 * ```tsx
 * createRoot(container).render(<OursPanel backend={createSimulatedBackend({ latency: 100 })} />);
 * ```
 */
export function OursPanel({
  backend,
  shareTabs,
}: {
  backend: WppBackend;
  /** The provider's `options.shareTabs` (the browser's Web Locks and BroadcastChannel, or fakes of them). */
  shareTabs?: NonNullable<WppSessionsProviderProps['options']>['shareTabs'];
}) {
  return (
    <WppSessionsProvider backend={backend} options={{ shareTabs }}>
      <SessionList />
    </WppSessionsProvider>
  );
}

function SessionList() {
  const { status, ids, refresh, connectNew } = useWppSessions();
  if (status === 'loading') return <div>Загрузка…</div>;
  return (
    <div className="space-y-4">
      {ids.map((id) => (
        <SessionCard key={id} id={id} />
      ))}
      <button type="button" onClick={refresh}>
        Обновить статусы
      </button>
      <button type="button" onClick={connectNew}>
        {ids.length > 0 ? 'Подключить ещё один WhatsApp' : 'Подключить WhatsApp'}
      </button>
    </div>
  );
}

// memo, as the hooks' docs recommend: a card re-renders only when its own session does.
const SessionCard = memo(function SessionCard({ id }: { id: string }) {
  const session = useWppSession(id);
  const status = session?.status ?? 'checking';
  // A card shows a status once its live check answered, or once it shows the number's saved status (unconfirmed).
  useRenderProbe(id, (status !== 'checking' && status !== 'creating') || session?.lastKnown != null);
  useLastKnownProbe(id, session?.lastKnown?.status ?? null, status);
  if (session === null) return null;
  return (
    <div className="card">
      <h3>{session.name}</h3>
      <span>
        {status === 'connected' ? '🟢 Подключено' : status === 'checking' ? '⏳ Проверка...' : '🔴 Отключено'}
      </span>
      {session.lastKnown !== null && <small>{lastKnownText(session.lastKnown, { locale: 'ru' })}</small>}
      <div>
        <span>Session:</span> <code>{session.accountNumber}</code>
      </div>
      <div>
        <span>API Key:</span> <code>{session.apiKeyMasked}</code>
      </div>
      {session.qr !== null && <code>{session.qr.kind === 'text' ? session.qr.value : session.qr.src}</code>}
      <button type="button" disabled={!session.canDisconnect} onClick={session.disconnect}>
        Отключить
      </button>
    </div>
  );
});

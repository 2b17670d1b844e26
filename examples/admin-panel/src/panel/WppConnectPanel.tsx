import type { SessionError } from '@wpp-sessions/react';
import { useWppSessions } from '@wpp-sessions/react';
import { MessageCircle, Plus, RotateCcw, TriangleAlert } from 'lucide-react';
import { useCallback, useMemo, useRef, useState } from 'react';
import { Announcer } from './announcer.js';
import { ErrorText } from './ErrorText.js';
import { ActionOutcomes, RefreshControl } from './feedback.js';
import { PanelContext } from './panelContext.js';
import { QrDialog } from './QrDialog.js';
import { SessionCard } from './SessionCard.js';
import { Remaining } from './ticking.js';
import { Button, Spinner } from './ui.js';

/**
 * The WhatsApp (WPP) integrations of the organization, as the seed's table says: a spinner while loading; with no
 * sessions, "Подключить WhatsApp" (and nothing else to do); with sessions, their cards, "Подключить ещё один
 * WhatsApp" and "Обновить статусы"; a new connection shows its QR in a dialog. Built only on `useWppSessions()` /
 * `useWppSession(id)`.
 *
 * @example
 * ```tsx
 * <WppSessionsProvider backend={backend}>
 *   <WppConnectPanel />
 * </WppSessionsProvider>
 * ```
 */
export function WppConnectPanel() {
  const { status, ids, error, isCreating, newSessionId, nextRetryAt, connectNew, retry, dismissNew } =
    useWppSessions();
  const heading = useRef<HTMLHeadingElement>(null);
  const [qrSessionId, setQrSessionId] = useState<string | null>(null);
  const showQr = useCallback((id: string) => setQrSessionId(id), []);
  const closeQr = useCallback(() => setQrSessionId(null), []);
  const panel = useMemo(() => ({ showQr, heading }), [showQr]);
  const dialogId = newSessionId ?? qrSessionId;

  return (
    <PanelContext.Provider value={panel}>
      <Announcer>
        <section className="panel" aria-labelledby="wpp-panel-title" aria-busy={status === 'loading'}>
          <div className="panel-header">
            <div>
              <h2 id="wpp-panel-title" ref={heading} tabIndex={-1}>
                <MessageCircle size={22} aria-hidden="true" /> WhatsApp (WPP)
              </h2>
              <p className="muted">Номера WhatsApp организации, подключённые через WPP Platform.</p>
            </div>
            {status === 'ready' && ids.length > 0 && <RefreshControl />}
          </div>

          {status === 'loading' && (
            <div className="loading" role="status">
              <Spinner size={28} /> Загрузка подключений…
            </div>
          )}

          {status === 'error' && error && (
            <ListError error={error} nextRetryAt={nextRetryAt} onRetry={retry} />
          )}

          {status === 'ready' && (
            <>
              {error && <ListError error={error} nextRetryAt={null} onRetry={retry} />}
              {ids.length === 0 ? (
                <div className="empty">
                  <p>
                    WhatsApp ещё не подключён. Подключите номер, отсканировав QR-код в приложении WhatsApp.
                  </p>
                </div>
              ) : (
                <div className="cards">
                  {ids.map((id) => (
                    <SessionCard key={id} id={id} />
                  ))}
                </div>
              )}
            </>
          )}

          {status === 'ready' && (
            <Button className="wide" onClick={connectNew} disabled={isCreating}>
              {isCreating ? <Spinner /> : <Plus size={16} aria-hidden="true" />}{' '}
              {ids.length === 0 ? 'Подключить WhatsApp' : 'Подключить ещё один WhatsApp'}
            </Button>
          )}
        </section>
        <ActionOutcomes ids={ids} status={status} />

        {dialogId !== null && (
          <QrDialog
            key={dialogId}
            id={dialogId}
            onClose={dialogId === newSessionId ? dismissNew : closeQr}
            returnFocus={heading}
          />
        )}
      </Announcer>
    </PanelContext.Provider>
  );
}

function ListError({
  error,
  nextRetryAt,
  onRetry,
}: {
  error: SessionError;
  nextRetryAt: number | null;
  onRetry(): void;
}) {
  return (
    <div className="alert" role="alert">
      <TriangleAlert size={18} aria-hidden="true" />
      <div>
        <p>
          Не удалось загрузить подключения. <ErrorText error={error} />
        </p>
        {nextRetryAt !== null && (
          <p className="muted small">
            Повтор через <Remaining until={nextRetryAt} />.
          </p>
        )}
      </div>
      <Button variant="outline" size="sm" onClick={onRetry}>
        <RotateCcw size={16} aria-hidden="true" /> Попробовать снова
      </Button>
    </div>
  );
}

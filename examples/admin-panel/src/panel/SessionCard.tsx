import type { SessionView } from '@wpp-sessions/react';
import { useWppSession } from '@wpp-sessions/react';
import { KeyRound, Power, QrCode as QrIcon, RefreshCw, RotateCcw, Smartphone, Trash2 } from 'lucide-react';
import { memo, useCallback, useState } from 'react';
import { useAnnounce } from './announcer.js';
import { DisconnectDialog } from './DisconnectDialog.js';
import { ErrorText } from './ErrorText.js';
import { errorText, REASON_TEXT, STATUS_LABELS } from './format.js';
import { usePanel } from './panelContext.js';
import { RecreateDialog } from './RecreateDialog.js';
import { StatusBadge } from './StatusBadge.js';
import { Ago, Remaining } from './ticking.js';
import { Button, Field, Spinner } from './ui.js';

/** What the shared live region says when a card's status changes (with the reason, for an error). */
function announcement(label: string, session: SessionView): string {
  const status = `${label}: ${STATUS_LABELS[session.status].text}`;
  return session.error ? `${status}. ${errorText(session.error)}` : status;
}

/**
 * Why a number is disconnected, as a Russian sentence; the backend's own words go under "Подробности" only. The
 * user's wpp-status says "offline" also for a row without its key or session id: that one reads as such.
 */
function disconnectedText(session: SessionView): string | null {
  if (session.reason === 'offline' && /not configured/i.test(session.detail ?? '')) {
    return 'Интеграция не настроена: в записи нет ключа API или номера сессии.';
  }
  return session.reason ? REASON_TEXT[session.reason] : null;
}

/**
 * One saved number as a card: name, status badge, session id, masked API key, when it was last checked, and only
 * the actions its state allows. Renders on its own: another card's change never re-renders it, and the ticking
 * "проверено N с назад" / countdowns re-render only their own text.
 *
 * @example
 * ```tsx
 * {ids.map((id) => <SessionCard key={id} id={id} />)}
 * ```
 */
export const SessionCard = memo(function SessionCard({ id }: { id: string }) {
  const session = useWppSession(id);
  const { showQr, heading } = usePanel();
  const [confirming, setConfirming] = useState(false);
  const closeConfirm = useCallback(() => setConfirming(false), []);
  const [recreating, setRecreating] = useState(false);
  const closeRecreate = useCallback(() => setRecreating(false), []);
  const label = session ? `${session.name} ${session.accountNumber ?? ''}`.trim() : '';
  useAnnounce(session ? announcement(label, session) : '');
  if (!session) return null;

  const reconnect = () => {
    session.reconnect();
    showQr(id);
  };
  const remove = () => {
    session.cancel();
    heading.current?.focus(); // the card, and the button that had the focus, are about to go
  };
  const disconnected = session.status === 'disconnected' ? disconnectedText(session) : null;

  return (
    <article className="card" aria-label={label} data-status={session.status}>
      <header className="card-header">
        <Smartphone className={`card-icon card-icon-${session.status}`} size={32} aria-hidden="true" />
        <div className="card-title">
          <h3>
            {session.name}
            {session.isPrimary && <span className="tag">основной</span>}
          </h3>
          <div className="card-status">
            <StatusBadge status={session.status} />
            {session.isBusy && session.status !== 'checking' && session.status !== 'disconnecting' && (
              <span className="muted small">
                <Spinner size={12} /> обновляется
              </span>
            )}
          </div>
        </div>
      </header>

      <dl className="fields">
        <Field label="Session:">
          <code>{session.accountNumber ?? '—'}</code>
        </Field>
        <Field label="API Key:">
          <code>{session.apiKeyMasked ?? '—'}</code>
        </Field>
      </dl>
      <p className="muted small checked" data-testid="checked-ago">
        {session.lastCheckedAt === null ? (
          'ещё не проверено'
        ) : (
          <>
            проверено <Ago at={session.lastCheckedAt} />
          </>
        )}
      </p>

      {disconnected && (
        <p className={`note ${session.reason === 'qr_expired' ? 'note-warning' : ''}`}>
          {disconnected}
          {session.reason === 'offline' && session.detail && (
            <>
              {' '}
              <small className="error-detail">Подробности: {session.detail}</small>
            </>
          )}
        </p>
      )}
      {session.status === 'qr_issued' && session.qrExpiresAt !== null && (
        <p className="note">
          QR-код действует ещё <Remaining until={session.qrExpiresAt} />.
        </p>
      )}
      {/* Plain text: status changes are announced once, by the panel's live region, not by an alert per card. */}
      {session.error && (
        <p className="note note-error" data-testid="session-error">
          <ErrorText error={session.error}>
            {session.nextRetryAt !== null && (
              <>
                {' '}
                Повтор через <Remaining until={session.nextRetryAt} />.
              </>
            )}
          </ErrorText>
        </p>
      )}

      <div className="actions">
        {session.status === 'qr_issued' && (
          <Button variant="outline" onClick={() => showQr(id)}>
            <QrIcon size={16} aria-hidden="true" /> Показать QR
          </Button>
        )}
        {session.canReconnect && (
          <Button variant="outline" onClick={reconnect}>
            <QrIcon size={16} aria-hidden="true" /> Получить новый QR
          </Button>
        )}
        {session.canRecreate && (
          <Button variant="outline" onClick={() => setRecreating(true)}>
            <KeyRound size={16} aria-hidden="true" /> Пересоздать
          </Button>
        )}
        {session.canRetry && (
          <Button variant="outline" onClick={session.retry}>
            <RotateCcw size={16} aria-hidden="true" /> Попробовать снова
          </Button>
        )}
        {session.canCheck && session.status !== 'error' && (
          <Button variant="ghost" onClick={session.check} disabled={session.isBusy}>
            <RefreshCw size={16} aria-hidden="true" /> Проверить
          </Button>
        )}
        {/* A number whose creation failed: nothing to disconnect, only to drop from the list. */}
        {session.status === 'error' && session.canCancel && (
          <Button variant="outline" onClick={remove}>
            <Trash2 size={16} aria-hidden="true" /> Убрать
          </Button>
        )}
        {session.status === 'disconnecting' ? (
          <Button variant="outline" disabled>
            <Spinner /> Отключение…
          </Button>
        ) : (
          session.canDisconnect && (
            <Button variant="outline" onClick={() => setConfirming(true)}>
              <Power size={16} aria-hidden="true" /> Отключить
            </Button>
          )
        )}
      </div>

      {confirming && <DisconnectDialog id={id} onClose={closeConfirm} returnFocus={heading} />}
      {recreating && (
        <RecreateDialog
          id={id}
          onClose={closeRecreate}
          onRecreated={() => showQr(id)}
          returnFocus={heading}
        />
      )}
    </article>
  );
});

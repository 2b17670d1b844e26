import { useWppSession } from '@wpp-sessions/react';
import { Power, QrCode as QrIcon, RefreshCw, RotateCcw, Smartphone } from 'lucide-react';
import { memo, useState } from 'react';
import { useAnnounce } from './announcer.js';
import { useNow } from './clock.js';
import { DisconnectDialog } from './DisconnectDialog.js';
import { ago, errorText, REASON_TEXT, remaining, STATUS_LABELS } from './format.js';
import { usePanel } from './panelContext.js';
import { StatusBadge } from './StatusBadge.js';
import { Button, Field, Spinner } from './ui.js';

/**
 * One saved number as a card: name, status badge, session id, masked API key, when it was last checked, and only
 * the actions its state allows. Renders on its own: another card's change never re-renders it.
 *
 * @example
 * ```tsx
 * {ids.map((id) => <SessionCard key={id} id={id} />)}
 * ```
 */
export const SessionCard = memo(function SessionCard({ id }: { id: string }) {
  const session = useWppSession(id);
  const now = useNow();
  const { showQr, heading } = usePanel();
  const [confirming, setConfirming] = useState(false);
  const label = session ? `${session.name} ${session.accountNumber ?? ''}`.trim() : '';
  useAnnounce(session ? `${label}: ${STATUS_LABELS[session.status].text}` : '');
  if (!session) return null;

  const reconnect = () => {
    session.reconnect();
    showQr(id);
  };

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
        <Field label="Проверено:">
          <span data-testid="checked-ago">
            {session.lastCheckedAt === null
              ? 'ещё не проверено'
              : `проверено ${ago(session.lastCheckedAt, now)}`}
          </span>
        </Field>
      </dl>

      {session.status === 'disconnected' && session.reason && (
        <p className={`note ${session.reason === 'qr_expired' ? 'note-warning' : ''}`}>
          {REASON_TEXT[session.reason]}
        </p>
      )}
      {session.status === 'qr_issued' && session.qrExpiresAt !== null && (
        <p className="note">QR-код действует ещё {remaining(session.qrExpiresAt, now)}.</p>
      )}
      {session.error && (
        <p className="note note-error" role="alert">
          {errorText(session.error)}
          {session.nextRetryAt !== null && ` Повтор через ${remaining(session.nextRetryAt, now)}.`}
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

      {confirming && <DisconnectDialog id={id} onClose={() => setConfirming(false)} returnFocus={heading} />}
    </article>
  );
});

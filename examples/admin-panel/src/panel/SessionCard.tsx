import type { SessionView } from '@wpp-sessions/react';
import { useWppSession, useWppSessionsEvents } from '@wpp-sessions/react';
import { KeyRound, Power, QrCode as QrIcon, RefreshCw, RotateCcw, Smartphone, Trash2 } from 'lucide-react';
import { memo, useCallback, useState } from 'react';
import { useAnnounce } from './announcer.js';
import { CardTitle } from './CardTitle.js';
import { DisconnectDialog } from './DisconnectDialog.js';
import { errorDetail } from './format.js';
import { usePanel } from './panelContext.js';
import { RecreateDialog } from './RecreateDialog.js';
import { StatusBadge } from './StatusBadge.js';
import { type SituationText, situationOf } from './situation.js';
import { Ago, LastKnown, Remaining } from './ticking.js';
import { Button, Field, Spinner } from './ui.js';

/** What the shared live region says when a card's situation changes. */
function announcement(label: string, situation: SituationText): string {
  return situation.sentence
    ? `${label}: ${situation.label}. ${situation.sentence}`
    : `${label}: ${situation.label}`;
}

/** The backend's own words about the situation (an error's message, an offline number's detail), or `null`. */
function detailOf(session: SessionView, situation: SituationText): string | null {
  if (session.error) return errorDetail(session.error);
  if (situation.situation === 'offline' || situation.situation === 'not_configured') return session.detail;
  return null;
}

/**
 * One saved number as a card: its own name (renamable in place when the backend can), "Session: …" under it, a
 * badge that names its situation (see `situationOf`), the masked API key, when it was last checked, what happened
 * in a Russian sentence (the backend's words only under "Подробности"), and the next actions its situation allows:
 * "Показать новый QR", "Проверить", "Пересоздать", "Попробовать снова", "Отключить" (with a confirmation), or,
 * for a number added here that was never linked, "Удалить" at once. Renders on its own: another card's change
 * never re-renders it, and the ticking "проверено N с назад" / countdowns re-render only their own text.
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
  // The view does not say which call failed: the library's events do. A later failure of another kind clears it.
  const [disconnectFailed, setDisconnectFailed] = useState(false);
  useWppSessionsEvents((event) => {
    if (event.id !== id) return;
    if (event.type === 'disconnectFailed') setDisconnectFailed(true);
    else if (event.type === 'error' || event.type === 'createFailed') setDisconnectFailed(false);
  });
  const label = session ? `${session.name} ${session.accountNumber ?? ''}`.trim() : '';
  const situation = session ? situationOf(session, disconnectFailed && session.status === 'error') : null;
  // Keyed on the situation alone: a new name is not a status change.
  useAnnounce(
    situation ? announcement(label, situation) : '',
    situation ? `${situation.label}|${situation.sentence ?? ''}` : '',
  );
  if (!session || !situation) return null;

  const reconnect = () => {
    session.reconnect();
    showQr(id);
  };
  const dropCreateFailed = () => {
    session.cancel();
    heading.current?.focus(); // the card, and the button that had the focus, are about to go
  };
  // Never linked: nothing on the platform to lose, so no confirmation; the card says it is going meanwhile.
  const removeNeverLinked = () => {
    session.disconnect();
    heading.current?.focus();
  };
  const kind = situation.situation;
  const neverLinked = kind === 'never_linked';
  const detail = detailOf(session, situation);

  return (
    <article className="card" aria-label={label} data-status={session.status}>
      <header className="card-header">
        <Smartphone className={`card-icon card-icon-${situation.tone}`} size={32} aria-hidden="true" />
        <div className="card-title">
          <CardTitle session={session} />
          <p className="muted small card-subtitle">
            Session: <code>{session.accountNumber ?? '—'}</code>
          </p>
          <div className="card-status">
            <StatusBadge situation={situation} />
            {session.isBusy && session.status !== 'checking' && session.status !== 'disconnecting' && (
              <span className="muted small">
                <Spinner size={12} /> обновляется
              </span>
            )}
          </div>
        </div>
      </header>

      <dl className="fields">
        <Field label="API Key:">
          <code>{session.apiKeyMasked ?? '—'}</code>
        </Field>
      </dl>
      <p className="muted small checked" data-testid="checked-ago">
        {session.lastCheckedAt === null ? (
          // The backend's saved status while the first live check runs: never a confirmed one (the badge says
          // "Проверка…" meanwhile).
          session.lastKnown !== null ? (
            <span data-testid="last-known">
              <LastKnown saved={session.lastKnown} />
            </span>
          ) : (
            'ещё не проверено'
          )
        ) : (
          <>
            проверено <Ago at={session.lastCheckedAt} />
          </>
        )}
      </p>

      {/* Plain text: status changes are announced once, by the panel's live region, not by an alert per card. */}
      {situation.sentence !== null && (
        <p
          className={`note ${session.error ? 'note-error' : situation.tone === 'warning' ? 'note-warning' : ''}`}
          data-testid={session.error ? 'session-error' : 'session-note'}
        >
          {situation.sentence}
          {session.nextRetryAt !== null && (
            <>
              {' '}
              Повтор через <Remaining until={session.nextRetryAt} />.
            </>
          )}
          {detail !== null && (
            <>
              {' '}
              <small className="error-detail">Подробности: {detail}</small>
            </>
          )}
        </p>
      )}
      {session.status === 'qr_issued' && session.qrExpiresAt !== null && (
        <p className="note">
          QR-код действует ещё <Remaining until={session.qrExpiresAt} />.
        </p>
      )}

      <div className="actions">
        {session.status === 'qr_issued' && (
          <Button variant="outline" onClick={() => showQr(id)}>
            <QrIcon size={16} aria-hidden="true" /> Показать QR
          </Button>
        )}
        {session.canReconnect && kind !== 'not_configured' && (
          <Button variant={neverLinked ? 'default' : 'outline'} onClick={reconnect}>
            <QrIcon size={16} aria-hidden="true" /> Показать новый QR
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
        {session.canCheck && session.status !== 'error' && !neverLinked && (
          <Button variant="ghost" onClick={session.check} disabled={session.isBusy}>
            <RefreshCw size={16} aria-hidden="true" /> Проверить
          </Button>
        )}
        {/* A number whose creation failed: nothing to disconnect, only to drop from the list. */}
        {session.status === 'error' && session.canCancel && (
          <Button variant="outline" onClick={dropCreateFailed}>
            <Trash2 size={16} aria-hidden="true" /> Убрать
          </Button>
        )}
        {session.status === 'disconnecting' ? (
          <Button variant="outline" disabled>
            <Spinner /> {session.isNew ? 'Удаление…' : 'Отключение…'}
          </Button>
        ) : neverLinked && session.canDisconnect ? (
          <Button variant="outline" onClick={removeNeverLinked}>
            <Trash2 size={16} aria-hidden="true" /> Удалить номер
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

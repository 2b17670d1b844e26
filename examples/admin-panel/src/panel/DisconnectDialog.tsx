import { useWppSession } from '@wpp-sessions/react';
import { Power, Trash2 } from 'lucide-react';
import { type RefObject, useEffect, useState } from 'react';
import { Dialog } from './Dialog.js';
import { ErrorText } from './ErrorText.js';
import { Button, Spinner } from './ui.js';

/**
 * Asks before disconnecting a number, then stays open with a pending state until the number is gone (so the admin
 * sees the disconnect finish or fail, not a dialog that closed before anything happened). Escape closes it; a
 * disconnect already sent keeps running and shows on the card.
 *
 * The dialog remembers whether it sent the disconnect itself: a session that was already in `error` when it opened
 * (its status check failed, or its saved row is unusable) is disconnected by "Отключить" like any other; only a
 * disconnect sent from here and failed shows "Не удалось отключить" and "Попробовать снова" (which repeats it).
 * When the backend can delete the row alone (`canForget`), a failed disconnect also offers "Удалить только запись":
 * a second step that warns that the number may keep running on the platform, and asks again.
 *
 * @example
 * ```tsx
 * {confirming && <DisconnectDialog id={id} onClose={() => setConfirming(false)} returnFocus={headingRef} />}
 * ```
 */
export function DisconnectDialog({
  id,
  onClose,
  returnFocus,
}: {
  id: string;
  onClose(): void;
  returnFocus: RefObject<HTMLElement | null>;
}) {
  const session = useWppSession(id);
  const [sent, setSent] = useState(false);
  const [forgetting, setForgetting] = useState(false);
  const gone = session === null;
  useEffect(() => {
    if (gone) onClose();
  }, [gone, onClose]);
  if (!session) return null;

  const pending = session.status === 'disconnecting';
  const failed = sent && session.status === 'error' && session.error !== null;
  const disconnect = () => {
    setSent(true);
    session.disconnect();
  };
  // After a failed disconnect the session's `retry` repeats the disconnect.
  const again = session.canRetry ? session.retry : disconnect;
  return (
    <Dialog label="Отключение WhatsApp" onEscape={onClose} returnFocus={returnFocus}>
      <h2 className="dialog-title">Отключить WhatsApp?</h2>
      <p className="dialog-text">
        Номер «{session.name}»
        {session.accountNumber !== null && (
          <>
            {' '}
            (Session: <code>{session.accountNumber}</code>)
          </>
        )}{' '}
        будет отключён от платформы, а его интеграция удалена. Чтобы снова принимать сообщения, его придётся
        подключить заново по QR-коду.
      </p>
      <div aria-live="polite">
        {pending && (
          <p className="note">
            <Spinner /> Отключение…
          </p>
        )}
      </div>
      {/* The answer to the admin's own click, in the modal they are looking at: one alert, not nested in the
          polite region above (that would read it twice). */}
      {failed && session.error && (
        <p className="note note-error" role="alert">
          Не удалось отключить. <ErrorText error={session.error} />
        </p>
      )}
      {failed && forgetting && (
        <p className="note note-warning" role="alert">
          Запись будет удалена только из панели. Сессия на платформе может продолжать работать (и
          оплачиваться): остановите её там сами.
        </p>
      )}
      <div className="dialog-actions">
        <Button variant="outline" onClick={onClose}>
          {pending ? 'Закрыть' : 'Отмена'}
        </Button>
        {pending ? (
          <Button variant="destructive" disabled>
            <Spinner /> Отключение…
          </Button>
        ) : failed && forgetting ? (
          <Button variant="destructive" onClick={session.forget} disabled={!session.canForget}>
            <Trash2 size={16} aria-hidden="true" /> Удалить запись
          </Button>
        ) : failed ? (
          <>
            {session.canForget && (
              <Button variant="outline" onClick={() => setForgetting(true)}>
                <Trash2 size={16} aria-hidden="true" /> Удалить только запись…
              </Button>
            )}
            <Button
              variant="destructive"
              onClick={again}
              disabled={!session.canRetry && !session.canDisconnect}
            >
              <Power size={16} aria-hidden="true" /> Попробовать снова
            </Button>
          </>
        ) : (
          <Button variant="destructive" onClick={disconnect} disabled={!session.canDisconnect}>
            <Power size={16} aria-hidden="true" /> Отключить
          </Button>
        )}
      </div>
    </Dialog>
  );
}

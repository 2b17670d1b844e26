import { useWppSession } from '@wpp-sessions/react';
import { Power } from 'lucide-react';
import { type RefObject, useEffect } from 'react';
import { Dialog } from './Dialog.js';
import { errorText } from './format.js';
import { Button, Spinner } from './ui.js';

/**
 * Asks before disconnecting a number, then stays open with a pending state until the number is gone (so the admin
 * sees the disconnect finish or fail, not a dialog that closed before anything happened). Escape closes it; a
 * disconnect already sent keeps running and shows on the card.
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
  const gone = session === null;
  useEffect(() => {
    if (gone) onClose();
  }, [gone, onClose]);
  if (!session) return null;

  const pending = session.status === 'disconnecting';
  const failed = session.status === 'error' && session.error !== null;
  return (
    <Dialog label="Отключение WhatsApp" onEscape={onClose} returnFocus={returnFocus}>
      <h2 className="dialog-title">Отключить WhatsApp?</h2>
      <p className="dialog-text">
        Номер <code>{session.accountNumber ?? session.name}</code> будет отключён от платформы, а его
        интеграция удалена. Чтобы снова принимать сообщения, его придётся подключить заново по QR-коду.
      </p>
      <div aria-live="polite">
        {pending && (
          <p className="note">
            <Spinner /> Отключение…
          </p>
        )}
        {failed && session.error && (
          <p className="note note-error" role="alert">
            Не удалось отключить: {errorText(session.error)}
          </p>
        )}
      </div>
      <div className="dialog-actions">
        <Button variant="outline" onClick={onClose}>
          {pending ? 'Закрыть' : 'Отмена'}
        </Button>
        {pending ? (
          <Button variant="destructive" disabled>
            <Spinner /> Отключение…
          </Button>
        ) : (
          <Button
            variant="destructive"
            onClick={failed ? session.retry : session.disconnect}
            disabled={failed ? !session.canRetry : !session.canDisconnect}
          >
            <Power size={16} aria-hidden="true" /> {failed ? 'Попробовать снова' : 'Отключить'}
          </Button>
        )}
      </div>
    </Dialog>
  );
}

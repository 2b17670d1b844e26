import { useWppSession } from '@wpp-sessions/react';
import { CircleCheck, QrCode as QrIcon, RotateCcw, ScanLine, Trash2, TriangleAlert } from 'lucide-react';
import { type RefObject, useEffect, useState } from 'react';
import { Dialog } from './Dialog.js';
import { useDemoScan } from './demo.js';
import { ErrorText } from './ErrorText.js';
import { REASON_TEXT } from './format.js';
import { QrCode } from './QrCode.js';
import { Remaining } from './ticking.js';
import { Button, Spinner } from './ui.js';

/**
 * The QR of one number in a dialog ("Подключение WhatsApp"): a spinner while the number is created, then the QR
 * with "Ожидание сканирования…" and a countdown, then "WhatsApp подключён". An expired QR offers a new one, an
 * error shows its reason and "Попробовать снова" when the session can retry. "Отмена" (and Escape) cancels while
 * waiting. A new number whose QR expired unscanned also offers "Удалить номер" (one step: it was never linked).
 * After a failed creation it offers "Закрыть" (and Escape) and "Убрать" (drops the number from the list),
 * and never another create unless the session itself says it can retry. With a demo backend,
 * "Сканировать (симуляция)" links the number as a phone would.
 *
 * @example
 * ```tsx
 * {newSessionId && <QrDialog id={newSessionId} onClose={dismissNew} returnFocus={headingRef} />}
 * ```
 */
export function QrDialog({
  id,
  onClose,
  returnFocus,
}: {
  id: string;
  onClose(): void;
  returnFocus: RefObject<HTMLElement | null>;
}) {
  const session = useWppSession(id);
  const scan = useDemoScan();
  const [scanError, setScanError] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);
  const gone = session === null;
  useEffect(() => {
    if (gone) onClose();
  }, [gone, onClose]);
  if (!session) return null;

  const { status } = session;
  // Failed and removable (a creation that failed): closing must not remove it; "Убрать" does.
  const removable = status === 'error' && session.canCancel;
  const qr = status === 'qr_issued' ? session.qr : null;
  const cancelOrClose = () => {
    if (session.canCancel && !removable) session.cancel();
    onClose();
  };
  const remove = () => {
    session.cancel();
    onClose();
  };
  // A number added here whose QR expired unscanned was never linked: removed in one step (the dialog closes once
  // it is gone).
  const neverLinked = status === 'disconnected' && session.isNew && session.canDisconnect;
  const simulateScan = async () => {
    setScanError(null);
    try {
      if (session.integrationId) await scan?.(session.integrationId);
      session.check(); // do not wait for the next poll
    } catch (error) {
      setScanError(error instanceof Error ? error.message : String(error));
    }
  };

  return (
    <Dialog label="Подключение WhatsApp" onEscape={cancelOrClose} returnFocus={returnFocus}>
      <h2 className="dialog-title">
        <QrIcon size={20} aria-hidden="true" /> Подключение WhatsApp
      </h2>
      {/* Only the status line is a live region: the QR is a picture and the countdown ticks every second, so
          wrapping them would have a screen reader speak every tick; alerts stand alone, never inside it. */}
      <div className="qr-body" data-testid="qr-dialog-state" data-status={status}>
        {qr && (
          <>
            <p className="dialog-text">
              Откройте WhatsApp на телефоне → Настройки → Связанные устройства → Привязка устройства и
              наведите камеру на код.
            </p>
            <QrCode qr={qr} />
          </>
        )}
        <div className="qr-status" aria-live="polite">
          {status === 'creating' && (
            <p className="center">
              <Spinner size={32} /> <br /> Создание подключения…
            </p>
          )}
          {status === 'checking' && (
            <p className="center">
              <Spinner size={32} /> <br /> Ожидание QR-кода…
            </p>
          )}
          {qr && (
            <p className="center">
              <Spinner /> Ожидание сканирования…
            </p>
          )}
          {status === 'connected' && (
            <p className="center success">
              <CircleCheck size={40} aria-hidden="true" /> <br />
              WhatsApp подключён{session.accountNumber ? ` (Session ${session.accountNumber})` : ''}.
            </p>
          )}
          {status === 'disconnected' && (
            <p className="note note-warning">
              {session.reason === 'qr_expired'
                ? session.isNew
                  ? 'Срок действия QR-кода истёк, номер не подключён. Получите новый QR-код или удалите номер.'
                  : 'Срок действия QR-кода истёк. Получите новый QR-код и отсканируйте его.'
                : (session.reason && REASON_TEXT[session.reason]) || 'Номер не подключён.'}
            </p>
          )}
          {status === 'disconnecting' && (
            <p className="center">
              <Spinner /> {deleting ? 'Удаление…' : 'Отмена…'}
            </p>
          )}
        </div>
        {qr && session.qrExpiresAt !== null && (
          <p className="center muted" data-testid="qr-countdown">
            QR-код действует ещё <Remaining until={session.qrExpiresAt} />
          </p>
        )}
        {status === 'error' && session.error && (
          <p className="note note-error" role="alert">
            <TriangleAlert size={16} aria-hidden="true" /> <ErrorText error={session.error} />
          </p>
        )}
        {removable && (
          <p className="muted small">Если номер всё же был создан, он появится в списке подключений.</p>
        )}
        {scanError && (
          <p className="note note-error" role="alert">
            Не удалось отсканировать: {scanError}
          </p>
        )}
      </div>
      <div className="dialog-actions">
        {status === 'qr_issued' && scan && (
          <Button variant="outline" onClick={simulateScan}>
            <ScanLine size={16} aria-hidden="true" /> Сканировать (симуляция)
          </Button>
        )}
        {session.canReconnect && (
          <Button onClick={session.reconnect}>
            <QrIcon size={16} aria-hidden="true" /> Получить новый QR
          </Button>
        )}
        {session.canRetry && (
          <Button onClick={session.retry}>
            <RotateCcw size={16} aria-hidden="true" /> Попробовать снова
          </Button>
        )}
        {neverLinked && (
          <Button
            variant="outline"
            onClick={() => {
              setDeleting(true);
              session.disconnect();
            }}
          >
            <Trash2 size={16} aria-hidden="true" /> Удалить номер
          </Button>
        )}
        {removable ? (
          // "Закрыть" first: it takes the focus, so Enter never removes anything by accident.
          <>
            <Button key="close" variant="outline" onClick={onClose}>
              Закрыть
            </Button>
            <Button key="remove" variant="destructive" onClick={remove}>
              <Trash2 size={16} aria-hidden="true" /> Убрать
            </Button>
          </>
        ) : status === 'connected' ? (
          <Button onClick={onClose}>Готово</Button>
        ) : session.canCancel ? (
          <Button variant="outline" onClick={cancelOrClose}>
            Отмена
          </Button>
        ) : (
          <Button variant="outline" onClick={onClose}>
            Закрыть
          </Button>
        )}
      </div>
    </Dialog>
  );
}

import { useWppSession } from '@wpp-sessions/react';
import { KeyRound } from 'lucide-react';
import type { RefObject } from 'react';
import { Dialog } from './Dialog.js';
import { Button } from './ui.js';

/**
 * Asks before recreating a number whose API key went invalid (`wpp-create` with `force_recreate`): the platform
 * issues a new key for the same number, which must then be scanned again. On "Пересоздать" the dialog closes and
 * opens the number's QR (`onRecreated`).
 *
 * @example
 * ```tsx
 * {asking && <RecreateDialog id={id} onClose={close} onRecreated={() => showQr(id)} returnFocus={headingRef} />}
 * ```
 */
export function RecreateDialog({
  id,
  onClose,
  onRecreated,
  returnFocus,
}: {
  id: string;
  onClose(): void;
  onRecreated(): void;
  returnFocus: RefObject<HTMLElement | null>;
}) {
  const session = useWppSession(id);
  if (!session) return null;
  const recreate = () => {
    session.recreate();
    onClose();
    onRecreated();
  };
  return (
    <Dialog label="Пересоздание подключения" onEscape={onClose} returnFocus={returnFocus}>
      <h2 className="dialog-title">Пересоздать подключение?</h2>
      <p className="dialog-text">
        Ключ API номера <code>{session.accountNumber ?? session.name}</code> больше не действует. Платформа
        выдаст новый ключ для этого же номера; после этого номер нужно заново отсканировать по QR-коду.
      </p>
      <div className="dialog-actions">
        <Button variant="outline" onClick={onClose}>
          Отмена
        </Button>
        <Button variant="destructive" onClick={recreate} disabled={!session.canRecreate}>
          <KeyRound size={16} aria-hidden="true" /> Пересоздать
        </Button>
      </div>
    </Dialog>
  );
}

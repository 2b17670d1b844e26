import type { SessionView, WppErrorCode } from '@wpp-sessions/react';
import { errorText, REASON_TEXT } from './format.js';

// Core says one word per status ("Отключено" for offline, expired and cancelled alike, next to the "Отключить"
// button). The panel tells the admin's situations apart from the view's own facts (status, reason, error code,
// isNew, can… flags, the backend's detail): no guess, no extra request.

/** The situations a card can be in, each with its own badge text and next actions. */
export type Situation =
  | 'creating'
  | 'checking'
  | 'connected'
  | 'qr_issued'
  | 'offline'
  | 'not_configured'
  | 'never_linked'
  | 'qr_expired'
  | 'cancelled'
  | 'disconnecting'
  | 'create_failed'
  | 'disconnect_failed'
  | 'invalid_key'
  | 'invalid_record'
  | 'error';

/** A situation in words: its key, an emoji for the eye (hidden from screen readers), the badge text and a tone. */
export interface SituationText {
  situation: Situation;
  icon: string;
  /** The badge text: short, and never "Отключено" (the "Отключить" button's word). */
  label: string;
  /** The badge's colour: `ok` green, `busy` grey, `waiting` blue, `off` red, `warning` amber. */
  tone: 'ok' | 'busy' | 'waiting' | 'off' | 'warning';
  /** What happened, as one Russian sentence for the card (`null`: the badge says it all). */
  sentence: string | null;
}

/** The facts of a view the situation is read from. */
export type SituationFacts = Pick<
  SessionView,
  'status' | 'reason' | 'detail' | 'error' | 'isNew' | 'integrationId' | 'canRecreate'
>;

/** Short badge words per error code, for an error that is not one of the named situations. */
const ERROR_LABELS: Record<WppErrorCode, string> = {
  network: 'Нет связи с сервером',
  timeout: 'Сервер не отвечает',
  deadline_exceeded: 'Сервер не отвечает',
  unauthorized: 'Нужно войти заново',
  forbidden: 'Нет доступа',
  not_found: 'Интеграция не найдена',
  bad_request: 'Запрос отклонён',
  rate_limited: 'Слишком много запросов',
  server: 'Ошибка сервера',
  bad_response: 'Непонятный ответ сервера',
  invalid_qr: 'Некорректный QR-код',
  invalid_record: 'Запись повреждена',
};

/**
 * The situation of one number, in words. `disconnectFailed` says that the error in the view came from a disconnect
 * (the library tells it by its `disconnectFailed` event; the view does not carry the failed operation).
 *
 * - `offline`: the platform says the number is not linked (or, as the user's wpp-status words any upstream failure,
 *   the platform is down); `not_configured`: the saved row lacks its key or session id;
 * - `never_linked`: a number added in this session whose QR expired unscanned (removable in one step);
 *   `qr_expired`: a saved number's new QR expired; `cancelled`: its QR was cancelled unscanned;
 * - errors: a failed creation, a failed disconnect, an invalid API key (`Пересоздать`), a damaged row, else the
 *   error code's own words.
 *
 * @example
 * ```ts
 * situationOf({ status: 'disconnected', reason: 'qr_expired', isNew: true, detail: null, error: null,
 *   integrationId: 'a1', canRecreate: false }).label; // 'QR не отсканирован'
 * ```
 */
export function situationOf(view: SituationFacts, disconnectFailed = false): SituationText {
  const text = (
    situation: Situation,
    icon: string,
    label: string,
    tone: SituationText['tone'],
    sentence: string | null = null,
  ): SituationText => ({ situation, icon, label, tone, sentence });
  switch (view.status) {
    case 'creating':
      return text('creating', '⏳', 'Создание…', 'busy');
    case 'checking':
      return text('checking', '⏳', 'Проверка…', 'busy');
    case 'connected':
      return text('connected', '🟢', 'Подключено', 'ok');
    case 'qr_issued':
      return text('qr_issued', '📷', 'Ожидает сканирования QR', 'waiting');
    case 'disconnecting':
      return text('disconnecting', '⏳', view.isNew ? 'Удаление…' : 'Отключение…', 'busy');
    case 'disconnected':
      if (view.reason === 'qr_expired' && view.isNew) {
        return text(
          'never_linked',
          '⌛',
          'QR не отсканирован',
          'warning',
          'Номер так и не подключили: QR-код истёк, его никто не отсканировал. Покажите новый QR или удалите номер.',
        );
      }
      if (view.reason === 'qr_expired') {
        return text('qr_expired', '⌛', 'QR-код истёк', 'warning', REASON_TEXT.qr_expired);
      }
      if (view.reason === 'cancelled') {
        return text(
          'cancelled',
          '✋',
          'Подключение отменено',
          'warning',
          'Подключение по QR-коду отменено, номер не подключён.',
        );
      }
      if (/not configured/i.test(view.detail ?? '')) {
        return text(
          'not_configured',
          '⚙️',
          'Не настроено',
          'off',
          'Интеграция не настроена: в записи нет ключа API или номера сессии.',
        );
      }
      return text('offline', '📵', 'Не в сети', 'off', REASON_TEXT.offline);
    case 'error': {
      const error = view.error;
      const sentence = error ? errorText(error) : null;
      if (view.integrationId === null)
        return text('create_failed', '⚠️', 'Не удалось создать', 'off', sentence);
      if (disconnectFailed) return text('disconnect_failed', '⚠️', 'Не удалось отключить', 'off', sentence);
      if (view.canRecreate) {
        return text(
          'invalid_key',
          '🔑',
          'Ключ API недействителен',
          'off',
          'Ключ API номера больше не действует: пересоздайте подключение и отсканируйте новый QR-код.',
        );
      }
      if (error?.code === 'invalid_record')
        return text('invalid_record', '⚠️', 'Запись повреждена', 'off', sentence);
      return text('error', '⚠️', error ? ERROR_LABELS[error.code] : 'Ошибка', 'off', sentence);
    }
  }
}

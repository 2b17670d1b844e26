import type { DisconnectReason, SessionError, SessionStatus, WppErrorCode } from '@wpp-sessions/react';

/** Badge text per status: an emoji for the eye (hidden from screen readers) and words for everyone. */
export const STATUS_LABELS: Record<SessionStatus, { icon: string; text: string }> = {
  connected: { icon: '🟢', text: 'Подключено' },
  disconnected: { icon: '🔴', text: 'Отключено' },
  checking: { icon: '⏳', text: 'Проверка…' },
  qr_issued: { icon: '📷', text: 'Ожидает сканирования QR' },
  error: { icon: '⚠️', text: 'Ошибка' },
  creating: { icon: '⏳', text: 'Создание…' },
  disconnecting: { icon: '⏳', text: 'Отключение…' },
};

/** Why a number is disconnected, in the admin's words. */
export const REASON_TEXT: Record<DisconnectReason, string> = {
  offline: 'Номер не в сети: телефон отвязан от WhatsApp или платформа потеряла сессию.',
  qr_expired: 'Срок действия QR-кода истёк: номер не был отсканирован.',
  cancelled: 'Подключение отменено.',
};

/** Each error code as a sentence for the admin; the backend's own words are shown apart, as a detail. */
const ERROR_TEXT: Record<WppErrorCode, string> = {
  network: 'Нет связи с сервером: проверьте подключение к интернету и попробуйте снова.',
  timeout: 'Сервер не ответил вовремя. Попробуйте снова чуть позже.',
  unauthorized: 'Нужно войти заново: сессия входа истекла или недействительна.',
  forbidden: 'Нет доступа: у вашей учётной записи нет прав на это действие.',
  not_found: 'Интеграция не найдена: возможно, её уже удалили.',
  bad_request: 'Некорректный запрос: сервер его отклонил.',
  rate_limited: 'Слишком много запросов: подождите немного и попробуйте снова.',
  server: 'Ошибка сервера: сервер не смог выполнить запрос.',
  bad_response: 'Непонятный ответ сервера: он не похож на ожидаемый.',
  invalid_qr: 'Некорректный QR-код: платформа прислала код, который нельзя показать.',
  invalid_record: 'Запись интеграции повреждена.',
  deadline_exceeded: 'Превышено время ожидания: операция не завершилась вовремя.',
};

/**
 * The field an `invalid_record` message names: the core writes them as `<field> <what is wrong>`
 * ("settings.wppAccountNumber is missing", "id … appears more than once in the list").
 */
function invalidField(message: string): string | null {
  const field = /^([a-z_]\w*(?:\.\w+)*)\s/.exec(message)?.[1];
  return field ?? null;
}

/**
 * An error as one Russian sentence for the admin, chosen by its `code` (never the library's or the backend's
 * English). For `invalid_record` it names the wrong field. Show `errorDetail` next to it, smaller.
 *
 * @example
 * ```ts
 * errorText({ code: 'unauthorized', message: 'JWT expired', retryable: false });
 * // 'Нужно войти заново: сессия входа истекла или недействительна.'
 * errorText({ code: 'invalid_record', message: 'settings.wppAccountNumber is missing', retryable: false });
 * // 'Запись интеграции повреждена: нет поля settings.wppAccountNumber.'
 * ```
 */
export function errorText(error: SessionError): string {
  if (error.code === 'invalid_record') {
    const field = invalidField(error.message);
    if (field === null) return ERROR_TEXT.invalid_record;
    return / is missing$/.test(error.message)
      ? `Запись интеграции повреждена: нет поля ${field}.`
      : `Запись интеграции повреждена: неверное поле ${field}.`;
  }
  return ERROR_TEXT[error.code];
}

/**
 * The backend's own words about an error, to show as a secondary detail, or `null` when there are none worth
 * showing (a deadline is the library's own verdict, already said by `errorText`).
 *
 * @example
 * ```ts
 * errorDetail({ code: 'server', message: 'Upstream 502', retryable: true }); // 'Upstream 502'
 * errorDetail({ code: 'deadline_exceeded', message: 'The status did not settle in time', retryable: true }); // null
 * ```
 */
export function errorDetail(error: SessionError): string | null {
  if (error.code === 'deadline_exceeded') return null;
  const detail = error.message.trim();
  return detail === '' ? null : detail;
}

/**
 * "N с назад" / "N мин назад" / "только что" for a moment in the past.
 *
 * @example
 * ```ts
 * ago(10_000, 13_000); // '3 с назад'
 * ```
 */
export function ago(at: number, now: number): string {
  const seconds = Math.max(0, Math.floor((now - at) / 1000));
  if (seconds < 1) return 'только что';
  if (seconds < 60) return `${seconds} с назад`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} мин назад`;
  return `${Math.floor(minutes / 60)} ч назад`;
}

/**
 * The time left until a moment, as `m:ss` (never negative). Rounded up, as a countdown reads: a wait still
 * running shows at least `0:01`, and `0:00` only once the moment has come.
 *
 * @example
 * ```ts
 * remaining(100_000, 10_000); // '1:30'
 * ```
 */
export function remaining(until: number, now: number): string {
  const seconds = Math.max(0, Math.ceil((until - now) / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

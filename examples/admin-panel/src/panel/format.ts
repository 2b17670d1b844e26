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

const ERROR_TEXT: Record<WppErrorCode, string> = {
  network: 'Нет связи с сервером',
  timeout: 'Сервер не ответил вовремя',
  unauthorized: 'Нужно войти заново',
  forbidden: 'Нет доступа',
  not_found: 'Интеграция не найдена',
  bad_request: 'Некорректный запрос',
  rate_limited: 'Слишком много запросов',
  server: 'Ошибка сервера',
  bad_response: 'Непонятный ответ сервера',
  invalid_qr: 'Некорректный QR-код',
  invalid_record: 'Запись интеграции повреждена',
  deadline_exceeded: 'Превышено время ожидания',
};

/**
 * An error as one line for the admin: what kind of failure, then the backend's own words.
 *
 * @example
 * ```ts
 * errorText({ code: 'unauthorized', message: 'JWT expired', retryable: false }); // 'Нужно войти заново: JWT expired'
 * ```
 */
export function errorText(error: SessionError): string {
  return `${ERROR_TEXT[error.code]}: ${error.message}`;
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
 * The time left until a moment, as `m:ss` (never negative). Rounded down: the shared clock ticks once a second,
 * so `now` may be up to a second old.
 *
 * @example
 * ```ts
 * remaining(100_000, 10_000); // '1:30'
 * ```
 */
export function remaining(until: number, now: number): string {
  const seconds = Math.max(0, Math.floor((until - now) / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

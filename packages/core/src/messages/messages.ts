import type { SessionError, WppErrorCode } from '../backend/backend.errors.js';
import type { LastKnownStatus } from '../backend/backend.port.js';
import type { DisconnectReason, SessionStatus } from '../session/session.types.js';

/** The languages the messages are written in. */
export type Locale = 'ru' | 'en';

/** Every text of one language: a status label, a reason and an error sentence per member of each union. */
export interface Messages {
  /** A short label per status, for a badge ("Подключено" / "Connected"). */
  status: Record<SessionStatus, string>;
  /** Why a number is disconnected, as a sentence. */
  reason: Record<DisconnectReason, string>;
  /** Each error code as a sentence for the admin; the backend's own words are a detail (see `errorDetail`). */
  error: Record<WppErrorCode, string>;
  /** An `invalid_record` sentence that names the field at fault: `missing` (no such field) or `wrong`. */
  invalidField: (field: string, missing: boolean) => string;
  /** A saved, unconfirmed status: its words, and its age from whole minutes. */
  lastKnown: {
    status: Record<LastKnownStatus['status'], string>;
    text: (status: string, age: string) => string;
    /** The age in words: under a minute, else in whole minutes, hours or days (`lastKnownText` picks the unit). */
    age: {
      now: string;
      minutes: (n: number) => string;
      hours: (n: number) => string;
      days: (n: number) => string;
    };
  };
}

/**
 * The texts, per language. `Record<…>` over each closed union: a new status, reason or error code does not compile
 * until both languages have its text.
 *
 * @example
 * ```ts
 * import { MESSAGES } from '@wpp-sessions/core/messages';
 *
 * MESSAGES.ru.status.connected; // 'Подключено'
 * MESSAGES.en.error.rate_limited; // 'Too many requests: wait a little and try again.'
 * ```
 */
export const MESSAGES: Readonly<Record<Locale, Messages>> = {
  ru: {
    status: {
      connected: 'Подключено',
      disconnected: 'Отключено',
      checking: 'Проверка…',
      qr_issued: 'Ожидает сканирования QR',
      error: 'Ошибка',
      creating: 'Создание…',
      disconnecting: 'Отключение…',
    },
    reason: {
      offline: 'Номер не в сети: телефон отвязан от WhatsApp или платформа потеряла сессию.',
      qr_expired: 'Срок действия QR-кода истёк: номер не был отсканирован.',
      cancelled: 'Подключение отменено.',
    },
    error: {
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
    },
    invalidField: (field, missing) =>
      `Запись интеграции повреждена: ${missing ? 'нет поля' : 'неверное поле'} ${field}.`,
    lastKnown: {
      status: {
        connected: 'подключено',
        qr_issued: 'ожидал сканирования QR',
        pending: 'запускался',
        disconnected: 'отключено',
      },
      text: (status, age) => `последний известный: ${status} · ${age}`,
      age: {
        now: 'только что',
        minutes: (n) => `${n} мин назад`,
        hours: (n) => `${n} ч назад`,
        days: (n) => `${n} дн. назад`,
      },
    },
  },
  en: {
    status: {
      connected: 'Connected',
      disconnected: 'Disconnected',
      checking: 'Checking…',
      qr_issued: 'Waiting for the QR scan',
      error: 'Error',
      creating: 'Creating…',
      disconnecting: 'Disconnecting…',
    },
    reason: {
      offline:
        'The number is offline: the phone was unlinked from WhatsApp or the platform lost the session.',
      qr_expired: 'The QR code expired: the number was not scanned.',
      cancelled: 'Connecting was cancelled.',
    },
    error: {
      network: 'No connection to the server: check your internet connection and try again.',
      timeout: 'The server did not answer in time. Try again a little later.',
      unauthorized: 'Sign in again: your sign-in session expired or is invalid.',
      forbidden: 'No access: your account may not do this.',
      not_found: 'Integration not found: it may have been removed already.',
      bad_request: 'Invalid request: the server refused it.',
      rate_limited: 'Too many requests: wait a little and try again.',
      server: 'Server error: the server could not carry out the request.',
      bad_response: 'Unexpected server answer: it does not look as expected.',
      invalid_qr: 'Invalid QR code: the platform sent a code that cannot be shown.',
      invalid_record: 'The integration record is damaged.',
      deadline_exceeded: 'Timed out: the operation did not finish in time.',
    },
    invalidField: (field, missing) =>
      `The integration record is damaged: ${missing ? 'field' : 'wrong field'} ${field}${missing ? ' is missing' : ''}.`,
    lastKnown: {
      status: {
        connected: 'connected',
        qr_issued: 'waiting for the QR scan',
        pending: 'starting',
        disconnected: 'disconnected',
      },
      text: (status, age) => `last known: ${status} · ${age}`,
      age: {
        now: 'just now',
        minutes: (n) => `${n} min ago`,
        hours: (n) => `${n} h ago`,
        days: (n) => `${n} d ago`,
      },
    },
  },
};

/** Options of the formatting functions. */
export interface MessageOptions {
  /** The language of the texts. @default 'en' */
  locale?: Locale;
}

/**
 * A status as a short label.
 *
 * @example
 * ```ts
 * statusText('qr_issued', { locale: 'ru' }); // 'Ожидает сканирования QR'
 * statusText('qr_issued'); // 'Waiting for the QR scan'
 * ```
 */
export function statusText(status: SessionStatus, options?: MessageOptions): string {
  return messagesOf(options).status[status];
}

/**
 * Why a number is disconnected, as a sentence.
 *
 * @example
 * ```ts
 * reasonText('qr_expired', { locale: 'ru' }); // 'Срок действия QR-кода истёк: номер не был отсканирован.'
 * ```
 */
export function reasonText(reason: DisconnectReason, options?: MessageOptions): string {
  return messagesOf(options).reason[reason];
}

/**
 * An error as one sentence for the admin, chosen by its `code`: never the library's or the backend's own words
 * (show those with `errorDetail`, smaller). For `invalid_record` it names the wrong field, which core's messages
 * put first (`settings.wppAccountNumber is missing`).
 *
 * @example
 * ```ts
 * errorText({ code: 'unauthorized', message: 'JWT expired', retryable: false }, { locale: 'ru' });
 * // 'Нужно войти заново: сессия входа истекла или недействительна.'
 * errorText({ code: 'invalid_record', message: 'settings.wppAccountNumber is missing', retryable: false }, { locale: 'ru' });
 * // 'Запись интеграции повреждена: нет поля settings.wppAccountNumber.'
 * ```
 */
export function errorText(error: SessionError, options?: MessageOptions): string {
  const messages = messagesOf(options);
  if (error.code === 'invalid_record') {
    const field = invalidField(error.message);
    if (field !== null) return messages.invalidField(field, / is missing$/.test(error.message));
  }
  return messages.error[error.code];
}

/**
 * The backend's own words about an error, to show as a secondary detail, or `null` when there are none worth
 * showing (a deadline is the library's own verdict, already said by `errorText`). Already scrubbed of secrets:
 * every backend's texts are, on their way into a session.
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

/** What `describeSession` reads of a session: the fields of a `SessionView` it needs. */
export interface DescribedSession {
  status: SessionStatus;
  error: SessionError | null;
  reason: DisconnectReason | null;
  detail: string | null;
}

/** A session in words: a label, a sentence (when there is something to explain) and the backend's own words. */
export interface SessionDescription {
  /** The status label ("Подключено"). */
  status: string;
  /** The error sentence while in `error`, the reason while `disconnected`, else `null`. */
  text: string | null;
  /** The backend's own words (the error's message, or the status detail), as a detail to show apart, or `null`. */
  detail: string | null;
}

/**
 * A session's status, error or reason in words, ready for a card: the sentence is always the library's, in the
 * chosen language; the backend's own words come only as `detail`.
 *
 * @example
 * ```ts
 * describeSession(sessionView(ref.getSnapshot()), { locale: 'ru' });
 * // { status: 'Ошибка', text: 'Ошибка сервера: сервер не смог выполнить запрос.', detail: 'wpp-status failed (HTTP 500): …' }
 * ```
 */
export function describeSession(session: DescribedSession, options?: MessageOptions): SessionDescription {
  const status = statusText(session.status, options);
  if (session.error !== null) {
    return { status, text: errorText(session.error, options), detail: errorDetail(session.error) };
  }
  const detail = session.detail?.trim() || null;
  const text =
    session.status === 'disconnected' && session.reason !== null ? reasonText(session.reason, options) : null;
  return { status, text, detail };
}

/**
 * A saved, unconfirmed status with its age, for a card still waiting for its live check (`SessionView.lastKnown`).
 * Show it apart from the status badge (never as "Подключено"): the live answer replaces it.
 *
 * @example
 * ```ts
 * lastKnownText({ accountNumber: '1', status: 'connected', at: Date.now() - 5 * 60_000 }, { locale: 'ru' });
 * // 'последний известный: подключено · 5 мин назад'
 * ```
 */
export function lastKnownText(
  lastKnown: Pick<LastKnownStatus, 'status' | 'at'>,
  options?: MessageOptions & { now?: number },
): string {
  const { lastKnown: words } = messagesOf(options);
  const minutes = Math.max(0, Math.floor(((options?.now ?? Date.now()) - lastKnown.at) / 60_000));
  const { age } = words;
  const ago =
    minutes < 1
      ? age.now
      : minutes < 60
        ? age.minutes(minutes)
        : minutes < 1440
          ? age.hours(Math.floor(minutes / 60))
          : age.days(Math.floor(minutes / 1440));
  return words.text(words.status[lastKnown.status], ago);
}

function messagesOf(options: MessageOptions | undefined): Messages {
  // An unknown locale (from plain JavaScript) falls back to English rather than throwing in a render.
  return MESSAGES[options?.locale ?? 'en'] ?? MESSAGES.en;
}

/**
 * The field an `invalid_record` message names: core writes them as `<field> <what is wrong>`
 * ("settings.wppAccountNumber is missing", "id … appears more than once in the list").
 */
function invalidField(message: string): string | null {
  return /^([a-z_]\w*(?:\.\w+)*)\s/.exec(message)?.[1] ?? null;
}

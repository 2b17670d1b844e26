import { errorDetail as detailOf, MESSAGES, errorText as textOf } from '@wpp-sessions/core/messages';
import type { SessionError } from '@wpp-sessions/react';

// The words come from `@wpp-sessions/core/messages` (Russian); the badge words per situation are in `situation.ts`.

/** Why a number is disconnected, in the admin's words (core's Russian texts). */
export const REASON_TEXT = MESSAGES.ru.reason;

/**
 * An error as one Russian sentence for the admin, chosen by its `code` (never the library's or the backend's
 * English); for `invalid_record` it names the wrong field. Show `errorDetail` next to it, smaller.
 *
 * @example
 * ```ts
 * errorText({ code: 'unauthorized', message: 'JWT expired', retryable: false });
 * // 'Нужно войти заново: сессия входа истекла или недействительна.'
 * ```
 */
export const errorText = (error: SessionError): string => textOf(error, { locale: 'ru' });

/**
 * The backend's own words about an error, as a secondary detail, or `null` (core's `errorDetail`).
 *
 * @example
 * ```ts
 * errorDetail({ code: 'server', message: 'Upstream 502', retryable: true }); // 'Upstream 502'
 * ```
 */
export const errorDetail: (error: SessionError) => string | null = detailOf;

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

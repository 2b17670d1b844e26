/**
 * `@wpp-sessions/core/messages`: what a session's status, disconnect reason and error say to the admin, in Russian
 * and English. Framework-free and dependency-free; in its own entry so an app that writes its own texts bundles
 * none of these (about 1.9 kB min + gzip).
 *
 * @example
 * ```ts
 * import { describeSession, errorText } from '@wpp-sessions/core/messages';
 *
 * const { status, text, detail } = describeSession(session, { locale: 'ru' }); // session: a SessionView
 * errorText({ code: 'network', message: 'Failed to fetch', retryable: true }, { locale: 'ru' });
 * // 'Нет связи с сервером: проверьте подключение к интернету и попробуйте снова.'
 * ```
 *
 * @packageDocumentation
 */
export type {
  DescribedSession,
  Locale,
  MessageOptions,
  Messages,
  SessionDescription,
} from './messages/messages.js';
export {
  describeSession,
  errorDetail,
  errorText,
  lastKnownText,
  MESSAGES,
  reasonText,
  statusText,
} from './messages/messages.js';

/**
 * `@wpp-sessions/core/normalize`: what an adapter of your own needs to answer like the built-in ones. Status words
 * to meanings, QR payloads checked and normalised, saved rows parsed (an unusable row named, never dropped), API
 * keys masked. The Supabase adapter uses the same functions.
 *
 * @example
 * ```ts
 * import type { WppBackend } from '@wpp-sessions/core';
 * import { normalizeQr, parseSessionList, statusMeaning } from '@wpp-sessions/core/normalize';
 *
 * const listSessions: WppBackend['listSessions'] = async (signal) =>
 *   parseSessionList(await (await fetch('/api/wpp/sessions', { signal })).json());
 * statusMeaning('QRCODE'); // 'qr': the platform's word, as the machines understand it
 * normalizeQr('data:image/svg+xml,…'); // throws WppError('invalid_qr'): only text or PNG data URLs
 * ```
 *
 * @packageDocumentation
 */
export { maskApiKey } from './backend/mask.js';
export type { QrValue } from './backend/qr.js';
export { normalizeQr } from './backend/qr.js';
export { parseSessionList } from './backend/records.js';
export type { StatusMeaning } from './backend/status.table.js';
export { STATUS_TABLE, statusMeaning } from './backend/status.table.js';

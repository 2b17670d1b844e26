/**
 * What a status word from any backend in `reference/` means for our machine:
 * - `connected`: linked and working;
 * - `qr`: waiting for a QR scan (a QR should come with it; without one it is treated as `pending`);
 * - `pending`: starting, or waiting for the QR to be ready: poll again;
 * - `disconnected`: not linked, not running, or logged out;
 * - `failed`: the backend says the session failed (an error the admin must see).
 */
export type StatusMeaning = 'connected' | 'qr' | 'pending' | 'disconnected' | 'failed';

/**
 * The one table of status words. Keys are lower-case; lookups lower-case and trim the word first.
 * Sources: the user's `wpp-status` / `wpp-create` / `wpp-start`, `whatsapp_sessions.status`, the WPP Platform
 * (upstream), legacy WPPConnect, WAHA, Evolution API and Baileys (see `reference/session-vocabularies.md`).
 */
export const STATUS_TABLE: Readonly<Record<string, StatusMeaning>> = {
  // The user's functions and table.
  connected: 'connected',
  qr_issued: 'qr',
  qr_pending: 'pending',
  starting: 'pending',
  disconnected: 'disconnected',
  timeout: 'pending', // wpp-start HTTP 408: no QR within its 30 s wait; poll status instead
  pairing: 'pending', // whatsapp_sessions: phone scanned, linking in progress
  error: 'failed',
  // WPP Platform upstream (normalised by the user's client) and its raw words.
  ready: 'connected',
  offline: 'disconnected',
  qr_required: 'qr',
  pending: 'pending',
  // Legacy WPPConnect.
  islogged: 'connected',
  inchat: 'connected',
  qrcode: 'qr',
  qrreadsuccess: 'pending',
  phonecode: 'pending',
  initializing: 'pending',
  notlogged: 'qr',
  closed: 'disconnected',
  autoclosecalled: 'disconnected',
  desconnectedmobile: 'disconnected',
  disconnectedmobile: 'disconnected',
  browserclose: 'disconnected',
  qrreadfail: 'failed',
  // WAHA.
  working: 'connected',
  scan_qr_code: 'qr',
  stopped: 'disconnected',
  failed: 'failed',
  // Evolution API and Baileys.
  open: 'connected',
  connecting: 'pending',
  close: 'disconnected',
  refused: 'failed',
  logout: 'disconnected',
  logged_out: 'disconnected',
};

/**
 * Looks a status word up in `STATUS_TABLE`. Returns `undefined` for a word no backend uses, so the adapter can
 * report it instead of guessing (the user's upstream client maps "anything else" to `qr_required`: we do not).
 *
 * @example
 * ```ts
 * statusMeaning('CONNECTED'); // 'connected'
 * statusMeaning('SCAN_QR_CODE'); // 'qr'
 * statusMeaning('banana'); // undefined
 * ```
 */
export function statusMeaning(word: unknown): StatusMeaning | undefined {
  if (word === true) return 'connected'; // legacy check-connection-session answers `status: true`
  if (typeof word !== 'string') return undefined;
  const key = word.trim().toLowerCase();
  return Object.hasOwn(STATUS_TABLE, key) ? STATUS_TABLE[key] : undefined;
}

import { WppError } from '../backend/backend.errors.js';
import type { LastKnownStatus } from '../backend/backend.port.js';
import { describeValue } from '../backend/records.js';
import { statusMeaning } from '../backend/status.table.js';

// `session_name` of the new API is `wpp_<wppAccountNumber>`; legacy `org_<id>` names belong to no listed number.
const SESSION_NAME = /^wpp_([A-Za-z0-9_.-]{1,64})$/;

const STATUS_OF = {
  connected: 'connected',
  qr: 'qr_issued',
  pending: 'pending',
  disconnected: 'disconnected',
} as const satisfies Record<string, LastKnownStatus['status']>;

/**
 * Reads `whatsapp_sessions` rows (`session_name`, `status`, `last_qr_at`, `updated_at`) as last known statuses.
 * Status words go through the status table (`pairing` → `pending`); a row whose word means nothing, or an error,
 * whose `session_name` is not `wpp_<account>`, or whose `updated_at` is not a time, is left out. When two rows name
 * one number, the newer wins. Throws `bad_response` when the answer is not an array.
 *
 * @example
 * ```ts
 * parseLastKnown([{ session_name: 'wpp_0000000000001', status: 'connected', updated_at: '2026-02-05T10:00:00Z' }]);
 * // [{ accountNumber: '0000000000001', status: 'connected', at: 1770285600000 }]
 * ```
 */
export function parseLastKnown(rows: unknown): LastKnownStatus[] {
  if (!Array.isArray(rows)) {
    throw new WppError('bad_response', `The saved statuses are ${describeValue(rows)}, not an array`);
  }
  const byAccount = new Map<string, LastKnownStatus>();
  for (const row of rows) {
    const status = lastKnownOf(row);
    if (status === null) continue;
    const earlier = byAccount.get(status.accountNumber);
    if (earlier === undefined || earlier.at < status.at) byAccount.set(status.accountNumber, status);
  }
  return [...byAccount.values()];
}

function lastKnownOf(row: unknown): LastKnownStatus | null {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) return null;
  const { session_name, status, last_qr_at, updated_at } = row as Record<string, unknown>;
  const account = typeof session_name === 'string' ? SESSION_NAME.exec(session_name.trim())?.[1] : undefined;
  if (account === undefined) return null;
  const meaning = statusMeaning(status);
  if (meaning === undefined || meaning === 'failed') return null;
  const at = timeOf(updated_at);
  if (at === null) return null;
  const qrIssuedAt = timeOf(last_qr_at);
  return {
    accountNumber: account,
    status: STATUS_OF[meaning],
    at,
    ...(qrIssuedAt !== null && { qrIssuedAt }),
  };
}

function timeOf(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const time = Date.parse(value);
  return Number.isFinite(time) ? time : null;
}

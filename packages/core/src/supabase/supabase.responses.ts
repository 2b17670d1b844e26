import * as z from 'zod/mini';
import { WppError } from '../backend/backend.errors.js';
import type { SessionRef, StatusResult } from '../backend/backend.port.js';
import { maskApiKey } from '../backend/mask.js';
import { normalizeQr, type QrValue } from '../backend/qr.js';
import { describeValue } from '../backend/records.js';
import { statusMeaning } from '../backend/status.table.js';

// Every wpp-* body is a JSON object; fields vary by function and by deploy, so the shapes are loose and the
// readers below pick the fields the contract names, in its order of precedence.
const bodyShape = z.looseObject({
  success: z.optional(z.boolean()),
  ok: z.optional(z.boolean()),
  error: z.optional(z.unknown()),
  message: z.optional(z.unknown()),
  status: z.optional(z.unknown()),
  state: z.optional(z.unknown()),
  qrcode: z.optional(z.unknown()),
  qr: z.optional(z.unknown()),
  qrCode: z.optional(z.unknown()),
  last_qr_b64: z.optional(z.unknown()),
  last_qr_at: z.optional(z.unknown()),
  data: z.optional(z.unknown()),
  account_number: z.optional(z.unknown()),
  session: z.optional(z.unknown()),
  apiKey: z.optional(z.unknown()),
  api_key: z.optional(z.unknown()),
  integration_id: z.optional(z.unknown()),
});
type Body = z.infer<typeof bodyShape>;

/**
 * Parses a 2xx body of any `wpp-*` function into an object, or throws `bad_response` naming what came; an envelope
 * that says it failed (`{ success: false }` or `{ ok: false }`) throws `server` with its reason.
 *
 * @example
 * ```ts
 * readBody('wpp-status', { success: true, status: 'CONNECTED' }); // the object, its fields loosely typed
 * readBody('wpp-status', '<html>…'); // throws WppError('bad_response', 'wpp-status answered with an HTML page instead of JSON')
 * ```
 */
export function readBody(fn: string, body: unknown): Body {
  const parsed = bodyShape.safeParse(body);
  if (!parsed.success || Array.isArray(body)) {
    const what = body === '' || body === null || body === undefined ? 'an empty body' : describeValue(body);
    throw new WppError('bad_response', `${fn} answered with ${what} instead of JSON`);
  }
  const data = parsed.data;
  if (data.success === false || data.ok === false) {
    throw new WppError('server', `${fn} failed: ${errorText(data) ?? 'no reason given'}`);
  }
  return data;
}

/**
 * The reason in an error envelope: `{ success:false, error }`, bare `{ error }`, `{ error: { message } }` or
 * `{ message }`; `undefined` when there is none. Exported as `errorReason` by `@wpp-sessions/core/fetch`.
 *
 * @example
 * ```ts
 * errorText({ success: false, error: 'Invalid token' }); // 'Invalid token'
 * errorText({ error: { message: 'No role' } }); // 'No role'
 * ```
 */
export function errorText(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { error, message } = body as { error?: unknown; message?: unknown };
  if (typeof error === 'string' && error !== '') return error;
  if (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { message?: unknown }).message === 'string'
  ) {
    return (error as { message: string }).message;
  }
  if (typeof message === 'string' && message !== '') return message;
  return undefined;
}

/**
 * The QR of a body, from whichever field carries it: `qrcode`, `qr`, `qrCode`, `last_qr_b64`, `data.qr`; `null`
 * when none does. Throws `invalid_qr` for a value that is neither a QR payload nor a PNG data URL.
 *
 * @example
 * ```ts
 * qrOf(readBody('wpp-qr', { success: true, qrcode: '2@AbC,def==' })); // { kind: 'text', value: '2@AbC,def==' }
 * ```
 */
export function qrOf(body: Body): QrValue | null {
  const nested =
    typeof body.data === 'object' && body.data !== null ? (body.data as Record<string, unknown>) : undefined;
  const raw =
    firstPresent(body.qrcode, body.qr, body.qrCode, body.last_qr_b64) ??
    firstPresent(nested?.qr, nested?.qrcode, nested?.qrCode);
  return normalizeQr(raw);
}

/**
 * A status body (`wpp-status`, `wpp-start`, `wpp-create`) as a `StatusResult`. When the body names an account
 * number that is not `ref`'s, the answer belongs to another number and is refused: the user's panel once showed
 * the primary's status on every card.
 *
 * @example
 * ```ts
 * statusOf('wpp-status', readBody('wpp-status', { status: 'QRCODE', qrcode: '2@AbC,def==' }));
 * // { status: 'qr_issued', qr: { kind: 'text', value: '2@AbC,def==' } }
 * ```
 */
export function statusOf(fn: string, body: Body, ref?: SessionRef): StatusResult {
  const word = body.status ?? body.state;
  if (
    ref?.accountNumber &&
    typeof body.account_number === 'string' &&
    body.account_number !== ref.accountNumber
  ) {
    throw new WppError(
      'bad_response',
      `${fn} answered for number ${body.account_number}, not ${ref.accountNumber}: the backend ignored integration_id`,
    );
  }
  const meaning = statusMeaning(word);
  const detail = typeof body.message === 'string' ? body.message : undefined;
  switch (meaning) {
    case 'connected':
      return { status: 'connected' };
    case 'qr': {
      const qr = qrOf(body);
      return qr === null
        ? { status: 'pending', detail: 'QR code not ready yet' }
        : withIssuedAt({ status: 'qr_issued', qr }, body.last_qr_at);
    }
    case 'pending': {
      // A QR may arrive with a "starting" word (wpp-create reports timeouts as starting).
      const qr = qrOf(body);
      return qr === null ? withDetail({ status: 'pending' }, detail) : { status: 'qr_issued', qr };
    }
    case 'disconnected':
      return withDetail({ status: 'disconnected' }, detail);
    case 'failed':
      throw new WppError('server', `${fn} reports an error${detail ? `: ${detail}` : ''}`);
    default:
      throw new WppError(
        'bad_response',
        word === undefined
          ? `${fn} answered without a status`
          : `${fn} answered with an unknown status ${typeof word === 'string' ? `"${word.slice(0, 40)}"` : describeValue(word)}`,
      );
  }
}

/** The `wpp-create` body: the new number's account, masked key, first status, and (when sent) its row id. */
export function createdOf(body: Body): {
  accountNumber: string;
  apiKeyMasked: string | null;
  integrationId: string | null;
  status: StatusResult;
} {
  const accountNumber = firstPresent(body.session, body.account_number);
  if (typeof accountNumber !== 'string' || accountNumber.trim() === '') {
    throw new WppError('bad_response', 'wpp-create answered without the new session id');
  }
  return {
    accountNumber: accountNumber.trim(),
    apiKeyMasked: maskApiKey(firstPresent(body.apiKey, body.api_key)),
    integrationId: typeof body.integration_id === 'string' ? body.integration_id : null,
    status: statusOf('wpp-create', body),
  };
}

// `last_qr_at` (ISO text) says when the backend issued this QR; a time in the future or unreadable is ignored.
function withIssuedAt(result: StatusResult & { status: 'qr_issued' }, lastQrAt: unknown): StatusResult {
  const at = typeof lastQrAt === 'string' ? Date.parse(lastQrAt) : Number.NaN;
  return Number.isFinite(at) && at <= Date.now() ? { ...result, issuedAt: at } : result;
}

function withDetail<T extends { status: string }>(result: T, detail: string | undefined): T {
  return detail === undefined ? result : { ...result, detail };
}

function firstPresent(...values: unknown[]): unknown {
  return values.find((value) => value !== undefined && value !== null && value !== '' && value !== false);
}

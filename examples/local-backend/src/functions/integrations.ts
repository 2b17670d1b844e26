import { randomBytes, randomUUID } from 'node:crypto';
import type { Transaction } from '@electric-sql/pglite';
import { bearerToken, verifyToken } from '../auth/auth.js';
import { asRequest, type RequestClaims } from '../db/database.js';
import { json, type Reply } from '../http/http.js';
import type { AccountStatus } from '../platform/platform.store.js';
import type { AppContext, Incoming } from '../server/context.js';

/** A `messenger_integrations` row as JSON (what PostgREST would return). */
export interface IntegrationRow {
  id: string;
  organization_id: string;
  messenger_type: string;
  provider: string;
  name: string;
  is_primary: boolean | null;
  is_enabled: boolean | null;
  is_active: boolean | null;
  webhook_key: string;
  settings: Record<string, unknown>;
  created_at: string | null;
  updated_at: string | null;
  [column: string]: unknown;
}

/** Who is calling: the verified claims and the caller's organization. */
export interface Caller {
  claims: RequestClaims & { role: 'authenticated'; sub: string };
  organizationId: string;
}

/** The error texts and envelope of one function family, as the contract records them. */
export interface ErrorStyle {
  missing: string;
  invalid: string;
  noProfile: string;
  /** `wpp-disconnect` answers a bare `{ error }`; the others `{ success: false, error }`. */
  bare: boolean;
}

/** `messenger-integrations` (contract §2.3). */
export const INTEGRATIONS_STYLE: ErrorStyle = {
  missing: 'Authorization required',
  invalid: 'Invalid token',
  noProfile: 'User profile not found',
  bare: false,
};
/** `wpp-create`, `wpp-status`, `wpp-qr`, `wpp-start` (contract §4). */
export const WPP_STYLE: ErrorStyle = {
  missing: 'Missing authorization',
  invalid: 'Unauthorized',
  noProfile: 'Organization not found',
  bare: false,
};
/** `wpp-disconnect` and the `/dev/` routes: bare `{ error }` bodies (contract §4.6). */
export const BARE_STYLE: ErrorStyle = { ...WPP_STYLE, bare: true };

/**
 * An error reply in a family's envelope.
 *
 * @example
 * ```ts
 * failure(WPP_STYLE, 404, 'WPP integration not found'); // 404 { success: false, error: … }
 * ```
 */
export function failure(style: ErrorStyle, status: number, error: string): Reply {
  return json(status, style.bare ? { error } : { success: false, error });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether a value is a uuid.
 *
 * @example
 * ```ts
 * isUuid('wpp_0000000000001'); // false
 * ```
 */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/**
 * Verifies the bearer token of a function call and finds the caller's organization (as the caller, so RLS
 * applies to the profile read too). Returns the caller, or the 401/404 reply of the function family.
 *
 * @example
 * ```ts
 * const caller = await authenticate(ctx, req, WPP_STYLE);
 * if ('status' in caller) return caller;
 * ```
 */
export async function authenticate(
  ctx: AppContext,
  req: Incoming,
  style: ErrorStyle,
): Promise<Caller | Reply> {
  const result = await verifyToken(ctx.jwtSecret, bearerToken(req.headers.authorization));
  if (result.kind === 'missing') return failure(style, 401, style.missing);
  if (result.kind === 'invalid' || result.claims.role !== 'authenticated' || !result.claims.sub) {
    // The anon key is a valid JWT, but it names no user: the functions answer it like a bad token.
    return failure(style, 401, style.invalid);
  }
  const claims = result.claims as Caller['claims'];
  const organizationId = await asRequest(ctx.db, claims, async (tx) => {
    const { rows } = await tx.query<{ organization_id: string | null }>(
      'select organization_id from public.profiles where id = auth.uid()',
    );
    return rows[0]?.organization_id ?? null;
  });
  if (organizationId === null) return failure(style, 404, style.noProfile);
  return { claims, organizationId };
}

/**
 * Reads a WPP row of the caller's organization: the given id (404 later if `null` comes back), or without an id
 * the primary active WPP WhatsApp row, else the oldest active one (the user's functions fetched such a row and
 * then discarded it). `activeOnly: false` also finds rows switched off by `is_active` or `is_enabled`.
 *
 * @example
 * ```ts
 * const row = await asRequest(db, caller.claims, (tx) => findWppRow(tx, caller.organizationId, id));
 * ```
 */
export async function findWppRow(
  tx: Transaction,
  organizationId: string,
  id: string | null,
  options: { activeOnly?: boolean } = {},
): Promise<IntegrationRow | null> {
  const active =
    options.activeOnly === false ? '' : 'and coalesce(mi.is_active, true) and coalesce(mi.is_enabled, true)';
  const base = `select row_to_json(mi) as row from public.messenger_integrations mi
    where mi.organization_id = $1 and mi.messenger_type = 'whatsapp' and mi.provider = 'wpp' ${active}`;
  const { rows } =
    id === null
      ? await tx.query<{ row: IntegrationRow }>(
          `${base} order by mi.is_primary desc nulls last, mi.created_at asc limit 1`,
          [organizationId],
        )
      : await tx.query<{ row: IntegrationRow }>(`${base} and mi.id = $2`, [organizationId, id]);
  return rows[0]?.row ?? null;
}

/**
 * The WPP credentials of a row, or `null` when the row lacks either.
 *
 * @example
 * ```ts
 * credentials(row); // { accountNumber: '0000000000001', apiKey: 'wppk_…' } or null
 * ```
 */
export function credentials(row: IntegrationRow): { accountNumber: string; apiKey: string } | null {
  const settings = row.settings ?? {};
  const accountNumber = settings.wppAccountNumber;
  const apiKey = settings.wppApiKey;
  if (typeof accountNumber !== 'string' || accountNumber.trim() === '') return null;
  if (typeof apiKey !== 'string' || apiKey.trim() === '') return null;
  return { accountNumber, apiKey };
}

/**
 * Inserts a new WPP row: `is_active` AND `is_enabled` true, a unique `webhook_key`, and `is_primary` only when
 * the organization has no primary WhatsApp row yet (inside the transaction, so two creates cannot both become
 * primary; the unique partial index is the second guard).
 *
 * @example
 * ```ts
 * const row = await insertWppRow(tx, orgId, { wppApiKey, wppAccountNumber });
 * ```
 */
export async function insertWppRow(
  tx: Transaction,
  organizationId: string,
  settings: Record<string, unknown>,
): Promise<IntegrationRow> {
  const { rows } = await tx.query<{ row: IntegrationRow }>(
    `insert into public.messenger_integrations
       (organization_id, messenger_type, provider, name, is_primary, is_active, is_enabled, webhook_key, settings)
     values ($1, 'whatsapp', 'wpp', 'WhatsApp (WPP)',
       not exists (select 1 from public.messenger_integrations p
                   where p.organization_id = $1 and p.messenger_type = 'whatsapp' and p.is_primary),
       true, true, $2, $3::jsonb)
     returning row_to_json(messenger_integrations.*) as row`,
    [organizationId, randomUUID(), JSON.stringify(settings)],
  );
  const row = rows[0]?.row;
  if (!row) throw new Error('insert returned no row');
  return row;
}

/**
 * A simulated upstream JWT, cached in settings like the real `wppJwtToken` / `wppJwtExpiresAt` (epoch ms).
 *
 * @example
 * ```ts
 * const settings = { wppApiKey, wppAccountNumber, ...simulatedJwt() };
 * ```
 */
export function simulatedJwt(): { wppJwtToken: string; wppJwtExpiresAt: number } {
  return {
    wppJwtToken: `simjwt_${randomBytes(24).toString('base64url')}`,
    wppJwtExpiresAt: Date.now() + 3_600_000,
  };
}

/**
 * Upserts `whatsapp_sessions` (`session_name = 'wpp_' + account`) as the caller. `last_qr_at` keeps its time
 * while the QR is unchanged, so it says when this QR was issued. Returns `last_qr_at`.
 *
 * @example
 * ```ts
 * await upsertSession(tx, orgId, '0000000000001', 'qr_issued', qr);
 * ```
 */
export async function upsertSession(
  tx: Transaction,
  organizationId: string,
  accountNumber: string,
  status: 'connected' | 'disconnected' | 'qr_issued',
  qr: string | null,
): Promise<string | null> {
  const { rows } = await tx.query<{ last_qr_at: string | null }>(
    `insert into public.whatsapp_sessions (organization_id, session_name, status, last_qr_b64, last_qr_at)
     values ($1, 'wpp_' || $2::text, $3, $4::text, case when $4::text is null then null else now() end)
     on conflict (session_name) do update set
       status = excluded.status,
       last_qr_b64 = excluded.last_qr_b64,
       last_qr_at = case when whatsapp_sessions.last_qr_b64 is not distinct from excluded.last_qr_b64
                         then whatsapp_sessions.last_qr_at else excluded.last_qr_at end,
       updated_at = now()
     returning to_json(last_qr_at) #>> '{}' as last_qr_at`,
    [organizationId, accountNumber, status, qr],
  );
  return rows[0]?.last_qr_at ?? null;
}

/**
 * Writes `whatsapp_sessions` as the user's `wpp-webhook` does when the platform reports an event (`qr` →
 * `qr_issued` with the QR and `last_qr_at`, `connected`, `offline` → `disconnected`); a starting account sends none.
 * The user's `wpp-create` does not write the table itself: its webhook does, moments later.
 *
 * @example
 * ```ts
 * await saveAsWebhook(ctx, caller, '0000000000001', { state: 'qr', qr: '2@…', known: true });
 * ```
 */
export async function saveAsWebhook(
  ctx: AppContext,
  caller: Caller,
  accountNumber: string,
  status: Pick<AccountStatus, 'state' | 'qr'>,
): Promise<void> {
  if (status.state === 'starting') return;
  const word =
    status.state === 'connected' ? 'connected' : status.state === 'qr' ? 'qr_issued' : 'disconnected';
  await asRequest(ctx.db, caller.claims, (tx) =>
    upsertSession(tx, caller.organizationId, accountNumber, word, status.state === 'qr' ? status.qr : null),
  );
}

const SECRET_KEY_PARTS = [
  'apitoken',
  'api_token',
  'apikey',
  'api_key',
  'keysecret',
  'key_secret',
  'token',
  'secret',
];

/**
 * Masks settings as the `messenger-integrations` function does: every key whose lower-cased name contains
 * `apitoken, api_token, apikey, api_key, keysecret, key_secret, token` or `secret` becomes `'••••••••' + last4`.
 *
 * @example
 * ```ts
 * maskSettings({ wppApiKey: 'wppk_abcdef123456', wppAccountNumber: '0000000000001' });
 * // { wppApiKey: '••••••••3456', wppAccountNumber: '0000000000001' }
 * ```
 */
export function maskSettings(settings: Record<string, unknown>): Record<string, unknown> {
  const masked: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(settings)) {
    const lower = key.toLowerCase();
    if (SECRET_KEY_PARTS.some((part) => lower.includes(part)) && value !== null && value !== undefined) {
      masked[key] = `••••••••${String(value).slice(-4)}`;
    } else {
      masked[key] = value;
    }
  }
  return masked;
}

/**
 * Masks an API key as `wpp-create` does: the first 6 and last 4 characters around `••••••`.
 *
 * @example
 * ```ts
 * maskCreatedKey('wppk_0123456789abcdef'); // 'wppk_0••••••cdef'
 * ```
 */
export function maskCreatedKey(key: string): string {
  return key.length <= 10 ? '••••••' : `${key.slice(0, 6)}••••••${key.slice(-4)}`;
}

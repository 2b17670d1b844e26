import { randomUUID } from 'node:crypto';
import { asRequest } from '../db/database.js';
import { json, parseJsonBody, type Reply, sleep } from '../http/http.js';
import { type AccountStatus, InvalidApiKeyError } from '../platform/platform.store.js';
import type { AppContext, Incoming } from '../server/context.js';
import {
  authenticate,
  BARE_STYLE,
  type Caller,
  credentials,
  type ErrorStyle,
  failure,
  findWppRow,
  INTEGRATIONS_STYLE,
  type IntegrationRow,
  insertWppRow,
  isUuid,
  maskCreatedKey,
  maskSettings,
  saveAsWebhook,
  simulatedJwt,
  upsertSession,
  WPP_STYLE,
} from './integrations.js';

/** The edge functions this server answers, by name. */
export const FUNCTION_NAMES = [
  'messenger-integrations',
  'wpp-create',
  'wpp-status',
  'wpp-qr',
  'wpp-start',
  'wpp-disconnect',
] as const;

/** One of `FUNCTION_NAMES`. */
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/**
 * Whether a name is one of the functions this server answers.
 *
 * @example
 * ```ts
 * isFunctionName('wpp-status'); // true
 * ```
 */
export function isFunctionName(name: string): name is FunctionName {
  return (FUNCTION_NAMES as readonly string[]).includes(name);
}

const NO_STORE = { 'Cache-Control': 'no-store' };
const METHODS: Record<FunctionName, readonly string[]> = {
  'messenger-integrations': ['GET', 'PUT'],
  'wpp-create': ['POST'],
  'wpp-status': ['POST'],
  'wpp-qr': ['GET', 'POST'],
  'wpp-start': ['POST'],
  'wpp-disconnect': ['POST'],
};

/**
 * Answers one edge function call. Authentication, organization lookup and every database read or write run
 * as the caller (RLS applies); platform calls run between those transactions, never inside one.
 *
 * @example
 * ```ts
 * const reply = await handleFunction(ctx, 'wpp-status', incoming);
 * ```
 */
export async function handleFunction(ctx: AppContext, name: FunctionName, req: Incoming): Promise<Reply> {
  const style =
    name === 'messenger-integrations'
      ? INTEGRATIONS_STYLE
      : name === 'wpp-disconnect'
        ? BARE_STYLE
        : WPP_STYLE;
  // Like the real functions behind verify_jwt: without a valid token nothing else is looked at.
  const caller = await authenticate(ctx, req, style);
  if ('status' in caller) return caller;
  if (!METHODS[name].includes(req.method)) return failure(style, 405, 'Method not allowed');
  const body = parseJsonBody(req.bodyText);
  if (body === undefined) return failure(style, 400, 'Invalid JSON body');
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return failure(style, 400, 'Request body must be a JSON object');
  }
  const input = body as Record<string, unknown>;
  try {
    switch (name) {
      case 'messenger-integrations':
        return req.method === 'PUT'
          ? await updateIntegration(ctx, caller, input)
          : await listIntegrations(ctx, caller, req);
      case 'wpp-create':
        return await wppCreate(ctx, caller, input);
      case 'wpp-status':
        return await wppStatus(ctx, caller, input);
      case 'wpp-qr':
        return await wppQr(ctx, caller, req, input);
      case 'wpp-start':
        return await wppStart(ctx, caller, input);
      case 'wpp-disconnect':
        return await wppDisconnect(ctx, caller, input);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (name === 'wpp-disconnect') return json(500, { ok: false, success: false, error: message });
    return failure(style, 500, message);
  }
}

/** `GET messenger-integrations[?messenger_type=…]`: the organization's rows, primary first, secrets masked. */
async function listIntegrations(ctx: AppContext, caller: Caller, req: Incoming): Promise<Reply> {
  const type = req.url.searchParams.get('messenger_type');
  const rows = await asRequest(ctx.db, caller.claims, async (tx) => {
    const params: unknown[] = [caller.organizationId];
    let sql =
      'select row_to_json(mi) as row from public.messenger_integrations mi where mi.organization_id = $1';
    if (type !== null) {
      params.push(type);
      sql += ' and mi.messenger_type = $2';
    }
    sql += ' order by mi.is_primary desc, mi.created_at asc';
    return (await tx.query<{ row: IntegrationRow }>(sql, params)).rows.map((r) => r.row);
  });
  const integrations = rows.map((row) => ({ ...row, settings: maskSettings(row.settings ?? {}) }));
  return json(200, { success: true, integrations });
}

/** The longest name a PUT accepts, in characters (the core's `rename` sends at most as many). */
export const NAME_MAX_LENGTH = 100;
// Fields of the user's PUT this server does not change; refused by name rather than silently ignored.
const PUT_FIELDS = new Set(['id', 'name']);

/**
 * `PUT messenger-integrations {id, name?}` (contract §2.3): renames a row of the caller's organization and answers
 * `{success:true, integration}` with its settings masked. As the user's function: 400 `'Missing integration id'`,
 * 404 `'Integration not found'` for an id that is not the organization's (or not a uuid), `updated_at` set even
 * when only `id` is sent. Stricter than it: the name must be text, is trimmed, must not be empty, longer than
 * `NAME_MAX_LENGTH` characters or hold control characters (400); only admins may write (403, RLS); the other fields
 * of the user's PUT (`provider`, `is_primary`, `is_enabled`, `settings`) are refused with 400.
 */
async function updateIntegration(
  ctx: AppContext,
  caller: Caller,
  input: Record<string, unknown>,
): Promise<Reply> {
  const style = INTEGRATIONS_STYLE;
  const other = Object.keys(input).find((key) => !PUT_FIELDS.has(key));
  if (other !== undefined) {
    return failure(
      style,
      400,
      `Field ${JSON.stringify(other.slice(0, 40))} is not served by the local backend (only name)`,
    );
  }
  const id = input.id;
  if (id === undefined || id === null || id === '') return failure(style, 400, 'Missing integration id');
  if (!isUuid(id)) return failure(style, 404, 'Integration not found');
  let name: string | null = null;
  if (input.name !== undefined) {
    if (typeof input.name !== 'string') return failure(style, 400, 'name must be text');
    name = input.name.trim();
    if (name === '') return failure(style, 400, 'name must not be empty');
    if ([...name].length > NAME_MAX_LENGTH) {
      return failure(style, 400, `name must be at most ${NAME_MAX_LENGTH} characters`);
    }
    if (/\p{Cc}/u.test(name)) return failure(style, 400, 'name must not contain control characters');
  }
  const orgId = caller.organizationId;
  const outcome = await asRequest(ctx.db, caller.claims, async (tx) => {
    const visible = await tx.query(
      'select 1 from public.messenger_integrations where id = $1 and organization_id = $2',
      [id.toLowerCase(), orgId],
    );
    if (visible.rows.length === 0) return 'missing' as const;
    // RLS lets only admins update: a member's update matches no row.
    const { rows } = await tx.query<{ row: IntegrationRow }>(
      `update public.messenger_integrations mi
          set name = coalesce($3::text, mi.name), updated_at = now()
        where mi.id = $1 and mi.organization_id = $2
        returning row_to_json(mi.*) as row`,
      [id.toLowerCase(), orgId, name],
    );
    return rows[0]?.row ?? ('forbidden' as const);
  }).catch((error: unknown) => {
    if ((error as { code?: string }).code === '42501') return 'forbidden' as const;
    throw error;
  });
  if (outcome === 'missing') return failure(style, 404, 'Integration not found');
  if (outcome === 'forbidden') return failure(style, 403, 'Only organization admins can manage integrations');
  return json(200, {
    success: true,
    integration: { ...outcome, settings: maskSettings(outcome.settings ?? {}) },
  });
}

/** Reads `integration_id` of a body: `null` when absent, a uuid, or an error reply. */
function integrationIdOf(input: Record<string, unknown>, style: ErrorStyle): string | null | Reply {
  const id = input.integration_id;
  if (id === undefined || id === null || id === '') return null;
  if (!isUuid(id)) return failure(style, 400, 'integration_id must be a uuid');
  return id.toLowerCase();
}

/**
 * Starts an account and waits up to `qrWaitMs` for a QR or a connection (the platform needs `startDelayMs`
 * before its first QR). The wait happens outside any transaction.
 */
async function startAndWait(
  ctx: AppContext,
  accountNumber: string,
  apiKey: string,
  organizationId: string,
): Promise<AccountStatus> {
  let status = await ctx.platform.start(accountNumber, apiKey, { organizationId });
  const deadline = performance.now() + (ctx.qrWaitByOrganization.get(organizationId) ?? ctx.qrWaitMs);
  while (status.state === 'starting' && performance.now() < deadline) {
    await sleep(Math.min(50, Math.max(1, deadline - performance.now())));
    status = await ctx.platform.status(accountNumber);
  }
  return status;
}

/**
 * `POST wpp-create {add_new?, force_recreate?}`. `add_new` always inserts a new row for a new platform
 * account; otherwise the organization's primary (or oldest) active WPP row is reconnected, or replaced with a
 * new account on `force_recreate`, or created when there is none. Answers contract §4.3 plus `integration_id`.
 */
async function wppCreate(ctx: AppContext, caller: Caller, input: Record<string, unknown>): Promise<Reply> {
  const addNew = input.add_new === true;
  const forceRecreate = input.force_recreate === true;
  const orgId = caller.organizationId;
  const existing = addNew
    ? null
    : await asRequest(ctx.db, caller.claims, (tx) => findWppRow(tx, orgId, null));
  const existingCredentials = existing ? credentials(existing) : null;

  if (existing && existingCredentials && !forceRecreate) {
    const { accountNumber, apiKey } = existingCredentials;
    if (
      !(await ctx.platform.checkKey(accountNumber, apiKey)) &&
      (await ctx.platform.status(accountNumber)).known
    ) {
      return failure(WPP_STYLE, 500, new InvalidApiKeyError().message);
    }
    let status = await ctx.platform.status(accountNumber);
    if (status.state !== 'connected') status = await startAndWait(ctx, accountNumber, apiKey, orgId);
    await saveAsWebhook(ctx, caller, accountNumber, status);
    return createdReply(existing.id, accountNumber, apiKey, status);
  }

  const subOrgId = addNew ? `${orgId}__wpp__${randomUUID().slice(0, 8)}` : null;
  const account = await ctx.platform.createAccount({ organizationId: orgId, subOrgId });
  const settings: Record<string, unknown> = {
    wppApiKey: account.apiKey,
    wppAccountNumber: account.accountNumber,
    ...simulatedJwt(),
    ...(subOrgId ? { wppSubOrgId: subOrgId } : {}),
  };
  let row: IntegrationRow;
  try {
    row = await asRequest(ctx.db, caller.claims, async (tx) => {
      if (existing) {
        const { rows } = await tx.query<{ row: IntegrationRow }>(
          `update public.messenger_integrations mi
              set settings = mi.settings || $2::jsonb, is_active = true, is_enabled = true, updated_at = now()
            where mi.id = $1 and mi.organization_id = $3
            returning row_to_json(mi.*) as row`,
          [existing.id, JSON.stringify(settings), orgId],
        );
        if (!rows[0]) throw new Error('Failed to update integration: row not visible');
        return rows[0].row;
      }
      return insertWppRow(tx, orgId, settings);
    });
  } catch (error) {
    await ctx.platform.stop(account.accountNumber);
    const message = error instanceof Error ? error.message : String(error);
    if ((error as { code?: string }).code === '42501') {
      return failure(WPP_STYLE, 403, 'Only organization admins can manage integrations');
    }
    return failure(WPP_STYLE, 500, `Failed to ${existing ? 'update' : 'save'} integration: ${message}`);
  }
  if (existingCredentials && existingCredentials.accountNumber !== account.accountNumber) {
    await ctx.platform.stop(existingCredentials.accountNumber);
  }
  const status = await startAndWait(ctx, account.accountNumber, account.apiKey, orgId);
  await saveAsWebhook(ctx, caller, account.accountNumber, status);
  return createdReply(row.id, account.accountNumber, account.apiKey, status);
}

function createdReply(
  integrationId: string,
  accountNumber: string,
  apiKey: string,
  status: AccountStatus,
): Reply {
  const word = status.state === 'connected' ? 'connected' : status.state === 'qr' ? 'qr_issued' : 'starting';
  return json(200, {
    success: true,
    session: accountNumber,
    apiKey: maskCreatedKey(apiKey),
    status: word,
    ...(status.state === 'qr' && status.qr ? { qrcode: status.qr } : {}),
    integration_id: integrationId,
  });
}

/**
 * `POST wpp-status {integration_id?, force?}` (contract §4.4), answering for that integration. Answers are
 * always live: the user's function returned a cached `connected` unless `force`, which could be stale.
 */
async function wppStatus(ctx: AppContext, caller: Caller, input: Record<string, unknown>): Promise<Reply> {
  const id = integrationIdOf(input, WPP_STYLE);
  if (id !== null && typeof id === 'object') return id;
  const orgId = caller.organizationId;
  const row = await asRequest(ctx.db, caller.claims, (tx) => findWppRow(tx, orgId, id));
  if (!row) {
    if (id !== null) return failure(WPP_STYLE, 404, 'WPP integration not found');
    return json(
      200,
      { success: true, status: 'disconnected', message: 'WPP integration not configured' },
      NO_STORE,
    );
  }
  const creds = credentials(row);
  if (!creds) {
    const account = row.settings?.wppAccountNumber;
    return json(
      200,
      {
        success: true,
        status: 'disconnected',
        message: 'wppApiKey or wppAccountNumber not configured',
        ...(typeof account === 'string' ? { account_number: account } : {}),
      },
      NO_STORE,
    );
  }
  const { accountNumber, apiKey } = creds;
  // The real upstream turns any failure (401, unknown account) into `offline`.
  const status = (await ctx.platform.checkKey(accountNumber, apiKey))
    ? await ctx.platform.status(accountNumber)
    : ({ state: 'offline', qr: null, known: false } satisfies AccountStatus);
  const reply = await asRequest(ctx.db, caller.claims, async (tx): Promise<Reply> => {
    switch (status.state) {
      case 'connected':
        await upsertSession(tx, orgId, accountNumber, 'connected', null);
        return json(200, { success: true, status: 'connected', account_number: accountNumber }, NO_STORE);
      case 'qr': {
        const lastQrAt = await upsertSession(tx, orgId, accountNumber, 'qr_issued', status.qr);
        return json(
          200,
          {
            success: true,
            status: 'qr_issued',
            qrcode: status.qr,
            ...(lastQrAt ? { last_qr_at: lastQrAt } : {}),
            account_number: accountNumber,
          },
          NO_STORE,
        );
      }
      case 'starting':
        return json(
          200,
          {
            success: true,
            status: 'qr_pending',
            message: 'QR code not ready yet',
            account_number: accountNumber,
          },
          NO_STORE,
        );
      case 'offline':
        await upsertSession(tx, orgId, accountNumber, 'disconnected', null);
        return json(
          200,
          {
            success: true,
            status: 'disconnected',
            message: 'Account is offline',
            account_number: accountNumber,
          },
          NO_STORE,
        );
    }
  });
  return reply;
}

/**
 * `GET wpp-qr?session=&integration_id=` or `POST {session?, integration_id?}` (contract §4.5). Unlike the
 * user's function it works with any number of WPP rows: the integration id or the session picks the row.
 */
async function wppQr(
  ctx: AppContext,
  caller: Caller,
  req: Incoming,
  input: Record<string, unknown>,
): Promise<Reply> {
  const query = req.url.searchParams;
  const session = query.get('session') ?? (typeof input.session === 'string' ? input.session : null);
  const rawId = query.get('integration_id') ?? input.integration_id;
  const id = integrationIdOf({ integration_id: rawId }, WPP_STYLE);
  if (id !== null && typeof id === 'object') return id;
  if (id === null && (session === null || session === '')) {
    return failure(WPP_STYLE, 400, 'Session parameter required');
  }
  const orgId = caller.organizationId;
  const row = await asRequest(ctx.db, caller.claims, async (tx) => {
    if (id !== null) return findWppRow(tx, orgId, id);
    const { rows } = await tx.query<{ row: IntegrationRow }>(
      `select row_to_json(mi) as row from public.messenger_integrations mi
        where mi.organization_id = $1 and mi.messenger_type = 'whatsapp' and mi.provider = 'wpp'
          and coalesce(mi.is_active, true) and coalesce(mi.is_enabled, true)
          and mi.settings ->> 'wppAccountNumber' = $2
        order by mi.is_primary desc nulls last, mi.created_at asc limit 1`,
      [orgId, session],
    );
    return rows[0]?.row ?? null;
  });
  if (!row) {
    return failure(
      WPP_STYLE,
      404,
      id !== null ? 'WPP integration not found' : 'Session not found for this organization',
    );
  }
  const account = row.settings?.wppAccountNumber;
  if (session !== null && session !== '' && account !== session) {
    return failure(WPP_STYLE, 404, 'Session not found for this organization');
  }
  const creds = credentials(row);
  if (!creds) return failure(WPP_STYLE, 400, 'WPP API key not configured');
  const qr = (await ctx.platform.checkKey(creds.accountNumber, creds.apiKey))
    ? await ctx.platform.qr(creds.accountNumber)
    : null;
  return json(200, { success: true, qr }, NO_STORE);
}

/**
 * `POST wpp-start {integration_id?}` (contract §4.7): a new QR for an existing number. HTTP 408 when no QR is
 * ready within `qrWaitMs`. An account the platform does not know (e.g. lost upstream) is re-created offline
 * with the row's key and started.
 */
async function wppStart(ctx: AppContext, caller: Caller, input: Record<string, unknown>): Promise<Reply> {
  const id = integrationIdOf(input, WPP_STYLE);
  if (id !== null && typeof id === 'object') return id;
  const orgId = caller.organizationId;
  const row = await asRequest(ctx.db, caller.claims, (tx) => findWppRow(tx, orgId, id));
  if (!row) {
    if (id !== null) return failure(WPP_STYLE, 404, 'WPP integration not found');
    return failure(
      WPP_STYLE,
      404,
      'WPP integration not configured. Please add wppApiKey and wppAccountNumber in settings.',
    );
  }
  const settings = row.settings ?? {};
  if (typeof settings.wppApiKey !== 'string' || settings.wppApiKey === '') {
    return failure(WPP_STYLE, 400, 'wppApiKey not configured in integration settings');
  }
  if (typeof settings.wppAccountNumber !== 'string' || settings.wppAccountNumber === '') {
    return failure(WPP_STYLE, 400, 'wppAccountNumber not configured in integration settings');
  }
  const accountNumber = settings.wppAccountNumber;
  let status: AccountStatus;
  try {
    status = await startAndWait(ctx, accountNumber, settings.wppApiKey, orgId);
  } catch (error) {
    if (error instanceof InvalidApiKeyError) {
      return json(500, { success: false, ok: false, status: 'error', error: error.message });
    }
    throw error;
  }
  if (status.state === 'starting' || status.state === 'offline') {
    return json(408, { success: false, ok: false, status: 'timeout', error: 'Timeout waiting for QR code' });
  }
  return asRequest(ctx.db, caller.claims, async (tx) => {
    if (status.state === 'connected') {
      await upsertSession(tx, orgId, accountNumber, 'connected', null);
      return json(200, { success: true, ok: true, status: 'connected', account_number: accountNumber });
    }
    await upsertSession(tx, orgId, accountNumber, 'qr_issued', status.qr);
    return json(200, {
      success: true,
      ok: true,
      status: 'qr_issued',
      qrcode: status.qr,
      account_number: accountNumber,
    });
  });
}

/**
 * `POST wpp-disconnect {integration_id?}` (contract §4.6): stops the account upstream, deletes the row and marks
 * the session disconnected. Unlike the user's function, a failed or impossible stop (unknown account, row
 * without credentials) does not keep the row: the admin asked for it to go. A deleted primary hands its flag to
 * the oldest remaining WhatsApp row.
 */
async function wppDisconnect(
  ctx: AppContext,
  caller: Caller,
  input: Record<string, unknown>,
): Promise<Reply> {
  const id = integrationIdOf(input, BARE_STYLE);
  if (id !== null && typeof id === 'object') return id;
  const orgId = caller.organizationId;
  const row = await asRequest(ctx.db, caller.claims, (tx) =>
    findWppRow(tx, orgId, id, { activeOnly: id === null }),
  );
  if (!row) return failure(BARE_STYLE, 404, 'WPP integration not found');
  const creds = credentials(row);
  const removed = await asRequest(ctx.db, caller.claims, async (tx) => {
    const { rows } = await tx.query<{ id: string; is_primary: boolean | null }>(
      'delete from public.messenger_integrations where id = $1 and organization_id = $2 returning id, is_primary',
      [row.id, orgId],
    );
    const deleted = rows[0];
    if (!deleted) return false;
    if (deleted.is_primary) {
      await tx.query(
        `update public.messenger_integrations set is_primary = true, updated_at = now()
          where id = (select id from public.messenger_integrations
                       where organization_id = $1 and messenger_type = 'whatsapp'
                       order by created_at asc limit 1)`,
        [orgId],
      );
    }
    if (creds) await upsertSession(tx, orgId, creds.accountNumber, 'disconnected', null);
    return true;
  });
  if (!removed) return failure(BARE_STYLE, 403, 'Only organization admins can manage integrations');
  // Stopped after the row is gone: a stop that fails (the account no longer exists) changes nothing.
  if (creds && (await ctx.platform.checkKey(creds.accountNumber, creds.apiKey))) {
    await ctx.platform.stop(creds.accountNumber).catch(() => false);
  }
  return json(200, { ok: true, success: true, status: 'disconnected' });
}

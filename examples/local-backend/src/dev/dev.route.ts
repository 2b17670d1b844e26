import { asRequest } from '../db/database.js';
import {
  authenticate,
  BARE_STYLE,
  type Caller,
  credentials,
  failure,
  findWppRow,
  isUuid,
  saveAsWebhook,
} from '../functions/integrations.js';
import { parseFaults } from '../http/faults.js';
import { json, parseJsonBody, type Reply } from '../http/http.js';
import type { PlatformConfig } from '../platform/platform.store.js';
import type { AppContext, Incoming } from '../server/context.js';

/** Dev routes that are gone, with where to look instead. */
const REFUSED: Record<string, string> = {
  'GET tokens':
    'GET /dev/tokens is gone: any web page could read it. The panel gets its tokens from the server that serves it (npm start)',
  'GET stats': 'Request counts cover every organization: read backend.stats in-process',
};

/**
 * Answers the dev-only routes under `/dev/`. Every route needs a valid token (bearer) and acts only inside the
 * token's organization: scan, drop, online and QR of one of its numbers; its own fault injection and platform
 * timing; reset of its own rows. `GET /dev/tokens` and `GET /dev/stats` are refused (they would cover every
 * organization).
 *
 * @example
 * ```ts
 * const reply = await handleDev(ctx, 'scan', incoming);
 * ```
 */
export async function handleDev(ctx: AppContext, route: string, req: Incoming): Promise<Reply> {
  const refused = REFUSED[`${req.method} ${route}`];
  if (refused !== undefined) return json(404, { error: refused });
  // A web page can send a cross-site "simple" POST (text/plain, no preflight) to 127.0.0.1; requiring JSON makes the
  // browser ask first, so only a caller that means it (the panel, the tests) reaches the routes that change things.
  if (req.method === 'POST' && !/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    return json(415, { error: 'POST /dev/* needs Content-Type: application/json' });
  }
  const caller = await authenticate(ctx, req, BARE_STYLE);
  if ('status' in caller) return caller;
  const org = caller.organizationId;
  const body = parseJsonBody(req.bodyText);
  if (body === undefined) return json(400, { error: 'Invalid JSON body' });
  if (req.method === 'POST' && (typeof body !== 'object' || body === null || Array.isArray(body))) {
    return json(400, { error: 'Request body must be a JSON object' });
  }
  const input = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as Record<
    string,
    unknown
  >;
  const is = (method: string, name: string) => req.method === method && route === name;

  if (is('POST', 'scan') || is('POST', 'drop') || is('POST', 'online') || is('GET', 'qr')) {
    return numberRoute(ctx, caller, route as 'scan' | 'drop' | 'online' | 'qr', req, input);
  }
  if (is('GET', 'faults')) return json(200, { faults: ctx.faults.of(org).get() });
  if (is('POST', 'faults')) {
    const faults = parseFaults(input);
    if (typeof faults === 'string') return json(400, { error: faults });
    ctx.faults.of(org).set(faults);
    return json(200, { faults: ctx.faults.of(org).get() });
  }
  if (is('GET', 'config')) return json(200, { config: configOf(ctx, org) });
  if (is('POST', 'config')) {
    const patch = parseConfig(input);
    if (typeof patch === 'string') return json(400, { error: patch });
    const { qrWaitMs, ...platform } = patch;
    if (qrWaitMs !== undefined) ctx.qrWaitByOrganization.set(org, qrWaitMs);
    if (Object.keys(platform).length > 0) await ctx.platform.reconfigure(platform, org);
    return json(200, { config: configOf(ctx, org) });
  }
  if (is('POST', 'reset')) {
    // Only the caller's organization: its integrations, sessions and platform accounts, faults and timing.
    await ctx.db.query(
      `delete from platform.accounts a
        where a.organization_id = $1
           or a.account_number in (select settings ->> 'wppAccountNumber' from public.messenger_integrations
                                    where organization_id = $1)`,
      [org],
    );
    await ctx.db.query('delete from public.messenger_integrations where organization_id = $1', [org]);
    await ctx.db.query('delete from public.whatsapp_sessions where organization_id = $1', [org]);
    ctx.platform.forgetOrganization(org);
    ctx.faults.clear(org);
    ctx.qrWaitByOrganization.delete(org);
    return json(200, { ok: true });
  }
  return json(404, { error: `No dev route ${req.method} /dev/${route}` });
}

function configOf(ctx: AppContext, organizationId: string) {
  return {
    ...ctx.platform.config(organizationId),
    qrWaitMs: ctx.qrWaitByOrganization.get(organizationId) ?? ctx.qrWaitMs,
  };
}

async function numberRoute(
  ctx: AppContext,
  caller: Caller,
  route: 'scan' | 'drop' | 'online' | 'qr',
  req: Incoming,
  input: Record<string, unknown>,
): Promise<Reply> {
  const id = route === 'qr' ? req.url.searchParams.get('integration_id') : input.integration_id;
  if (!isUuid(id)) return failure(BARE_STYLE, 400, 'integration_id must be a uuid');
  const row = await asRequest(ctx.db, caller.claims, (tx) =>
    findWppRow(tx, caller.organizationId, id.toLowerCase(), { activeOnly: false }),
  );
  if (!row) return failure(BARE_STYLE, 404, 'WPP integration not found');
  const creds = credentials(row);
  if (!creds || !(await ctx.platform.checkKey(creds.accountNumber, creds.apiKey))) {
    return failure(BARE_STYLE, 409, 'The platform does not know this number');
  }
  const { accountNumber } = creds;
  if (route === 'qr') return json(200, { qr: await ctx.platform.qr(accountNumber) });
  // Each change is saved to whatsapp_sessions as the platform's webhook event (`offline`, `connected`) would be.
  if (route === 'drop') {
    await ctx.platform.drop(accountNumber);
    await saveAsWebhook(ctx, caller, accountNumber, { state: 'offline', qr: null });
    return json(200, { ok: true, status: 'disconnected' });
  }
  if (route === 'online') {
    await ctx.platform.relink(accountNumber);
    await saveAsWebhook(ctx, caller, accountNumber, { state: 'connected', qr: null });
    return json(200, { ok: true, status: 'connected' });
  }
  const before = await ctx.platform.status(accountNumber);
  if (!(await ctx.platform.scan(accountNumber))) {
    return failure(BARE_STYLE, 409, `No QR to scan: the number is ${before.state}`);
  }
  await saveAsWebhook(ctx, caller, accountNumber, { state: 'connected', qr: null });
  return json(200, { ok: true, status: 'connected' });
}

function parseConfig(
  input: Record<string, unknown>,
): (Partial<PlatformConfig> & { qrWaitMs?: number }) | string {
  const out: Partial<PlatformConfig> & { qrWaitMs?: number } = {};
  const limits = { qrRotateMs: 1, qrExpireMs: 1, startDelayMs: 0, qrWaitMs: 0 } as const;
  for (const [key, value] of Object.entries(input)) {
    if (!(key in limits)) return `unknown field ${key}`;
    const min = limits[key as keyof typeof limits];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > 3_600_000) {
      return `${key} must be an integer from ${min} to 3600000`;
    }
    out[key as keyof typeof limits] = value;
  }
  return out;
}

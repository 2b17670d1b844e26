import { asRequest } from '../db/database.js';
import {
  authenticate,
  BARE_STYLE,
  credentials,
  failure,
  findWppRow,
  isUuid,
} from '../functions/integrations.js';
import { createFaults, parseFaults } from '../http/faults.js';
import { json, parseJsonBody, type Reply } from '../http/http.js';
import type { PlatformConfig } from '../platform/platform.store.js';
import type { AppContext, Incoming } from '../server/context.js';

/**
 * Answers the dev-only routes under `/dev/`: tokens for signing in, scan/drop/QR of one number (the owning
 * organization's token required), fault injection, platform timing, reset and request counts.
 *
 * @example
 * ```ts
 * const reply = await handleDev(ctx, 'scan', incoming);
 * ```
 */
export async function handleDev(ctx: AppContext, route: string, req: Incoming): Promise<Reply> {
  // A web page can send a cross-site "simple" POST (text/plain, no preflight) to 127.0.0.1; requiring JSON makes the
  // browser ask first, so only a caller that means it (the panel, the tests) reaches the routes that change things.
  if (req.method === 'POST' && !/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    return json(415, { error: 'POST /dev/* needs Content-Type: application/json' });
  }
  const body = parseJsonBody(req.bodyText);
  if (body === undefined) return json(400, { error: 'Invalid JSON body' });
  const input = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as Record<
    string,
    unknown
  >;
  const is = (method: string, name: string) => req.method === method && route === name;

  if (is('GET', 'tokens')) {
    return json(200, {
      anonKey: ctx.anonKey,
      organizations: ctx.organizations.map(({ id, name, token }) => ({ id, name, token })),
    });
  }
  if (is('POST', 'scan') || is('POST', 'drop') || is('GET', 'qr')) {
    return numberRoute(ctx, route as 'scan' | 'drop' | 'qr', req, input);
  }
  if (is('GET', 'faults')) return json(200, { faults: ctx.faults.get() });
  if (is('POST', 'faults')) {
    const faults = parseFaults(input);
    if (typeof faults === 'string') return json(400, { error: faults });
    ctx.faults.set(faults);
    return json(200, { faults: ctx.faults.get() });
  }
  if (is('GET', 'config')) return json(200, { config: { ...ctx.platform.config(), qrWaitMs: ctx.qrWaitMs } });
  if (is('POST', 'config')) {
    const patch = parseConfig(input);
    if (typeof patch === 'string') return json(400, { error: patch });
    const { qrWaitMs, ...platform } = patch;
    if (qrWaitMs !== undefined) ctx.qrWaitMs = qrWaitMs;
    const config = await ctx.platform.reconfigure(platform);
    return json(200, { config: { ...config, qrWaitMs: ctx.qrWaitMs } });
  }
  if (is('POST', 'reset')) {
    // It wipes every organization's rows: a signed-in caller only.
    const caller = await authenticate(ctx, req, BARE_STYLE);
    if ('status' in caller) return caller;
    await ctx.db.exec(`
      delete from public.messenger_integrations;
      delete from public.whatsapp_sessions;
      delete from platform.accounts;
    `);
    ctx.platform.forgetAll();
    ctx.faults.set(createFaults().get());
    return json(200, { ok: true });
  }
  if (is('GET', 'stats')) return json(200, { requests: ctx.stats });
  return json(404, { error: `No dev route ${req.method} /dev/${route}` });
}

async function numberRoute(
  ctx: AppContext,
  route: 'scan' | 'drop' | 'qr',
  req: Incoming,
  input: Record<string, unknown>,
): Promise<Reply> {
  const caller = await authenticate(ctx, req, BARE_STYLE);
  if ('status' in caller) return caller;
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
  if (route === 'drop') {
    await ctx.platform.drop(accountNumber);
    return json(200, { ok: true, status: 'disconnected' });
  }
  const before = await ctx.platform.status(accountNumber);
  if (!(await ctx.platform.scan(accountNumber))) {
    return failure(BARE_STYLE, 409, `No QR to scan: the number is ${before.state}`);
  }
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

import { type WppBackend, WppError } from '@wpp-sessions/core';
import { createSupabaseBackend } from '@wpp-sessions/core/supabase';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalBackend, startLocalBackend } from '../src/index.js';
import { call, createNumber, orgs, supabaseFor } from './helpers.js';

type LastKnownStatus = Awaited<ReturnType<NonNullable<WppBackend['lastKnown']>>>[number];

// Issue 15 part 1: whatsapp_sessions served through the PostgREST subset under RLS, kept up to date by the
// functions as the user's functions (and its webhook) keep it.
const PANEL = 'http://127.0.0.1:5173';
const FOREIGN = 'https://evil.example';
const SESSIONS = '/rest/v1/whatsapp_sessions';

let backend: LocalBackend;
let orgA: { id: string; token: string; userId: string };
let orgB: { id: string; token: string; userId: string };

interface SessionRow {
  session_name: string;
  status: string;
  last_qr_b64: string | null;
  last_qr_at: string | null;
  updated_at: string;
}

/** A's row of one number, read over HTTP as A. */
const rowOf = async (account: string): Promise<SessionRow | undefined> => {
  const answer = await call(backend, 'GET', `${SESSIONS}?select=*&session_name=eq.wpp_${account}`, {
    token: orgA.token,
  });
  expect(answer.status).toBe(200);
  return (answer.body as SessionRow[])[0];
};
const dev = (route: string, id: string) =>
  call(backend, 'POST', `/dev/${route}`, { token: orgA.token, body: { integration_id: id } });
const fn = (name: string, body: unknown) =>
  call(backend, 'POST', `/functions/v1/${name}`, { token: orgA.token, body });

beforeAll(async () => {
  backend = await startLocalBackend({ startDelayMs: 0, quiet: true, allowedOrigins: [PANEL] });
  ({ a: orgA, b: orgB } = orgs(backend));
});
afterAll(() => backend.close());

describe('the functions keep whatsapp_sessions up to date', () => {
  it('wpp-create saves the QR it answers, as the webhook would; a scan saves connected and clears it', async () => {
    const created = await createNumber(backend, orgA.token);
    expect(created.status).toBe('qr_issued');
    const first = await rowOf(created.session);
    expect(first).toMatchObject({ status: 'qr_issued', last_qr_b64: created.qrcode });
    expect(Date.parse(first!.last_qr_at!)).toBeGreaterThan(0);

    expect((await dev('scan', created.integration_id)).status).toBe(200);
    const scanned = await rowOf(created.session);
    expect(scanned).toMatchObject({ status: 'connected', last_qr_b64: null, last_qr_at: null });
    expect(Date.parse(scanned!.updated_at)).toBeGreaterThanOrEqual(Date.parse(first!.updated_at));

    expect((await dev('drop', created.integration_id)).status).toBe(200);
    expect(await rowOf(created.session)).toMatchObject({ status: 'disconnected' });
    expect((await dev('online', created.integration_id)).status).toBe(200);
    expect(await rowOf(created.session)).toMatchObject({ status: 'connected' });
  });

  it('wpp-status saves what the platform says, wpp-start the new QR, wpp-disconnect disconnected', async () => {
    const created = await createNumber(backend, orgA.token);
    const id = created.integration_id;
    await dev('scan', id);
    // Behind the functions' back (no webhook): only the next status check can save it.
    await backend.platform.drop(created.session);
    expect(await rowOf(created.session)).toMatchObject({ status: 'connected' });
    expect((await fn('wpp-status', { integration_id: id })).body).toMatchObject({ status: 'disconnected' });
    expect(await rowOf(created.session)).toMatchObject({ status: 'disconnected' });

    const started = await fn('wpp-start', { integration_id: id });
    expect(started.body).toMatchObject({ status: 'qr_issued' });
    expect(await rowOf(created.session)).toMatchObject({
      status: 'qr_issued',
      last_qr_b64: (started.body as { qrcode: string }).qrcode,
    });

    expect((await fn('wpp-disconnect', { integration_id: id })).status).toBe(200);
    expect(await rowOf(created.session)).toMatchObject({ status: 'disconnected', last_qr_b64: null });
  });
});

describe('GET /rest/v1/whatsapp_sessions under RLS', () => {
  it('an organization reads only its own rows, even when it asks for another organization’s', async () => {
    const numberB = await createNumber(backend, orgB.token);
    const asA = await call(backend, 'GET', `${SESSIONS}?select=session_name,organization_id`, {
      token: orgA.token,
    });
    const rowsA = asA.body as Array<{ session_name: string; organization_id: string }>;
    expect(rowsA.length).toBeGreaterThan(0);
    expect(rowsA.every((row) => row.organization_id === orgA.id)).toBe(true);
    expect(rowsA.map((row) => row.session_name)).not.toContain(`wpp_${numberB.session}`);
    const asB = async (query: string) => {
      const answer = await call(backend, 'GET', `${SESSIONS}?${query}`, { token: orgB.token });
      expect(answer.status).toBe(200);
      return answer.body as Array<{ session_name: string; organization_id: string }>;
    };
    const allB = await asB('select=session_name,organization_id');
    expect(allB.map((row) => row.session_name)).toContain(`wpp_${numberB.session}`);
    expect(allB.every((row) => row.organization_id === orgB.id)).toBe(true);
    const accountA = (await createNumber(backend, orgA.token)).session;
    expect(await rowOf(accountA)).toBeDefined();
    expect(await asB(`select=*&organization_id=eq.${orgA.id}`)).toEqual([]);
    expect(await asB(`select=*&session_name=eq.wpp_${accountA}`)).toEqual([]);
  });

  it('anon reads nothing (401, no rows), no apikey is refused, a foreign origin is refused', async () => {
    const anon = await call(backend, 'GET', `${SESSIONS}?select=*`);
    expect(anon).toMatchObject({ status: 401, body: { code: '42501' } });
    expect(anon.text).not.toContain('wpp_');
    const anonBearer = await call(backend, 'GET', `${SESSIONS}?select=*`, { token: backend.anonKey });
    expect(anonBearer.status).toBe(401);
    const noKey = await call(backend, 'GET', `${SESSIONS}?select=*`, { token: orgA.token, apikey: null });
    expect(noKey.status).toBe(401);
    const foreign = await call(backend, 'GET', `${SESSIONS}?select=*`, {
      token: orgA.token,
      headers: { Origin: FOREIGN },
    });
    expect(foreign.status).toBe(403);
    expect(foreign.text).not.toContain('wpp_');
  });

  it('serves reads only, in the same subset as the other table', async () => {
    for (const method of ['POST', 'PATCH', 'DELETE']) {
      const answer = await call(backend, method, `${SESSIONS}?session_name=eq.x`, {
        token: orgA.token,
        body: { status: 'connected' },
      });
      expect({ method, status: answer.status }).toEqual({ method, status: 400 });
      expect(answer.body).toMatchObject({ code: 'PGRST100' });
    }
    expect(await call(backend, 'GET', `${SESSIONS}?select=nope`, { token: orgA.token })).toMatchObject({
      status: 400,
      body: { code: '42703', message: 'column whatsapp_sessions.nope does not exist' },
    });
    expect(
      await call(backend, 'GET', `${SESSIONS}?status=neq.connected`, { token: orgA.token }),
    ).toMatchObject({ status: 400, body: { code: 'PGRST100' } });
  });
});

describe('the core adapter’s lastKnown over supabase-js', () => {
  it('gives one saved status per listed number, of its own organization only', async () => {
    const adapterA = createSupabaseBackend(supabaseFor(backend.url, backend.anonKey, orgA.token));
    const adapterB = createSupabaseBackend(supabaseFor(backend.url, backend.anonKey, orgB.token));
    const fresh = await createNumber(backend, orgA.token);
    const [records, saved, savedB] = await Promise.all([
      adapterA.listSessions(AbortSignal.timeout(20_000)),
      adapterA.lastKnown!(AbortSignal.timeout(20_000)),
      adapterB.lastKnown!(AbortSignal.timeout(20_000)),
    ]);
    const listed = new Set(records.map((r) => r.accountNumber));
    // Every saved status of A names one of A's numbers that is still listed, or one A disconnected.
    const mine = saved.filter((s) => listed.has(s.accountNumber));
    expect(mine.length).toBe(records.length);
    const freshSaved = saved.find((s) => s.accountNumber === fresh.session) as LastKnownStatus;
    expect(freshSaved).toMatchObject({ status: 'qr_issued' });
    expect(freshSaved.qrIssuedAt).toBeTypeOf('number');
    const freshRow = await rowOf(fresh.session);
    expect(freshSaved.at).toBe(Date.parse(freshRow!.updated_at));
    expect(freshSaved.qrIssuedAt).toBe(Date.parse(freshRow!.last_qr_at!));
    const accountsB = new Set(savedB.map((s) => s.accountNumber));
    for (const account of listed) expect(accountsB.has(account ?? '')).toBe(false);

    const table = createSupabaseBackend(supabaseFor(backend.url, backend.anonKey, orgA.token), {
      source: 'table',
      organizationId: orgA.id,
    });
    expect((await table.lastKnown!(AbortSignal.timeout(20_000))).map((s) => s.accountNumber).sort()).toEqual(
      saved.map((s) => s.accountNumber).sort(),
    );
  });

  it('rejects with a WppError when the read is refused', async () => {
    const anon = createSupabaseBackend(supabaseFor(backend.url, backend.anonKey, backend.anonKey));
    const error = await anon.lastKnown!(AbortSignal.timeout(20_000)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WppError);
    expect((error as WppError).code).toBe('unauthorized');
  });
});

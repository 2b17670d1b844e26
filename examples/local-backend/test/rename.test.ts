import { WppError } from '@wpp-sessions/core';
import { createSupabaseBackend } from '@wpp-sessions/core/supabase';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalBackend, startLocalBackend } from '../src/index.js';
import { call, createNumber, fullApiKey, orgs, supabaseFor } from './helpers.js';

// Issue 16 item 1: `messenger-integrations` PUT takes `name`, as the user's function does, under the same auth,
// organization and CORS rules as every route.
const PANEL = 'http://127.0.0.1:5173';
const FOREIGN = 'https://evil.example';
const PUT = '/functions/v1/messenger-integrations';

let backend: LocalBackend;
let orgA: { id: string; token: string; userId: string };
let orgB: { id: string; token: string; userId: string };
let idA: string;
let accountA: string;
let keyA: string;

const nameOf = async (id: string) =>
  (
    await backend.db.query<{ name: string; updated_at: string }>(
      'select name, updated_at::text from public.messenger_integrations where id = $1',
      [id],
    )
  ).rows[0];

beforeAll(async () => {
  backend = await startLocalBackend({ startDelayMs: 0, quiet: true, allowedOrigins: [PANEL] });
  ({ a: orgA, b: orgB } = orgs(backend));
  const created = await createNumber(backend, orgA.token);
  idA = created.integration_id;
  accountA = created.session;
  keyA = await fullApiKey(backend, idA);
});
afterAll(() => backend.close());

describe('PUT messenger-integrations {id, name}', () => {
  it('renames the row, trimmed, answers it with settings masked, and the list shows the new name', async () => {
    const before = await nameOf(idA);
    const answer = await call(backend, 'PUT', PUT, {
      token: orgA.token,
      body: { id: idA, name: '  Ресепшн  ' },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      success: true,
      integration: { id: idA, name: 'Ресепшн', settings: { wppAccountNumber: accountA } },
    });
    expect(answer.text).not.toContain(keyA);
    expect(
      (answer.body as { integration: { settings: { wppApiKey: string } } }).integration.settings.wppApiKey,
    ).toMatch(/^••••••••/);
    const after = await nameOf(idA);
    expect(after!.name).toBe('Ресепшн');
    expect(after!.updated_at).not.toBe(before!.updated_at);
    const list = await call(backend, 'GET', `${PUT}?messenger_type=whatsapp`, { token: orgA.token });
    expect((list.body as { integrations: Array<{ name: string }> }).integrations.map((r) => r.name)).toEqual([
      'Ресепшн',
    ]);
  });

  it('refuses bad input in the function envelope and changes nothing', async () => {
    const current = (await nameOf(idA))!.name;
    const cases: Array<[unknown, number, string]> = [
      [{ name: 'x' }, 400, 'Missing integration id'],
      [{ id: '', name: 'x' }, 400, 'Missing integration id'],
      [{ id: 'wpp_0000000000001', name: 'x' }, 404, 'Integration not found'],
      [{ id: '00000000-0000-4000-8000-000000000999', name: 'x' }, 404, 'Integration not found'],
      [{ id: idA, name: '   ' }, 400, 'name must not be empty'],
      [{ id: idA, name: 5 }, 400, 'name must be text'],
      [{ id: idA, name: null }, 400, 'name must be text'],
      [{ id: idA, name: 'x'.repeat(101) }, 400, 'name must be at most 100 characters'],
      [{ id: idA, name: 'a\nb' }, 400, 'name must not contain control characters'],
      [{ id: idA, name: 'x', is_primary: false }, 400, 'Field "is_primary" is not served'],
      [{ id: idA, settings: { wppApiKey: 'stolen' } }, 400, 'Field "settings" is not served'],
    ];
    for (const [body, status, error] of cases) {
      const answer = await call(backend, 'PUT', PUT, { token: orgA.token, body });
      expect({ body, status: answer.status }).toEqual({ body, status });
      expect(answer.body).toMatchObject({ success: false, error: expect.stringContaining(error) });
    }
    const array = await call(backend, 'PUT', PUT, { token: orgA.token, body: [idA] });
    expect(array.status).toBe(400);
    expect((await nameOf(idA))!.name).toBe(current);
    expect(await fullApiKey(backend, idA)).toBe(keyA);
  });

  it('accepts a name of exactly 100 characters, counted as characters', async () => {
    const name = '📱'.repeat(100);
    const answer = await call(backend, 'PUT', PUT, { token: orgA.token, body: { id: idA, name } });
    expect(answer.status).toBe(200);
    expect((await nameOf(idA))!.name).toBe(name);
  });

  it('a PUT with only the id changes nothing but updated_at, as the user’s function', async () => {
    const before = await nameOf(idA);
    const answer = await call(backend, 'PUT', PUT, { token: orgA.token, body: { id: idA } });
    expect(answer).toMatchObject({
      status: 200,
      body: { success: true, integration: { id: idA, name: before!.name } },
    });
    const after = await nameOf(idA);
    expect(after!.name).toBe(before!.name);
    expect(after!.updated_at).not.toBe(before!.updated_at);
  });

  it('another organization gets 404 for A’s row, and A’s name stays', async () => {
    const current = (await nameOf(idA))!.name;
    const answer = await call(backend, 'PUT', PUT, {
      token: orgB.token,
      body: { id: idA, name: 'B was here' },
    });
    expect(answer).toMatchObject({ status: 404, body: { success: false, error: 'Integration not found' } });
    expect((await nameOf(idA))!.name).toBe(current);
  });

  it('a member who is not an admin gets 403; no token, a bad token or the anon key get 401', async () => {
    const memberId = 'a1a1a1a1-0000-4000-8000-0000000000fe';
    await backend.db.exec(`
      insert into auth.users (id, email) values ('${memberId}', 'm2@academy-a.local') on conflict do nothing;
      insert into public.profiles (id, organization_id, email) values ('${memberId}', '${orgA.id}', 'm2@academy-a.local')
        on conflict do nothing;
      insert into public.user_roles (user_id, role) values ('${memberId}', 'member') on conflict do nothing;
    `);
    const member = await backend.signToken({ role: 'authenticated', sub: memberId });
    const current = (await nameOf(idA))!.name;
    expect(await call(backend, 'PUT', PUT, { token: member, body: { id: idA, name: 'm' } })).toMatchObject({
      status: 403,
      body: { success: false, error: 'Only organization admins can manage integrations' },
    });
    for (const [token, error] of [
      [null, 'Authorization required'],
      ['not-a-jwt', 'Invalid token'],
      [backend.anonKey, 'Invalid token'],
    ] as const) {
      expect(await call(backend, 'PUT', PUT, { token, body: { id: idA, name: 'x' } })).toMatchObject({
        status: 401,
        body: { success: false, error },
      });
    }
    expect((await nameOf(idA))!.name).toBe(current);
  });

  it('a foreign origin is refused, also its preflight; the panel’s preflight may PUT', async () => {
    const current = (await nameOf(idA))!.name;
    const answer = await call(backend, 'PUT', PUT, {
      token: orgA.token,
      body: { id: idA, name: 'evil' },
      headers: { Origin: FOREIGN },
    });
    expect(answer.status).toBe(403);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    const foreign = await call(backend, 'OPTIONS', PUT, {
      apikey: null,
      headers: { Origin: FOREIGN, 'Access-Control-Request-Method': 'PUT' },
    });
    expect(foreign.status).toBe(403);
    const panel = await call(backend, 'OPTIONS', PUT, {
      apikey: null,
      headers: { Origin: PANEL, 'Access-Control-Request-Method': 'PUT' },
    });
    expect(panel.status).toBe(200);
    expect(panel.headers.get('access-control-allow-methods')).toContain('PUT');
    const noKey = await call(backend, 'PUT', PUT, {
      token: orgA.token,
      apikey: null,
      body: { id: idA, name: 'k' },
    });
    expect(noKey.status).toBe(401);
    expect((await nameOf(idA))!.name).toBe(current);
  });

  it('the core adapter renames over supabase-js and the record and list agree', async () => {
    const adapter = createSupabaseBackend(supabaseFor(backend.url, backend.anonKey, orgA.token));
    const [record] = await adapter.listSessions(AbortSignal.timeout(20_000));
    const renamed = await adapter.rename!(record!, ' Склад № 2 ', AbortSignal.timeout(20_000));
    expect(renamed).toMatchObject({ integrationId: idA, accountNumber: accountA, name: 'Склад № 2' });
    expect(renamed.apiKeyMasked).toMatch(/^••••/);
    expect(JSON.stringify(renamed)).not.toContain(keyA);
    const [listed] = await adapter.listSessions(AbortSignal.timeout(20_000));
    expect(listed!.name).toBe('Склад № 2');
    const adapterB = createSupabaseBackend(supabaseFor(backend.url, backend.anonKey, orgB.token));
    const error = await adapterB.rename!(record!, 'x', AbortSignal.timeout(20_000)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WppError);
    expect((error as WppError).code).toBe('not_found');
  });
});

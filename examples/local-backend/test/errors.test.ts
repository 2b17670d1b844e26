import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalBackend, PUBLIC_SUPABASE_DEV_SECRET, signToken, startLocalBackend } from '../src/index.js';
import { call, createNumber, orgs } from './helpers.js';

// Every bad request gets the contract's status and body (backend-contract.md §2.3, §4).
let backend: LocalBackend;
let tokenA: string;
let tokenB: string;
let idA: string;
let idB: string;
let accountA: string;

beforeAll(async () => {
  backend = await startLocalBackend({ startDelayMs: 0, quiet: true, allowedOrigins: [PANEL] });
  ({
    a: { token: tokenA },
    b: { token: tokenB },
  } = { a: orgs(backend).a, b: orgs(backend).b });
  const a = await createNumber(backend, tokenA);
  idA = a.integration_id;
  accountA = a.session;
  idB = (await createNumber(backend, tokenB)).integration_id;
});
afterAll(() => backend.close());

const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const PANEL = 'http://127.0.0.1:5173';
const post = (path: string, token: string | null, body?: unknown) =>
  call(backend, 'POST', `/functions/v1/${path}`, { token, body });

describe('authentication', () => {
  it('a missing token gets 401 in each function family’s words and envelope', async () => {
    expect(await call(backend, 'GET', '/functions/v1/messenger-integrations')).toMatchObject({
      status: 401,
      body: { success: false, error: 'Authorization required' },
    });
    for (const fn of ['wpp-create', 'wpp-status', 'wpp-start']) {
      expect(await post(fn, null, {})).toMatchObject({
        status: 401,
        body: { success: false, error: 'Missing authorization' },
      });
    }
    expect(await call(backend, 'GET', `/functions/v1/wpp-qr?integration_id=${idA}`)).toMatchObject({
      status: 401,
      body: { success: false, error: 'Missing authorization' },
    });
    const disconnect = await post('wpp-disconnect', null, { integration_id: idA });
    expect(disconnect).toMatchObject({ status: 401, body: { error: 'Missing authorization' } });
    expect(disconnect.body).not.toHaveProperty('success');
  });

  it('a malformed token, a wrong signature, an expired token and the anon key all get 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    const sub = orgs(backend).a.userId;
    const tokens = {
      malformed: 'not-a-jwt',
      wrongSignature: await signToken('another-secret-that-is-at-least-32-chars', {
        sub,
        role: 'authenticated',
      }),
      expired: await backend.signToken(
        { sub, role: 'authenticated' },
        { issuedAt: now - 7200, expiresAt: now - 3600 },
      ),
      anon: backend.anonKey,
      serviceRole: await backend.signToken({ role: 'service_role' }),
      oldPublicSecret: await signToken(PUBLIC_SUPABASE_DEV_SECRET, { sub, role: 'authenticated' }),
    };
    for (const [kind, token] of Object.entries(tokens)) {
      const list = await call(backend, 'GET', '/functions/v1/messenger-integrations', { token });
      expect({ kind, status: list.status, body: list.body }).toEqual({
        kind,
        status: 401,
        body: { success: false, error: 'Invalid token' },
      });
      const status = await post('wpp-status', token, { integration_id: idA });
      expect({ kind, status: status.status, body: status.body }).toEqual({
        kind,
        status: 401,
        body: { success: false, error: 'Unauthorized' },
      });
      const disconnect = await post('wpp-disconnect', token, { integration_id: idA });
      expect({ kind, status: disconnect.status, body: disconnect.body }).toEqual({
        kind,
        status: 401,
        body: { error: 'Unauthorized' },
      });
    }
    // Nothing was disconnected by those attempts.
    expect((await post('wpp-status', tokenA, { integration_id: idA })).status).toBe(200);
  });

  it('the REST table answers 401 PostgREST-style without a token, with a bad one, with an expired one', async () => {
    const none = await call(backend, 'GET', '/rest/v1/messenger_integrations?select=*', {
      apikey: null,
      headers: { apikey: 'x.y.z' },
    });
    expect(none).toEqual(expect.objectContaining({ status: 401, body: { message: 'Invalid API key' } }));
    const bad = await call(backend, 'GET', '/rest/v1/messenger_integrations?select=*', { token: 'x.y.z' });
    expect(bad).toMatchObject({ status: 401, body: { code: 'PGRST301' } });
    const now = Math.floor(Date.now() / 1000);
    const expired = await backend.signToken(
      { sub: orgs(backend).a.userId, role: 'authenticated' },
      {
        issuedAt: now - 100,
        expiresAt: now - 10,
      },
    );
    expect(await call(backend, 'GET', '/rest/v1/messenger_integrations', { token: expired })).toMatchObject({
      status: 401,
      body: { code: 'PGRST303', message: 'JWT expired' },
    });
    // The anon key alone (apikey header, as supabase-js sends it) is a role without grants: 401, no rows.
    const anon = await call(backend, 'GET', '/rest/v1/messenger_integrations?select=*');
    expect(anon).toMatchObject({ status: 401, body: { code: '42501' } });
  });

  it('Bearer parsing is case-insensitive and tolerates extra spaces (plan@d33a4c9e)', async () => {
    for (const header of [`bearer ${tokenA}`, `BEARER   ${tokenA}  `, `  Bearer\t${tokenA}`]) {
      const answer = await call(backend, 'GET', '/functions/v1/messenger-integrations', {
        headers: { Authorization: header },
      });
      expect(answer.status).toBe(200);
    }
    const basic = await call(backend, 'GET', '/functions/v1/messenger-integrations', {
      headers: { Authorization: `Basic ${tokenA}` },
    });
    expect(basic).toMatchObject({ status: 401, body: { error: 'Invalid token' } });
  });
});

describe('functions', () => {
  it('an unknown function gets 404 Function not found', async () => {
    expect(await post('wpp-provision', tokenA, {})).toEqual(
      expect.objectContaining({ status: 404, body: { success: false, error: 'Function not found' } }),
    );
  });

  it('malformed JSON gets 400 Invalid JSON body', async () => {
    for (const fn of ['wpp-create', 'wpp-status', 'wpp-start', 'wpp-qr']) {
      const answer = await call(backend, 'POST', `/functions/v1/${fn}`, {
        token: tokenA,
        rawBody: '{"integration_id":',
      });
      expect({ fn, status: answer.status, body: answer.body }).toEqual({
        fn,
        status: 400,
        body: { success: false, error: 'Invalid JSON body' },
      });
    }
    // wpp-disconnect keeps its bare `{ error }` envelope.
    const disconnect = await call(backend, 'POST', '/functions/v1/wpp-disconnect', {
      token: tokenA,
      rawBody: '[oops',
    });
    expect(disconnect).toMatchObject({ status: 400, body: { error: 'Invalid JSON body' } });
  });

  it('an unknown integration_id gets 404 WPP integration not found', async () => {
    for (const fn of ['wpp-status', 'wpp-start']) {
      expect(await post(fn, tokenA, { integration_id: UNKNOWN })).toMatchObject({
        status: 404,
        body: { success: false, error: 'WPP integration not found' },
      });
    }
    expect(
      await call(backend, 'GET', `/functions/v1/wpp-qr?integration_id=${UNKNOWN}`, { token: tokenA }),
    ).toMatchObject({
      status: 404,
      body: { success: false, error: 'WPP integration not found' },
    });
    const disconnect = await post('wpp-disconnect', tokenA, { integration_id: UNKNOWN });
    expect(disconnect.status).toBe(404);
    expect(disconnect.body).toEqual({ error: 'WPP integration not found' });
  });

  it('another organization’s integration_id gets the same 404 as an unknown one', async () => {
    expect(await post('wpp-status', tokenA, { integration_id: idB })).toMatchObject({
      status: 404,
      body: { success: false, error: 'WPP integration not found' },
    });
    expect((await post('wpp-disconnect', tokenA, { integration_id: idB })).body).toEqual({
      error: 'WPP integration not found',
    });
  });

  it('a non-uuid integration_id gets 400', async () => {
    for (const fn of ['wpp-status', 'wpp-start']) {
      expect(await post(fn, tokenA, { integration_id: 'wpp_0000000000001' })).toMatchObject({
        status: 400,
        body: { success: false, error: 'integration_id must be a uuid' },
      });
    }
    expect(
      await call(backend, 'GET', '/functions/v1/wpp-qr?integration_id=42', { token: tokenA }),
    ).toMatchObject({
      status: 400,
    });
    expect((await post('wpp-disconnect', tokenA, { integration_id: 'org_abc' })).body).toEqual({
      error: 'integration_id must be a uuid',
    });
  });

  it('wpp-qr needs a session or an integration_id, and the session must be the organization’s', async () => {
    expect(await call(backend, 'GET', '/functions/v1/wpp-qr', { token: tokenA })).toMatchObject({
      status: 400,
      body: { success: false, error: 'Session parameter required' },
    });
    expect(
      await call(backend, 'GET', `/functions/v1/wpp-qr?session=${accountA}`, { token: tokenB }),
    ).toMatchObject({
      status: 404,
      body: { success: false, error: 'Session not found for this organization' },
    });
    const own = await call(backend, 'GET', `/functions/v1/wpp-qr?session=${accountA}`, { token: tokenA });
    expect(own.status).toBe(200);
    expect((own.body as { qr: string }).qr).toMatch(/^2@sim-/);
    expect(own.headers.get('cache-control')).toBe('no-store');
  });

  it('a method a function does not take gets 405 Method not allowed', async () => {
    expect(
      await call(backend, 'POST', '/functions/v1/messenger-integrations', { token: tokenA, body: {} }),
    ).toMatchObject({
      status: 405,
      body: { success: false, error: 'Method not allowed' },
    });
    expect(await call(backend, 'GET', '/functions/v1/wpp-create', { token: tokenA })).toMatchObject({
      status: 405,
    });
  });

  it('wpp-start answers 408 timeout when no QR is ready within its wait', async () => {
    await call(backend, 'POST', '/dev/config', {
      token: tokenA,
      body: { startDelayMs: 600_000, qrWaitMs: 30 },
    });
    try {
      const created = await createNumber(backend, tokenA);
      expect(created.status).toBe('starting');
      expect(created).not.toHaveProperty('qrcode');
      expect(await post('wpp-start', tokenA, { integration_id: created.integration_id })).toMatchObject({
        status: 408,
        body: { success: false, ok: false, status: 'timeout', error: 'Timeout waiting for QR code' },
      });
      expect(await post('wpp-status', tokenA, { integration_id: created.integration_id })).toMatchObject({
        status: 200,
        body: { success: true, status: 'qr_pending', message: 'QR code not ready yet' },
      });
    } finally {
      await call(backend, 'POST', '/dev/config', {
        token: tokenA,
        body: { startDelayMs: 0, qrWaitMs: 5_000 },
      });
    }
  });

  it('answers the panel’s CORS preflights and puts its origin (never *) on every answer to it', async () => {
    const preflight = await call(backend, 'OPTIONS', '/functions/v1/wpp-status', {
      apikey: null,
      headers: { Origin: PANEL, 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(PANEL);
    expect(preflight.headers.get('vary')).toBe('Origin');
    const allowed = preflight.headers.get('access-control-allow-headers')!.split(', ');
    for (const header of [
      'authorization',
      'x-client-info',
      'apikey',
      'content-type',
      'accept-profile',
      'content-profile',
      'prefer',
    ]) {
      expect(allowed).toContain(header);
    }
    const failed = await call(backend, 'POST', '/functions/v1/wpp-status', {
      body: {},
      headers: { Origin: PANEL },
    });
    expect(failed.status).toBe(401);
    expect(failed.headers.get('access-control-allow-origin')).toBe(PANEL);
    // A caller without Origin (curl, Node) gets no CORS header at all.
    expect((await post('wpp-status', null, {})).headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('PostgREST subset', () => {
  const rest = (query: string, init: { method?: string; headers?: Record<string, string> } = {}) =>
    call(backend, init.method ?? 'GET', `/rest/v1/${query}`, { token: tokenA, headers: init.headers });

  it('serves select, eq filters, order, limit and offset', async () => {
    const all = await rest(`messenger_integrations?select=id,is_primary&order=created_at.asc`);
    expect(all.status).toBe(200);
    const rows = all.body as Array<{ id: string; is_primary: boolean }>;
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(Object.keys(rows[0]!)).toEqual(['id', 'is_primary']);
    const one = await rest(
      `messenger_integrations?select=id&id=eq.${idA}&is_primary=eq.true&limit=1&offset=0`,
    );
    expect(one.body).toEqual([{ id: idA }]);
    expect(one.headers.get('content-range')).toBe('0-0/*');
  });

  it.each([
    ['another operator', 'messenger_integrations?is_primary=neq.true'],
    ['negation', 'messenger_integrations?is_primary=not.eq.true'],
    ['an unknown operator', 'messenger_integrations?is_primary=banana.true'],
    ['a value without operator', 'messenger_integrations?is_primary=true'],
    ['or', 'messenger_integrations?or=(is_primary.eq.true,is_active.eq.true)'],
    ['an embedded resource', 'messenger_integrations?select=id,organizations(name)'],
    ['an alias', 'messenger_integrations?select=key:id'],
    ['a cast', 'messenger_integrations?select=id::text'],
    ['a JSON path', 'messenger_integrations?select=settings->wppApiKey'],
    ['a JSON path filter', 'messenger_integrations?settings->>wppAccountNumber=eq.1'],
    ['a bad order', 'messenger_integrations?order=created_at.sideways'],
    ['a bad limit', 'messenger_integrations?limit=-1'],
    ['a duplicate limit', 'messenger_integrations?limit=1&limit=2'],
    ['another table', 'profiles?select=*'],
    ['a missing table', 'nope?select=*'],
    ['an rpc', 'rpc/get_user_organization_id'],
  ])('refuses %s with 400 PGRST100', async (_label, query) => {
    const answer = await rest(query);
    expect(answer.status).toBe(400);
    expect(Object.keys(answer.body as object).sort()).toEqual(['code', 'details', 'hint', 'message']);
    expect(answer.body).toMatchObject({ code: 'PGRST100' });
  });

  it('refuses unknown columns with 42703 and bad values with 22P02, like PostgREST', async () => {
    expect(await rest('messenger_integrations?select=nope')).toMatchObject({
      status: 400,
      body: { code: '42703', message: 'column messenger_integrations.nope does not exist' },
    });
    expect(await rest('messenger_integrations?nope=eq.1')).toMatchObject({
      status: 400,
      body: { code: '42703' },
    });
    expect(await rest('messenger_integrations?id=eq.not-a-uuid')).toMatchObject({
      status: 400,
      body: { code: '22P02' },
    });
  });

  it('refuses other methods, count requests, other schemas and stripped nulls', async () => {
    expect(await rest('messenger_integrations', { method: 'DELETE' })).toMatchObject({
      status: 400,
      body: { code: 'PGRST100' },
    });
    expect((await rest('messenger_integrations?select=*', { method: 'HEAD' })).status).toBe(400);
    expect(
      await rest('messenger_integrations?select=*', { headers: { Prefer: 'count=exact' } }),
    ).toMatchObject({
      status: 400,
      body: { code: 'PGRST100' },
    });
    expect(
      await rest('messenger_integrations?select=*', { headers: { 'Accept-Profile': 'auth' } }),
    ).toMatchObject({
      status: 406,
      body: { code: 'PGRST106' },
    });
    expect(
      await rest('messenger_integrations?select=*', {
        headers: { Accept: 'application/vnd.pgrst.array+json;nulls=stripped' },
      }),
    ).toMatchObject({ status: 406 });
  });

  it('serves single() and refuses it with PGRST116 when the result is not one row', async () => {
    const single = await rest(`messenger_integrations?select=id&id=eq.${idA}`, {
      headers: { Accept: 'application/vnd.pgrst.object+json' },
    });
    expect(single).toMatchObject({ status: 200, body: { id: idA } });
    const none = await rest(`messenger_integrations?select=id&id=eq.${UNKNOWN}`, {
      headers: { Accept: 'application/vnd.pgrst.object+json' },
    });
    expect(none).toMatchObject({ status: 406, body: { code: 'PGRST116' } });
  });
});

describe('dev routes and faults', () => {
  it('GET /dev/tokens and /dev/stats are gone: no token of anyone in any answer', async () => {
    for (const path of ['/dev/tokens', '/dev/stats']) {
      for (const token of [null, tokenA]) {
        const answer = await call(backend, 'GET', path, { token });
        expect(answer.status).toBe(404);
        expect(answer.text).not.toContain(tokenA.slice(-20));
        expect(answer.text).not.toContain(tokenB.slice(-20));
      }
    }
  });

  it('scan refuses a number that shows no QR (409), and needs a token (401)', async () => {
    const created = await createNumber(backend, tokenA);
    expect(
      (
        await call(backend, 'POST', '/dev/scan', {
          token: tokenA,
          body: { integration_id: created.integration_id },
        })
      ).status,
    ).toBe(200);
    expect(
      await call(backend, 'POST', '/dev/scan', {
        token: tokenA,
        body: { integration_id: created.integration_id },
      }),
    ).toMatchObject({
      status: 409,
      body: { error: 'No QR to scan: the number is connected' },
    });
    expect(
      (await call(backend, 'POST', '/dev/scan', { body: { integration_id: created.integration_id } })).status,
    ).toBe(401);
  });

  it('validates fault and config bodies', async () => {
    const dev = (path: string, body: unknown) => call(backend, 'POST', path, { token: tokenA, body });
    expect((await dev('/dev/faults', { errorRate: 2 })).status).toBe(400);
    expect((await dev('/dev/faults', { surprise: 1 })).status).toBe(400);
    expect((await dev('/dev/config', { qrRotateMs: 0 })).status).toBe(400);
  });

  it('injects errors, timeouts and malformed bodies into the functions only, and stops when cleared', async () => {
    try {
      await call(backend, 'POST', '/dev/faults', { token: tokenA, body: { errorRate: 1 } });
      expect(await post('wpp-status', tokenA, { integration_id: idA })).toMatchObject({
        status: 500,
        body: { success: false },
      });
      // Faults never touch the table or the dev routes.
      expect(
        (await call(backend, 'GET', '/rest/v1/messenger_integrations?select=id', { token: tokenA })).status,
      ).toBe(200);

      await call(backend, 'POST', '/dev/faults', { token: tokenA, body: { timeoutRate: 1, latencyMs: 5 } });
      expect((await post('wpp-status', tokenA, { integration_id: idA })).status).toBe(504);

      await call(backend, 'POST', '/dev/faults', { token: tokenA, body: { malformedRate: 1, seed: 7 } });
      const kinds = new Set<string>();
      for (let i = 0; i < 12; i += 1) {
        const answer = await post('wpp-status', tokenA, { integration_id: idA });
        expect(answer.status).toBe(200);
        expect(() => JSON.parse(answer.text)).toThrow();
        kinds.add(answer.headers.get('content-type')!.split(';')[0]!);
      }
      expect([...kinds].sort()).toEqual(['application/json', 'text/html']);
    } finally {
      await call(backend, 'POST', '/dev/faults', { token: tokenA, body: {} });
    }
    expect((await post('wpp-status', tokenA, { integration_id: idA })).status).toBe(200);
  });
});

describe('found by a second review (each failed before its fix)', () => {
  it('a function asked without a token gets 401 before its method or body is looked at', async () => {
    expect(await call(backend, 'POST', '/functions/v1/wpp-status', { rawBody: '{oops' })).toMatchObject({
      status: 401,
    });
    expect(await call(backend, 'GET', '/functions/v1/wpp-status')).toMatchObject({ status: 401 });
  });

  it('a malformed percent-escape in the path is a 404 / 400, not a 500', async () => {
    expect(await call(backend, 'GET', '/functions/v1/%E0%A4%A', { token: tokenA })).toMatchObject({
      status: 404,
      body: { success: false, error: 'Function not found' },
    });
    expect(await call(backend, 'GET', '/rest/v1/%ZZ', { token: tokenA })).toMatchObject({
      status: 400,
      body: { code: 'PGRST100' },
    });
  });

  it('Content-Range starts at the offset, as PostgREST answers', async () => {
    await createNumber(backend, tokenA);
    const page = await call(backend, 'GET', '/rest/v1/messenger_integrations?select=id&offset=1', {
      token: tokenA,
    });
    expect(page.status).toBe(200);
    const rows = page.body as unknown[];
    expect(rows.length).toBeGreaterThan(0);
    expect(page.headers.get('content-range')).toBe(`1-${rows.length}/*`);
  });
});

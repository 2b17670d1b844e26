import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WppError } from '../src/index.js';
import { createSupabaseBackend } from '../src/supabase.js';
import { type Answer, type ContractServer, row, startContractServer } from './helpers/contract-server.js';

const signal = () => new AbortController().signal;
const ID1 = row({ n: 1 }).id;
const ref1 = { integrationId: ID1, accountNumber: '0000000000001' };

let server: ContractServer;
beforeAll(async () => {
  server = await startContractServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.seen.length = 0;
  for (const key of Object.keys(server.routes)) delete server.routes[key];
});

describe('createSupabaseBackend over real HTTP (supabase-js against a node:http server)', () => {
  it('lists rows from the messenger-integrations function: WPP WhatsApp only, active only, primary first, keys masked', async () => {
    server.routes['messenger-integrations'] = () => ({
      json: {
        success: true,
        integrations: [
          row({ n: 3, created_at: '2026-02-01T00:00:00Z' }),
          row({ n: 2, provider: 'green_api' }),
          row({ n: 4, is_active: false }),
          row({ n: 5, is_enabled: false, is_active: true }),
          row({ n: 1, is_primary: true, created_at: '2026-02-05T00:00:00Z' }),
          row({ n: 6, messenger_type: 'telegram' }),
        ],
      },
    });
    const records = await createSupabaseBackend(server.client()).listSessions(signal());
    expect(records.map((r) => r.accountNumber)).toEqual(['0000000000001', '0000000000003']);
    expect(records[0]!.apiKeyMasked).toBe('••••mnop');
    expect(JSON.stringify(records)).not.toContain('FULLSECRETKEY');
    const [request] = server.seen;
    expect(request!.method).toBe('GET');
    expect(request!.path).toBe('/functions/v1/messenger-integrations');
    expect(request!.query.get('messenger_type')).toBe('whatsapp');
    expect(request!.headers.apikey).toBe('anon-key-for-tests');
  });

  it('reads the table with an explicit organization filter when source is "table"', async () => {
    server.routes.messenger_integrations = () => ({ json: [row({ n: 1 }), row({ n: 2 })] });
    const backend = createSupabaseBackend(server.client(), {
      source: 'table',
      organizationId: '11111111-1111-4111-8111-111111111111',
    });
    const records = await backend.listSessions(signal());
    expect(records).toHaveLength(2);
    const { query, path } = server.seen[0]!;
    expect(path).toBe('/rest/v1/messenger_integrations');
    expect(query.get('organization_id')).toBe('eq.11111111-1111-4111-8111-111111111111');
    expect(query.get('provider')).toBe('eq.wpp');
    expect(query.get('messenger_type')).toBe('eq.whatsapp');
    expect(query.get('order')).toBe('is_primary.desc,created_at.asc');
  });

  it('refuses a table source without an organization id instead of trusting RLS', () => {
    expect(() => createSupabaseBackend(server.client(), { source: 'table' })).toThrow(/organizationId/);
  });

  it('reports a PostgREST error of the table read with its HTTP status', async () => {
    server.routes.messenger_integrations = () => ({
      status: 401,
      json: { code: 'PGRST301', message: 'JWT expired', details: null, hint: null },
    });
    const backend = createSupabaseBackend(server.client(), { source: 'table', organizationId: 'org' });
    await expect(backend.listSessions(signal())).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('asks wpp-status for one integration id, forced past the cache', async () => {
    server.routes['wpp-status'] = () => ({
      json: { success: true, status: 'connected', account_number: '0000000000001' },
    });
    await expect(createSupabaseBackend(server.client()).getStatus(ref1, signal())).resolves.toEqual({
      status: 'connected',
    });
    expect(server.seen[0]!.body).toEqual({ integration_id: ID1, force: true });
  });

  it('normalises every wpp-status answer of the contract', async () => {
    const backend = createSupabaseBackend(server.client());
    const answers: Array<[unknown, unknown]> = [
      [
        { success: true, status: 'qr_issued', qrcode: '2@abc,def', account_number: '0000000000001' },
        { status: 'qr_issued', qr: { kind: 'text', value: '2@abc,def' } },
      ],
      [
        { success: true, status: 'qr_pending', message: 'QR code not ready yet' },
        { status: 'pending', detail: 'QR code not ready yet' },
      ],
      [
        { success: true, status: 'disconnected', message: 'Account is offline' },
        { status: 'disconnected', detail: 'Account is offline' },
      ],
      [{ success: true, status: 'CONNECTED' }, { status: 'connected' }],
      [
        { success: true, status: 'qr_issued' },
        { status: 'pending', detail: 'QR code not ready yet' },
      ],
    ];
    for (const [json, expected] of answers) {
      server.routes['wpp-status'] = () => ({ json });
      await expect(backend.getStatus(ref1, signal())).resolves.toEqual(expected);
    }
  });

  it('fetches the QR with GET and both the integration id and the session', async () => {
    server.routes['wpp-qr'] = () => ({ json: { success: true, qr: '2@qr' } });
    await expect(createSupabaseBackend(server.client()).getQr(ref1, signal())).resolves.toEqual({
      kind: 'text',
      value: '2@qr',
    });
    const { method, query } = server.seen[0]!;
    expect(method).toBe('GET');
    expect(query.get('integration_id')).toBe(ID1);
    expect(query.get('session')).toBe('0000000000001');
  });

  it('sends wpp-create exactly once with add_new, then finds the new row in the list', async () => {
    server.routes['wpp-create'] = () => ({
      json: {
        success: true,
        session: '0000000000002',
        apiKey: 'abc123••••••wxyz',
        status: 'qr_issued',
        qrcode: '2@new',
      },
    });
    server.routes['messenger-integrations'] = () => ({
      json: { success: true, integrations: [row({ n: 1 }), row({ n: 2 })] },
    });
    const created = await createSupabaseBackend(server.client()).create({ addNew: true }, signal());
    expect(created.record.integrationId).toBe(row({ n: 2 }).id);
    expect(created.status).toEqual({ status: 'qr_issued', qr: { kind: 'text', value: '2@new' } });
    const creates = server.seen.filter((r) => r.path.endsWith('wpp-create'));
    expect(creates).toHaveLength(1);
    expect(creates[0]!.body).toEqual({ add_new: true });
  });

  it("sends each of wpp-create's three meanings as the function reads them", async () => {
    server.routes['wpp-create'] = () => ({
      json: { success: true, session: '0000000000001', status: 'qr_issued', qrcode: '2@x' },
    });
    server.routes['messenger-integrations'] = () => ({
      json: { success: true, integrations: [row({ n: 1 })] },
    });
    const backend = createSupabaseBackend(server.client());
    await backend.create({ addNew: false }, signal());
    await backend.create({ addNew: false, forceRecreate: true }, signal());
    await backend.create({ addNew: true }, signal());
    const bodies = server.seen.filter((r) => r.path.endsWith('wpp-create')).map((r) => r.body);
    expect(bodies).toEqual([{}, { force_recreate: true }, { add_new: true }]);
  });

  it('never retries wpp-create, not even on 504 or 500', async () => {
    for (const status of [500, 502, 503, 504, 408, 429]) {
      server.seen.length = 0;
      server.routes['wpp-create'] = () => ({ status, json: { success: false, error: 'upstream timeout' } });
      const error = await createSupabaseBackend(server.client())
        .create({ addNew: true }, signal())
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WppError);
      expect(server.seen.filter((r) => r.path.endsWith('wpp-create'))).toHaveLength(1);
    }
  });

  it('reports a created session whose row cannot be found, without creating again', async () => {
    server.routes['wpp-create'] = () => ({
      json: { success: true, session: '0000000000009', status: 'starting' },
    });
    server.routes['messenger-integrations'] = () => ({
      json: { success: true, integrations: [row({ n: 1 })] },
    });
    await expect(
      createSupabaseBackend(server.client()).create({ addNew: true }, signal()),
    ).rejects.toMatchObject({
      code: 'bad_response',
      retryable: false,
    });
    expect(server.seen.filter((r) => r.path.endsWith('wpp-create'))).toHaveLength(1);
  });

  it('treats wpp-start HTTP 408 "timeout" as still starting', async () => {
    server.routes['wpp-start'] = () => ({
      status: 408,
      json: { success: false, ok: false, status: 'timeout', error: 'Timeout waiting for QR code' },
    });
    const result = await createSupabaseBackend(server.client()).start(ref1, signal());
    expect(result.status).toBe('pending');
    expect(server.seen[0]!.body).toEqual({ integration_id: ID1 });
  });

  it('disconnect succeeds only when the backend confirms it', async () => {
    const backend = createSupabaseBackend(server.client());
    server.routes['wpp-disconnect'] = () => ({ json: { ok: true, success: true, status: 'disconnected' } });
    await expect(backend.disconnect(ref1, signal())).resolves.toBeUndefined();
    expect(server.seen[0]!.body).toEqual({ integration_id: ID1 });
    // A 2xx that does not say it disconnected is not taken as done.
    server.routes['wpp-disconnect'] = () => ({ json: {} });
    await expect(backend.disconnect(ref1, signal())).rejects.toMatchObject({ code: 'bad_response' });
  });

  it('a 404 "integration not found" is done only when a fresh list no longer names the number', async () => {
    const backend = createSupabaseBackend(server.client());
    server.routes['wpp-disconnect'] = () => ({ status: 404, json: { error: 'WPP integration not found' } });
    // Really gone.
    server.routes['messenger-integrations'] = () => ({
      json: { success: true, integrations: [row({ n: 2 })] },
    });
    await expect(backend.disconnect(ref1, signal())).resolves.toBeUndefined();
    // Still listed: the next refresh would bring it back as connected, so this is an error on the card.
    server.routes['messenger-integrations'] = () => ({
      json: { success: true, integrations: [row({ n: 1 })] },
    });
    await expect(backend.disconnect(ref1, signal())).rejects.toMatchObject({
      code: 'not_found',
      retryable: true,
      message: expect.stringMatching(/WPP integration not found.*still listed/),
    });
    server.routes['wpp-disconnect'] = () => ({ status: 404, json: { error: 'Organization not found' } });
    await expect(backend.disconnect(ref1, signal())).rejects.toMatchObject({ code: 'not_found' });
  });

  it('never deletes the row when wpp-disconnect keeps it (400 / 500): the failure is reported', async () => {
    const backend = createSupabaseBackend(server.client());
    const kept: Array<[number, unknown, string]> = [
      [500, { ok: false, success: false, error: 'upstream stop failed' }, 'server'],
      [400, { error: 'wppApiKey or wppAccountNumber not configured' }, 'bad_request'],
    ];
    for (const [status, json, code] of kept) {
      server.seen.length = 0;
      server.routes['wpp-disconnect'] = () => ({ status, json });
      server.routes['messenger-integrations'] = () => ({ json: { success: true } });
      await expect(backend.disconnect(ref1, signal())).rejects.toMatchObject({
        code,
        message: expect.stringContaining((json as { error: string }).error),
      });
      expect(server.seen.filter((r) => r.method === 'DELETE')).toEqual([]);
    }
  });

  it('forget deletes only the row, through messenger-integrations, when the admin asks for it', async () => {
    const backend = createSupabaseBackend(server.client());
    server.routes['messenger-integrations'] = () => ({ json: { success: true } });
    await expect(backend.forget!(ref1, signal())).resolves.toBeUndefined();
    const deletion = server.seen.find((r) => r.method === 'DELETE');
    expect(deletion?.path).toBe('/functions/v1/messenger-integrations');
    expect(deletion?.query.get('id')).toBe(ID1);
    expect(server.seen.some((r) => r.path.endsWith('wpp-disconnect'))).toBe(false);
    server.routes['messenger-integrations'] = () => ({
      status: 500,
      json: { success: false, error: 'db down' },
    });
    await expect(backend.forget!(ref1, signal())).rejects.toMatchObject({ code: 'server' });
  });

  describe('echoed secrets', () => {
    const KEY = 'FULLSECRETKEY-1-abcdefghijklmnop';
    const JWT = 'eyJhbGciOiJIUzI1NiJ9.jwt-1.sig';
    const table = () =>
      createSupabaseBackend(server.client(), {
        source: 'table',
        organizationId: '11111111-1111-4111-8111-111111111111',
      });

    it('scrubs the keys and JWTs it read from rows out of every error text, also a cut-off copy', async () => {
      server.routes.messenger_integrations = () => ({ json: [row({ n: 1 })] });
      const backend = table();
      await backend.listSessions(signal());
      const echoes: Array<[string, Answer]> = [
        [
          'status',
          { status: 500, json: { success: false, error: `Failed to get initial token: 403 ${KEY}` } },
        ],
        ['status', { status: 500, json: { success: false, error: `upstream said ${JWT} is bad` } }],
        ['status', { status: 502, text: `bad gateway ${KEY}` }],
        ['status', { status: 200, json: { success: true, status: 'disconnected', message: `key ${KEY}` } }],
      ];
      for (const [, answer] of echoes) {
        server.routes['wpp-status'] = () => answer;
        const outcome = await backend.getStatus(ref1, signal()).then(
          (value) => JSON.stringify(value),
          (error: WppError) => `${error.message} ${JSON.stringify(error)} ${String(error.cause ?? '')}`,
        );
        expect(outcome).not.toContain('FULLSECRETKEY-1-abc');
        expect(outcome).not.toContain('jwt-1.sig');
        expect(outcome).toMatch(/••••/);
      }
    });

    it('scrubs anything shaped like an API key or a JWT, whatever the source', async () => {
      const backend = createSupabaseBackend(server.client());
      const shaped = [
        'Invalid API key wppk_0123456789abcdef0123',
        'token eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl refused',
        'key 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 refused',
      ];
      for (const error of shaped) {
        server.routes['wpp-status'] = () => ({ status: 500, json: { success: false, error } });
        const rejection = await backend.getStatus(ref1, signal()).catch((e: WppError) => e);
        expect(rejection).toBeInstanceOf(WppError);
        expect((rejection as WppError).message).toMatch(
          /failed \(HTTP 500\): (Invalid API key|token|key) ••••/,
        );
        expect((rejection as WppError).message).not.toMatch(/0123456789abcdef|c2lnbmF0dXJl|a2feaa0c55/);
      }
      // Session ids, UUIDs and ordinary words are left alone.
      server.routes['wpp-status'] = () => ({
        status: 404,
        json: { error: `Session 0000000000001 of ${ID1} not found` },
      });
      await expect(backend.getStatus(ref1, signal())).rejects.toMatchObject({
        message: expect.stringContaining(`Session 0000000000001 of ${ID1} not found`),
      });
    });
  });

  it('a body nested too deeply to read is bad_response, saying so', async () => {
    const deep = `${'['.repeat(300_000)}${']'.repeat(300_000)}`;
    server.routes['wpp-status'] = () => ({
      text: `{"success":true,"status":${deep}}`,
      contentType: 'application/json',
    });
    const backend = createSupabaseBackend(server.client());
    await expect(backend.getStatus(ref1, signal())).rejects.toMatchObject({
      code: 'bad_response',
      message: expect.stringMatching(/unknown status an array|could not be read/),
    });
  });

  it('maps HTTP errors to codes with the body reason', async () => {
    const backend = createSupabaseBackend(server.client());
    const cases: Array<[number, unknown, string]> = [
      [401, { success: false, error: 'Invalid token' }, 'unauthorized'],
      [403, { error: 'Forbidden' }, 'forbidden'],
      [404, { success: false, error: 'WPP integration not found' }, 'not_found'],
      [400, { success: false, error: 'Session parameter required' }, 'bad_request'],
      [429, { error: 'Too many requests' }, 'rate_limited'],
      [500, { success: false, error: 'WPP_SECRET not configured' }, 'server'],
    ];
    for (const [status, json, code] of cases) {
      server.routes['wpp-status'] = () => ({ status, json });
      const error = (await backend.getStatus(ref1, signal()).catch((e: unknown) => e)) as WppError;
      expect(error.code).toBe(code);
      expect(error.message).toContain(`HTTP ${status}`);
      expect(error.message).toContain((json as { error: string }).error);
    }
  });

  it('rejects with the abort reason, not a WppError, when the caller aborts', async () => {
    server.routes['wpp-status'] = () => ({ delayMs: 200, json: { success: true, status: 'connected' } });
    const controller = new AbortController();
    const pending = createSupabaseBackend(server.client()).getStatus(ref1, controller.signal);
    setTimeout(() => controller.abort(new Error('left the state')), 20);
    await expect(pending).rejects.toThrow('left the state');
  });

  it('reports a network failure as a retryable network error', async () => {
    const dead = await startContractServer();
    const client = dead.client();
    await dead.close();
    const error = (await createSupabaseBackend(client)
      .getStatus(ref1, signal())
      .catch((e: unknown) => e)) as WppError;
    expect(error).toBeInstanceOf(WppError);
    expect(error.code).toBe('network');
    expect(error.retryable).toBe(true);
  });
});

describe('answers supabase-js would hide or mislabel', () => {
  it('reports a truncated JSON body as bad_response, not as a network failure', async () => {
    server.routes['wpp-status'] = () => ({
      text: '{"success":true,"status":"conn',
      contentType: 'application/json',
    });
    const error = (await createSupabaseBackend(server.client())
      .getStatus(ref1, signal())
      .catch((e: unknown) => e)) as WppError;
    expect(error.code).toBe('bad_response');
    expect(error.message).toMatch(/not valid JSON/);
  });

  it('sends one table read per list, without postgrest-js retrying 503s behind the machine', async () => {
    server.routes.messenger_integrations = () => ({ status: 503, json: { message: 'Service Unavailable' } });
    const backend = createSupabaseBackend(server.client(), { source: 'table', organizationId: 'org' });
    await expect(backend.listSessions(signal())).rejects.toMatchObject({ code: 'server' });
    expect(server.seen.filter((r) => r.path === '/rest/v1/messenger_integrations')).toHaveLength(1);
  });
});

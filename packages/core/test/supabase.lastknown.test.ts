import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFetchBackend } from '../src/fetch.js';
import { WppError } from '../src/index.js';
import { parseLastKnown } from '../src/supabase/last.known.js';
import { createSupabaseBackend } from '../src/supabase.js';
import { type ContractServer, startContractServer } from './helpers/contract-server.js';

const signal = () => new AbortController().signal;
const ORG = '11111111-1111-4111-8111-111111111111';
const at = (iso: string) => Date.parse(iso);

let server: ContractServer;
beforeAll(async () => {
  server = await startContractServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.seen.length = 0;
  for (const key of Object.keys(server.routes)) delete server.routes[key];
});

describe('lastKnown over real HTTP (supabase-js, PostgREST whatsapp_sessions)', () => {
  it('reads four columns of whatsapp_sessions and normalises each row', async () => {
    server.routes.whatsapp_sessions = () => ({
      json: [
        {
          session_name: 'wpp_0000000000001',
          status: 'connected',
          last_qr_at: null,
          updated_at: '2026-02-05T10:00:00+00:00',
        },
        {
          session_name: 'wpp_0000000000002',
          status: 'qr_issued',
          last_qr_at: '2026-02-05T09:59:30+00:00',
          updated_at: '2026-02-05T09:59:31+00:00',
        },
        { session_name: 'wpp_0000000000003', status: 'pairing', updated_at: '2026-02-05T09:00:00Z' },
        { session_name: 'wpp_0000000000004', status: 'DISCONNECTED', updated_at: '2026-02-05T08:00:00Z' },
      ],
    });
    const saved = await createSupabaseBackend(server.client()).lastKnown!(signal());
    expect(saved).toEqual([
      { accountNumber: '0000000000001', status: 'connected', at: at('2026-02-05T10:00:00Z') },
      {
        accountNumber: '0000000000002',
        status: 'qr_issued',
        at: at('2026-02-05T09:59:31Z'),
        qrIssuedAt: at('2026-02-05T09:59:30Z'),
      },
      { accountNumber: '0000000000003', status: 'pending', at: at('2026-02-05T09:00:00Z') },
      { accountNumber: '0000000000004', status: 'disconnected', at: at('2026-02-05T08:00:00Z') },
    ]);
    const [request] = server.seen;
    expect(request!.method).toBe('GET');
    expect(request!.path).toBe('/rest/v1/whatsapp_sessions');
    expect(request!.query.get('select')).toBe('session_name,status,last_qr_at,updated_at');
    expect(request!.query.get('organization_id')).toBeNull();
  });

  it('adds the organization filter when the adapter knows the organization', async () => {
    server.routes.whatsapp_sessions = () => ({ json: [] });
    const backend = createSupabaseBackend(server.client(), { source: 'table', organizationId: ORG });
    await expect(backend.lastKnown!(signal())).resolves.toEqual([]);
    expect(server.seen[0]!.query.get('organization_id')).toBe(`eq.${ORG}`);
  });

  it('rejects with a WppError when the read fails or is refused, never resolving []', async () => {
    const backend = createSupabaseBackend(server.client());
    const cases: Array<[number, WppError['code']]> = [
      [401, 'unauthorized'],
      [403, 'forbidden'],
      [404, 'not_found'],
      [503, 'server'],
    ];
    for (const [status, code] of cases) {
      server.routes.whatsapp_sessions = () => ({
        status,
        json: {
          code: '42501',
          details: null,
          hint: null,
          message: 'permission denied for table whatsapp_sessions',
        },
      });
      const error = await backend.lastKnown!(signal()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WppError);
      expect({ status, code: (error as WppError).code }).toEqual({ status, code });
    }
    // One request per call: postgrest-js would retry a 503 by itself.
    expect(server.seen).toHaveLength(4);
    server.routes.whatsapp_sessions = () => ({ json: { not: 'an array' } });
    await expect(backend.lastKnown!(signal())).rejects.toMatchObject({ code: 'bad_response' });
  });

  it('scrubs a key-shaped text a refusal echoes', async () => {
    const KEY = 'wppk_0123456789abcdef0123secret';
    server.routes.whatsapp_sessions = () => ({
      status: 500,
      json: { code: 'XX000', details: null, hint: null, message: `failed near ${KEY}` },
    });
    const error = (await createSupabaseBackend(server.client()).lastKnown!(signal()).catch(
      (e: unknown) => e,
    )) as WppError;
    expect(error).toBeInstanceOf(WppError);
    expect(error.message).not.toContain(KEY);
  });

  it('rejects with the abort reason’s message when the caller aborts', async () => {
    server.routes.whatsapp_sessions = () => ({ json: [], delayMs: 200 });
    const controller = new AbortController();
    const reason = new Error('left the state');
    const pending = createSupabaseBackend(server.client()).lastKnown!(controller.signal);
    setTimeout(() => controller.abort(reason), 20);
    await expect(pending).rejects.toThrow('left the state');
  });

  it('the fetch backend, which reaches functions only, has no lastKnown', () => {
    expect(createFetchBackend({ url: `${server.url}/functions/v1` }).lastKnown).toBeUndefined();
    expect(createSupabaseBackend(server.client()).lastKnown).toBeTypeOf('function');
  });
});

describe('parseLastKnown', () => {
  it('drops rows it cannot read: unknown or error words, legacy names, no time; the newer of two wins', () => {
    expect(
      parseLastKnown([
        { session_name: 'wpp_0000000000001', status: 'banana', updated_at: '2026-02-05T10:00:00Z' },
        { session_name: 'wpp_0000000000002', status: 'error', updated_at: '2026-02-05T10:00:00Z' },
        { session_name: 'org_0a0a0a0a00004000', status: 'connected', updated_at: '2026-02-05T10:00:00Z' },
        { session_name: 'wpp_0000000000003', status: 'connected', updated_at: 'yesterday' },
        { session_name: 'wpp_0000000000004', status: 'connected' },
        { session_name: 'wpp_', status: 'connected', updated_at: '2026-02-05T10:00:00Z' },
        null,
        'wpp_0000000000005',
        { session_name: 'wpp_0000000000006', status: 'connected', updated_at: '2026-02-05T10:00:00Z' },
        { session_name: 'wpp_0000000000006', status: 'disconnected', updated_at: '2026-02-05T11:00:00Z' },
        { session_name: 'wpp_0000000000006', status: 'qr_issued', updated_at: '2026-02-05T09:00:00Z' },
        {
          session_name: 'wpp_0000000000007',
          status: 'connected',
          last_qr_at: 'garbage',
          updated_at: '2026-02-05T10:00:00Z',
        },
      ]),
    ).toEqual([
      { accountNumber: '0000000000006', status: 'disconnected', at: at('2026-02-05T11:00:00Z') },
      { accountNumber: '0000000000007', status: 'connected', at: at('2026-02-05T10:00:00Z') },
    ]);
  });
});

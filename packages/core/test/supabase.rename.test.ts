import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFetchBackend } from '../src/fetch.js';
import { WppError } from '../src/index.js';
import { checkSessionName, SESSION_NAME_MAX_LENGTH } from '../src/supabase/session.name.js';
import { createSupabaseBackend } from '../src/supabase.js';
import { type ContractServer, row, startContractServer } from './helpers/contract-server.js';

const signal = () => new AbortController().signal;
const ID1 = row({ n: 1 }).id;
const ref1 = { integrationId: ID1, accountNumber: '0000000000001' };
const masked = (r: ReturnType<typeof row>) => ({
  ...r,
  settings: { ...r.settings, wppApiKey: '••••••••mnop', wppJwtToken: '••••••••.sig' },
});

let server: ContractServer;
beforeAll(async () => {
  server = await startContractServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.seen.length = 0;
  for (const key of Object.keys(server.routes)) delete server.routes[key];
});

describe('rename through messenger-integrations PUT (supabase-js over real HTTP)', () => {
  it('sends PUT { id, name } with the name trimmed, and resolves the updated record of the answer', async () => {
    server.routes['messenger-integrations'] = (request) => ({
      json: {
        success: true,
        integration: masked(row({ n: 1, name: (request.body as { name: string }).name })),
      },
    });
    const record = await createSupabaseBackend(server.client()).rename!(
      ref1,
      '  Ресепшн, 2 этаж  ',
      signal(),
    );
    expect(record).toMatchObject({ integrationId: ID1, name: 'Ресепшн, 2 этаж', apiKeyMasked: '••••mnop' });
    expect(server.seen).toHaveLength(1);
    const [request] = server.seen;
    expect(request!.method).toBe('PUT');
    expect(request!.path).toBe('/functions/v1/messenger-integrations');
    expect(request!.body).toEqual({ id: ID1, name: 'Ресепшн, 2 этаж' });
  });

  it('reads the record back from the list when the answer carries no row', async () => {
    server.routes['messenger-integrations'] = (request) =>
      request.method === 'PUT'
        ? { json: { success: true } }
        : { json: { success: true, integrations: [masked(row({ n: 1, name: 'Склад' }))] } };
    const record = await createSupabaseBackend(server.client()).rename!(ref1, 'Склад', signal());
    expect(record.name).toBe('Склад');
    expect(server.seen.map((r) => r.method)).toEqual(['PUT', 'GET']);
  });

  it('rejects not_found when the answer has no row and the list no longer has the number', async () => {
    server.routes['messenger-integrations'] = (request) =>
      request.method === 'PUT' ? { json: { success: true } } : { json: { success: true, integrations: [] } };
    await expect(
      createSupabaseBackend(server.client()).rename!(ref1, 'Склад', signal()),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('refuses an answer that names another row', async () => {
    server.routes['messenger-integrations'] = () => ({
      json: { success: true, integration: masked(row({ n: 2, name: 'x' })) },
    });
    await expect(createSupabaseBackend(server.client()).rename!(ref1, 'x', signal())).rejects.toMatchObject({
      code: 'bad_response',
    });
  });

  it('rejects empty, too long and multi-line names with bad_request, before any request', async () => {
    const backend = createSupabaseBackend(server.client());
    for (const name of [
      '',
      '   ',
      'x'.repeat(SESSION_NAME_MAX_LENGTH + 1),
      'two\nlines',
      7 as unknown as string,
    ]) {
      const error = await backend.rename!(ref1, name, signal()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WppError);
      expect((error as WppError).code).toBe('bad_request');
    }
    expect(server.seen).toEqual([]);
  });

  it('accepts a name of exactly the maximum length, counted in characters, not UTF-16 units', async () => {
    server.routes['messenger-integrations'] = (request) => ({
      json: {
        success: true,
        integration: masked(row({ n: 1, name: (request.body as { name: string }).name })),
      },
    });
    const name = '📱'.repeat(SESSION_NAME_MAX_LENGTH);
    const record = await createSupabaseBackend(server.client()).rename!(ref1, name, signal());
    expect(record.name).toBe(name);
  });

  it('maps the function errors to codes: 400, 404 "Integration not found", 403, 500', async () => {
    const backend = createSupabaseBackend(server.client());
    const cases: Array<[number, string, WppError['code']]> = [
      [400, 'Missing integration id', 'bad_request'],
      [404, 'Integration not found', 'not_found'],
      [403, 'Only organization admins can manage integrations', 'forbidden'],
      [500, 'null value in column "name"', 'server'],
    ];
    for (const [status, error, code] of cases) {
      server.routes['messenger-integrations'] = () => ({ status, json: { success: false, error } });
      await expect(backend.rename!(ref1, 'Склад', signal())).rejects.toMatchObject({
        code,
        message: expect.stringContaining(error),
      });
    }
  });

  it('never lets a key the function echoes reach the error text', async () => {
    const KEY = 'wppk_0123456789abcdef0123secret';
    server.routes['messenger-integrations'] = () => ({
      status: 500,
      json: { success: false, error: `duplicate key ${KEY}` },
    });
    const error = (await createSupabaseBackend(server.client()).rename!(ref1, 'Склад', signal()).catch(
      (e: unknown) => e,
    )) as WppError;
    expect(error).toBeInstanceOf(WppError);
    expect(`${error.message} ${JSON.stringify(error)} ${String(error.cause ?? '')}`).not.toContain(KEY);
  });

  it('rejects with the abort reason’s message when the caller aborts', async () => {
    server.routes['messenger-integrations'] = () => ({ json: { success: true }, delayMs: 200 });
    const controller = new AbortController();
    const reason = new Error('left the state');
    const pending = createSupabaseBackend(server.client()).rename!(ref1, 'Склад', controller.signal);
    setTimeout(() => controller.abort(reason), 20);
    await expect(pending).rejects.toThrow('left the state');
  });

  it('the fetch backend renames through the same PUT', async () => {
    server.routes['messenger-integrations'] = (request) => ({
      json: {
        success: true,
        integration: masked(row({ n: 1, name: (request.body as { name: string }).name })),
      },
    });
    const backend = createFetchBackend({ url: `${server.url}/functions/v1`, headers: { apikey: 'anon' } });
    await expect(backend.rename!(ref1, ' Склад ', signal())).resolves.toMatchObject({ name: 'Склад' });
    expect(server.seen[0]).toMatchObject({ method: 'PUT', body: { id: ID1, name: 'Склад' } });
  });
});

describe('checkSessionName', () => {
  it('trims, and says what is wrong without repeating the name', () => {
    expect(checkSessionName('  Склад ')).toBe('Склад');
    const long = `secret-${'y'.repeat(SESSION_NAME_MAX_LENGTH)}`;
    expect(() => checkSessionName(long)).toThrow(/at most 100/);
    try {
      checkSessionName(long);
    } catch (error) {
      expect((error as Error).message).not.toContain('secret-');
    }
  });
});

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFetchBackend, readResponse, requestFailure } from '../src/fetch.js';
import { createWppSessions, sessionsView, sessionView, WppError } from '../src/index.js';
import { statusFromMyApi, wppBackend } from './examples/fetch-backend.example.js';
import { type ContractServer, row, startContractServer } from './helpers/contract-server.js';

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

describe("core's README example of a backend over plain fetch", () => {
  it('is the code this test runs (line breaks aside)', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.split('\n## Your own backend\n')[1];
    expect(section).toBeDefined();
    const block = /```ts\n([\s\S]*?)```/.exec(section!)?.[1];
    const example = readFileSync(new URL('./examples/fetch-backend.example.ts', import.meta.url), 'utf8')
      .replaceAll("'../../src/fetch.js'", "'@wpp-sessions/core/fetch'")
      .replaceAll("'../../src/index.js'", "'@wpp-sessions/core'");
    // Compared modulo formatting: biome wraps the README's longer import specifiers differently.
    const layout = (code: string) =>
      code
        .replace(/,?\s*([)}\]])/g, '$1')
        .replace(/\s+/g, ' ')
        .trim();
    expect(layout(block!)).toBe(layout(example));
  });

  it('sends the Bearer token and the apikey, with a fresh token on each request', async () => {
    server.routes['messenger-integrations'] = () => ({
      json: { success: true, integrations: [row({ n: 1 })] },
    });
    server.routes['wpp-status'] = () => ({ json: { success: true, status: 'connected' } });
    let token = 0;
    const backend = wppBackend(`${server.url}/functions/v1`, 'anon-key', async () => `token-${++token}`);
    const records = await backend.listSessions(signal());
    expect(records.map((r) => [r.accountNumber, r.apiKeyMasked])).toEqual([['0000000000001', '••••mnop']]);
    await expect(backend.getStatus(ref1, signal())).resolves.toEqual({ status: 'connected' });

    const [list, status] = server.seen;
    expect([list!.method, list!.path, list!.query.get('messenger_type')]).toEqual([
      'GET',
      '/functions/v1/messenger-integrations',
      'whatsapp',
    ]);
    expect(list!.headers.authorization).toBe('Bearer token-1');
    expect(list!.headers.apikey).toBe('anon-key');
    expect([status!.method, status!.path]).toEqual(['POST', '/functions/v1/wpp-status']);
    expect(status!.headers.authorization).toBe('Bearer token-2');
    expect(status!.headers['content-type']).toBe('application/json');
    expect(status!.body).toEqual({ integration_id: ID1, force: true });
  });

  it('sends wpp-create once, even when it answers 500 or 504', async () => {
    const backend = wppBackend(`${server.url}/functions/v1`, 'anon-key', async () => 'token');
    for (const status of [500, 504]) {
      server.seen.length = 0;
      server.routes['wpp-create'] = () => ({ status, json: { success: false, error: 'upstream timeout' } });
      const error = await backend.create({ addNew: true }, signal()).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: status === 500 ? 'server' : 'timeout' });
      expect((error as WppError).message).toBe(`wpp-create failed (HTTP ${status}): upstream timeout`);
      expect(server.seen.filter((r) => r.path.endsWith('/wpp-create'))).toHaveLength(1);
      expect(server.seen[0]!.body).toEqual({ add_new: true });
    }
  });

  it('honours the AbortSignal: the call rejects with its reason while the request is in flight', async () => {
    server.routes['wpp-status'] = () => ({ delayMs: 300, json: { success: true, status: 'connected' } });
    const backend = wppBackend(`${server.url}/functions/v1`, 'anon-key', async () => 'token');
    const controller = new AbortController();
    const pending = backend.getStatus(ref1, controller.signal);
    // Polled, not timed: abort once the server has the request.
    await expect.poll(() => server.seen.length).toBe(1);
    controller.abort(new Error('left the state'));
    await expect(pending).rejects.toThrow('left the state');
  });

  it('drives the collection to ready over real HTTP', async () => {
    server.routes['messenger-integrations'] = () => ({
      json: { success: true, integrations: [row({ n: 1 }), row({ n: 2 })] },
    });
    server.routes['wpp-status'] = (request) => ({
      json: {
        success: true,
        status: (request.body as { integration_id: string }).integration_id === ID1 ? 'CONNECTED' : 'CLOSED',
      },
    });
    const actor = createWppSessions(
      wppBackend(`${server.url}/functions/v1`, 'anon-key', async () => 'token'),
    ).start();
    try {
      await expect
        .poll(() => {
          const { refs } = actor.getSnapshot().context;
          return Object.values(refs).map((ref) => sessionView(ref.getSnapshot()).status);
        })
        .toEqual(['connected', 'disconnected']);
      expect(sessionsView(actor.getSnapshot()).status).toBe('ready');
    } finally {
      actor.stop();
    }
  });

  it('reads an endpoint of your own: status words, HTTP codes, bodies that are not JSON', async () => {
    server.routes[`/wpp/${ID1}/status`] = () => ({ json: { status: 'QRCODE', qrcode: 'qr-payload-1' } });
    await expect(statusFromMyApi(server.url, ref1, signal())).resolves.toEqual({
      status: 'qr_issued',
      qr: { kind: 'text', value: 'qr-payload-1' },
    });
    server.routes[`/wpp/${ID1}/status`] = () => ({ status: 401, json: { error: 'Invalid token' } });
    await expect(statusFromMyApi(server.url, ref1, signal())).rejects.toMatchObject({
      code: 'unauthorized',
      message: 'my-status failed (HTTP 401): Invalid token',
    });
    server.routes[`/wpp/${ID1}/status`] = () => ({
      text: '<html>Bad gateway</html>',
      contentType: 'text/html',
    });
    await expect(statusFromMyApi(server.url, ref1, signal())).rejects.toMatchObject({
      code: 'bad_response',
      message: 'my-status answered with an HTML page instead of JSON',
    });
  });
});

describe('createFetchBackend answers as createSupabaseBackend does', () => {
  const backend = () => createFetchBackend({ url: `${server.url}/functions/v1/` });

  it('names empty, HTML, truncated and too deeply nested bodies as bad_response', async () => {
    const cases: Array<[{ text: string; contentType?: string }, RegExp]> = [
      [{ text: '' }, /answered with an empty body instead of JSON/],
      [{ text: '<!doctype html><p>hi</p>', contentType: 'text/html' }, /answered with an HTML page/],
      [{ text: '{"success":true,"status":"conn', contentType: 'application/json' }, /not valid JSON/],
      [
        { text: `{"success":true,"status":${'['.repeat(300_000)}${']'.repeat(300_000)}}` },
        /unknown status an array|could not be read|not valid JSON/,
      ],
    ];
    for (const [answer, message] of cases) {
      server.routes['wpp-status'] = () => answer;
      await expect(backend().getStatus(ref1, signal())).rejects.toMatchObject({
        code: 'bad_response',
        message: expect.stringMatching(message),
      });
    }
  });

  it('maps HTTP codes with the body reason, and scrubs keys from it', async () => {
    const cases: Array<[number, string]> = [
      [401, 'unauthorized'],
      [403, 'forbidden'],
      [404, 'not_found'],
      [400, 'bad_request'],
      [429, 'rate_limited'],
      [408, 'timeout'],
      [502, 'server'],
    ];
    for (const [status, code] of cases) {
      server.routes['wpp-status'] = () => ({ status, json: { success: false, error: `refused ${status}` } });
      await expect(backend().getStatus(ref1, signal())).rejects.toMatchObject({
        code,
        message: `wpp-status failed (HTTP ${status}): refused ${status}`,
      });
    }
    server.routes['wpp-status'] = () => ({
      status: 500,
      json: { error: 'Invalid API key wppk_0123456789abcdef0123' },
    });
    const error = (await backend()
      .getStatus(ref1, signal())
      .catch((e: unknown) => e)) as WppError;
    expect(error.message).toMatch(/Invalid API key ••••/);
    expect(error.message).not.toContain('0123456789abcdef');
  });

  it('reports a request that never got an answer as a retryable network error', async () => {
    const dead = await startContractServer();
    await dead.close();
    const error = (await createFetchBackend({ url: dead.url })
      .getStatus(ref1, signal())
      .catch((e: unknown) => e)) as WppError;
    expect(error).toBeInstanceOf(WppError);
    expect([error.code, error.retryable]).toEqual(['network', true]);
  });

  it('uses the fetch it is given', async () => {
    const urls: string[] = [];
    const custom = createFetchBackend({
      url: 'https://functions.invalid/v1',
      fetch: async (url, init) => {
        urls.push(`${init.method} ${url}`);
        return new Response(JSON.stringify({ success: true, status: 'connected' }), { status: 200 });
      },
    });
    await expect(custom.getStatus(ref1, signal())).resolves.toEqual({ status: 'connected' });
    expect(urls).toEqual(['POST https://functions.invalid/v1/wpp-status']);
  });

  it('refuses to start without a url', () => {
    expect(() => createFetchBackend({ url: '' })).toThrow(/options.url is required/);
  });
});

describe('readResponse and requestFailure', () => {
  const answer = (status: number, text: string) => new Response(text, { status });

  it('gives the JSON of a 2xx, whatever its shape', async () => {
    await expect(readResponse('fn', answer(200, '[1,2]'))).resolves.toEqual([1, 2]);
    await expect(readResponse('fn', answer(200, '{"ok":true}'))).resolves.toEqual({ ok: true });
  });

  it('turns an HTTP error into its code, with the reason of any error envelope', async () => {
    await expect(readResponse('fn', answer(403, '{"error":{"message":"No role"}}'))).rejects.toMatchObject({
      code: 'forbidden',
      message: 'fn failed (HTTP 403): No role',
    });
    await expect(readResponse('fn', answer(503, ''))).rejects.toMatchObject({
      code: 'server',
      message: 'fn failed (HTTP 503): empty body',
    });
    await expect(readResponse('fn', answer(500, '<html>oops</html>'))).rejects.toMatchObject({
      message: 'fn failed (HTTP 500): an HTML page',
    });
  });

  it('refuses a 2xx that is empty, text or broken JSON', async () => {
    await expect(readResponse('fn', answer(200, ''))).rejects.toMatchObject({
      code: 'bad_response',
      message: 'fn answered with an empty body instead of JSON',
    });
    await expect(readResponse('fn', answer(200, 'OK'))).rejects.toMatchObject({
      message: 'fn answered with text "OK" instead of JSON',
    });
    await expect(readResponse('fn', answer(200, '{"a":'))).rejects.toMatchObject({
      message: 'fn answered with a body that is not valid JSON',
    });
  });

  it('passes an abort reason on, and names any other failure network', () => {
    const controller = new AbortController();
    const reason = new Error('left the state');
    controller.abort(reason);
    expect(requestFailure('fn', new TypeError('aborted'), controller.signal)).toBe(reason);
    const failure = requestFailure('fn', new TypeError('fetch failed'), signal());
    expect(failure).toBeInstanceOf(WppError);
    expect(failure).toMatchObject({ code: 'network', message: 'fn: fetch failed', retryable: true });
  });
});

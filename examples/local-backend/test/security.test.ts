import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dataDirSecret,
  type LocalBackend,
  PUBLIC_SUPABASE_DEV_SECRET,
  signToken,
  startLocalBackend,
} from '../src/index.js';
import { call, createNumber, orgs } from './helpers.js';

// Issue 11, tried as an attacker would from a page on a foreign origin, over real HTTP. Each refusal has the status
// and body the README's "Security" section documents.
let backend: LocalBackend;
let tokenA: string;
let tokenB: string;
let idA: string;

const PANEL = 'http://127.0.0.1:5173';
const FOREIGN = 'https://evil.example';
/** This file's backend signs with a known secret, so a test can sign a token without exp with it. */
const SECRET = 'a-test-secret-of-at-least-32-characters!';

beforeAll(async () => {
  backend = await startLocalBackend({
    startDelayMs: 0,
    quiet: true,
    allowedOrigins: [PANEL],
    jwtSecret: SECRET,
  });
  ({
    a: { token: tokenA },
    b: { token: tokenB },
  } = orgs(backend));
  idA = (await createNumber(backend, tokenA)).integration_id;
});
afterAll(() => backend.close());

/** Every route, with a body that would succeed for organization A. */
const routes = (): Array<{ method: string; path: string; body?: unknown }> => [
  { method: 'GET', path: '/functions/v1/messenger-integrations' },
  { method: 'POST', path: '/functions/v1/wpp-create', body: { add_new: true } },
  { method: 'POST', path: '/functions/v1/wpp-status', body: { integration_id: idA } },
  { method: 'GET', path: `/functions/v1/wpp-qr?integration_id=${idA}` },
  { method: 'POST', path: '/functions/v1/wpp-start', body: { integration_id: idA } },
  { method: 'POST', path: '/functions/v1/wpp-disconnect', body: { integration_id: idA } },
  { method: 'GET', path: '/rest/v1/messenger_integrations?select=*' },
  ...DEV_ROUTES(),
  { method: 'GET', path: '/' },
  { method: 'GET', path: '/no/such/route' },
];

const DEV_ROUTES = (): Array<{ method: string; path: string; body?: unknown }> => [
  { method: 'POST', path: '/dev/scan', body: { integration_id: idA } },
  { method: 'POST', path: '/dev/drop', body: { integration_id: idA } },
  { method: 'POST', path: '/dev/online', body: { integration_id: idA } },
  { method: 'GET', path: `/dev/qr?integration_id=${idA}` },
  { method: 'GET', path: '/dev/faults' },
  { method: 'POST', path: '/dev/faults', body: { errorRate: 1 } },
  { method: 'GET', path: '/dev/config' },
  { method: 'POST', path: '/dev/config', body: { qrExpireMs: 1 } },
  { method: 'POST', path: '/dev/reset', body: {} },
];

/** A request with any `Host` header (fetch would not let us set it). */
function withHost(host: string, pathname: string): Promise<{ status: number; body: unknown; cors: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(`${backend.url}${pathname}`, {
      headers: { Host: host, apikey: backend.anonKey, Authorization: `Bearer ${tokenA}` },
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        text += chunk;
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: JSON.parse(text),
          cors: res.headers['access-control-allow-origin'],
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** The number's live status, as organization A sees it. */
const statusOfA = async () =>
  (
    (
      await call(backend, 'POST', '/functions/v1/wpp-status', {
        token: tokenA,
        body: { integration_id: idA },
      })
    ).body as { status: string }
  ).status;

describe('CORS: only the allowed origins, never *', () => {
  it('refuses a foreign Origin on every route with 403 and no CORS header, and changes nothing', async () => {
    const rowsBefore = await backend.db.query('select id from public.messenger_integrations');
    for (const { method, path, body } of routes()) {
      const answer = await call(backend, method, path, { token: tokenA, body, headers: { Origin: FOREIGN } });
      expect({ route: `${method} ${path}`, status: answer.status, body: answer.body }).toEqual({
        route: `${method} ${path}`,
        status: 403,
        body: {
          message: `Origin not allowed: ${FOREIGN}. Add it to ALLOWED_ORIGINS (or the allowedOrigins option)`,
        },
      });
      expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    }
    const rowsAfter = await backend.db.query('select id from public.messenger_integrations');
    expect(rowsAfter.rows).toEqual(rowsBefore.rows);
    expect(await statusOfA()).toBe('qr_issued');
  });

  it('refuses preflights from other origins, and from `null`, and answers the panel’s', async () => {
    for (const origin of [FOREIGN, 'null', 'http://127.0.0.1:5174', 'http://localhost:5173']) {
      const preflight = await call(backend, 'OPTIONS', '/functions/v1/wpp-create', {
        apikey: null,
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' },
      });
      expect({ origin, status: preflight.status }).toEqual({ origin, status: 403 });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    }
    const panel = await call(backend, 'OPTIONS', '/functions/v1/wpp-create', {
      apikey: null,
      headers: { Origin: PANEL, 'Access-Control-Request-Method': 'POST' },
    });
    expect(panel.status).toBe(200);
    expect(panel.headers.get('access-control-allow-origin')).toBe(PANEL);
  });

  it('refuses a cross-site request that carries no Origin (a foreign <script src> or <img>)', async () => {
    const answer = await call(backend, 'GET', `/dev/qr?integration_id=${idA}`, {
      token: tokenA,
      headers: { 'Sec-Fetch-Site': 'cross-site' },
    });
    expect(answer).toMatchObject({
      status: 403,
      body: { message: 'Cross-site request without an allowed Origin' },
    });
  });

  it('an origin can be allowed by configuration, and * is not an origin', async () => {
    await expect(startLocalBackend({ allowedOrigins: ['*'], quiet: true })).rejects.toThrow(/not an origin/);
    const other = await startLocalBackend({ allowedOrigins: ['http://localhost:3000/'], quiet: true });
    try {
      const answer = await call(other, 'GET', '/', { headers: { Origin: 'http://localhost:3000' } });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    } finally {
      await other.close();
    }
  });
});

describe('DNS rebinding: only a loopback Host with the server’s port', () => {
  it('refuses a foreign Host name (a page that pointed its own name at 127.0.0.1) and a wrong port', async () => {
    for (const host of ['evil.example', `evil.example:${backend.port}`, '127.0.0.1', `127.0.0.1:1`]) {
      const answer = await withHost(host, '/functions/v1/messenger-integrations');
      expect(answer).toEqual({
        status: 403,
        body: {
          message: `Host not allowed: "${host}". The local backend answers only 127.0.0.1:${backend.port} and localhost:${backend.port}`,
        },
        cors: undefined,
      });
    }
    for (const host of [
      `127.0.0.1:${backend.port}`,
      `localhost:${backend.port}`,
      `LOCALHOST:${backend.port}`,
    ]) {
      expect((await withHost(host, '/functions/v1/messenger-integrations')).status).toBe(200);
    }
  });
});

describe('apikey on every route, as Supabase’s gateway checks it', () => {
  it('without apikey every route answers 401 No API key, even with a valid bearer token', async () => {
    for (const { method, path, body } of routes()) {
      const answer = await call(backend, method, path, { token: tokenA, body, apikey: null });
      expect({ route: `${method} ${path}`, status: answer.status, body: answer.body }).toEqual({
        route: `${method} ${path}`,
        status: 401,
        body: { message: 'No API key found in request' },
      });
    }
  });

  it('a key that is not this server’s anon key is refused: a user token, the old public one, garbage', async () => {
    const oldAnon = await signToken(PUBLIC_SUPABASE_DEV_SECRET, { role: 'anon' });
    for (const key of [tokenA, oldAnon, 'garbage']) {
      const answer = await call(backend, 'GET', '/functions/v1/messenger-integrations', {
        token: tokenA,
        apikey: key,
      });
      expect(answer).toMatchObject({ status: 401, body: { message: 'Invalid API key' } });
    }
  });

  it('accepts ?apikey= as the gateway does, and does not read it as a column filter', async () => {
    const answer = await call(
      backend,
      'GET',
      `/rest/v1/messenger_integrations?select=id&apikey=${backend.anonKey}`,
      { token: tokenA, apikey: null },
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(expect.arrayContaining([{ id: idA }]));
  });
});

describe('/dev/*: a token on every route, acting only inside its organization', () => {
  it('every /dev route without a token answers 401 Missing authorization', async () => {
    for (const { method, path, body } of DEV_ROUTES()) {
      const answer = await call(backend, method, path, { body });
      expect({ route: `${method} ${path}`, status: answer.status, body: answer.body }).toEqual({
        route: `${method} ${path}`,
        status: 401,
        body: { error: 'Missing authorization' },
      });
    }
  });

  it('the other organization’s token finds none of A’s numbers, and its faults, timing and reset stay its own', async () => {
    for (const route of ['scan', 'drop', 'online']) {
      expect(
        await call(backend, 'POST', `/dev/${route}`, { token: tokenB, body: { integration_id: idA } }),
      ).toMatchObject({ status: 404, body: { error: 'WPP integration not found' } });
    }
    expect(await call(backend, 'GET', `/dev/qr?integration_id=${idA}`, { token: tokenB })).toMatchObject({
      status: 404,
      body: { error: 'WPP integration not found' },
    });
    const configA = (await call(backend, 'GET', '/dev/config', { token: tokenA })).body;
    try {
      expect(
        await call(backend, 'POST', '/dev/faults', { token: tokenB, body: { errorRate: 1 } }),
      ).toMatchObject({ status: 200, body: { faults: { errorRate: 1 } } });
      expect(
        await call(backend, 'POST', '/dev/config', { token: tokenB, body: { qrExpireMs: 1 } }),
      ).toMatchObject({ status: 200, body: { config: { qrExpireMs: 1 } } });
      // A's calls are not faulted, A's QR did not expire, A's settings are untouched.
      expect(await statusOfA()).toBe('qr_issued');
      expect((await call(backend, 'GET', '/dev/faults', { token: tokenA })).body).toMatchObject({
        faults: { errorRate: 0 },
      });
      expect((await call(backend, 'GET', '/dev/config', { token: tokenA })).body).toEqual(configA);
      // B's own calls are faulted.
      expect(
        (await call(backend, 'POST', '/functions/v1/wpp-status', { token: tokenB, body: {} })).status,
      ).toBe(500);
      // B's reset leaves A's rows and platform accounts alone.
      expect(await call(backend, 'POST', '/dev/reset', { token: tokenB, body: {} })).toMatchObject({
        status: 200,
        body: { ok: true },
      });
      const { rows } = await backend.db.query('select id from public.messenger_integrations where id = $1', [
        idA,
      ]);
      expect(rows).toHaveLength(1);
      expect(await statusOfA()).toBe('qr_issued');
      // The reset cleared B's faults too.
      expect(
        (await call(backend, 'POST', '/functions/v1/wpp-status', { token: tokenB, body: {} })).status,
      ).toBe(200);
    } finally {
      await call(backend, 'POST', '/dev/faults', { token: tokenB, body: {} });
      await call(backend, 'POST', '/dev/reset', { token: tokenB, body: {} });
    }
  });

  it('drop takes a number offline and online brings it back connected', async () => {
    const { integration_id: id } = await createNumber(backend, tokenA);
    const statusOf = async () =>
      (
        (
          await call(backend, 'POST', '/functions/v1/wpp-status', {
            token: tokenA,
            body: { integration_id: id },
          })
        ).body as { status: string }
      ).status;
    expect(
      await call(backend, 'POST', '/dev/online', { token: tokenA, body: { integration_id: id } }),
    ).toEqual(expect.objectContaining({ status: 200, body: { ok: true, status: 'connected' } }));
    expect(await statusOf()).toBe('connected');
    await call(backend, 'POST', '/dev/drop', { token: tokenA, body: { integration_id: id } });
    expect(await statusOf()).toBe('disconnected');
    await call(backend, 'POST', '/dev/online', { token: tokenA, body: { integration_id: id } });
    expect(await statusOf()).toBe('connected');
  });
});

describe('tokens: this server’s secret, with exp', () => {
  const sub = () => orgs(backend).a.userId;
  const bad = async () => ({
    withoutExp: await new SignJWT({ sub: sub(), role: 'authenticated' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuedAt()
      .sign(new TextEncoder().encode('x'.repeat(40))),
    oldPublicSecret: await signToken(PUBLIC_SUPABASE_DEV_SECRET, { sub: sub(), role: 'authenticated' }),
    forgedPayload: forge(tokenA, { sub: orgs(backend).b.userId }),
    algNone: `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: sub(), role: 'authenticated', exp: 4e9 })}.`,
  });

  it('refuses a token without exp even when it is signed with this server’s secret', async () => {
    const token = await new SignJWT({ sub: sub(), role: 'authenticated' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuedAt()
      .sign(new TextEncoder().encode(SECRET));
    // The token is otherwise good: the same claims with exp pass.
    const withExp = await backend.signToken({ sub: sub(), role: 'authenticated' });
    expect(
      (await call(backend, 'GET', '/functions/v1/messenger-integrations', { token: withExp })).status,
    ).toBe(200);
    expect(await call(backend, 'GET', '/functions/v1/messenger-integrations', { token })).toMatchObject({
      status: 401,
      body: { success: false, error: 'Invalid token' },
    });
  });

  it('refuses tokens without exp, signed with the old public secret, forged or alg:none, on every family', async () => {
    for (const [kind, token] of Object.entries(await bad())) {
      const fn = await call(backend, 'POST', '/functions/v1/wpp-status', {
        token,
        body: { integration_id: idA },
      });
      expect({ kind, status: fn.status, body: fn.body }).toEqual({
        kind,
        status: 401,
        body: { success: false, error: 'Unauthorized' },
      });
      const dev = await call(backend, 'POST', '/dev/scan', { token, body: { integration_id: idA } });
      expect({ kind, status: dev.status, body: dev.body }).toEqual({
        kind,
        status: 401,
        body: { error: 'Unauthorized' },
      });
      const rest = await call(backend, 'GET', '/rest/v1/messenger_integrations?select=id', { token });
      expect({ kind, status: rest.status, code: (rest.body as { code: string }).code }).toEqual({
        kind,
        status: 401,
        code: 'PGRST301',
      });
      const asKey = await call(backend, 'GET', '/', { apikey: token });
      expect({ kind, status: asKey.status, body: asKey.body }).toEqual({
        kind,
        status: 401,
        body: { message: 'Invalid API key' },
      });
    }
  });

  it('each in-memory backend signs with a secret of its own; the public secret is refused as an option', async () => {
    const other = await startLocalBackend({ quiet: true });
    try {
      expect(other.anonKey).not.toBe(backend.anonKey);
      const answer = await call(other, 'GET', '/functions/v1/messenger-integrations', { token: tokenA });
      expect(answer).toMatchObject({ status: 401, body: { success: false, error: 'Invalid token' } });
    } finally {
      await other.close();
    }
    await expect(startLocalBackend({ jwtSecret: PUBLIC_SUPABASE_DEV_SECRET, quiet: true })).rejects.toThrow(
      /public Supabase development secret/,
    );
  });

  it('a data folder gets a random secret on first start, kept with mode 0600 and read back after', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wpp-secret-'));
    try {
      const first = dataDirSecret(dir);
      expect(first.length).toBeGreaterThanOrEqual(32);
      expect(statSync(path.join(dir, 'jwt-secret')).mode & 0o777).toBe(0o600);
      expect(dataDirSecret(dir)).toBe(first);
      const other = mkdtempSync(path.join(tmpdir(), 'wpp-secret-'));
      expect(dataDirSecret(other)).not.toBe(first);
      rmSync(other, { recursive: true, force: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('bad input: 400 with a clear message, never a raw database error or a 500', () => {
  it('refuses NUL bytes in the query of every family and in JSON bodies', async () => {
    const urlNul = 'NUL bytes (\\u0000) are not accepted in the URL';
    const bodyNul = 'NUL bytes (\\u0000) are not accepted in the body';
    const cases: Array<[string, string, unknown, unknown]> = [
      ['GET', '/functions/v1/wpp-qr?session=abc%00', undefined, { success: false, error: urlNul }],
      [
        'GET',
        '/functions/v1/messenger-integrations?messenger_type=wh%00',
        undefined,
        { success: false, error: urlNul },
      ],
      [
        'GET',
        '/rest/v1/messenger_integrations?name=eq.%00',
        undefined,
        { code: 'PGRST100', details: null, hint: null, message: urlNul },
      ],
      ['POST', '/functions/v1/wpp-qr', { session: 'a\u0000b' }, { success: false, error: bodyNul }],
      ['POST', '/functions/v1/wpp-disconnect', { integration_id: '\u0000' }, { error: bodyNul }],
      ['POST', '/dev/faults', { '\u0000': 1 }, { error: bodyNul }],
    ];
    for (const [method, path, body, expected] of cases) {
      const answer = await call(backend, method, path, { token: tokenA, body });
      expect({ path, status: answer.status, body: answer.body }).toEqual({
        path,
        status: 400,
        body: expected,
      });
    }
    // A raw NUL byte in the body, too.
    const raw = await call(backend, 'POST', '/functions/v1/wpp-status', {
      token: tokenA,
      rawBody: '{"x":"\u0000"}',
    });
    expect(raw).toMatchObject({ status: 400, body: { success: false, error: bodyNul } });
  });

  it('refuses bodies and query strings that are not UTF-8', async () => {
    const body = await call(backend, 'POST', '/functions/v1/wpp-status', {
      token: tokenA,
      rawBody: new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), // {"a":"\xff\xfe"}
    });
    expect(body).toMatchObject({
      status: 400,
      body: { success: false, error: 'The request body is not valid UTF-8' },
    });
    const query = await call(backend, 'GET', '/functions/v1/messenger-integrations?messenger_type=%FF', {
      token: tokenA,
    });
    expect(query).toMatchObject({
      status: 400,
      body: {
        success: false,
        error: 'The query string has a malformed percent-escape or bytes that are not UTF-8',
      },
    });
  });
});

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** The token with some claims changed, its signature kept. */
function forge(token: string, claims: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.');
  const decoded = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
  return `${header}.${b64({ ...decoded, ...claims })}.${signature}`;
}

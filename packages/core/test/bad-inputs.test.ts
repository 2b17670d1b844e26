import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import {
  createWppSessions,
  type SessionsView,
  type SessionView,
  sessionsView,
  sessionView,
} from '../src/index.js';
import { createSupabaseBackend } from '../src/supabase.js';
import { type Answer, type ContractServer, row, startContractServer } from './helpers/contract-server.js';

// Bad inputs drawn from reference/backend-contract.md, each fed to a real collection actor over real HTTP.
// A bad row or a bad status answer must give a specific error on that one session while its neighbour stays
// fine; a bad list must give a specific error on the list. Nothing may throw out of an actor.

type Expect = {
  status: SessionView['status'];
  code?: string;
  message?: RegExp;
  check?: (view: SessionView) => void;
};

interface SessionCase {
  name: string;
  rows?: unknown[];
  status?: Answer;
  expect: Expect;
}

const PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const json = (body: unknown, status = 200): Answer => ({ status, json: body });

const rowCases: SessionCase[] = [
  {
    name: 'settings.wppAccountNumber missing',
    rows: [row({ n: 1 }, { wppAccountNumber: undefined })],
    expect: { status: 'error', code: 'invalid_record', message: /settings\.wppAccountNumber is missing/ },
  },
  {
    name: 'wppAccountNumber renamed (legacy wppSession key only)',
    rows: [row({ n: 1 }, { wppAccountNumber: undefined, wppSession: 'org_abc' })],
    expect: { status: 'error', code: 'invalid_record', message: /wppAccountNumber is missing/ },
  },
  {
    name: 'wppAccountNumber of the wrong type',
    rows: [row({ n: 1 }, { wppAccountNumber: 1 })],
    expect: {
      status: 'error',
      code: 'invalid_record',
      message: /wppAccountNumber should be string, got number$/,
    },
  },
  {
    name: 'wppAccountNumber is a masked placeholder',
    rows: [row({ n: 1 }, { wppAccountNumber: '••••••••0001' })],
    expect: { status: 'error', code: 'invalid_record', message: /not a WPP session id/ },
  },
  {
    name: 'stale wppAccountNumber "client_system"',
    rows: [row({ n: 1 }, { wppAccountNumber: 'client_system' })],
    expect: { status: 'error', code: 'invalid_record', message: /stale placeholder "client_system"/ },
  },
  {
    name: 'wppApiKey missing',
    rows: [row({ n: 1 }, { wppApiKey: undefined })],
    expect: { status: 'error', code: 'invalid_record', message: /settings\.wppApiKey is missing/ },
  },
  {
    name: 'id that is a session name, not a uuid',
    rows: [row({ n: 1, id: 'wpp_0000000000001' })],
    expect: { status: 'error', code: 'invalid_record', message: /id is not a uuid/ },
  },
  {
    name: 'id missing',
    rows: [row({ n: 1, id: undefined })],
    expect: { status: 'error', code: 'invalid_record', message: /id is missing/ },
  },
  {
    name: 'settings stored as text that is not JSON',
    rows: [row({ n: 1, settings: '{wppApiKey:' })],
    expect: { status: 'error', code: 'invalid_record', message: /settings is text that is not JSON/ },
  },
  {
    name: 'settings that are an array',
    rows: [row({ n: 1, settings: [1] })],
    expect: { status: 'error', code: 'invalid_record', message: /^settings should be object, got an array$/ },
  },
  {
    name: 'is_primary of the wrong type',
    rows: [row({ n: 1, is_primary: 'yes' })],
    expect: { status: 'error', code: 'invalid_record', message: /is_primary should be boolean/ },
  },
  {
    name: 'a null row in the list',
    rows: [null],
    expect: { status: 'error', code: 'invalid_record', message: /row 0 is null, not an object/ },
  },
  {
    name: 'HTML in the name stays text',
    rows: [row({ n: 1, name: '<img src=x onerror=alert(1)>' })],
    expect: { status: 'connected', check: (view) => expect(view.name).toBe('<img src=x onerror=alert(1)>') },
  },
  {
    name: 'settings as JSON text (jsonb read as a string) are accepted',
    rows: [row({ n: 1, settings: JSON.stringify(row({ n: 1 }).settings) })],
    expect: { status: 'connected' },
  },
  {
    name: 'legacy provider_type column instead of provider',
    rows: [row({ n: 1, provider: undefined, provider_type: 'wpp' })],
    expect: { status: 'connected' },
  },
];

const statusCases: SessionCase[] = [
  {
    name: 'unknown status word',
    status: json({ success: true, status: 'banana' }),
    expect: { status: 'error', code: 'bad_response', message: /unknown status "banana"/ },
  },
  {
    name: 'no status at all',
    status: json({ success: true }),
    expect: { status: 'error', code: 'bad_response', message: /without a status/ },
  },
  {
    name: 'status "error" from wpp-status',
    status: json({ success: true, status: 'error', message: 'upstream exploded' }),
    expect: { status: 'error', code: 'server', message: /upstream exploded/ },
  },
  {
    name: 'javascript: QR',
    status: json({ success: true, status: 'qr_issued', qrcode: 'javascript:alert(1)' }),
    expect: { status: 'error', code: 'invalid_qr', message: /scheme "javascript:"/ },
  },
  {
    name: 'SVG data-URL QR',
    status: json({ success: true, status: 'qr_issued', qrcode: 'data:image/svg+xml;base64,PHN2Zz4=' }),
    expect: { status: 'error', code: 'invalid_qr', message: /refused/ },
  },
  {
    name: 'oversized text QR',
    status: json({ success: true, status: 'qr_issued', qrcode: `2@${'x'.repeat(5000)}` }),
    expect: { status: 'error', code: 'invalid_qr', message: /too long/ },
  },
  {
    name: 'QR that is an object',
    status: json({ success: true, status: 'qr_issued', qrcode: { base64: 'x' } }),
    expect: { status: 'error', code: 'invalid_qr', message: /QR must be text, got object/ },
  },
  {
    name: 'QR under "qr" instead of "qrcode"',
    status: json({ success: true, status: 'qr_issued', qr: '2@renamed' }),
    expect: { status: 'qr_issued', check: (v) => expect(v.qr).toEqual({ kind: 'text', value: '2@renamed' }) },
  },
  {
    name: 'QR nested as data.qr',
    status: json({ success: true, status: 'qr_issued', data: { qr: '2@nested' } }),
    expect: { status: 'qr_issued', check: (v) => expect(v.qr).toEqual({ kind: 'text', value: '2@nested' }) },
  },
  {
    name: 'legacy data-URL PNG QR',
    status: json({ success: true, status: 'QRCODE', qrcode: PNG }),
    expect: { status: 'qr_issued', check: (v) => expect(v.qr).toEqual({ kind: 'image', src: PNG }) },
  },
  {
    name: 'answer for another number (integration_id ignored)',
    status: json({ success: true, status: 'connected', account_number: '0000000000002' }),
    expect: {
      status: 'error',
      code: 'bad_response',
      message: /answered for number 0000000000002, not 0000000000001/,
    },
  },
  {
    name: 'empty body',
    status: { status: 200, text: '' },
    expect: { status: 'error', code: 'bad_response', message: /empty body/ },
  },
  {
    name: 'HTML error page with 200',
    status: { status: 200, text: '<html><body>Bad gateway</body></html>', contentType: 'text/html' },
    expect: { status: 'error', code: 'bad_response', message: /an HTML page/ },
  },
  {
    name: 'HTML error page with 502',
    status: { status: 502, text: '<html><body>502 Bad Gateway</body></html>', contentType: 'text/html' },
    expect: { status: 'error', code: 'server', message: /HTTP 502.*HTML page/ },
  },
  {
    name: '{success:false,error} envelope on 500',
    status: json({ success: false, error: 'WPP_SECRET not configured' }, 500),
    expect: { status: 'error', code: 'server', message: /WPP_SECRET not configured/ },
  },
  {
    name: 'bare {error} 404 from a function',
    status: json({ error: 'WPP integration not found' }, 404),
    expect: { status: 'error', code: 'not_found', message: /WPP integration not found/ },
  },
  {
    name: '{success:false} with HTTP 200',
    status: json({ success: false, error: 'Account lookup failed' }),
    expect: { status: 'error', code: 'server', message: /Account lookup failed/ },
  },
  {
    name: 'upstream word "offline" (wpp reports errors as offline)',
    status: json({ success: true, status: 'offline' }),
    expect: { status: 'disconnected', check: (v) => expect(v.reason).toBe('offline') },
  },
  {
    name: '401 Invalid token',
    status: json({ success: false, error: 'Invalid token' }, 401),
    expect: { status: 'error', code: 'unauthorized', message: /Invalid token/ },
  },
];

interface ListCase {
  name: string;
  answer: Answer;
  code: string;
  message: RegExp;
}

const listCases: ListCase[] = [
  { name: 'empty body', answer: { text: '' }, code: 'bad_response', message: /empty body/ },
  {
    name: 'HTML page',
    answer: { text: '<!doctype html><title>504</title>', contentType: 'text/html' },
    code: 'bad_response',
    message: /HTML page/,
  },
  {
    name: 'envelope without integrations',
    answer: { json: { success: true } },
    code: 'bad_response',
    message: /no "integrations" array/,
  },
  {
    name: 'integrations of the wrong type',
    answer: { json: { success: true, integrations: 'none' } },
    code: 'bad_response',
    message: /"integrations" is text "none", not an array/,
  },
  {
    name: '{success:false,error} envelope',
    answer: { status: 401, json: { success: false, error: 'Authorization required' } },
    code: 'unauthorized',
    message: /Authorization required/,
  },
  {
    name: 'a JSON number',
    answer: { json: 42 },
    code: 'bad_response',
    message: /number 42, not a JSON object or array/,
  },
];

let server: ContractServer;
beforeAll(async () => {
  server = await startContractServer();
});
afterAll(() => server.close());
beforeEach(() => {
  for (const key of Object.keys(server.routes)) delete server.routes[key];
});

const TIMINGS = {
  retryBaseDelay: 60_000,
  qrPollInterval: 60_000,
  pendingPollInterval: 60_000,
  recheckInterval: 0,
};

function start() {
  const errors: unknown[] = [];
  const actor = createWppSessions(createSupabaseBackend(server.client()), { timings: TIMINGS });
  actor.subscribe({ error: (error) => errors.push(error) });
  actor.start();
  return { actor, errors };
}

const settled = (view: SessionView) => !['checking', 'creating'].includes(view.status) && !view.isBusy;

describe.each([
  ['a bad row', rowCases],
  ['a bad status answer', statusCases],
])('%s gives a specific result on that one session', (_kind, cases) => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    const good = row({ n: 2 });
    const first = testCase.rows ?? [row({ n: 1 })];
    server.routes['messenger-integrations'] = () => json({ success: true, integrations: [...first, good] });
    server.routes['wpp-status'] = (request) => {
      const id = (request.body as { integration_id: string }).integration_id;
      if (id === good.id)
        return json({ success: true, status: 'connected', account_number: '0000000000002' });
      return testCase.status ?? json({ success: true, status: 'connected', account_number: '0000000000001' });
    };
    const { actor, errors } = start();
    await waitFor(actor, (s) => s.matches('ready'), { timeout: 3000 });
    // Unusable rows sort last (no trustworthy is_primary / created_at), so find each session by its row.
    const ids = actor.getSnapshot().context.ids;
    const goodId = ids.find((id) => id === good.id);
    const badId = ids.find((id) => id !== good.id);
    const views = await Promise.all(
      [badId!, goodId!].map(async (id) => {
        const ref = actor.getSnapshot().context.refs[id]!;
        return sessionView(await waitFor(ref, (s) => settled(sessionView(s)), { timeout: 3000 }));
      }),
    );
    const [bad, fine] = views as [SessionView, SessionView];
    expect(bad.status).toBe(testCase.expect.status);
    if (testCase.expect.code) expect(bad.error?.code).toBe(testCase.expect.code);
    if (testCase.expect.message) expect(bad.error?.message).toMatch(testCase.expect.message);
    testCase.expect.check?.(bad);
    expect(fine.status).toBe('connected');
    expect(errors).toEqual([]);
    expect(JSON.stringify(actor.getSnapshot().context.refs[badId!]!.getSnapshot())).not.toContain(
      'FULLSECRETKEY',
    );
    actor.stop();
  });
});

describe('a bad list answer gives a specific error on the list', () => {
  it.each(listCases.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    server.routes['messenger-integrations'] = () => testCase.answer;
    const { actor, errors } = start();
    const snapshot = await waitFor(actor, (s) => s.matches('failed'), { timeout: 3000 });
    const view: SessionsView = sessionsView(snapshot);
    expect(view.status).toBe('error');
    expect(view.error?.code).toBe(testCase.code);
    expect(view.error?.message).toMatch(testCase.message);
    expect(view.ids).toEqual([]);
    expect(errors).toEqual([]);
    actor.stop();
  });
});

describe('lists with many rows', () => {
  it('two or more WPP rows each become their own session (no maybeSingle failure), duplicates are flagged', async () => {
    const rows = [row({ n: 1 }), row({ n: 2 }), row({ n: 3 }), row({ n: 2 })];
    server.routes['messenger-integrations'] = () => json({ success: true, integrations: rows });
    server.routes['wpp-status'] = () => json({ success: true, status: 'connected' });
    const { actor } = start();
    const snapshot = await waitFor(actor, (s) => s.matches('ready'), { timeout: 3000 });
    const views = await Promise.all(
      snapshot.context.ids.map(async (id) =>
        sessionView(
          await waitFor(snapshot.context.refs[id]!, (s) => settled(sessionView(s)), { timeout: 3000 }),
        ),
      ),
    );
    // The duplicate has the same created_at as its first copy, so it sorts right after it.
    expect(views.map((v) => v.accountNumber)).toEqual([
      '0000000000001',
      '0000000000002',
      '0000000000002',
      '0000000000003',
    ]);
    expect(views.map((v) => v.status)).toEqual(['connected', 'connected', 'error', 'connected']);
    expect(views[2]!.error).toMatchObject({
      code: 'invalid_record',
      message: expect.stringMatching(/more than once/),
    });
    actor.stop();
  });
});

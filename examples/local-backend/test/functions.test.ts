import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalBackend, startLocalBackend } from '../src/index.js';
import { call, createNumber, orgs } from './helpers.js';

// The function flows the contract describes, in their intended form (backend-contract.md §2.3, §4.3-4.7).
let backend: LocalBackend;
let tokenA: string;
let orgAId: string;

type Row = {
  id: string;
  is_primary: boolean;
  is_active: boolean;
  is_enabled: boolean;
  webhook_key: string;
  settings: Record<string, unknown>;
};
const list = async (query = '') =>
  (
    (await call(backend, 'GET', `/functions/v1/messenger-integrations${query}`, { token: tokenA })).body as {
      integrations: Row[];
    }
  ).integrations;
const create = (body: Record<string, unknown>) =>
  call(backend, 'POST', '/functions/v1/wpp-create', { token: tokenA, body });

beforeAll(async () => {
  backend = await startLocalBackend({ startDelayMs: 0, quiet: true });
  ({ token: tokenA, id: orgAId } = orgs(backend).a);
});
afterAll(() => backend.close());

describe('wpp-create', () => {
  it('without add_new and without rows creates the primary row with both flags and a webhook key', async () => {
    const answer = await create({});
    expect(answer).toMatchObject({ status: 200, body: { success: true, status: 'qr_issued' } });
    const body = answer.body as { session: string; apiKey: string; integration_id: string; qrcode: string };
    expect(body.apiKey).toMatch(/^wppk_.••••••.{4}$/);
    expect(body.qrcode).toMatch(/^2@sim-/);
    const rows = await list();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: body.integration_id,
      is_primary: true,
      is_active: true,
      is_enabled: true,
    });
    expect(rows[0]!.webhook_key).toMatch(/^[0-9a-f-]{36}$/);
    expect(rows[0]!.settings).toMatchObject({ wppAccountNumber: body.session });
  });

  it('add_new always inserts a non-primary row; a plain call then reconnects the primary instead of failing on 2+ rows', async () => {
    const added = (await createNumber(backend, tokenA)).integration_id;
    const rows = await list();
    expect(rows.map((r) => [r.id, r.is_primary])).toEqual([
      [rows[0]!.id, true],
      [added, false],
    ]);
    const again = await create({});
    expect(again).toMatchObject({ status: 200, body: { integration_id: rows[0]!.id } });
    expect(await list()).toHaveLength(2);
  });

  it('connected numbers answer connected without a new QR', async () => {
    const [primary] = await list();
    await call(backend, 'POST', '/dev/scan', { token: tokenA, body: { integration_id: primary!.id } });
    const again = await create({});
    expect(again.body).toMatchObject({ status: 'connected', integration_id: primary!.id });
    expect(again.body).not.toHaveProperty('qrcode');
  });

  it('force_recreate gives the primary a new platform account and stops the old one', async () => {
    const [primary] = await list();
    const oldAccount = primary!.settings.wppAccountNumber as string;
    const recreated = await create({ force_recreate: true });
    const body = recreated.body as { session: string; integration_id: string; status: string };
    expect(body.integration_id).toBe(primary!.id);
    expect(body.session).not.toBe(oldAccount);
    expect(body.status).toBe('qr_issued');
    expect((await backend.platform.status(oldAccount)).known).toBe(false);
    const rows = await list();
    expect(rows.filter((r) => r.is_primary)).toHaveLength(1);
  });

  it('concurrent creates never make two primaries', async () => {
    const { b } = orgs(backend);
    const answers = await Promise.all(
      [1, 2, 3].map(() =>
        call(backend, 'POST', '/functions/v1/wpp-create', { token: b.token, body: { add_new: true } }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    const rows = (
      (await call(backend, 'GET', '/functions/v1/messenger-integrations', { token: b.token })).body as {
        integrations: Row[];
      }
    ).integrations;
    expect(rows).toHaveLength(3);
    expect(rows.filter((r) => r.is_primary)).toHaveLength(1);
  });
});

describe('messenger-integrations', () => {
  it('filters by messenger_type and masks every secret-like settings key', async () => {
    await backend.db.query(
      `insert into public.messenger_integrations (organization_id, messenger_type, provider, name, webhook_key, settings)
       values ($1, 'telegram', 'wappi', 'Telegram', 'tg-key-1', $2::jsonb)`,
      [orgAId, JSON.stringify({ profileId: 'p-1', apiToken: 'tg-secret-token-7777', isBotProfile: false })],
    );
    const all = await list();
    const whatsapp = await list('?messenger_type=whatsapp');
    expect(all.length).toBe(whatsapp.length + 1);
    const telegram = all.find((r) => !whatsapp.some((w) => w.id === r.id))!;
    expect(telegram.settings).toEqual({ profileId: 'p-1', apiToken: '••••••••7777', isBotProfile: false });
    for (const row of whatsapp) {
      expect(row.settings.wppApiKey).toMatch(/^•{8}.{4}$/);
      expect(row.settings.wppJwtToken).toMatch(/^•{8}.{4}$/);
      expect(row.settings.wppAccountNumber).toMatch(/^\d{13}$/);
    }
  });

  it('wpp-status without integration_id answers for the primary, and a row switched off is not found', async () => {
    const [primary, second] = await list('?messenger_type=whatsapp');
    const status = await call(backend, 'POST', '/functions/v1/wpp-status', { token: tokenA, body: {} });
    expect(status.body).toMatchObject({ account_number: primary!.settings.wppAccountNumber });
    await backend.db.query('update public.messenger_integrations set is_enabled = false where id = $1', [
      second!.id,
    ]);
    const off = await call(backend, 'POST', '/functions/v1/wpp-status', {
      token: tokenA,
      body: { integration_id: second!.id },
    });
    expect(off).toMatchObject({ status: 404, body: { error: 'WPP integration not found' } });
    // It can still be removed.
    const removed = await call(backend, 'POST', '/functions/v1/wpp-disconnect', {
      token: tokenA,
      body: { integration_id: second!.id },
    });
    expect(removed).toMatchObject({ status: 200, body: { ok: true, success: true, status: 'disconnected' } });
  });

  it('a row without credentials reads disconnected and can still be disconnected', async () => {
    const { rows } = await backend.db.query<{ id: string }>(
      `insert into public.messenger_integrations (organization_id, messenger_type, provider, name, webhook_key, settings)
       values ($1, 'whatsapp', 'wpp', 'broken', 'broken-key-1', '{"wppAccountNumber":"client_system"}') returning id`,
      [orgAId],
    );
    const id = rows[0]!.id;
    const status = await call(backend, 'POST', '/functions/v1/wpp-status', {
      token: tokenA,
      body: { integration_id: id },
    });
    expect(status.body).toEqual({
      success: true,
      status: 'disconnected',
      message: 'wppApiKey or wppAccountNumber not configured',
      account_number: 'client_system',
    });
    expect(
      await call(backend, 'POST', '/functions/v1/wpp-start', { token: tokenA, body: { integration_id: id } }),
    ).toMatchObject({ status: 400, body: { error: 'wppApiKey not configured in integration settings' } });
    const removed = await call(backend, 'POST', '/functions/v1/wpp-disconnect', {
      token: tokenA,
      body: { integration_id: id },
    });
    expect(removed.status).toBe(200);
  });
});

describe('dev routes', () => {
  it('stats count requests by route, and reset wipes the organization’s rows, sessions and platform accounts', async () => {
    const before = backend.stats.byRoute['GET /functions/v1/messenger-integrations'] ?? 0;
    await list();
    expect(backend.stats.byRoute['GET /functions/v1/messenger-integrations']).toBe(before + 1);

    // Without JSON (a cross-site "simple" POST) or without a token, nothing is wiped.
    expect(
      (
        await call(backend, 'POST', '/dev/reset', {
          rawBody: '{}',
          headers: { 'Content-Type': 'text/plain' },
        })
      ).status,
    ).toBe(415);
    expect((await call(backend, 'POST', '/dev/reset', { body: {} })).status).toBe(401);
    expect(await list()).not.toEqual([]);
    expect((await call(backend, 'POST', '/dev/reset', { body: {}, token: tokenA })).status).toBe(200);
    expect(await list()).toEqual([]);
    const { rows } = await backend.db.query<{ n: number }>(
      `select (select count(*) from public.whatsapp_sessions where organization_id = $1)::int
            + (select count(*) from platform.accounts where organization_id = $1)::int as n`,
      [orgs(backend).a.id],
    );
    expect(rows[0]!.n).toBe(0);
    // Numbers created after a reset do not reuse old account numbers.
    expect((await createNumber(backend, tokenA)).session).not.toBe('0000000000001');
  });

  it('answers unknown paths with 404', async () => {
    expect((await call(backend, 'GET', '/auth/v1/user')).status).toBe(404);
    expect((await call(backend, 'GET', '/dev/nope', { token: tokenA })).status).toBe(404);
    expect(await call(backend, 'GET', '/')).toMatchObject({ status: 200, body: { ok: true } });
  });
});
